import http from 'node:http';
import https from 'node:https';
import type {Duplex} from 'node:stream';
import type tls from 'node:tls';
import {ClusterError, droppedMidResponse, networkError, requestTimeout, serverNotVerified, targetText, tlsHandshakeLimitMs} from './cluster-error.ts';
import type {ClusterTarget, RawResponse} from './api-client.ts';
import {loadVerifier, ServerJudge, type Verification} from './server-verification.ts';

// Node's own http and https, for what the wire client (wire-client.ts) leaves alone: the proxy, which
// pipes any request, watches and upgrades included; plain-HTTP servers; and credentials that
// @kubernetes/client-node applies (auth providers, proxies), which come as https options.

export function agentFor(isHttp: boolean, verification: Verification | undefined, maxSockets: number): http.Agent {
	if (isHttp) return new http.Agent({keepAlive: true, maxSockets});
	return verification ? new KubectlVerifyingAgent({keepAlive: true, maxSockets}, new ServerJudge(verification)) : new https.Agent({keepAlive: true, maxSockets});
}

/**
 * Hands a connection to HTTP only once the server's chain passes kubectl's checks (server-verification.ts),
 * so nothing, credentials least of all, is written to a server kubectl would refuse, and the refusal is
 * kubectl's x509 message. TLS sessions are not resumed: a resumed session would skip this check.
 */
class KubectlVerifyingAgent extends https.Agent {
	constructor(
		options: https.AgentOptions,
		private readonly judge: ServerJudge,
	) {
		super({...options, maxCachedSessions: 0});
	}

	/** Connections still in their handshake, which the agent itself only learns of once they are verified. */
	private readonly handshaking = new Set<tls.TLSSocket>();

	override destroy(): void {
		// With an error, so each request still in its handshake fails now instead of waiting out its timeout.
		for (const socket of this.handshaking) socket.destroy(new Error('the client was closed'));
		super.destroy();
	}

	override createConnection(options: http.ClientRequestArgs, callback?: (error: Error | null, socket: Duplex) => void): undefined {
		const socket = (https.Agent.prototype as unknown as {createConnection(options: http.ClientRequestArgs): tls.TLSSocket}).createConnection.call(this, options);
		this.handshaking.add(socket);
		// Handed over once: to HTTP when the server passes, with the error otherwise (or when the connection
		// fails first, even while the verdict is being worked out).
		let handedOver = false;
		const handOver = (error: Error | null) => {
			if (handedOver) return;
			handedOver = true;
			this.handshaking.delete(socket);
			socket.removeListener('error', handOver);
			callback!(error, socket);
		};
		socket.on('error', handOver);
		socket.once('close', () => {
			this.handshaking.delete(socket);
			handOver(new Error('the connection closed before its server was verified'));
		});
		// The request does not hold this socket yet: a server that never finishes the handshake (a stopped
		// API server) would keep it, and the process, alive after the request itself has timed out.
		// Without a request timeout (--request-timeout 0), client-go's own TLS handshake limit, and its words.
		const requestLimit = typeof options.timeout === 'number' && options.timeout > 0 ? options.timeout : undefined;
		socket.setTimeout(requestLimit ?? tlsHandshakeLimitMs, () => socket.destroy(new Error(requestLimit ? 'socket timeout' : 'net/http: TLS handshake timeout')));
		// TLSSocket's own 'connect' listener, which sends the hello, runs before this one.
		socket.once('connect', loadVerifier);
		socket.once('secureConnect', () => {
			socket.setTimeout(0);
			this.judge.verdict(socket).then(
				(problem) => {
					if (problem === undefined) return handOver(null);
					socket.destroy();
					handOver(Object.assign(new Error(problem), {code: serverNotVerified}));
				},
				(error: Error) => {
					socket.destroy();
					handOver(error);
				},
			);
		});
		return undefined;
	}
}

export function sendRequest(target: ClusterTarget, url: URL, options: https.RequestOptions, timeoutMs: number, payload?: string): Promise<RawResponse> {
	const where = targetText(target);
	const headers = payload === undefined ? options.headers : {...options.headers, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload)};
	return new Promise<RawResponse>((resolve, reject) => {
		const transport = url.protocol === 'http:' ? http : https;
		const request = transport.request(url, {...options, headers, timeout: timeoutMs}, (response) => {
			const chunks: Buffer[] = [];
			response.on('data', (chunk: Buffer) => chunks.push(chunk));
			response.on('end', () => resolve({status: response.statusCode ?? 0, contentType: String(response.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString('utf8')}));
			response.on('error', (error) => reject(new ClusterError('unreachable', `${where}: ${error.message}`)));
			response.on('aborted', () => reject(droppedMidResponse(where)));
		});
		// 0 is kubectl's --request-timeout for "no timeout" (and Node's, for the socket's).
		const timer = timeoutMs > 0 ? setTimeout(() => {
			request.destroy();
			reject(requestTimeout(where, timeoutMs));
		}, timeoutMs) : undefined;
		request.on('close', () => clearTimeout(timer));
		request.on('timeout', () => request.destroy(new Error('socket timeout')));
		request.on('error', (error: NodeJS.ErrnoException) => reject(networkError(where, error, timeoutMs)));
		request.end(payload);
	});
}
