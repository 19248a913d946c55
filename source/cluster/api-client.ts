import fs from 'node:fs';
import type http from 'node:http';
import type https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import type {MergedKubeconfig} from '../kubeconfig/load.ts';
import {KubehopError} from '../errors/kubehop-error.ts';
import {ClusterError, droppedMidResponse, goOpenError, networkError, requestTimeout, targetText} from './cluster-error.ts';
import type {ClusterInfo} from './exec-credential.ts';
import {ServerJudge, type Verification} from './server-verification.ts';
import {requestMessage, WireClient, wireBadResponse, wireDropped, wireTimeout, type WireEndpoint, type WireError, type WireTls} from './wire-client.ts';
import {httpsServer, plainHttp, serverWithScheme} from './server-url.ts';

// A small typed client for one context. Certificates, tokens, basic auth and exec plugins are applied
// here as client-go applies them; auth providers and proxies by @kubernetes/client-node, loaded only
// then. Requests to an https server go over the wire client (wire-client.ts); the rest, and the proxy's
// piped requests, through Node's own http and https (node-transport.ts), loaded only for them.

export type ClusterTarget = {context: string; server: string};

/** `kubectl --as/--as-group/--as-uid`: sent as one Impersonate-Group header per group. */
export type Impersonation = {user?: string; groups?: readonly string[]; uid?: string; extra?: Readonly<Record<string, readonly string[]>>};

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

/**
 * `impersonate`: --as, --as-group and --as-uid, each over the user stanza's own as, as-groups and as-uid
 * (effectiveImpersonation). `asRealUser`: none at all, for asking what the credential's owner may do.
 */
export type ConnectOptions = {timeoutMs?: number; impersonate?: Impersonation; asRealUser?: boolean; env?: NodeJS.ProcessEnv};

export async function connect(config: MergedKubeconfig, contextName: string, timeoutOrOptions: number | ConnectOptions = defaultTimeoutMs): Promise<ApiClient> {
	const {timeoutMs = defaultTimeoutMs, impersonate, asRealUser, env} = typeof timeoutOrOptions === 'number' ? {timeoutMs: timeoutOrOptions} : timeoutOrOptions;
	const context = await resolveContext(config, contextName, {impersonate, asRealUser, env});
	if (context.base.protocol !== 'https:' || context.viaClientNode) {
		const server = await upstreamOf(context, 16);
		return clientFor(context.target, context.base, nodeSend(context.target, server.requestOptions, timeoutMs), server.close);
	}

	const wire = new WireClient(wireEndpoint(context), context.verification && new ServerJudge(context.verification));
	return clientFor(context.target, context.base, wireSend(context, wire, timeoutMs), () => wire.close());
}

/**
 * A client for a kubectl-proxy-compatible proxy (`kubectl proxy`, `kubehop proxy`): plain HTTP on
 * loopback, with the proxy adding the credentials.
 */
export function connectThroughProxy(proxyUrl: string, timeoutMs = defaultTimeoutMs): ApiClient {
	const base = new URL(proxyUrl.endsWith('/') ? proxyUrl : `${proxyUrl}/`);
	// Paths are appended to the base's text: a query or fragment on --proxy-url would end up in front of them.
	base.search = '';
	base.hash = '';
	// No context: the proxy holds it, and errors name the proxy (targetText).
	const target = {context: '', server: proxyUrl};
	let agent: Promise<http.Agent> | undefined;
	const agentOnce = () => (agent ??= import('./node-transport.ts').then(({agentFor}) => agentFor(true, undefined, 16)));
	const options = async () => ({agent: await agentOnce(), headers: {}});
	return clientFor(target, base, nodeSend(target, options, timeoutMs), () => void agent?.then((open) => open.destroy()));
}

/** Sends one request and reads its whole answer; failures come as ClusterErrors. */
type Send = (method: 'GET' | 'POST', url: URL, headers: Record<string, string>, payload: string | undefined) => Promise<RawResponse>;

function clientFor(target: ClusterTarget, base: URL, send: Send, close: () => void): ApiClient {
	let requests = 0;
	const request = (method: 'GET' | 'POST', path: string, accept: string, body?: unknown) => {
		requests++;
		// Appended to the base, never resolved against it: `http://elsewhere/x` or `http:x` typed as a path
		// must stay a path on this server (as kubectl get --raw sends it), not a request to another host.
		return send(method, new URL(`${base.href}${path.replace(/^\//, '')}`), {Accept: accept}, body === undefined ? undefined : JSON.stringify(body));
	};

	return {
		target,
		get requests() {
			return requests;
		},
		async getJson<T>(path: string): Promise<T> {
			return parseJson<T>(target, await request('GET', path, 'application/json'));
		},
		async postJson<T>(path: string, body: unknown): Promise<T> {
			return parseJson<T>(target, await request('POST', path, 'application/json', body));
		},
		raw: (method, path, options = {}) => request(method, path, options.accept ?? 'application/json', options.body),
		close,
	};
}

function nodeSend(target: ClusterTarget, requestOptions: () => Promise<https.RequestOptions>, timeoutMs: number): Send {
	return async (method, url, headers, payload) => {
		const [{sendRequest}, options] = await Promise.all([import('./node-transport.ts'), requestOptions()]);
		return sendRequest(target, url, {...options, method, headers: {...options.headers, ...headers}}, timeoutMs, payload);
	};
}

function wireEndpoint(context: ResolvedContext): WireEndpoint {
	const host = context.base.hostname.replace(/^\[|\]$/g, '');
	// SNI as Node's https sends it: the tls-server-name, else the host unless it is an IP address.
	return {host, port: Number(context.base.port) || 443, servername: context.tlsServerName ?? (net.isIP(host) ? undefined : host)};
}

function wireSend(context: ResolvedContext, wire: WireClient, timeoutMs: number): Send {
	const where = targetText(context.target);
	// Without the kubeconfig's CA, Node judges the server against its bundled roots: one TLS context per client certificate.
	let rooted: {cert: unknown; key: unknown; context: tls.SecureContext} | undefined;
	const tlsOf = (options: https.RequestOptions & tls.ConnectionOptions): WireTls => {
		const rejectUnauthorized = options.rejectUnauthorized !== false;
		if (options.secureContext) return {secureContext: options.secureContext, rejectUnauthorized};
		if (!rooted || rooted.cert !== options.cert || rooted.key !== options.key) rooted = {cert: options.cert, key: options.key, context: tls.createSecureContext({cert: options.cert, key: options.key})};
		return {secureContext: rooted.context, rejectUnauthorized};
	};

	return async (method, url, headers, payload) => {
		const options = await context.credentials();
		try {
			const message = requestMessage(method, `${url.pathname}${url.search}`, url.host, {...(options.headers as Record<string, string | undefined>), ...context.impersonationHeaders, ...headers}, payload);
			return await wire.request(message, tlsOf(options as https.RequestOptions & tls.ConnectionOptions), timeoutMs);
		} catch (error) {
			const {code, message} = error as WireError;
			if (code === wireTimeout) throw requestTimeout(where, timeoutMs);
			if (code === wireDropped) throw droppedMidResponse(where);
			if (code === wireBadResponse || code === 'ERR_INVALID_CHAR') throw new ClusterError('server', `${where}: ${message}`);
			throw networkError(where, error as NodeJS.ErrnoException, timeoutMs);
		}
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
	return upstreamOf(await resolveContext(config, contextName, {impersonate, env}), maxSockets);
}

async function upstreamOf(context: ResolvedContext, maxSockets: number): Promise<Upstream> {
	const {agentFor} = await import('./node-transport.ts');
	const agent = agentFor(context.base.protocol === 'http:', context.verification, maxSockets);
	return {
		target: context.target,
		base: context.base,
		async requestOptions() {
			const options = await context.credentials();
			return {...options, agent, headers: {...options.headers, ...context.impersonationHeaders}};
		},
		close: () => agent.destroy(),
	};
}

/** One context's server and credentials, as client-go would apply them, before any transport is chosen. */
type ResolvedContext = {
	target: ClusterTarget;
	base: URL;
	credentials: Credentials;
	/** Credentials applied by @kubernetes/client-node, which may bring an agent of their own (a proxy). */
	viaClientNode: boolean;
	verification: Verification | undefined;
	tlsServerName: string | undefined;
	impersonationHeaders: Record<string, string | string[]>;
};

async function resolveContext(config: MergedKubeconfig, contextName: string, {impersonate, asRealUser, env}: {impersonate?: Impersonation; asRealUser?: boolean; env?: NodeJS.ProcessEnv}): Promise<ResolvedContext> {
	const context = config.contexts.get(contextName);
	if (!context) throw new KubehopError(`context "${contextName}" does not exist in the kubeconfig`);
	const cluster = config.clusters.get(context.data.cluster);
	const server = cluster && typeof cluster.data.server === 'string' ? serverWithScheme(cluster.data.server) : '';
	if (!cluster || !server) throw new KubehopError(`context "${contextName}" has no cluster server (cluster "${context.data.cluster}")`);
	// kubectl sends every request through the cluster's proxy-url (an egress proxy, often mandated). kubehop
	// does not speak to such proxies yet, and going around one is not its call to make.
	const proxyUrl = text(cluster.data['proxy-url']);
	if (proxyUrl) throw new KubehopError(`context "${contextName}" reaches its server through proxy-url ${proxyUrl}, which kubehop does not support yet; it does not go around it`, 'use kubectl for this cluster; for the API pane, run kubectl proxy and pass --proxy-url http://127.0.0.1:8001');
	const stanza = config.users.get(context.data.user)?.data ?? {};
	const secure = !plainHttp(server);
	refuseAsKubectlDoes(cluster.data, stanza, context.data.user, secure);
	// client-go reads no credentials for a plain-HTTP server ("only try to read the auth information if we
	// are secure"): no token or password goes out in the clear.
	const user = secure ? stanza : {};
	// The CA is read once here, for the TLS options, the verification and an exec plugin's cluster info.
	const ca = clusterCa(cluster.data);
	let credentials = directCredentials(cluster.data, user, server, ca) ?? (await execCredentials(cluster.data, user, server, ca, context.data.user, env));
	const viaClientNode = !credentials;
	credentials ??= await clientNodeCredentials(contextName, {user: context.data.user, namespace: context.data.namespace}, cluster, user, server);
	// client-go applies impersonation before it decides whether to read credentials: it holds over plain HTTP too.
	const impersonationHeaders = asRealUser ? {} : impersonationHeadersFor(validImpersonation(mergedImpersonation(stanza, impersonate), context.data.user));
	return {
		target: {context: contextName, server},
		base: new URL(server.endsWith('/') ? server : `${server}/`),
		credentials,
		viaClientNode,
		verification: kubectlVerification(cluster.data, server, ca),
		tlsServerName: text(cluster.data['tls-server-name']),
		impersonationHeaders,
	};
}

/**
 * Who a context's requests act as, as kubectl merges it: --as, --as-group and --as-uid each over the user
 * stanza's as, as-groups and as-uid, and the stanza's as-user-extra (no flag sets it). Undefined: no one else.
 */
export function effectiveImpersonation(config: MergedKubeconfig, contextName: string, flags: Impersonation | undefined): Impersonation | undefined {
	const context = config.contexts.get(contextName);
	const merged = validImpersonation(mergedImpersonation((context && config.users.get(context.data.user)?.data) ?? {}, flags), context?.data.user ?? '');
	return merged.user ? merged : undefined;
}

/** As client-go checks the merged result: groups, a uid or extras only go with a user to impersonate. */
function validImpersonation(merged: Impersonation, userName: string): Impersonation {
	if (!merged.user && (merged.groups?.length || merged.uid || Object.keys(merged.extra ?? {}).length > 0)) throw new KubehopError(`requesting uid, groups or user-extra for ${userName} without impersonating a user`);
	return merged;
}

function mergedImpersonation(stanza: Record<string, unknown>, flags: Impersonation | undefined): Impersonation {
	const strings = (value: unknown) => (Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []);
	const extra = stanza['as-user-extra'] && typeof stanza['as-user-extra'] === 'object' ? Object.fromEntries(Object.entries(stanza['as-user-extra']).map(([key, values]) => [key, strings(values)])) : {};
	// An empty flag (`--as=`) sets nothing, as in kubectl: the stanza's value stays.
	const groups = flags?.groups?.filter(Boolean) ?? [];
	return {
		user: flags?.user || text(stanza.as),
		groups: groups.length > 0 ? groups : strings(stanza['as-groups']),
		uid: flags?.uid || text(stanza['as-uid']),
		extra,
	};
}

/** client-go's impersonation headers; an extra's key is %-escaped where a header name cannot hold it. */
function impersonationHeadersFor({user, groups = [], uid, extra = {}}: Impersonation): Record<string, string | string[]> {
	const headers: Record<string, string | string[]> = {};
	if (!user) return headers;
	headers['Impersonate-User'] = user;
	if (groups.length > 0) headers['Impersonate-Group'] = [...groups];
	if (uid) headers['Impersonate-Uid'] = uid;
	for (const [key, values] of Object.entries(extra)) if (values.length > 0) headers[`Impersonate-Extra-${headerKeyEscape(key)}`] = [...values];
	return headers;
}

/** As client-go's headerKeyEscape: bytes outside RFC 7230's token characters, and '%', as %XX. */
function headerKeyEscape(key: string): string {
	return [...Buffer.from(key, 'utf8')].map((byte) => (/[!#$&'*+\-.^_`|~0-9A-Za-z]/.test(String.fromCharCode(byte)) && byte < 0x80 ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
}

/** What client-go refuses before sending anything, in its words: kubehop must not make such a request work. */
function refuseAsKubectlDoes(cluster: Record<string, unknown>, user: Record<string, unknown>, userName: string, secure: boolean): void {
	// A TLS setting: client-go checks it only where it builds TLS.
	const hasCa = Boolean(text(cluster['certificate-authority-data']) || text(cluster['certificate-authority']));
	if (secure && hasCa && cluster['insecure-skip-tls-verify'] === true) throw new KubehopError('specifying a root certificates file with the insecure flag is not allowed');
	// client-go's validation counts the inline token only, not a tokenFile.
	const methods = [...(text(user.token) ? ['token'] : []), ...(text(user.username) || text(user.password) ? ['basicAuth'] : [])];
	if (methods.length > 1) throw new KubehopError(`more than one authentication method found for ${userName}; found [${methods.join(' ')}], only one is allowed`);
}

type Credentials = () => Promise<https.RequestOptions>;


const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
const decoded = (value: unknown) => (text(value) ? Buffer.from(text(value)!, 'base64') : undefined);

/**
 * Certificates, tokens and basic auth applied here, as client-go applies them (inline data over files,
 * a readable token file over a token): loading @kubernetes/client-node costs ~100 ms of a ~180 ms
 * command. Exec plugins are run here too (exec-credential.ts); auth providers go to client-node
 * (undefined here). A cluster's proxy-url is refused before this (resolveContext).
 */
function directCredentials(cluster: Record<string, unknown>, user: Record<string, unknown>, server: string, ca: Buffer | undefined): Credentials | undefined {
	if (user.exec || user['auth-provider']) return undefined;
	const options = transportOptions(cluster, user, server, ca);
	const basic = text(user.username) && text(user.password) ? `Basic ${Buffer.from(`${text(user.username)}:${text(user.password)}`).toString('base64')}` : undefined;
	const withToken = (token: string | undefined) => {
		const authorization = token ? `Bearer ${token}` : basic;
		return {...options, headers: authorization ? {Authorization: authorization} : {}};
	};

	const tokenFile = text(user.tokenFile);
	if (!tokenFile) {
		const fixed = withToken(text(user.token));
		return async () => fixed;
	}

	const initial = bearerToken(user);
	const token = rereadTokenFile(tokenFile, initial, initial !== undefined && initial !== text(user.token));
	return async () => withToken(token());
}

/** client-go's cached file token source: the file is read again once what it last said is 50 s old (a minute, less ten seconds' leeway). */
const tokenFileRereadMs = 50_000;

/**
 * A tokenFile as client-go follows it while it runs (projected service-account tokens rotate hourly):
 * read again once the last reading is 50 s old. A failed or empty read keeps the last token; `initial` is
 * what bearerToken picked (the file's token, or the inline one), as client-go's round tripper falls back.
 */
function rereadTokenFile(tokenFile: string, initial: string | undefined, readJustNow: boolean): () => string | undefined {
	// `initial` read from the file just now counts as the first reading: the first request reads nothing again.
	let last = readJustNow ? initial : undefined;
	let readAt = readJustNow ? Date.now() : Number.NEGATIVE_INFINITY;
	return () => {
		const now = Date.now();
		if (now - readAt >= tokenFileRereadMs || now < readAt) {
			try {
				const read = fs.readFileSync(tokenFile, 'utf8').trim();
				if (read) {
					last = read;
					readAt = now;
				}
			} catch {}
		}

		return last ?? initial;
	};
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
	if (plainHttp(server)) return {};
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

/** The CA bundle and name kubectl checks the server against, when the kubeconfig has a CA and verification is on. */
function kubectlVerification(cluster: Record<string, unknown>, server: string, ca: Buffer | undefined): Verification | undefined {
	if (!httpsServer(server) || cluster['insecure-skip-tls-verify'] === true) return undefined;
	if (!ca) return undefined;
	return {caPem: ca.toString('utf8'), name: text(cluster['tls-server-name']) ?? new URL(server).hostname.replace(/^\[|\]$/g, '')};
}

/** A user whose credential comes from an exec plugin: asked of the plugin per request, which reuses it until it expires. */
async function execCredentials(cluster: Record<string, unknown>, user: Record<string, unknown>, server: string, ca: Buffer | undefined, userName: string, env: NodeJS.ProcessEnv | undefined): Promise<Credentials | undefined> {
	if (!user.exec || user['auth-provider']) return undefined;
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
				skipTLSVerify: cluster.data['insecure-skip-tls-verify'] === true || plainHttp(server),
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
				token: bearerToken(user),
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
	const where = targetText(target);
	if (response.status < 200 || response.status >= 300) throw statusError(where, response.status, response.body);
	try {
		return JSON.parse(response.body) as T;
	} catch {
		throw new ClusterError('server', `${where} returned a response that is not JSON`, response.status);
	}
}

/**
 * The bearer token as client-go picks it: a readable tokenFile over an inline token (what the file
 * last said wins), the inline token when the file cannot be read, and kubectl's error when there is
 * no token but an unreadable file (sending the request anonymously would only mislead).
 */
export function bearerToken(user: Record<string, unknown>): string | undefined {
	const inline = text(user.token);
	const tokenFile = text(user.tokenFile);
	if (!tokenFile) return inline;
	try {
		return fs.readFileSync(tokenFile, 'utf8').trim() || inline;
	} catch (error) {
		if (inline) return inline;
		throw new KubehopError(goOpenError(tokenFile, error));
	}
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
