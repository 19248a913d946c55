import fs from 'node:fs';
import type net from 'node:net';
import tls from 'node:tls';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {serverNotVerified} from '../../source/cluster/cluster-error.ts';
import {ServerJudge} from '../../source/cluster/server-verification.ts';
import {requestMessage, ResponseReader, WireClient, wireBadResponse, wireDropped, wireTimeout, type WireError} from '../../source/cluster/wire-client.ts';
import {makeOpensslFixtures, type OpensslFixtures} from '../support/openssl-fixtures.ts';

// The wire client speaks HTTP/1.1 itself, so its framing is held to the bytes servers really send: every
// response below is fed whole and one byte at a time. Against TLS servers on loopback (certificates made
// by openssl): connections are kept and reused, a kept one the server dropped is replaced once, a
// timeout or a drop mid-answer fails the request, and a server kubectl would refuse hears nothing.

/** Feeds a response in pieces of `size` bytes; the reader's verdict on each. */
function read(response: string, size: number): {reader: ResponseReader; complete: boolean[]} {
	const reader = new ResponseReader();
	const bytes = Buffer.from(response, 'utf8');
	const complete: boolean[] = [];
	for (let at = 0; at < bytes.length; at += size) complete.push(reader.feed(bytes.subarray(at, at + size)));
	return {reader, complete};
}

describe('reading an HTTP/1.1 response', () => {
	const cases: Array<{name: string; response: string; body: string; status: number; keepAlive: boolean}> = [
		{name: 'a content length', response: 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 10\r\n\r\n{"a":"é"}', body: '{"a":"é"}', status: 200, keepAlive: true},
		{
			name: 'chunks with an extension and trailers',
			response: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n4;name=x\r\n{"a"\r\n3\r\n:1}\r\n0\r\nX-Trailer: yes\r\n\r\n',
			body: '{"a":1}',
			status: 200,
			keepAlive: true,
		},
		{name: 'an interim 100 Continue first', response: 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\n{}', body: '{}', status: 201, keepAlive: true},
		{name: 'Connection: close', response: 'HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}', body: '{}', status: 403, keepAlive: false},
		{name: 'no body for 204', response: 'HTTP/1.1 204 No Content\r\n\r\n', body: '', status: 204, keepAlive: true},
		{name: 'HTTP/1.0 without keep-alive', response: 'HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\n{}', body: '{}', status: 200, keepAlive: false},
	];

	for (const example of cases) {
		it(`reads ${example.name}, whole and a byte at a time`, () => {
			for (const size of [1_000_000, 1]) {
				const {reader, complete} = read(example.response, size);
				expect(complete.at(-1)).toBe(true);
				expect(complete.slice(0, -1)).not.toContain(true);
				const response = reader.response();
				expect([response.status, response.body, reader.keepAlive]).toEqual([example.status, example.body, example.keepAlive]);
			}
		});
	}

	it('reads an answer framed by the close only when the connection ends', () => {
		const {reader, complete} = read('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nhello', 3);
		expect(complete).not.toContain(true);
		expect(reader.endsAtClose()).toBe(true);
		expect([reader.response().body, reader.response().contentType, reader.keepAlive]).toEqual(['hello', 'text/plain', false]);
		expect(read('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhel', 100).reader.endsAtClose()).toBe(false);
	});

	it('does not trust the connection for another answer after bytes past the end of this one', () => {
		const {reader, complete} = read('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}garbage', 1_000);
		expect(complete).toEqual([true]);
		expect(reader.keepAlive).toBe(false);
	});

	for (const [name, response] of [
		['a status line that is not HTTP/1.x', 'HTTP/2 200\r\n\r\n'],
		['a header line without a name', 'HTTP/1.1 200 OK\r\n: value\r\n\r\n'],
		['a folded header line', 'HTTP/1.1 200 OK\r\nX-A: 1\r\n  continued\r\n\r\n'],
		['a transfer encoding other than chunked', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n'],
		['two different content lengths', 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}'],
		['a malformed chunk size', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'],
		['a chunk longer than it says', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}}\r\n0\r\n\r\n'],
		['a protocol switch', 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n'],
		['a head that never ends', `HTTP/1.1 200 OK\r\nX-Long: ${'a'.repeat(70_000)}`],
		['a chunk size line that never ends', `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1${' '.repeat(2000)}`],
	] as const) {
		it(`refuses ${name}`, () => {
			expect(() => read(response, 1_000)).toThrow(expect.objectContaining({code: wireBadResponse}));
		});
	}
});

describe('writing a request', () => {
	it('sends one header line per value, and the length of the body in bytes', () => {
		const message = requestMessage('POST', '/apis/x?y=1', '127.0.0.1:6443', {Accept: 'application/json', 'Impersonate-Group': ['a', 'b,c']}, '{"name":"é"}').toString('utf8');
		expect(message).toBe('POST /apis/x?y=1 HTTP/1.1\r\nHost: 127.0.0.1:6443\r\nAccept: application/json\r\nImpersonate-Group: a\r\nImpersonate-Group: b,c\r\nContent-Type: application/json\r\nContent-Length: 13\r\n\r\n{"name":"é"}');
	});

	it('refuses a header value that would break the request apart, as Node does', () => {
		expect(() => requestMessage('GET', '/', 'h', {Authorization: 'Bearer x\r\nX-Evil: 1'})).toThrow(expect.objectContaining({code: 'ERR_INVALID_CHAR'}));
	});
});

describe('the wire client against TLS servers on loopback', () => {
	let fixtures: OpensslFixtures;
	const servers: tls.Server[] = [];

	beforeAll(() => {
		fixtures = makeOpensslFixtures();
	});

	afterAll(async () => {
		for (const server of servers) await new Promise((resolve) => server.close(resolve));
		fixtures?.cleanup();
	});

	type Behaviour = (request: string, socket: tls.TLSSocket, requestOnConnection: number) => void;

	/** A TLS server with the good server certificate that hands each request's head to `behaviour`. */
	async function serve(behaviour: Behaviour): Promise<{port: number; connections: () => number; bytesSeen: () => number}> {
		let connections = 0;
		let bytesSeen = 0;
		const server = tls.createServer({cert: fixtures.serverGood.pem, key: fs.readFileSync(fixtures.serverGood.key)}, (socket) => {
			connections++;
			let pending = '';
			let count = 0;
			socket.on('data', (chunk: Buffer) => {
				bytesSeen += chunk.length;
				pending += chunk.toString('latin1');
				for (let end = pending.indexOf('\r\n\r\n'); end !== -1; end = pending.indexOf('\r\n\r\n')) {
					const head = pending.slice(0, end);
					pending = pending.slice(end + 4);
					behaviour(head, socket, ++count);
				}
			});
			socket.on('error', () => {});
		});
		servers.push(server);
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		return {port: (server.address() as net.AddressInfo).port, connections: () => connections, bytesSeen: () => bytesSeen};
	}

	const answer = (socket: tls.TLSSocket, body: string) => socket.write(`HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
	const clientFor = (port: number, caPem = fixtures.ca.pem) => new WireClient({host: '127.0.0.1', port, servername: undefined}, new ServerJudge({caPem, name: '127.0.0.1'}));
	const secureContext = () => ({secureContext: tls.createSecureContext({ca: []}), rejectUnauthorized: false});
	const get = (path: string) => requestMessage('GET', path, '127.0.0.1', {Accept: 'application/json'});

	it('keeps a connection and sends the next request on it', async () => {
		const server = await serve((head, socket) => answer(socket, JSON.stringify({path: head.split(' ')[1]})));
		const client = clientFor(server.port);
		const context = secureContext();
		try {
			for (const path of ['/api', '/apis', '/version']) expect(JSON.parse((await client.request(get(path), context, 3000)).body)).toEqual({path});
			expect(server.connections()).toBe(1);
			// Two at once need two connections: the kept one and a new one.
			await Promise.all([client.request(get('/a'), context, 3000), client.request(get('/b'), context, 3000)]);
			expect(server.connections()).toBe(2);
		} finally {
			client.close();
		}
	});

	it('replaces a kept connection the server dropped, once, and fails a drop mid-answer', async () => {
		// The second request on any connection is dropped unanswered, as by a server that timed the idle connection out.
		const server = await serve((head, socket, count) => (count === 1 ? answer(socket, '{"ok":true}') : socket.destroy()));
		const client = clientFor(server.port);
		const context = secureContext();
		try {
			await client.request(get('/first'), context, 3000);
			expect(JSON.parse((await client.request(get('/second'), context, 3000)).body)).toEqual({ok: true});
			expect(server.connections()).toBe(2);
		} finally {
			client.close();
		}

		const halfway = await serve((head, socket) => {
			socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{"partial":');
			setImmediate(() => socket.destroy());
		});
		const dropping = clientFor(halfway.port);
		await expect(dropping.request(get('/x'), context, 3000)).rejects.toMatchObject({code: wireDropped});
		expect(halfway.connections()).toBe(1);
	});

	it('fails a request the server never answers at its timeout, and ends its connection', async () => {
		let closed = false;
		const server = await serve((head, socket) => socket.once('close', () => (closed = true)));
		const client = clientFor(server.port);
		const started = Date.now();
		await expect(client.request(get('/slow'), secureContext(), 300)).rejects.toMatchObject({code: wireTimeout});
		expect(Date.now() - started).toBeGreaterThanOrEqual(290);
		await expect.poll(() => closed).toBe(true);
	});

	it("writes nothing to a server kubectl would refuse, and says kubectl's x509 error", async () => {
		const server = await serve((head, socket) => answer(socket, '{}'));
		const client = clientFor(server.port, fixtures.otherCa.pem);
		const error = (await client.request(get('/api'), secureContext(), 3000).catch((caught: unknown) => caught)) as WireError;
		expect(error.code).toBe(serverNotVerified);
		expect(error.message).toBe('x509: certificate signed by unknown authority');
		expect(server.bytesSeen()).toBe(0);
	});

	it('fails the requests on a closed client without trying again', async () => {
		let heads = 0;
		// The first request on a connection is answered, the next one is left waiting: a kept connection is in use when the client closes.
		const server = await serve((head, socket, count) => {
			heads++;
			if (count === 1) answer(socket, '{}');
		});
		const client = clientFor(server.port);
		const context = secureContext();
		await client.request(get('/first'), context, 3000);
		const request = client.request(get('/never'), context, 3000);
		await expect.poll(() => heads).toBe(2);
		client.close();
		await expect(request).rejects.toThrow('the client was closed');
		expect(server.connections()).toBe(1);
	});
});
