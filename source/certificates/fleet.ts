import fs from 'node:fs';
import type {MergedKubeconfig} from '../kubeconfig/load.ts';
import {parseCertificates, retimed, type CertificateInfo} from './certificate.ts';
import {defaultThresholds, severityOf, type ContextCertificates, type FleetRow, type Thresholds} from './fleet-rows.ts';
import type {ProbeTarget} from './tls-probe.ts';

// Every context's credentials and cluster CA as rows with a severity, from the kubeconfig alone; the
// live server check is added per context when it arrives. Key and token material never leaves here:
// only what a certificate or a token's claims say about themselves.

const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);

/** How a file is read; the report cache wraps it to learn which files the facts came from. */
export type ReadFile = (file: string) => string;

const readUtf8: ReadFile = (file) => fs.readFileSync(file, 'utf8');

/** Inline data wins over a file, as in client-go; a file that cannot be read is a note, not a crash. */
function pemFrom(data: unknown, file: unknown, read: ReadFile): {pem?: string; source: string; error?: string} {
	if (text(data)) return {pem: Buffer.from(text(data)!, 'base64').toString('utf8'), source: 'inline data'};
	if (!text(file)) return {source: 'none'};
	try {
		return {pem: read(text(file)!), source: text(file)!};
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

/** When the credential an exec plugin last gave kubehop expires (kubectl keeps no such record), by the plugin's record key. */
export type ExecExpiryLookup = (recordKey: string) => {expirationTimestamp: Date; recordedAt: Date} | undefined;

/** A CA bundle or client certificate as read: its certificates, or why kubectl cannot load it. */
type CertificateFacts = {role: 'cluster CA' | 'client certificate'; certificates: CertificateInfo[]} | {role: 'cluster CA' | 'client certificate'; unusable: string};

type TokenFacts = {role: 'token' | 'OIDC id-token'; claims: ReturnType<typeof jwtClaims>};

/**
 * What a context's credentials are, apart from the clock: parsed certificates, a token's claims, the
 * plugin's record key. Rows at a given time are made from these (rowsAt); the report cache keeps them,
 * so they hold no key or token material.
 */
export type ContextFacts = {
	context: string;
	server: string;
	cluster: string;
	user: string;
	auth: string;
	certificates: CertificateFacts[];
	token?: TokenFacts;
	exec?: {command: string; recordKey?: string};
	provider?: {auth: string; idToken?: TokenFacts};
	basicUser?: string;
	probeTarget: ProbeTarget | undefined;
};

function certificateFacts(role: CertificateFacts['role'], pem: string, now: Date): CertificateFacts {
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
	const server = text(cluster.server) ?? '';
	const facts: ContextFacts = {context: contextName, server, cluster: clusterName, user: userName, auth: 'none', certificates: [], probeTarget: undefined};

	const ca = pemFrom(cluster['certificate-authority-data'], cluster['certificate-authority'], read);
	if (ca.error) facts.certificates.push({role: 'cluster CA', unusable: ca.error});
	else if (ca.pem) facts.certificates.push(certificateFacts('cluster CA', ca.pem, now));

	const client = pemFrom(user['client-certificate-data'], user['client-certificate'], read);
	if (client.error) facts.certificates.push({role: 'client certificate', unusable: client.error});
	else if (client.pem) {
		facts.auth = 'client certificate';
		facts.certificates.push(certificateFacts('client certificate', client.pem, now));
	}

	const token = text(user.token) ?? readToken(user.tokenFile, read);
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

	facts.probeTarget = server.startsWith('https:')
		? {server, caPem: ca.pem, tlsServerName: text(cluster['tls-server-name']), insecureSkipTlsVerify: cluster['insecure-skip-tls-verify'] === true}
		: undefined;
	return facts;
}

/** The facts as rows at `now`: days left, validity and severity are worked out here, for this clock. */
export function rowsAt(facts: ContextFacts, now: Date, thresholds: Thresholds = defaultThresholds, execExpiry: ExecExpiryLookup = () => undefined): ContextCertificates {
	const contextName = facts.context;
	const rows: FleetRow[] = [];
	for (const entry of facts.certificates) {
		if ('unusable' in entry) {
			rows.push(unusable(contextName, entry.role, entry.unusable));
			continue;
		}

		const {certificates, role} = entry;
		for (const [index, known] of certificates.entries()) {
			const certificate = retimed(known, now);
			rows.push({
				context: contextName,
				role: certificates.length > 1 ? `${role} ${index + 1}/${certificates.length}` : role,
				certificate,
				expires: certificate.notAfter,
				severity: severityOf(certificate, now, thresholds),
				summary: certificate.subject,
				notes: role === 'client certificate' ? clientNotes(certificate) : [],
			});
		}
	}

	if (facts.token) rows.push(tokenRow(contextName, facts.token, now, thresholds));
	if (facts.exec) {
		const {command, recordKey} = facts.exec;
		const recorded = recordKey ? execExpiry(recordKey) : undefined;
		// Short-lived by design and renewed by running the plugin again: shown, never alarmed on.
		rows.push(
			recorded
				? {context: contextName, role: 'exec credential', severity: 'info', expires: recorded.expirationTimestamp, summary: `from ${command}, ${recorded.expirationTimestamp > now ? 'expires' : 'expired'} ${recorded.expirationTimestamp.toISOString()}`, notes: [`as the plugin gave it to kubehop at ${recorded.recordedAt.toISOString()}; it is run again when the credential has expired`]}
				: {context: contextName, role: 'exec plugin', severity: 'info', summary: `credentials from ${command} at each request`, notes: ['the plugin decides how long its credential lasts; its expiry shows here once kubehop has run it']},
		);
	}

	if (facts.provider) rows.push(facts.provider.idToken ? tokenRow(contextName, facts.provider.idToken, now, thresholds) : {context: contextName, role: facts.provider.auth, severity: 'info', summary: 'no cached id-token', notes: []});
	if (facts.basicUser) rows.push({context: contextName, role: 'basic auth', severity: 'info', summary: `user "${facts.basicUser}" (removed from Kubernetes 1.19 servers)`, notes: []});
	const {context, server, cluster, user, auth, probeTarget} = facts;
	return {context, server, cluster, user, auth, rows, probeTarget};
}

/** Every context's rows at `now`, straight from the kubeconfig: contextFacts, then rowsAt. */
export function contextCertificates(config: MergedKubeconfig, contextName: string, now: Date, thresholds: Thresholds = defaultThresholds, execExpiry?: ExecExpiryLookup, options?: FactsOptions): ContextCertificates {
	return rowsAt(contextFacts(config, contextName, now, options), now, thresholds, execExpiry);
}

function readToken(file: unknown, read: ReadFile): string | undefined {
	if (!text(file)) return undefined;
	try {
		return read(text(file)!).trim() || undefined;
	} catch {
		return undefined;
	}
}

function tokenRow(context: string, {role, claims}: TokenFacts, now: Date, thresholds: Thresholds): FleetRow {
	if (!claims) return {context, role, severity: 'info', summary: 'an opaque token: no expiry to read', notes: []};
	const subject = claims.sub ? `sub ${claims.sub}` : 'a JWT';
	if (claims.exp === undefined) return {context, role, severity: 'info', summary: `${subject}, no exp claim`, notes: claims.iss ? [`issuer ${claims.iss}`] : []};
	const expires = new Date(claims.exp * 1000);
	const severity = expires < now ? 'expired' : severityOf({validity: 'valid', notAfter: expires}, now, thresholds);
	return {context, role, expires, severity, summary: `${subject}, exp ${expires.toISOString()}`, notes: claims.iss ? [`issuer ${claims.iss}`] : []};
}

export * from './fleet-rows.ts';
