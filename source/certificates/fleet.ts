import fs from 'node:fs';
import type {MergedKubeconfig} from '../kubeconfig/load.ts';
import {parseCertificates} from './certificate.ts';
import {goOpenError} from '../cluster/cluster-error.ts';
import {clientKeyProblem} from './key-match.ts';
import {defaultThresholds, rowsAt, type CertificateFacts, type ContextCertificates, type ContextFacts, type ExecExpiryLookup, type JwtClaims, type Thresholds} from './fleet-rows.ts';
import {httpsServer, plainHttp, serverWithScheme} from '../cluster/server-url.ts';

// Every context's credentials and cluster CA as facts, from the kubeconfig alone; rowsAt (fleet-rows.ts)
// makes them rows with a severity at a clock, and the live server check is added per context when it
// arrives. Key and token material never leaves here: only what a certificate or a token's claims say
// about themselves.

const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);

/** How a file is read; the report cache wraps it to learn which files the facts came from. */
export type ReadFile = (file: string) => string;

const readUtf8: ReadFile = (file) => fs.readFileSync(file, 'utf8');

/** Inline data wins over a file, as in client-go; a file that cannot be read is a note, not a crash. */
function pemFrom(data: unknown, file: unknown, read: ReadFile): {pem?: string; source: string; error?: string; goError?: string} {
	if (text(data)) return {pem: Buffer.from(text(data)!, 'base64').toString('utf8'), source: 'inline data'};
	if (!text(file)) return {source: 'none'};
	try {
		return {pem: read(text(file)!), source: text(file)!};
	} catch (error) {
		return {source: text(file)!, goError: goOpenError(text(file)!, error), error: `cannot read ${text(file)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`};
	}
}

/** The claims of a JWT, without checking its signature: only `exp`, `iat`, `iss` and `sub` are kept. */
export function jwtClaims(token: string): JwtClaims | undefined {
	const parts = token.split('.');
	if (parts.length !== 3) return undefined;
	try {
		const claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
		return {
			exp: typeof claims.exp === 'number' ? claims.exp : undefined,
			iat: typeof claims.iat === 'number' ? claims.iat : undefined,
			iss: typeof claims.iss === 'string' ? claims.iss : undefined,
			sub: typeof claims.sub === 'string' ? claims.sub : undefined,
		};
	} catch {
		return undefined;
	}
}

function certificateFacts(role: 'cluster CA' | 'client certificate', pem: string, now: Date): CertificateFacts {
	try {
		const certificates = parseCertificates(pem, now);
		return certificates.length === 0 ? {role, unusable: 'no certificate in the PEM data'} : {role, certificates};
	} catch (error) {
		return {role, unusable: `not a readable certificate: ${(error as Error).message}`};
	}
}

export type FactsOptions = {
	read?: ReadFile;
	/** The plugin's record key (exec-expiry.ts); without it no recorded expiry is looked up. */
	execRecordKey?: (userName: string, exec: {command: string}) => string;
};

/** `now` only times the certificates' own fields; rowsAt times everything again for its clock. */
export function contextFacts(config: MergedKubeconfig, contextName: string, now: Date, {read = readUtf8, execRecordKey}: FactsOptions = {}): ContextFacts {
	const context = config.contexts.get(contextName);
	const clusterName = context?.data.cluster ?? '';
	const userName = context?.data.user ?? '';
	const cluster = config.clusters.get(clusterName)?.data ?? {};
	const user = config.users.get(userName)?.data ?? {};
	const server = serverWithScheme(text(cluster.server) ?? '');
	const facts: ContextFacts = {context: contextName, server, cluster: clusterName, user: userName, auth: 'none', certificates: [], probeTarget: undefined};
	// kubectl reads no CA and no credentials for a plain-HTTP server: nothing it would use, nothing to check.
	if (plainHttp(server)) {
		facts.plainHttp = true;
		return facts;
	}

	const ca = pemFrom(cluster['certificate-authority-data'], cluster['certificate-authority'], read);
	if (ca.error) facts.certificates.push({role: 'cluster CA', unusable: ca.error});
	else if (ca.pem) facts.certificates.push(certificateFacts('cluster CA', ca.pem, now));
	// client-go refuses the pair before any request (api-client.ts refuses it the same way).
	if (ca.source !== 'none' && cluster['insecure-skip-tls-verify'] === true) facts.certificates.push({role: 'cluster CA', unusable: 'specifying a root certificates file with the insecure flag is not allowed'});

	const client = pemFrom(user['client-certificate-data'], user['client-certificate'], read);
	if (client.error) facts.certificates.push({role: 'client certificate', unusable: client.error});
	else if (client.pem) {
		facts.auth = 'client certificate';
		const certificate = certificateFacts('client certificate', client.pem, now);
		facts.certificates.push(certificate);
		// kubectl loads the pair before any request: a key missing, unreadable or not the certificate's fails
		// them all. (A certificate it cannot load already says so.)
		if ('certificates' in certificate) {
			const key = pemFrom(user['client-key-data'], user['client-key'], read);
			const unreadable = key.goError && `unable to read client-key ${key.source} for ${userName} due to ${key.goError}`;
			const keyProblem = unreadable || (key.pem === undefined ? `client-key-data or client-key must be specified for ${userName} to use the clientCert authentication method.` : clientKeyProblem(client.pem, key.pem));
			if (keyProblem) facts.certificates.push({role: 'client key', unusable: keyProblem});
		}
	}

	// As client-go picks it: a readable tokenFile over an inline token.
	const fromFile = readToken(user.tokenFile, read);
	if (fromFile.error && !text(user.token)) facts.certificates.push({role: 'token', unusable: fromFile.error});
	const token = fromFile.token ?? text(user.token);
	if (token) {
		facts.auth = facts.auth === 'none' ? 'token' : `${facts.auth} + token`;
		facts.token = {role: 'token', claims: jwtClaims(token)};
	}

	const exec = user.exec as {command?: unknown} | undefined;
	if (exec && typeof exec === 'object') {
		const command = text(exec.command) ?? '?';
		facts.auth = `exec plugin (${command})`;
		facts.exec = {command, recordKey: typeof exec.command === 'string' && execRecordKey ? execRecordKey(userName, exec as {command: string}) : undefined};
	}

	const provider = user['auth-provider'] as {name?: unknown; config?: Record<string, unknown>} | undefined;
	if (provider && typeof provider === 'object') {
		facts.auth = provider.name === 'oidc' ? 'OIDC' : `auth provider (${text(provider.name) ?? '?'})`;
		const idToken = text(provider.config?.['id-token']);
		facts.provider = {auth: facts.auth, idToken: idToken ? {role: 'OIDC id-token', claims: jwtClaims(idToken)} : undefined};
	}

	if (text(user.username) && text(user.password)) {
		facts.auth = facts.auth === 'none' ? 'basic' : `${facts.auth} + basic`;
		facts.basicUser = text(user.username);
	}

	// A cluster reached through its proxy-url is not dialled around that proxy: its server goes unchecked.
	facts.probeTarget = httpsServer(server) && !text(cluster['proxy-url'])
		? {server, caPem: ca.pem, tlsServerName: text(cluster['tls-server-name']), insecureSkipTlsVerify: cluster['insecure-skip-tls-verify'] === true}
		: undefined;
	return facts;
}

/** Every context's rows at `now`, straight from the kubeconfig: contextFacts, then rowsAt. */
export function contextCertificates(config: MergedKubeconfig, contextName: string, now: Date, thresholds: Thresholds = defaultThresholds, execExpiry?: ExecExpiryLookup, options?: FactsOptions): ContextCertificates {
	return rowsAt(contextFacts(config, contextName, now, options), now, thresholds, execExpiry);
}

function readToken(file: unknown, read: ReadFile): {token?: string; error?: string} {
	if (!text(file)) return {};
	try {
		return {token: read(text(file)!).trim() || undefined};
	} catch (error) {
		return {error: goOpenError(text(file)!, error)};
	}
}

export * from './fleet-rows.ts';
