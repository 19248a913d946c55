import fs from 'node:fs';
import https from 'node:https';
import http from 'node:http';
import type {Duplex} from 'node:stream';
import tls from 'node:tls';
import type {MergedKubeconfig} from '../kubeconfig/load.ts';
import {KubehopError} from '../errors/kubehop-error.ts';
import {ClusterError} from './cluster-error.ts';
import type {ClusterInfo} from './exec-credential.ts';

// A small typed client for one context. Certificates, tokens, basic auth and exec plugins are applied
// here as client-go applies them; auth providers and proxies by @kubernetes/client-node, loaded only
// then. The requests themselves go through Node's own https with one keep-alive agent per client.

export type ClusterTarget = {context: string; server: string};

/** `kubectl --as/--as-group/--as-uid`: sent as one Impersonate-Group header per group. */
export type Impersonation = {user?: string; groups?: readonly string[]; uid?: string};

export type RawResponse = {status: number; contentType: string; body: string};

export type ApiClient = {
	target: ClusterTarget;
	getJson<T>(path: string): Promise<T>;
	postJson<T>(path: string, body: unknown): Promise<T>;
	/** Any status comes back as it is, for callers that read error bodies or content types themselves. */
	raw(method: 'GET' | 'POST', path: string, options?: {accept?: string; body?: unknown}): Promise<RawResponse>;
	/** How many HTTP requests this client has sent. */
	readonly requests: number;
	close(): void;
};

export const defaultTimeoutMs = 5000;

export type ConnectOptions = {timeoutMs?: number; impersonate?: Impersonation; env?: NodeJS.ProcessEnv};

export async function connect(config: MergedKubeconfig, contextName: string, timeoutOrOptions: number | ConnectOptions = defaultTimeoutMs): Promise<ApiClient> {
	const {timeoutMs = defaultTimeoutMs, impersonate, env} = typeof timeoutOrOptions === 'number' ? {timeoutMs: timeoutOrOptions} : timeoutOrOptions;
	return clientFor(await upstream(config, contextName, {impersonate, env}), timeoutMs);
}

/**
 * A client for a kubectl-proxy-compatible proxy (`kubectl proxy`, `kubehop proxy`): plain HTTP on
 * loopback, with the proxy adding the credentials.
 */
export function connectThroughProxy(proxyUrl: string, timeoutMs = defaultTimeoutMs): ApiClient {
	const base = new URL(proxyUrl.endsWith('/') ? proxyUrl : `${proxyUrl}/`);
	const agent = new http.Agent({keepAlive: true, maxSockets: 16});
	return clientFor({target: {context: 'proxy', server: proxyUrl}, base, requestOptions: async () => ({agent, headers: {}}), close: () => agent.destroy()}, timeoutMs);
}

function clientFor(server: Upstream, timeoutMs: number): ApiClient {
	const {target} = server;
	let requests = 0;
	const send = async (method: 'GET' | 'POST', path: string, accept: string, body?: unknown) => {
		const options = await server.requestOptions();
		requests++;
		return sendRequest(target, new URL(path.replace(/^\//, ''), server.base), {...options, method, headers: {...options.headers, Accept: accept}}, timeoutMs, body);
	};

	return {
		target,
		get requests() {
			return requests;
		},
		async getJson<T>(path: string): Promise<T> {
			return parseJson<T>(target, await send('GET', path, 'application/json'));
		},
		async postJson<T>(path: string, body: unknown): Promise<T> {
			return parseJson<T>(target, await send('POST', path, 'application/json', body));
		},
		raw: (method, path, options = {}) => send(method, path, options.accept ?? 'application/json', options.body),
		close: server.close,
	};
}

/** The API server of one context, for callers that send their own requests (the proxy pipes raw ones). */
export type Upstream = {
	target: ClusterTarget;
	/** The cluster's server URL, always ending in a slash. */
	base: URL;
	/**
	 * Options for one request: the keep-alive agent, TLS material and the credential headers
	 * (Authorization, Impersonate-*). Asked per request: exec plugins hand out tokens that expire.
	 */
	requestOptions(): Promise<https.RequestOptions & {headers: http.OutgoingHttpHeaders}>;
	close(): void;
};

/** `env`: the command's environment, where an exec plugin's credential expiry is recorded for `kubehop certs`. */
export type UpstreamOptions = {impersonate?: Impersonation; maxSockets?: number; env?: NodeJS.ProcessEnv};

export async function upstream(config: MergedKubeconfig, contextName: string, {impersonate, maxSockets = 16, env}: UpstreamOptions = {}): Promise<Upstream> {
	const context = config.contexts.get(contextName);
	if (!context) throw new KubehopError(`context "${contextName}" does not exist in the kubeconfig`);
	const cluster = config.clusters.get(context.data.cluster);
	const server = typeof cluster?.data.server === 'string' ? cluster.data.server : '';
	if (!cluster || !server) throw new KubehopError(`context "${contextName}" has no cluster server (cluster "${context.data.cluster}")`);
	const user = config.users.get(context.data.user)?.data ?? {};
	// The CA is read once here, for the TLS options, the verification and an exec plugin's cluster info.
	const ca = clusterCa(cluster.data);
	const credentials = directCredentials(cluster.data, user, server, ca) ?? (await execCredentials(cluster.data, user, server, ca, context.data.user, env)) ?? (await clientNodeCredentials(contextName, {user: context.data.user, namespace: context.data.namespace}, cluster, user, server));
	const base = server.endsWith('/') ? server : `${server}/`;
	const isHttp = server.startsWith('http:');
	const verifyAs = kubectlVerification(cluster.data, server, ca);
	const agent = isHttp ? new http.Agent({keepAlive: true, maxSockets}) : verifyAs ? new KubectlVerifyingAgent({keepAlive: true, maxSockets}, verifyAs) : new https.Agent({keepAlive: true, maxSockets});
	// --as flags win over the user stanza's own `as`, `as-groups` and `as-uid`, as in kubectl.
	const as = impersonate ?? {user: typeof user.as === 'string' ? user.as : undefined, groups: Array.isArray(user['as-groups']) ? (user['as-groups'] as string[]) : undefined, uid: typeof user['as-uid'] === 'string' ? user['as-uid'] : undefined};
	const impersonationHeaders: Record<string, string | string[]> = {};
	if (as.user) impersonationHeaders['Impersonate-User'] = as.user;
	if (as.groups?.length) impersonationHeaders['Impersonate-Group'] = [...as.groups];
	if (as.uid) impersonationHeaders['Impersonate-Uid'] = as.uid;
	return {
		target: {context: contextName, server},
		base: new URL(base),
		async requestOptions() {
			const options = await credentials();
			return {...options, agent, headers: {...options.headers, ...impersonationHeaders}};
		},
		close: () => agent.destroy(),
	};
}

type Credentials = () => Promise<https.RequestOptions>;

const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
const decoded = (value: unknown) => (text(value) ? Buffer.from(text(value)!, 'base64') : undefined);

/**
 * Certificates, tokens and basic auth applied here, as client-go applies them (inline data over files,
 * a token over a token file): loading @kubernetes/client-node costs ~100 ms of a ~180 ms command.
 * Exec plugins are run here too (exec-credential.ts); auth providers and proxies go to client-node
 * (undefined here).
 */
function directCredentials(cluster: Record<string, unknown>, user: Record<string, unknown>, server: string, ca: Buffer | undefined): Credentials | undefined {
	if (user.exec || user['auth-provider'] || cluster['proxy-url']) return undefined;
	const options = transportOptions(cluster, user, server, ca);
	const token = text(user.token) ?? readTokenFile(user.tokenFile);
	const basic = text(user.username) && text(user.password) ? `Basic ${Buffer.from(`${text(user.username)}:${text(user.password)}`).toString('base64')}` : undefined;
	const authorization = token ? `Bearer ${token}` : basic;
	options.headers = authorization ? {Authorization: authorization} : {};
	return async () => options;
}

const file = (value: unknown) => (text(value) ? fs.readFileSync(text(value)!) : undefined);

function clusterCa(cluster: Record<string, unknown>): Buffer | undefined {
	try {
		return decoded(cluster['certificate-authority-data']) ?? file(cluster['certificate-authority']);
	} catch (error) {
		throw new KubehopError(`cannot read a credential file of this context: ${(error as Error).message}`);
	}
}

/**
 * TLS for the cluster, and the user's own client certificate if the kubeconfig (or its exec plugin,
 * `fromPlugin`) has one. OpenSSL gets an empty trust store (`ca: []`) and does not judge the server:
 * with the kubeconfig's CA, KubectlVerifyingAgent does, as kubectl; with insecure-skip-tls-verify
 * nobody does. Only a cluster without a CA is left to Node and its bundled roots, which it reads
 * (~20 ms) for any other `ca`.
 */
function transportOptions(cluster: Record<string, unknown>, user: Record<string, unknown>, server: string, ca: Buffer | undefined, fromPlugin?: {cert: string; key: string}): https.RequestOptions {
	if (server.startsWith('http:')) return {};
	const insecure = cluster['insecure-skip-tls-verify'] === true;
	try {
		const cert = fromPlugin?.cert ?? decoded(user['client-certificate-data']) ?? file(user['client-certificate']);
		const key = fromPlugin?.key ?? decoded(user['client-key-data']) ?? file(user['client-key']);
		const servername = text(cluster['tls-server-name']);
		if (!ca && !insecure) return {cert, key, rejectUnauthorized: true, servername};
		// One context for all of this client's connections: each would otherwise parse the key again. The
		// certificate and key are passed too, unused by TLS, only to name the agent's pool of connections
		// (https.Agent.getName ignores secureContext): a plugin's renewed certificate then gets connections of
		// its own, where client-go drops the old ones, instead of a kept-alive one made with the old certificate.
		const options: https.RequestOptions & tls.ConnectionOptions = {secureContext: tls.createSecureContext({ca: [], cert, key}), cert, key, rejectUnauthorized: false, servername};
		return options;
	} catch (error) {
		throw new KubehopError(`cannot read a credential file of this context: ${(error as Error).message}`);
	}
}

type Verification = {caPem: string; name: string};

// The judge of a server's chain (tls-probe.ts, with go-verify.ts and the certificate reader) is loaded once
// the first connection has sent its hello, while the server works on its answer, not before it.
let verifier: Promise<typeof import('../certificates/tls-probe.ts')> | undefined;
const loadVerifier = () => (verifier ??= import('../certificates/tls-probe.ts'));

/** The CA bundle and name kubectl checks the server against, when the kubeconfig has a CA and verification is on. */
function kubectlVerification(cluster: Record<string, unknown>, server: string, ca: Buffer | undefined): Verification | undefined {
	if (!server.startsWith('https:') || cluster['insecure-skip-tls-verify'] === true) return undefined;
	if (!ca) return undefined;
	return {caPem: ca.toString('utf8'), name: text(cluster['tls-server-name']) ?? new URL(server).hostname.replace(/^\[|\]$/g, '')};
}

/**
 * Hands a connection to HTTP only once the server's chain passes Go's checks (certificates/tls-probe.ts,
 * held to kubectl's own verdicts in its tests), so nothing, credentials least of all, is written to a
 * server kubectl would refuse, and the refusal is kubectl's x509 message. TLS sessions are not
 * resumed: a resumed session would skip this check.
 */
class KubectlVerifyingAgent extends https.Agent {
	constructor(
		options: https.AgentOptions,
		private readonly verification: Verification,
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

	/** Parallel requests open parallel connections to one server: its chain is judged once a minute, not once each. */
	private recent: {chain: Buffer; problem: string | undefined; at: number} | undefined;

	private async verdict(socket: tls.TLSSocket): Promise<string | undefined> {
		const {chainOf, kubectlVerificationError} = await loadVerifier();
		const raw = chainOf(socket.getPeerCertificate(true));
		const chain = Buffer.concat(raw);
		if (this.recent && this.recent.chain.equals(chain) && Date.now() - this.recent.at < 60_000) return this.recent.problem;
		let problem: string | undefined;
		try {
			problem = kubectlVerificationError(raw, this.verification.caPem, this.verification.name, new Date());
		} catch (error) {
			problem = `x509: kubehop cannot read the server's certificate: ${(error as Error).message}`;
		}

		this.recent = {chain, problem, at: Date.now()};
		return problem;
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
		const limit = typeof options.timeout === 'number' && options.timeout > 0 ? options.timeout : 30_000;
		socket.setTimeout(limit, () => socket.destroy(new Error('socket timeout')));
		// TLSSocket's own 'connect' listener, which sends the hello, runs before this one.
		socket.once('connect', loadVerifier);
		socket.once('secureConnect', () => {
			socket.setTimeout(0);
			this.verdict(socket).then(
				(problem) => {
					if (problem === undefined) return handOver(null);
					socket.destroy();
					handOver(Object.assign(new Error(problem), {code: 'KUBEHOP_SERVER_NOT_VERIFIED'}));
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

/** A user whose credential comes from an exec plugin: asked of the plugin per request, which reuses it until it expires. */
async function execCredentials(cluster: Record<string, unknown>, user: Record<string, unknown>, server: string, ca: Buffer | undefined, userName: string, env: NodeJS.ProcessEnv | undefined): Promise<Credentials | undefined> {
	if (!user.exec || user['auth-provider'] || cluster['proxy-url']) return undefined;
	const [{execConfigOf, execCredential}, {execRecordKey}] = await Promise.all([import('./exec-credential.ts'), import('./exec-expiry.ts')]);
	const exec = execConfigOf(user.exec, userName);
	const transport = transportOptions(cluster, user, server, ca);
	// What client-go tells a plugin that sets provideClusterInfo; its own settings live in a named cluster extension.
	const extension = Array.isArray(cluster.extensions) ? (cluster.extensions as Array<{name?: unknown; extension?: unknown}>).find((entry) => entry?.name === 'client.authentication.k8s.io/exec')?.extension : undefined;
	const info: ClusterInfo = {
		server,
		'tls-server-name': text(cluster['tls-server-name']),
		'insecure-skip-tls-verify': cluster['insecure-skip-tls-verify'] === true ? true : undefined,
		'certificate-authority-data': ca?.toString('base64'),
		config: extension,
	};
	// Only a command's own environment says where its cache is; in-process callers record nothing.
	const record = env ? execRecordKey(userName, exec) : undefined;
	// A plugin's own client certificate needs a TLS context of its own, made again only when the plugin renews it.
	let pluginTransport: {cert: string; key: string; options: https.RequestOptions} | undefined;
	return async () => {
		const status = await execCredential(exec, {user: userName, cluster: info, env: env ?? process.env, record});
		let options = transport;
		if (status.clientCertificateData && status.clientKeyData) {
			const fromPlugin = {cert: status.clientCertificateData, key: status.clientKeyData};
			if (pluginTransport?.cert !== fromPlugin.cert || pluginTransport.key !== fromPlugin.key) pluginTransport = {...fromPlugin, options: transportOptions(cluster, user, server, ca, fromPlugin)};
			options = pluginTransport.options;
		}

		return {...options, headers: status.token ? {Authorization: `Bearer ${status.token}`} : {}};
	};
}

async function clientNodeCredentials(contextName: string, context: {user: string; namespace?: string}, cluster: {name: string; data: Record<string, unknown>}, user: Record<string, unknown>, server: string): Promise<Credentials> {
	const {KubeConfig} = await import('@kubernetes/client-node');
	const kubeConfig = new KubeConfig();
	kubeConfig.loadFromOptions({
		clusters: [
			{
				name: cluster.name,
				server,
				caData: cluster.data['certificate-authority-data'] ?? undefined,
				caFile: cluster.data['certificate-authority'] ?? undefined,
				// client-node refuses plain HTTP unless told to skip TLS checks, which do not apply to HTTP at all.
				skipTLSVerify: cluster.data['insecure-skip-tls-verify'] === true || server.startsWith('http:'),
				tlsServerName: cluster.data['tls-server-name'] ?? undefined,
			},
		],
		users: [
			{
				name: context.user,
				certData: user['client-certificate-data'] ?? undefined,
				certFile: user['client-certificate'] ?? undefined,
				keyData: user['client-key-data'] ?? undefined,
				keyFile: user['client-key'] ?? undefined,
				token: (user.token as string | undefined) ?? readTokenFile(user.tokenFile),
				username: user.username ?? undefined,
				password: user.password ?? undefined,
				exec: user.exec ?? undefined,
				authProvider: user['auth-provider'] ?? undefined,
			},
		],
		contexts: [{name: contextName, cluster: cluster.name, user: context.user, namespace: context.namespace || undefined}],
		currentContext: contextName,
	});
	return async () => {
		const options: https.RequestOptions = {};
		await kubeConfig.applyToHTTPSOptions(options);
		return options;
	};
}

function parseJson<T>(target: ClusterTarget, response: RawResponse): T {
	const where = `context "${target.context}" (${target.server})`;
	if (response.status < 200 || response.status >= 300) throw statusError(where, response.status, response.body);
	try {
		return JSON.parse(response.body) as T;
	} catch {
		throw new ClusterError('server', `${where} returned a response that is not JSON`, response.status);
	}
}

function readTokenFile(file: unknown): string | undefined {
	if (typeof file !== 'string' || file === '') return undefined;
	try {
		return fs.readFileSync(file, 'utf8').trim();
	} catch {
		return undefined;
	}
}

function sendRequest(target: ClusterTarget, url: URL, options: https.RequestOptions, timeoutMs: number, body?: unknown): Promise<RawResponse> {
	const where = `context "${target.context}" (${target.server})`;
	const payload = body === undefined ? undefined : JSON.stringify(body);
	const headers = payload === undefined ? options.headers : {...options.headers, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload)};
	return new Promise<RawResponse>((resolve, reject) => {
		const transport = url.protocol === 'http:' ? http : https;
		const request = transport.request(url, {...options, headers, timeout: timeoutMs}, (response) => {
			const chunks: Buffer[] = [];
			response.on('data', (chunk: Buffer) => chunks.push(chunk));
			response.on('end', () => resolve({status: response.statusCode ?? 0, contentType: String(response.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString('utf8')}));
			response.on('error', (error) => reject(new ClusterError('unreachable', `${where}: ${error.message}`)));
			response.on('aborted', () => reject(new ClusterError('unreachable', `${where}: the connection was dropped mid-response`)));
		});
		const timer = setTimeout(() => {
			request.destroy();
			reject(new ClusterError('timeout', `${where} did not answer within ${timeoutMs / 1000}s`, undefined, 'check the server is up, or raise the limit with --request-timeout'));
		}, timeoutMs);
		request.on('close', () => clearTimeout(timer));
		request.on('timeout', () => request.destroy(new Error('socket timeout')));
		request.on('error', (error: NodeJS.ErrnoException) => reject(networkError(where, error, timeoutMs)));
		request.end(payload);
	});
}

export function statusError(where: string, status: number, body: string): ClusterError {
	let message = '';
	try {
		message = (JSON.parse(body) as {message?: string}).message ?? '';
	} catch {}

	if (status === 401) return new ClusterError('unauthorized', `${where}: unauthorized (401)${message ? `: ${message}` : ''}`, status, 'the credentials in the kubeconfig were rejected; they may have expired');
	if (status === 403) return new ClusterError('forbidden', `${where}: forbidden (403)${message ? `: ${message}` : ''}`, status);
	if (status === 404) return new ClusterError('not-found', `${where}: not found (404)${message ? `: ${message}` : ''}`, status);
	return new ClusterError('server', `${where}: HTTP ${status}${message ? `: ${message}` : ''}`, status);
}

// Node's TLS codes, translated into the x509 errors kubectl users know from Go.
const tlsErrors: Record<string, string> = {
	DEPTH_ZERO_SELF_SIGNED_CERT: 'x509: certificate signed by unknown authority',
	SELF_SIGNED_CERT_IN_CHAIN: 'x509: certificate signed by unknown authority',
	UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'x509: certificate signed by unknown authority',
	UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'x509: certificate signed by unknown authority',
	CERT_HAS_EXPIRED: 'x509: certificate has expired or is not yet valid',
	CERT_NOT_YET_VALID: 'x509: certificate has expired or is not yet valid',
	ERR_TLS_CERT_ALTNAME_INVALID: "x509: certificate is not valid for this server name (SAN mismatch)",
};

function networkError(where: string, error: NodeJS.ErrnoException, timeoutMs: number): ClusterError {
	const code = error.code ?? '';
	if (code === 'KUBEHOP_SERVER_NOT_VERIFIED') return new ClusterError('tls', `${where}: tls: failed to verify certificate: ${error.message}`);
	if (tlsErrors[code]) return new ClusterError('tls', `${where}: ${tlsErrors[code]} (${code})`);
	if (error.message === 'socket timeout') return new ClusterError('timeout', `${where} did not answer within ${timeoutMs / 1000}s`);
	return new ClusterError('unreachable', `${where} is unreachable: ${error.message}`);
}
