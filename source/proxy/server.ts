import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import type {Duplex} from 'node:stream';
import {upstream as connectUpstream, type ClusterTarget, type Impersonation, type Upstream} from '../cluster/api-client.ts';
import {KubehopError} from '../errors/kubehop-error.ts';
import type {MergedKubeconfig} from '../kubeconfig/load.ts';
import {createFilter, extractHost, type FilterOptions, type RequestFilter} from './filter.ts';
import {forbidden, goError, route, type Reply, type Route} from './routing.ts';

// kubectl proxy in Node: a local HTTP server whose requests go, after kubectl's filter, to the API
// server of one context with that context's credentials. Bodies stream both ways (watches arrive
// event by event), the server's answers pass through unchanged, and upgrade requests (port-forward,
// and exec where the filter allows it) are piped once the server has switched protocols.

export type ProxyOptions = FilterOptions & {
	/** kubectl's --api-prefix (default "/"): the API is served under it. */
	apiPrefix?: string;
	/** kubectl's --disable-filter: no host, path or method checks at all. */
	disableFilter?: boolean;
	/** kubectl's --append-server-path: keep the path of the kubeconfig's server URL in front of each request. */
	appendServerPath?: boolean;
	/** kubectl's --keepalive: TCP keep-alive for upgraded connections, in ms (0: off). */
	keepAliveMs?: number;
	/** Sent when the client sends no User-Agent, as kubectl sends its own. */
	userAgent?: string;
	/** Upstream failures, as kubectl logs "Error while proxying request: ...", with the error itself. */
	onError?: (message: string, error: Error) => void;
};

export type ListenOptions = {
	/** kubectl's --address (default 127.0.0.1). */
	address?: string;
	/** kubectl's --port (default 8001; 0 picks a free port). */
	port?: number;
	/** kubectl's --unix-socket: listen there instead (an existing socket file is replaced; the new one is private to the user). */
	unixSocket?: string;
};

export type RunningProxy = {
	/** The base URL to send requests to: http://127.0.0.1:PORT, plus the API prefix when it is not "/". */
	url: string;
	/** What kubectl prints after "Starting to serve on": HOST:PORT, or the socket's path. */
	address: string;
	port?: number;
	socketPath?: string;
	target: ClusterTarget;
	close(): Promise<void>;
};

export type StartProxyOptions = ProxyOptions & ListenOptions & {config: MergedKubeconfig; context: string; impersonate?: Impersonation; env?: NodeJS.ProcessEnv};

/** Starts a proxy to one context's API server; close() stops it and ends every open stream. */
export async function startProxy(options: StartProxyOptions): Promise<RunningProxy> {
	const server = await connectUpstream(options.config, options.context, {impersonate: options.impersonate, maxSockets: Number.POSITIVE_INFINITY, env: options.env});
	try {
		const proxy = createProxyServer(server, options);
		const listening = await listen(proxy.server, options);
		const prefix = (options.apiPrefix ?? '/').replace(/\/+$/, '');
		return {...listening, url: `${listening.url}${prefix}`, target: server.target, close: proxy.close};
	} catch (error) {
		server.close();
		throw error;
	}
}

export type ProxyServer = {server: http.Server; close(): Promise<void>};

const hopByHop = new Set(['connection', 'proxy-connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

export function createProxyServer(upstream: Upstream, options: ProxyOptions = {}): ProxyServer {
	const filter: RequestFilter | undefined = options.disableFilter ? undefined : createFilter(options);
	const apiPrefix = options.apiPrefix ?? '/';
	const onError = options.onError ?? (() => {});
	const userAgent = options.userAgent ?? 'kubehop';
	const keepAliveMs = options.keepAliveMs ?? 0;
	// Upgraded connections leave the HTTP server's bookkeeping: close() ends them itself.
	const tunnels = new Set<Duplex>();
	const server = http.createServer({requireHostHeader: false, requestTimeout: 0});

	const decide = (request: http.IncomingMessage): Route => {
		const hosts: string[] = [];
		for (let index = 0; index < request.rawHeaders.length; index += 2) if (request.rawHeaders[index]!.toLowerCase() === 'host') hosts.push(request.rawHeaders[index + 1]!);
		const routed = route({method: request.method ?? 'GET', target: request.url ?? '/', httpVersion: request.httpVersion, hosts}, apiPrefix);
		if (routed.kind === 'proxy' && filter && !filter.accepts(request.method ?? 'GET', routed.path, extractHost(routed.host))) return {kind: 'reply', reply: forbidden()};
		return routed;
	};

	const upstreamRequest = async (request: http.IncomingMessage, to: Extract<Route, {kind: 'proxy'}>, upgrade: boolean) => {
		const {headers: credentials, ...tls} = await upstream.requestOptions();
		// Go's singleJoiningSlash onto the server URL's path (which ends in a slash), or the bare path.
		const path = options.appendServerPath ? `${upstream.base.pathname}${to.upstreamPath.replace(/^\//, '')}` : to.upstreamPath || '/';
		const headers = forwardedHeaders(request, credentials, userAgent, upgrade);
		const {base} = upstream;
		const transport = base.protocol === 'http:' ? http : https;
		const outgoing = transport.request({
			...tls,
			...(upgrade ? {agent: false} : {}),
			protocol: base.protocol,
			hostname: base.hostname.replace(/^\[(.*)\]$/, '$1'),
			port: base.port || undefined,
			method: request.method,
			path: to.query ? `${path}?${to.query}` : path,
			headers,
		});
		connectTimeout(outgoing, 30_000);
		return outgoing;
	};

	server.on('request', (request: http.IncomingMessage, response: http.ServerResponse) => {
		const decision = decide(request);
		if (decision.kind === 'reply') {
			sendReply(response, decision.reply);
			return;
		}

		void (async () => {
			let outgoing: http.ClientRequest;
			try {
				outgoing = await upstreamRequest(request, decision, false);
			} catch (error) {
				failed(response, error as Error);
				return;
			}

			// The client went away (a watch closed, Ctrl-C on curl): the upstream request ends with it, quietly.
			let clientGone = false;
			response.on('close', () => {
				if (response.writableFinished) return;
				clientGone = true;
				outgoing.destroy();
			});
			outgoing.on('response', (answer) => {
				try {
					response.writeHead(answer.statusCode ?? 502, withoutHopByHop(answer.rawHeaders));
				} catch (error) {
					answer.destroy();
					failed(response, error as Error);
					return;
				}

				// A watch sends its headers and then waits for events: the client sees the headers now.
				if (answer.headers['content-length'] === undefined) response.flushHeaders();
				answer.pipe(response);
				answer.on('error', () => response.destroy());
				answer.on('aborted', () => response.destroy());
			});
			outgoing.on('error', (error) => {
				if (!clientGone) failed(response, error);
			});
			if (hasBody(request)) {
				request.pipe(outgoing);
				request.on('error', () => outgoing.destroy());
			} else {
				if (['POST', 'PUT', 'PATCH'].includes(request.method ?? '')) outgoing.setHeader('Content-Length', '0');
				outgoing.end();
			}
		})();
	});

	const failed = (response: http.ServerResponse, error: Error) => {
		onError(`Error while proxying request: ${error.message}`, error);
		if (response.headersSent) response.destroy();
		else sendReply(response, goError(500, error.message));
	};

	server.on('upgrade', (request: http.IncomingMessage, socket: Duplex, head: Buffer) => {
		tunnels.add(socket);
		socket.on('close', () => tunnels.delete(socket));
		socket.on('error', () => socket.destroy());
		const decision = decide(request);
		if (decision.kind === 'reply') {
			writeRawReply(socket, decision.reply);
			return;
		}

		void (async () => {
			let outgoing: http.ClientRequest;
			try {
				outgoing = await upstreamRequest(request, decision, true);
			} catch (error) {
				onError(`Error while proxying request: ${(error as Error).message}`, error as Error);
				writeRawReply(socket, goError(500, (error as Error).message));
				return;
			}

			socket.on('close', () => outgoing.destroy());
			outgoing.on('upgrade', (answer, upstreamSocket, upstreamHead) => {
				tunnels.add(upstreamSocket);
				upstreamSocket.on('close', () => {
					tunnels.delete(upstreamSocket);
					socket.destroy();
				});
				upstreamSocket.on('error', () => upstreamSocket.destroy());
				socket.on('close', () => upstreamSocket.destroy());
				if (keepAliveMs > 0) upstreamSocket.setKeepAlive(true, keepAliveMs);
				socket.write(rawHead(answer.statusCode ?? 101, answer.statusMessage, answer.rawHeaders));
				if (upstreamHead.length > 0) socket.write(upstreamHead);
				if (head.length > 0) upstreamSocket.write(head);
				upstreamSocket.pipe(socket);
				socket.pipe(upstreamSocket);
				// As Go's UpgradeAwareHandler: once one direction is done (and flushed), both connections close.
				const closeBoth = () => {
					socket.destroy();
					upstreamSocket.destroy();
				};

				socket.once('finish', closeBoth);
				upstreamSocket.once('finish', closeBoth);
			});
			// The server refused to switch (an error status): its answer goes back as it is, then the connection ends.
			outgoing.on('response', (answer) => {
				socket.write(rawHead(answer.statusCode ?? 502, answer.statusMessage, [...withoutHopByHop(answer.rawHeaders), 'Connection', 'close']));
				answer.pipe(socket);
			});
			outgoing.on('error', (error) => {
				onError(`Error while proxying request: ${error.message}`, error);
				writeRawReply(socket, goError(500, error.message));
			});
			outgoing.end();
		})();
	});

	// CONNECT is no API request: Go's ServeMux has no handler for it.
	server.on('connect', (_request: http.IncomingMessage, socket: Duplex) => {
		socket.on('error', () => socket.destroy());
		writeRawReply(socket, goError(404, '404 page not found'));
	});

	let closing: Promise<void> | undefined;
	const close = () =>
		(closing ??= new Promise<void>((resolve) => {
			server.close(() => resolve());
			server.closeAllConnections();
			for (const socket of tunnels) socket.destroy();
			upstream.close();
		}));

	return {server, close};
}

/** The client's headers minus the hop-by-hop ones, with the context's credentials, as Go's ReverseProxy and client-go's round trippers send them. */
function forwardedHeaders(request: http.IncomingMessage, credentials: http.OutgoingHttpHeaders, userAgent: string, upgrade: boolean): http.OutgoingHttpHeaders {
	const raw = request.rawHeaders;
	const connectionTokens = new Set<string>();
	for (let index = 0; index < raw.length; index += 2) {
		if (raw[index]!.toLowerCase() === 'connection') for (const token of raw[index + 1]!.split(',')) connectionTokens.add(token.trim().toLowerCase());
	}

	const headers: Record<string, string[]> = {};
	const names = new Map<string, string>();
	const add = (name: string, value: string) => {
		const lower = name.toLowerCase();
		if (!names.has(lower)) names.set(lower, name);
		(headers[names.get(lower)!] ??= []).push(value);
	};

	for (let index = 0; index < raw.length; index += 2) {
		const [name, value] = [raw[index]!, raw[index + 1]!];
		const lower = name.toLowerCase();
		if (lower === 'host') continue;
		if (lower === 'te' && value.trim().toLowerCase() === 'trailers') {
			add(name, value);
			continue;
		}

		// An upgrade keeps the headers that ask for it, as Go's ReverseProxy does for upgrade requests.
		if (upgrade && (lower === 'connection' || lower === 'upgrade')) {
			add(name, value);
			continue;
		}

		if (hopByHop.has(lower) || connectionTokens.has(lower)) continue;
		add(name, value);
	}

	const has = (lower: string) => names.has(lower);
	const set = (name: string, value: string | string[] | number) => {
		const lower = name.toLowerCase();
		const existing = names.get(lower);
		if (existing) delete headers[existing];
		names.set(lower, name);
		headers[name] = Array.isArray(value) ? value.map(String) : [String(value)];
	};

	// client-go's round trippers: the client's own Authorization, or its own Impersonate-User, wins.
	const clientImpersonates = has('impersonate-user');
	const clientAuthorizes = has('authorization');
	for (const [name, value] of Object.entries(credentials)) {
		if (value === undefined) continue;
		const lower = name.toLowerCase();
		if (lower === 'authorization' && clientAuthorizes) continue;
		if (lower.startsWith('impersonate-') && clientImpersonates) continue;
		set(name, value);
	}

	if (!has('user-agent')) set('User-Agent', userAgent);
	const client = request.socket.remoteAddress;
	if (client) {
		const prior = names.has('x-forwarded-for') ? headers[names.get('x-forwarded-for')!]!.join(', ') : '';
		set('X-Forwarded-For', prior ? `${prior}, ${client}` : client);
	}

	return Object.fromEntries(Object.entries(headers).map(([name, values]) => [name, values.length === 1 ? values[0]! : values]));
}

/** A response's raw headers (name, value, name, value...) without the hop-by-hop ones. */
function withoutHopByHop(raw: readonly string[]): string[] {
	const connectionTokens = new Set<string>();
	for (let index = 0; index < raw.length; index += 2) {
		if (raw[index]!.toLowerCase() === 'connection') for (const token of raw[index + 1]!.split(',')) connectionTokens.add(token.trim().toLowerCase());
	}

	const kept: string[] = [];
	for (let index = 0; index < raw.length; index += 2) {
		const lower = raw[index]!.toLowerCase();
		if (!hopByHop.has(lower) && !connectionTokens.has(lower)) kept.push(raw[index]!, raw[index + 1]!);
	}

	return kept;
}

function hasBody(request: http.IncomingMessage): boolean {
	const length = request.headers['content-length'];
	return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

function sendReply(response: http.ServerResponse, reply: Reply): void {
	const headers = {...reply.headers};
	if (headers['Content-Length'] === undefined) headers['Content-Length'] = String(Buffer.byteLength(reply.body));
	if (reply.close) response.shouldKeepAlive = false;
	if (reply.statusText) response.writeHead(reply.status, reply.statusText, headers);
	else response.writeHead(reply.status, headers);
	response.end(reply.body);
}

function rawHead(status: number, statusText: string | undefined, raw: readonly string[]): string {
	const lines = [`HTTP/1.1 ${status} ${statusText || http.STATUS_CODES[status] || ''}`];
	for (let index = 0; index < raw.length; index += 2) lines.push(`${raw[index]}: ${raw[index + 1]}`);
	return `${lines.join('\r\n')}\r\n\r\n`;
}

/** A reply written straight onto a socket that left the HTTP server (an upgrade or CONNECT), which then closes. */
function writeRawReply(socket: Duplex, reply: Reply): void {
	const headers = Object.entries({...reply.headers, Date: new Date().toUTCString(), 'Content-Length': String(Buffer.byteLength(reply.body)), Connection: 'close'}).flat();
	socket.end(rawHead(reply.status, reply.statusText, headers) + reply.body);
}

/** Go's dialer gives up connecting after 30 s; a connected stream (a watch) may then stay quiet for as long as it likes. */
function connectTimeout(request: http.ClientRequest, ms: number): void {
	request.on('socket', (socket: net.Socket) => {
		if (!socket.connecting) return;
		const timer = setTimeout(() => request.destroy(new Error(`dial tcp: i/o timeout after ${ms / 1000}s`)), ms);
		socket.once('connect', () => clearTimeout(timer));
		socket.once('close', () => clearTimeout(timer));
	});
}

/** Listens as kubectl proxy does: a TCP address and port, or a Unix socket only the user can open. */
export async function listen(server: http.Server, {address = '127.0.0.1', port = 8001, unixSocket}: ListenOptions = {}): Promise<Omit<RunningProxy, 'target' | 'close'>> {
	await new Promise<void>((resolve, reject) => {
		const failed = (error: NodeJS.ErrnoException) => {
			const where = unixSocket ? `unix ${unixSocket}` : `tcp ${address.includes(':') ? `[${address}]` : address}:${port}`;
			reject(new KubehopError(`listen ${where}: ${error.code === 'EADDRINUSE' ? 'bind: address already in use' : error.code === 'EADDRNOTAVAIL' ? 'bind: cannot assign requested address' : error.message}`, error.code === 'EADDRINUSE' && !unixSocket ? 'pick another --port, or --port 0 for a free one' : undefined));
		};

		server.once('error', failed);
		server.once('listening', () => {
			server.off('error', failed);
			resolve();
		});
		if (unixSocket) {
			// Like kubectl: a stale socket is replaced (any other file is left alone and the listen fails).
			try {
				if (fs.statSync(unixSocket).isSocket()) fs.rmSync(unixSocket);
			} catch {}

			const previous = process.umask(0o077);
			try {
				server.listen(unixSocket);
			} finally {
				process.umask(previous);
			}
		} else {
			server.listen({host: address, port});
		}
	});

	const bound = server.address();
	if (typeof bound === 'string' || bound === null) return {url: 'http://localhost', address: unixSocket ?? String(bound), socketPath: unixSocket};
	const host = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
	const reachable = bound.address === '0.0.0.0' ? '127.0.0.1' : bound.address === '::' ? '[::1]' : host;
	return {url: `http://${reachable}:${bound.port}`, address: `${host}:${bound.port}`, port: bound.port};
}
