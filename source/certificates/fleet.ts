import fs from 'node:fs';
import type {MergedKubeconfig} from '../kubeconfig/load.ts';
import {parseCertificates, type CertificateInfo} from './certificate.ts';
import {defaultThresholds, severityOf, type ContextCertificates, type FleetRow, type Thresholds} from './fleet-rows.ts';

// Every context's credentials and cluster CA as rows with a severity, from the kubeconfig alone; the
// live server check is added per context when it arrives. Key and token material never leaves here:
// only what a certificate or a token's claims say about themselves.

const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);

/** Inline data wins over a file, as in client-go; a file that cannot be read is a note, not a crash. */
function pemFrom(data: unknown, file: unknown): {pem?: string; source: string; error?: string} {
	if (text(data)) return {pem: Buffer.from(text(data)!, 'base64').toString('utf8'), source: 'inline data'};
	if (!text(file)) return {source: 'none'};
	try {
		return {pem: fs.readFileSync(text(file)!, 'utf8'), source: text(file)!};
	} catch (error) {
		return {source: text(file)!, error: `cannot read ${text(file)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`};
	}
}

/** The claims of a JWT, without checking its signature: only `exp`, `iat`, `iss` and `sub` are kept. */
export function jwtClaims(token: string): {exp?: number; iat?: number; iss?: string; sub?: string} | undefined {
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

/** A CA or client certificate kubectl cannot load: every request of this context fails before reaching the server. */
function unusable(context: string, role: string, summary: string): FleetRow {
	return {context, role, severity: 'error', summary, notes: [`kubectl will fail: it cannot load this ${role}`]};
}

function certificateRows(context: string, role: string, pem: string, now: Date, thresholds: Thresholds): FleetRow[] {
	let certificates: CertificateInfo[];
	try {
		certificates = parseCertificates(pem, now);
	} catch (error) {
		return [unusable(context, role, `not a readable certificate: ${(error as Error).message}`)];
	}

	if (certificates.length === 0) return [unusable(context, role, 'no certificate in the PEM data')];
	return certificates.map((certificate, index) => ({
		context,
		role: certificates.length > 1 ? `${role} ${index + 1}/${certificates.length}` : role,
		certificate,
		expires: certificate.notAfter,
		severity: severityOf(certificate, now, thresholds),
		summary: certificate.subject,
		notes: role.startsWith('client') ? clientNotes(certificate) : [],
	}));
}

/** What the API server will make of a client certificate's subject. */
export function clientNotes(certificate: Pick<CertificateInfo, 'commonName' | 'organizations'>): string[] {
	const notes = [`user "${certificate.commonName}"${certificate.organizations.length > 0 ? `, groups ${certificate.organizations.join(', ')}` : ''}`];
	if (certificate.organizations.includes('system:masters')) notes.push('O=system:masters: bypasses RBAC, and a certificate cannot be revoked');
	const nodeName = certificate.commonName.startsWith('system:node:');
	const nodeGroup = certificate.organizations.includes('system:nodes');
	if (nodeName && !nodeGroup) notes.push('CN=system:node:<name> without O=system:nodes: the Node authorizer will not treat it as a node');
	if (nodeGroup && !nodeName) notes.push('O=system:nodes without CN=system:node:<name>: not a valid node identity');
	return notes;
}

/** When the credential an exec plugin last gave kubehop expires (kubectl keeps no such record). */
export type ExecExpiryLookup = (userName: string, exec: unknown) => {expirationTimestamp: Date; recordedAt: Date} | undefined;

export function contextCertificates(config: MergedKubeconfig, contextName: string, now: Date, thresholds: Thresholds = defaultThresholds, execExpiry: ExecExpiryLookup = () => undefined): ContextCertificates {
	const context = config.contexts.get(contextName);
	const clusterName = context?.data.cluster ?? '';
	const userName = context?.data.user ?? '';
	const cluster = config.clusters.get(clusterName)?.data ?? {};
	const user = config.users.get(userName)?.data ?? {};
	const server = text(cluster.server) ?? '';
	const rows: FleetRow[] = [];

	const ca = pemFrom(cluster['certificate-authority-data'], cluster['certificate-authority']);
	if (ca.error) rows.push(unusable(contextName, 'cluster CA', ca.error));
	else if (ca.pem) rows.push(...certificateRows(contextName, 'cluster CA', ca.pem, now, thresholds));

	const client = pemFrom(user['client-certificate-data'], user['client-certificate']);
	let auth = 'none';
	if (client.error) rows.push(unusable(contextName, 'client certificate', client.error));
	else if (client.pem) {
		auth = 'client certificate';
		rows.push(...certificateRows(contextName, 'client certificate', client.pem, now, thresholds));
	}

	const token = text(user.token) ?? readToken(user.tokenFile);
	if (token) {
		auth = auth === 'none' ? 'token' : `${auth} + token`;
		rows.push(tokenRow(contextName, 'token', token, now, thresholds));
	}

	const exec = user.exec as {command?: unknown} | undefined;
	if (exec && typeof exec === 'object') {
		auth = `exec plugin (${text(exec.command) ?? '?'})`;
		const recorded = execExpiry(userName, exec);
		// Short-lived by design and renewed by running the plugin again: shown, never alarmed on.
		rows.push(
			recorded
				? {context: contextName, role: 'exec credential', severity: 'info', expires: recorded.expirationTimestamp, summary: `from ${text(exec.command) ?? '?'}, ${recorded.expirationTimestamp > now ? 'expires' : 'expired'} ${recorded.expirationTimestamp.toISOString()}`, notes: [`as the plugin gave it to kubehop at ${recorded.recordedAt.toISOString()}; it is run again when the credential has expired`]}
				: {context: contextName, role: 'exec plugin', severity: 'info', summary: `credentials from ${text(exec.command) ?? '?'} at each request`, notes: ['the plugin decides how long its credential lasts; its expiry shows here once kubehop has run it']},
		);
	}

	const provider = user['auth-provider'] as {name?: unknown; config?: Record<string, unknown>} | undefined;
	if (provider && typeof provider === 'object') {
		auth = provider.name === 'oidc' ? 'OIDC' : `auth provider (${text(provider.name) ?? '?'})`;
		const idToken = text(provider.config?.['id-token']);
		rows.push(idToken ? tokenRow(contextName, 'OIDC id-token', idToken, now, thresholds) : {context: contextName, role: auth, severity: 'info', summary: 'no cached id-token', notes: []});
	}

	if (text(user.username) && text(user.password)) {
		auth = auth === 'none' ? 'basic' : `${auth} + basic`;
		rows.push({context: contextName, role: 'basic auth', severity: 'info', summary: `user "${text(user.username)}" (removed from Kubernetes 1.19 servers)`, notes: []});
	}

	const probeTarget = server.startsWith('https:')
		? {server, caPem: ca.pem, tlsServerName: text(cluster['tls-server-name']), insecureSkipTlsVerify: cluster['insecure-skip-tls-verify'] === true}
		: undefined;
	return {context: contextName, server, cluster: clusterName, user: userName, auth, rows, probeTarget};
}

function readToken(file: unknown): string | undefined {
	if (!text(file)) return undefined;
	try {
		return fs.readFileSync(text(file)!, 'utf8').trim() || undefined;
	} catch {
		return undefined;
	}
}

function tokenRow(context: string, role: string, token: string, now: Date, thresholds: Thresholds): FleetRow {
	const claims = jwtClaims(token);
	if (!claims) return {context, role, severity: 'info', summary: 'an opaque token: no expiry to read', notes: []};
	const subject = claims.sub ? `sub ${claims.sub}` : 'a JWT';
	if (claims.exp === undefined) return {context, role, severity: 'info', summary: `${subject}, no exp claim`, notes: claims.iss ? [`issuer ${claims.iss}`] : []};
	const expires = new Date(claims.exp * 1000);
	const severity = expires < now ? 'expired' : severityOf({validity: 'valid', notAfter: expires}, now, thresholds);
	return {context, role, expires, severity, summary: `${subject}, exp ${expires.toISOString()}`, notes: claims.iss ? [`issuer ${claims.iss}`] : []};
}

export * from './fleet-rows.ts';
