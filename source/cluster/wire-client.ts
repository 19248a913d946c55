import tls from 'node:tls';
import type {RawResponse} from './api-client.ts';
import {serverNotVerified, tlsHandshakeLimitMs} from './cluster-error.ts';
import {loadVerifier, type ServerJudge} from './server-verification.ts';

// HTTP/1.1 over Node's tls, for kubehop's own requests to an API server: a GET or a small JSON POST, the
// answer read whole. Loading Node's http and https and setting up their first request took `kubehop api`
// 3-5 ms longer than this (alternating runs), which kept it behind `kubectl api-resources`. The server's
// chain is judged as kubectl judges it before a byte is written. Anything outside plain HTTP/1.1 framing
// (a content length, chunks, or the close) is refused as a bad response rather than guessed at; a
// kept-alive connection the server closed while it sat idle is replaced once, as Go's transport does.

export type WireEndpoint = {host: string; port: number; servername: string | undefined};
export type WireTls = {secureContext: tls.SecureContext; rejectUnauthorized: boolean};

/** A failure below HTTP, with the code networkError (cluster-error.ts) reads. */
export class WireError extends Error {
	constructor(
		message: string,
		readonly code: string,
	) {
		super(message);
	}
}

export const wireTimeout = 'KUBEHOP_TIMEOUT';
export const wireDropped = 'KUBEHOP_DROPPED';
export const wireBadResponse = 'KUBEHOP_BAD_RESPONSE';

/** `drop` is set while the connection sits idle: it ends the connection if anything happens to it then. */
type Connection = {socket: tls.TLSSocket; context: tls.SecureContext; drop?: () => void};

export class WireClient {
	readonly #idle: Connection[] = [];
	readonly #sockets = new Set<tls.TLSSocket>();
	readonly #queue: Array<() => void> = [];
	#active = 0;
	/** Moved on by close, so that a request it ends is not retried on a new connection. */
	#epoch = 0;

	constructor(
		readonly endpoint: WireEndpoint,
		readonly judge: ServerJudge | undefined,
		readonly maxSockets = 16,
	) {}

	/** One request and its whole answer; at most maxSockets at a time, the rest wait their turn. */
	async request(message: Buffer, options: WireTls, timeoutMs: number): Promise<RawResponse> {
		if (this.#active >= this.maxSockets) await new Promise<void>((resolve) => this.#queue.push(resolve));
		this.#active++;
		try {
			return await this.#exchange(message, options, timeoutMs);
		} finally {
			this.#active--;
			this.#queue.shift()?.();
		}
	}

	/** Ends every connection, failing the requests on them; like an agent's destroy, later requests open new ones. */
	close(): void {
		this.#epoch++;
		for (const socket of this.#sockets) socket.destroy(new Error('the client was closed'));
		this.#idle.length = 0;
	}

	#exchange(message: Buffer, options: WireTls, timeoutMs: number): Promise<RawResponse> {
		const epoch = this.#epoch;
		return new Promise<RawResponse>((resolve, reject) => {
			let current: tls.TLSSocket | undefined;
			let settled = false;
			const finish = (error: Error | undefined, response?: RawResponse) => {
				if (settled) return;
				settled = true;
				clearTimeout(timer);
				if (error) reject(error);
				else resolve(response!);
			};

			// 0 is kubectl's --request-timeout for "no timeout".
			const timer = timeoutMs > 0 ? setTimeout(() => {
				current?.destroy();
				finish(new WireError('socket timeout', wireTimeout));
			}, timeoutMs) : undefined;

			const send = (connection: Connection, reused: boolean) => {
				if (settled) return this.#keep(connection);
				const {socket} = connection;
				current = socket;
				socket.ref();
				const reader = new ResponseReader();
				let received = false;
				const detach = () => {
					socket.removeListener('data', onData);
					socket.removeListener('end', onEnd);
					socket.removeListener('close', onEnd);
					socket.removeListener('error', onError);
				};
				// A kept-alive connection the server closed while it sat idle fails before any answer: once, on a new one.
				const failed = (error: Error) => {
					detach();
					socket.destroy();
					if (reused && !received && !settled && epoch === this.#epoch) open();
					else finish(error);
				};
				const onData = (chunk: Buffer) => {
					received = true;
					let complete: boolean;
					try {
						complete = reader.feed(chunk);
					} catch (error) {
						detach();
						socket.destroy();
						return finish(error as Error);
					}

					if (!complete) return;
					detach();
					if (reader.keepAlive && !settled) this.#keep(connection);
					else socket.destroy();
					finish(undefined, reader.response());
				};
				const onEnd = () => {
					if (reader.endsAtClose()) {
						detach();
						socket.destroy();
						return finish(undefined, reader.response());
					}

					failed(new WireError('the connection was dropped mid-response', wireDropped));
				};
				const onError = (error: Error) => failed(error);
				socket.on('data', onData);
				socket.once('end', onEnd);
				socket.once('close', onEnd);
				socket.on('error', onError);
				socket.write(message);
			};

			const open = () => {
				const {socket, ready} = this.#connect(options);
				// Until it is handed over, a timeout ends the connection in its handshake too.
				current = socket;
				ready.then(
					(connection) => send(connection, false),
					(error: Error) => finish(error),
				);
			};

			const idle = this.#take(options.secureContext);
			if (idle) send(idle, true);
			else open();
		});
	}

	/** A connection to the server, handed over once its chain has passed kubectl's checks. */
	#connect(options: WireTls): {socket: tls.TLSSocket; ready: Promise<Connection>} {
		const {host, port, servername} = this.endpoint;
		const socket = tls.connect({host, port, servername, secureContext: options.secureContext, rejectUnauthorized: options.rejectUnauthorized});
		this.#sockets.add(socket);
		socket.once('close', () => this.#sockets.delete(socket));
		const ready = new Promise<Connection>((resolve, reject) => {
			// client-go gives a TLS handshake 10 s whatever the request timeout, none (0) included.
			const handshake = setTimeout(() => fail(new WireError('net/http: TLS handshake timeout', 'ETIMEDOUT')), tlsHandshakeLimitMs);
			const fail = (error: Error) => {
				clearTimeout(handshake);
				socket.removeListener('error', fail);
				socket.removeListener('close', closed);
				socket.destroy();
				reject(error);
			};
			const closed = () => fail(new WireError('Client network socket disconnected before secure TLS connection was established', 'ECONNRESET'));
			socket.on('error', fail);
			socket.once('close', closed);
			// TLSSocket's own 'connect' listener, which sends the hello, runs before this one.
			if (this.judge) socket.once('connect', loadVerifier);
			socket.once('secureConnect', () => {
				const ready = () => {
					clearTimeout(handshake);
					socket.removeListener('error', fail);
					socket.removeListener('close', closed);
					resolve({socket, context: options.secureContext});
				};
				if (!this.judge) return ready();
				this.judge.verdict(socket).then(
					(problem) => (problem === undefined ? ready() : fail(new WireError(problem, serverNotVerified))),
					(error: Error) => fail(error),
				);
			});
		});
		return {socket, ready};
	}

	/** An idle connection made with this TLS context, if one is still open. */
	#take(context: tls.SecureContext): Connection | undefined {
		for (let index = this.#idle.length - 1; index >= 0; index--) {
			const connection = this.#idle[index]!;
			if (connection.context !== context) continue;
			this.#idle.splice(index, 1);
			const {socket, drop} = connection;
			if (drop) socket.removeListener('data', drop).removeListener('error', drop).removeListener('end', drop);
			connection.drop = undefined;
			if (!socket.destroyed) return connection;
		}

		return undefined;
	}

	/** Kept for the next request; an idle connection holds the process up no longer than it is needed. */
	#keep(connection: Connection): void {
		const {socket} = connection;
		if (socket.destroyed) return;
		const drop = () => {
			const index = this.#idle.indexOf(connection);
			if (index !== -1) this.#idle.splice(index, 1);
			socket.destroy();
		};
		connection.drop = drop;
		// Nothing is asked of an idle connection, so anything it says or suffers ends it.
		socket.on('data', drop);
		socket.on('error', drop);
		socket.on('end', drop);
		socket.unref();
		this.#idle.push(connection);
	}
}

const headEnd = Buffer.from('\r\n\r\n');
const lineEnd = Buffer.from('\r\n');
const headerName = /^[!#$%&'*+\-.^_`|~\dA-Za-z]+$/;
const empty = Buffer.alloc(0);

/** A bad answer: the server said something HTTP/1.1 framing does not allow, or this reader does not take. */
const badResponse = (detail: string) => new WireError(`the server's answer is not HTTP/1.1 kubehop can read: ${detail}`, wireBadResponse);

/** One response, read as its chunks arrive. */
export class ResponseReader {
	#pending: Buffer = empty;
	#state: 'head' | 'length' | 'chunk-size' | 'chunk-data' | 'chunk-end' | 'trailers' | 'until-close' | 'done' = 'head';
	#remaining = 0;
	readonly #body: Buffer[] = [];
	status = 0;
	contentType = '';
	keepAlive = false;

	/** True once the whole response has arrived. */
	feed(chunk: Buffer): boolean {
		this.#pending = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
		for (;;) {
			switch (this.#state) {
				case 'head': {
					const end = this.#endOf(headEnd, 65_536, 'a head');
					if (end === -1) return false;

					const head = this.#pending.toString('latin1', 0, end);
					this.#pending = this.#pending.subarray(end + 4);
					this.#readHead(head);
					break;
				}

				case 'length':
				case 'chunk-data': {
					const take = Math.min(this.#remaining, this.#pending.length);
					if (take > 0) {
						this.#body.push(this.#pending.subarray(0, take));
						this.#pending = this.#pending.subarray(take);
						this.#remaining -= take;
					}

					if (this.#remaining > 0) return false;
					this.#state = this.#state === 'length' ? 'done' : 'chunk-end';
					break;
				}

				case 'chunk-size': {
					const end = this.#endOf(lineEnd, 1024, 'a chunk size line');
					if (end === -1) return false;

					const size = /^([\dA-Fa-f]{1,12})[ \t]*(?:;.*)?$/.exec(this.#pending.toString('latin1', 0, end));
					if (!size) throw badResponse('a malformed chunk size');
					this.#pending = this.#pending.subarray(end + 2);
					this.#remaining = Number.parseInt(size[1]!, 16);
					this.#state = this.#remaining === 0 ? 'trailers' : 'chunk-data';
					break;
				}

				case 'chunk-end': {
					if (this.#pending.length < 2) return false;
					if (this.#pending[0] !== 13 || this.#pending[1] !== 10) throw badResponse('a chunk not followed by CRLF');
					this.#pending = this.#pending.subarray(2);
					this.#state = 'chunk-size';
					break;
				}

				case 'trailers': {
					const end = this.#endOf(lineEnd, 65_536, 'trailers');
					if (end === -1) return false;

					this.#pending = this.#pending.subarray(end + 2);
					if (end === 0) this.#state = 'done';
					break;
				}

				case 'until-close': {
					if (this.#pending.length > 0) this.#body.push(this.#pending);
					this.#pending = empty;
					return false;
				}

				case 'done': {
					// Bytes past the end of the answer: the connection's framing cannot be trusted for another.
					if (this.#pending.length > 0) this.keepAlive = false;
					return true;
				}
			}
		}
	}

	/** Where `mark` starts in the bytes not yet read, or -1 while they are still arriving (and not too many). */
	#endOf(mark: Buffer, limit: number, what: string): number {
		const end = this.#pending.indexOf(mark);
		if (end === -1 && this.#pending.length > limit) throw badResponse(`${what} longer than ${limit / 1024} KiB`);
		return end;
	}

	/** The connection ended: complete only for an answer framed by the close itself. */
	endsAtClose(): boolean {
		return this.#state === 'until-close';
	}

	response(): RawResponse {
		return {status: this.status, contentType: this.contentType, body: Buffer.concat(this.#body).toString('utf8')};
	}

	#readHead(head: string): void {
		const lines = head.split('\r\n');
		const statusLine = /^HTTP\/1\.([01]) (\d{3})(?: [^\r\n]*)?$/.exec(lines[0]!);
		if (!statusLine) throw badResponse(`the status line ${JSON.stringify(lines[0]!.slice(0, 40))}`);
		const headers = new Map<string, string[]>();
		for (const line of lines.slice(1)) {
			const colon = line.indexOf(':');
			const name = line.slice(0, Math.max(colon, 0));
			if (!headerName.test(name)) throw badResponse(`the header line ${JSON.stringify(line.slice(0, 40))}`);
			const key = name.toLowerCase();
			headers.set(key, [...(headers.get(key) ?? []), line.slice(colon + 1).trim()]);
		}

		const status = Number(statusLine[2]);
		// An interim answer (100 Continue, 103 Early Hints): the real one follows.
		if (status >= 100 && status < 200) {
			if (status === 101) throw badResponse('a protocol switch nobody asked for');
			return;
		}

		const list = (name: string) => (headers.get(name) ?? []).flatMap((value) => value.split(',')).map((value) => value.trim().toLowerCase()).filter(Boolean);
		this.status = status;
		this.contentType = headers.get('content-type')?.[0] ?? '';
		this.keepAlive = statusLine[1] === '1' ? !list('connection').includes('close') : list('connection').includes('keep-alive');
		if (status === 204 || status === 304) {
			this.#state = 'done';
			return;
		}

		const codings = list('transfer-encoding');
		const lengths = new Set(list('content-length'));
		if (codings.length > 0) {
			if (codings.length !== 1 || codings[0] !== 'chunked') throw badResponse(`the transfer encoding ${codings.join(', ')}`);
			// Both a length and chunks: the chunks frame this answer, and nothing after it is trusted.
			if (lengths.size > 0) this.keepAlive = false;
			this.#state = 'chunk-size';
			return;
		}

		if (lengths.size > 0) {
			const [length] = lengths;
			if (lengths.size !== 1 || !/^\d{1,15}$/.test(length!)) throw badResponse('its content length');
			this.#remaining = Number(length);
			this.#state = this.#remaining === 0 ? 'done' : 'length';
			return;
		}

		this.keepAlive = false;
		this.#state = 'until-close';
	}
}

/** The request's bytes. Header values go out as Node's http sends them, and are refused where it refuses them. */
export function requestMessage(method: string, pathAndQuery: string, host: string, headers: Record<string, string | readonly string[] | undefined>, payload?: string): Buffer {
	let head = `${method} ${pathAndQuery} HTTP/1.1\r\nHost: ${host}\r\n`;
	for (const [name, value] of Object.entries(headers)) {
		for (const one of typeof value === 'string' ? [value] : (value ?? [])) {
			// eslint-disable-next-line no-control-regex
			if (/[^\t\u0020-\u007E\u0080-\u00FF]/.test(one)) throw new WireError(`the ${name} header holds a character HTTP does not allow`, 'ERR_INVALID_CHAR');
			head += `${name}: ${one}\r\n`;
		}
	}

	if (payload === undefined) return Buffer.from(`${head}\r\n`, 'latin1');
	const body = Buffer.from(payload, 'utf8');
	return Buffer.concat([Buffer.from(`${head}Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`, 'latin1'), body]);
}
