import {KubehopError} from '../errors/kubehop-error.ts';

export type ClusterErrorKind = 'unreachable' | 'timeout' | 'tls' | 'unauthorized' | 'forbidden' | 'not-found' | 'server';

/** A failed request to a cluster, typed so callers can react to forbidden or not-found. */
export class ClusterError extends KubehopError {
	constructor(
		readonly kind: ClusterErrorKind,
		message: string,
		readonly status?: number,
		hint?: string,
	) {
		super(message, hint);
	}
}

// Node's TLS codes, translated into the x509 errors kubectl users know from Go.
const tlsErrors: Record<string, string> = {
	DEPTH_ZERO_SELF_SIGNED_CERT: 'x509: certificate signed by unknown authority',
	SELF_SIGNED_CERT_IN_CHAIN: 'x509: certificate signed by unknown authority',
	UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'x509: certificate signed by unknown authority',
	UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'x509: certificate signed by unknown authority',
	CERT_HAS_EXPIRED: 'x509: certificate has expired or is not yet valid',
	CERT_NOT_YET_VALID: 'x509: certificate has expired or is not yet valid',
	ERR_TLS_CERT_ALTNAME_INVALID: 'x509: certificate is not valid for this server name (SAN mismatch)',
};

/** Where a failed request went, as errors name it: a context and its server, or a proxy (no context). */
export function targetText({context, server}: {context: string; server: string}): string {
	return context ? `context "${context}" (${server})` : `the proxy at ${server}`;
}

// Go's words for the errors a credential file most often meets, as kubectl prints them.
const goFileErrors: Record<string, string> = {ENOENT: 'no such file or directory', EACCES: 'permission denied', EISDIR: 'is a directory'};

/** `open FILE: no such file or directory`, as Go's os.ReadFile fails, for a Node error reading `file`. */
export function goOpenError(file: string, error: unknown): string {
	const {code} = error as NodeJS.ErrnoException;
	return `open ${file}: ${(code && goFileErrors[code]) ?? (error as Error).message}`;
}

/** client-go's TLSHandshakeTimeout: how long kubectl waits for a handshake, whatever --request-timeout says. */
export const tlsHandshakeLimitMs = 10_000;

/** Set on the error a connection fails with when its server does not pass kubectl's checks. */
export const serverNotVerified = 'KUBEHOP_SERVER_NOT_VERIFIED';

/** A request that failed below HTTP (connection, TLS, timeout), as the user should read it. */
export function networkError(where: string, error: NodeJS.ErrnoException, timeoutMs: number): ClusterError {
	const code = error.code ?? '';
	if (code === serverNotVerified) return new ClusterError('tls', `${where}: tls: failed to verify certificate: ${error.message}`);
	if (tlsErrors[code]) return new ClusterError('tls', `${where}: ${tlsErrors[code]} (${code})`);
	if (error.message === 'socket timeout') return new ClusterError('timeout', `${where} did not answer within ${timeoutMs / 1000}s`);
	return new ClusterError('unreachable', `${where} is unreachable: ${error.message}`);
}

export function requestTimeout(where: string, timeoutMs: number): ClusterError {
	return new ClusterError('timeout', `${where} did not answer within ${timeoutMs / 1000}s`, undefined, 'check the server is up, or raise the limit with --request-timeout');
}

export function droppedMidResponse(where: string): ClusterError {
	return new ClusterError('unreachable', `${where}: the connection was dropped mid-response`);
}
