import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type {AddressInfo} from 'node:net';
import type {Duplex} from 'node:stream';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {parseProxyArguments} from '../../source/commands/proxy.ts';
import {run} from '../../source/commands/run.ts';
import {UsageError} from '../../source/errors/kubehop-error.ts';
import {loadKubeconfig} from '../../source/kubeconfig/load.ts';
import {selectKubeconfigFiles} from '../../source/kubeconfig/paths.ts';
import {startProxy, type RunningProxy} from '../../source/proxy/server.ts';
import {makeServingCertificates} from '../support/openssl-fixtures.ts';
import {tempTree} from '../support/temp-tree.ts';

// The proxy against a stand-in API server that records what reaches it: the credentials, the headers a
// proxy must drop or add, the path, and what the client sees when the server cannot be reached. The
// comparison with kubectl proxy on a real API server is test/proxy/proxy.test.ts. The stand-ins serve
// TLS with an openssl-made certificate, as an API server does: over plain HTTP, client-go (and so
// kubehop) sends no credentials at all.

type Seen = {method: string; url: string; headers: http.IncomingHttpHeaders; body: string};

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

let certificates: ReturnType<typeof makeServingCertificates>;
let serving: {cert: string; key: string};
beforeAll(() => {
	certificates = makeServingCertificates();
	serving = {cert: certificates.server.pem, key: fs.readFileSync(certificates.server.key, 'utf8')};
});
afterAll(() => certificates.cleanup());

async function standIn(handler?: (request: http.IncomingMessage, response: http.ServerResponse) => void, {plain = false} = {}) {
	const seen: Seen[] = [];
	const listener = (request: http.IncomingMessage, response: http.ServerResponse) => {
		let body = '';
		request.on('data', (chunk: Buffer) => (body += chunk.toString()));
		request.on('end', () => {
			seen.push({method: request.method!, url: request.url!, headers: request.headers, body});
			if (handler) return handler(request, response);
			response.writeHead(200, {'Content-Type': 'application/json', 'X-Custom': 'kept', Connection: 'close, X-Hop', 'X-Hop': 'dropped'});
			response.end('{"ok":true}');
		});
	};
	const server = plain ? http.createServer(listener) : https.createServer(serving, listener);
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
	cleanups.push(() => server.closeAllConnections());
	const port = (server.address() as AddressInfo).port;
	return {seen, port, url: `${plain ? 'http' : 'https'}://127.0.0.1:${port}`};
}

async function proxyTo(server: string, options: Partial<Parameters<typeof startProxy>[0]> = {}, user = 'token: secret-token') {
	const ca = server.startsWith('https:') ? `, certificate-authority-data: ${Buffer.from(certificates.ca.pem).toString('base64')}` : '';
	const tree = tempTree({
		'home/.kube/config': `apiVersion: v1\nkind: Config\nclusters:\n- cluster: {server: "${server}"${ca}}\n  name: c\ncontexts:\n- context: {cluster: c, user: u}\n  name: stand-in\ncurrent-context: stand-in\nusers:\n- name: u\n  user:\n    ${user}\n`,
	});
	const config = await loadKubeconfig(selectKubeconfigFiles({env: {HOME: tree.home}, cwd: tree.root}));
	const errors: string[] = [];
	const proxy = await startProxy({config, context: 'stand-in', port: 0, onError: (message) => errors.push(message), ...options});
	cleanups.push(() => proxy.close());
	return {proxy, errors};
}

function ask(proxy: RunningProxy, target: string, {method = 'GET', headers = {}, body}: {method?: string; headers?: Record<string, string>; body?: string} = {}) {
	return new Promise<{status: number; headers: http.IncomingHttpHeaders; body: string}>((resolve, reject) => {
		const request = http.request(`${proxy.url}${target}`, {method, headers, agent: false}, (response) => {
			let text = '';
			response.on('data', (chunk: Buffer) => (text += chunk.toString()));
			response.on('end', () => resolve({status: response.statusCode!, headers: response.headers, body: text}));
		});
		request.on('error', reject);
		request.end(body);
	});
}

describe('the proxy in front of a stand-in API server', () => {
	it("adds the context's credentials, drops hop-by-hop headers both ways, and keeps the rest", async () => {
		const server = await standIn();
		const {proxy} = await proxyTo(server.url);
		const answer = await ask(proxy, '/api/v1/namespaces?limit=1&labelSelector=a%3Db', {headers: {Accept: 'application/json;as=Table;g=meta.k8s.io;v=v1', Connection: 'X-Private', 'X-Private': 'hop', 'Proxy-Authorization': 'Basic eDp5', 'X-Forwarded-For': '10.0.0.1'}});
		expect(answer.status).toBe(200);
		expect(answer.body).toBe('{"ok":true}');
		expect(answer.headers['x-custom']).toBe('kept');
		expect(answer.headers['x-hop']).toBeUndefined();
		const [seen] = server.seen;
		expect(seen!.url).toBe('/api/v1/namespaces?limit=1&labelSelector=a%3Db');
		expect(seen!.headers.authorization).toBe('Bearer secret-token');
		expect(seen!.headers.accept).toBe('application/json;as=Table;g=meta.k8s.io;v=v1');
		expect(seen!.headers.host).toBe(`127.0.0.1:${server.port}`);
		expect(seen!.headers['x-private']).toBeUndefined();
		expect(seen!.headers['proxy-authorization']).toBeUndefined();
		expect(seen!.headers['x-forwarded-for']).toBe('10.0.0.1, 127.0.0.1');
		expect(seen!.headers['user-agent']).toBe('kubehop');
	});

	it("lets the client's own Authorization and Impersonate-User win, as client-go does", async () => {
		const server = await standIn();
		const {proxy} = await proxyTo(server.url, {impersonate: {user: 'bob', groups: ['team-a']}});
		await ask(proxy, '/api');
		expect(server.seen[0]!.headers).toMatchObject({authorization: 'Bearer secret-token', 'impersonate-user': 'bob', 'impersonate-group': 'team-a'});
		await ask(proxy, '/api', {headers: {Authorization: 'Bearer other', 'Impersonate-User': 'carol', 'User-Agent': 'curl/8'}});
		expect(server.seen[1]!.headers).toMatchObject({authorization: 'Bearer other', 'impersonate-user': 'carol', 'user-agent': 'curl/8'});
		expect(server.seen[1]!.headers['impersonate-group']).toBeUndefined();
	});

	it('adds no credentials for a plain-HTTP server, as client-go reads none for one', async () => {
		const server = await standIn(undefined, {plain: true});
		const {proxy} = await proxyTo(server.url);
		expect((await ask(proxy, '/api')).status).toBe(200);
		expect(server.seen[0]!.headers.authorization).toBeUndefined();
	});

	it('sends bodies through, and an empty POST with Content-Length 0', async () => {
		const server = await standIn((_request, response) => {
			response.writeHead(201, {'Content-Type': 'application/json'});
			response.end('{}');
		});
		const {proxy} = await proxyTo(server.url);
		expect((await ask(proxy, '/api/v1/namespaces/default/configmaps', {method: 'POST', headers: {'Content-Type': 'application/json'}, body: '{"kind":"ConfigMap"}'})).status).toBe(201);
		expect(server.seen[0]).toMatchObject({method: 'POST', body: '{"kind":"ConfigMap"}'});
		await ask(proxy, '/api/v1/namespaces/default/configmaps', {method: 'POST'});
		expect(server.seen[1]!.headers['content-length']).toBe('0');
	});

	it('pipes an upgraded connection both ways once the server switches protocols', async () => {
		const upgrades: http.IncomingHttpHeaders[] = [];
		const serverSockets: Duplex[] = [];
		// The stand-in switches protocols and echoes: what port-forward (or an allowed exec) does.
		const echo = https.createServer(serving);
		echo.on('upgrade', (request: http.IncomingMessage, socket: Duplex) => {
			upgrades.push(request.headers);
			serverSockets.push(socket);
			socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Protocol: portforward.k8s.io\r\n\r\n');
			socket.on('data', (chunk: Buffer) => socket.write(`echo:${chunk.toString()}`));
			socket.on('end', () => socket.end());
		});
		await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
		cleanups.push(() => {
			echo.closeAllConnections();
			return new Promise<void>((resolve) => echo.close(() => resolve()));
		});
		const {proxy} = await proxyTo(`https://127.0.0.1:${(echo.address() as AddressInfo).port}`);
		const {response, socket} = await new Promise<{response: http.IncomingMessage; socket: Duplex}>((resolve, reject) => {
			const request = http.request(`${proxy.url}/api/v1/namespaces/default/pods/web/portforward`, {agent: false, headers: {Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Protocol': 'portforward.k8s.io'}});
			request.on('upgrade', (upgraded, upgradedSocket) => resolve({response: upgraded, socket: upgradedSocket}));
			request.on('response', (answer) => reject(new Error(`no upgrade: ${answer.statusCode}`)));
			request.on('error', reject);
			request.end();
		});
		expect(response.statusCode).toBe(101);
		expect(response.headers['sec-websocket-protocol']).toBe('portforward.k8s.io');
		expect(upgrades[0]).toMatchObject({authorization: 'Bearer secret-token', upgrade: 'websocket', connection: 'Upgrade'});
		const echoed = new Promise<string>((resolve) => socket.once('data', (chunk: Buffer) => resolve(chunk.toString())));
		socket.write('ping');
		expect(await echoed).toBe('echo:ping');
		// The client hangs up: the proxy closes the server's side too, as Go's UpgradeAwareHandler does.
		const serverSideClosed = new Promise<void>((resolve) => serverSockets[0]!.once('close', () => resolve()));
		socket.destroy();
		await serverSideClosed;
	});

	it('keeps the server path in front only with --append-server-path', async () => {
		const server = await standIn();
		const {proxy: plain} = await proxyTo(`${server.url}/k8s/clusters/c1`);
		await ask(plain, '/api');
		const {proxy: appended} = await proxyTo(`${server.url}/k8s/clusters/c1`, {appendServerPath: true});
		await ask(appended, '/api');
		await ask(appended, '/');
		expect(server.seen.map((seen) => seen.url)).toEqual(['/api', '/k8s/clusters/c1/api', '/k8s/clusters/c1/']);
	});

	it("answers 500 with the error when the server is unreachable, as kubectl's responder does", async () => {
		const server = await standIn();
		await cleanups.shift()!();
		const {proxy, errors} = await proxyTo(server.url);
		const answer = await ask(proxy, '/api');
		expect(answer.status).toBe(500);
		expect(answer.headers['content-type']).toBe('text/plain; charset=utf-8');
		expect(answer.body).toMatch(/ECONNREFUSED/);
		expect(errors).toEqual([expect.stringMatching(/^Error while proxying request: .*ECONNREFUSED/)]);
	});
});

describe('kubehop proxy on the command line', () => {
	it("has kubectl proxy's defaults", () => {
		expect(parseProxyArguments([])).toMatchObject({
			port: 8001,
			address: '127.0.0.1',
			apiPrefix: '/',
			acceptHosts: String.raw`^localhost$,^127\.0\.0\.1$,^\[::1\]$`,
			acceptPaths: '^.*',
			rejectPaths: '^/api/.*/pods/.*/exec,^/api/.*/pods/.*/attach',
			rejectMethods: '^$',
			disableFilter: false,
			appendServerPath: false,
		});
	});

	it('reads its flags in both spellings', () => {
		expect(parseProxyArguments(['-p', '0', '--address=::1', '--api-prefix', '/k8s-api', '--reject-methods=^POST$', '--context', 'other', '--keepalive', '30s', '--disable-filter=false'])).toMatchObject({port: 0, address: '::1', apiPrefix: '/k8s-api/', rejectMethods: '^POST$', context: 'other', keepAliveMs: 30_000, disableFilter: false});
		expect(parseProxyArguments(['-u', '/tmp/p.sock', '--port', '8001']).unixSocket).toBe('/tmp/p.sock');
		expect(parseProxyArguments(['--as', 'bob', '--as-group', 'a', '--as-group', 'b']).impersonate).toEqual({user: 'bob', groups: ['a', 'b']});
	});

	it('refuses what kubectl refuses, and what kubehop does not do', () => {
		const refused = (args: string[], message: RegExp) => {
			expect(() => parseProxyArguments(args), args.join(' ')).toThrow(UsageError);
			expect(() => parseProxyArguments(args), args.join(' ')).toThrow(message);
		};

		refused(['--unix-socket', '/tmp/p.sock', '--port', '0'], /cannot set --unix-socket and --port at the same time/);
		refused(['--port', '70000'], /invalid port/);
		refused(['--port', 'http'], /invalid port/);
		refused(['--reject-paths', '^/api/(('], /--reject-paths/);
		refused(['--www', '.'], /static files/);
		refused(['--api-prefix', 'custom'], /must start with/);
		refused(['--nope'], /unsupported argument/);
	});

	it('prints its help, and refuses bad flags with exit 2 before reading the kubeconfig', async () => {
		const tree = tempTree();
		const io = () => {
			const out = {stdout: '', stderr: ''};
			return {out, stdout: {write: (text: string) => (out.stdout += text)}, stderr: {write: (text: string) => (out.stderr += text)}};
		};

		for (const argv of [['proxy', '--help'], ['help', 'proxy']]) {
			const streams = io();
			expect(await run({argv, programName: 'kubehop', env: {HOME: tree.home}, cwd: tree.root, ...streams})).toBe(0);
			expect(streams.out.stdout).toContain('--reject-paths');
			expect(streams.out.stdout).toContain(String.raw`^localhost$,^127\.0\.0\.1$,^\[::1\]$`);
		}

		const main = io();
		await run({argv: ['--help'], programName: 'kubehop', env: {HOME: tree.home}, cwd: tree.root, ...main});
		expect(main.out.stdout).toMatch(/kubehop proxy \[FLAGS\]/);

		const bad = io();
		expect(await run({argv: ['proxy', '--accept-hosts', '(('], programName: 'kubehop', env: {HOME: tree.home}, cwd: tree.root, ...bad})).toBe(2);
		expect(bad.out.stderr).toMatch(/--accept-hosts/);

		const missing = io();
		tree.file('home/.kube/config', 'apiVersion: v1\nkind: Config\ncontexts: []\nclusters: []\nusers: []\n');
		expect(await run({argv: ['proxy', '--port', '0', '--context', 'nope'], programName: 'kubehop', env: {HOME: tree.home}, cwd: tree.root, ...missing})).toBe(1);
		expect(missing.out.stderr).toMatch(/context "nope" does not exist/);
	});
});
