import {compareNaturally, naturalKey} from '../terminal/natural-order.ts';
import type {CertificateInfo} from './certificate.ts';
import {day, retimed} from './certificate-timing.ts';
import type {ProbeResult, ProbeTarget} from './tls-probe.ts';

// The fleet table's rows and their order, apart from reading certificates: the app's state holds these
// from its first frame, and the DER reader behind fleet.ts loads only once the Certificates pane opens.
// rowsAt makes the rows from a context's facts at a clock, so facts read back from the report cache
// need none of the parsing either.

export type Severity = 'expired' | 'not-yet-valid' | 'critical' | 'warning' | 'ok' | 'info' | 'error';

export type Thresholds = {warnDays: number; criticalDays: number};

export const defaultThresholds: Thresholds = {warnDays: 30, criticalDays: 7};

export type FleetRow = {
	context: string;
	/** What the row is about: "client certificate", "cluster CA", "server certificate", "token"… */
	role: string;
	certificate?: CertificateInfo;
	/** When it stops working, if known. */
	expires?: Date;
	severity: Severity;
	/** One line: the subject for a certificate, the kind of credential otherwise. */
	summary: string;
	/** Things worth knowing: system:masters, the node naming convention, a file that cannot be read. */
	notes: string[];
};

export type ContextCertificates = {
	context: string;
	server: string;
	cluster: string;
	user: string;
	/** How the user authenticates: client certificate, token, exec plugin (its command), OIDC, basic, none. */
	auth: string;
	rows: FleetRow[];
	probeTarget: ProbeTarget | undefined;
};

export function severityOf(certificate: Pick<CertificateInfo, 'validity' | 'notAfter'>, now: Date, thresholds: Thresholds): Severity {
	if (certificate.validity !== 'valid') return certificate.validity;
	const left = certificate.notAfter.getTime() - now.getTime();
	if (left < thresholds.criticalDays * day) return 'critical';
	if (left < thresholds.warnDays * day) return 'warning';
	return 'ok';
}

/** The server's chain as rows, and what kubectl will say about it. */
export function probeRows(context: string, probe: ProbeResult, now: Date, thresholds: Thresholds): FleetRow[] {
	if (probe.kind === 'unreachable') return [{context, role: 'server certificate', severity: 'error', summary: `unreachable: ${probe.message}`, notes: []}];
	return probe.chain.map((certificate, index) => ({
		context,
		role: index === 0 ? 'server certificate' : `server chain ${index + 1}`,
		certificate,
		expires: certificate.notAfter,
		severity: index === 0 && probe.predictedError ? 'error' : severityOf(certificate, now, thresholds),
		summary: certificate.subject,
		notes: index === 0 && probe.predictedError ? [`kubectl will fail: ${probe.predictedError}`] : [],
	}));
}

const severityOrder: Record<Severity, number> = {expired: 0, 'not-yet-valid': 1, error: 2, critical: 3, warning: 4, ok: 5, info: 6};

/** What needs attention first: by severity, then by what expires first. */
export function sortRows(rows: readonly FleetRow[]): FleetRow[] {
	const keyed = rows.map((row) => ({row, name: row.context, key: naturalKey(row.context)}));
	keyed.sort((a, b) => severityOrder[a.row.severity] - severityOrder[b.row.severity] || (a.row.expires?.getTime() ?? Infinity) - (b.row.expires?.getTime() ?? Infinity) || compareNaturally(a, b));
	return keyed.map((entry) => entry.row);
}

/**
 * How long until `expires` (or since, once past), as a column shows it: whole days, and below a day
 * whole hours or minutes, so that a service-account token with an hour left does not read "0d".
 */
export function timeLeft(expires: Date, now: Date): string {
	const left = expires.getTime() - now.getTime();
	const span = Math.abs(left);
	const amount = span >= day ? `${Math.floor(span / day)}d` : span >= 3_600_000 ? `${Math.floor(span / 3_600_000)}h` : `${Math.floor(span / 60_000)}m`;
	return left < 0 ? `${amount} ago` : amount;
}

/** cron and CI: anything expired, expiring within the warning window, or failing TLS. */
export function needsAttention(rows: readonly FleetRow[]): boolean {
	return rows.some((row) => row.severity === 'expired' || row.severity === 'not-yet-valid' || row.severity === 'critical' || row.severity === 'warning' || (row.severity === 'error' && row.notes.some((note) => note.startsWith('kubectl will fail'))));
}

/** A CA, client certificate or key kubectl cannot load: every request of this context fails before reaching the server. */
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
/** A certificate's facts, or why kubectl cannot load it; a client key is only ever the latter. */
export type CertificateFacts = {role: 'cluster CA' | 'client certificate'; certificates: CertificateInfo[]} | {role: 'cluster CA' | 'client certificate' | 'client key' | 'token'; unusable: string};

export type JwtClaims = {exp?: number; iat?: number; iss?: string; sub?: string};

export type TokenFacts = {role: 'token' | 'OIDC id-token'; claims: JwtClaims | undefined};

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
	/** An http:// server: kubectl sends it no credentials, and there is no TLS to check. */
	plainHttp?: boolean;
	probeTarget: ProbeTarget | undefined;
};

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
	if (facts.plainHttp) rows.push({context: contextName, role: 'plain HTTP', severity: 'info', summary: 'no TLS, and no credentials: kubectl sends none to an http:// server', notes: []});
	const {context, server, cluster, user, auth, probeTarget} = facts;
	return {context, server, cluster, user, auth, rows, probeTarget};
}

function tokenRow(context: string, {role, claims}: TokenFacts, now: Date, thresholds: Thresholds): FleetRow {
	if (!claims) return {context, role, severity: 'info', summary: 'an opaque token: no expiry to read', notes: []};
	const subject = claims.sub ? `sub ${claims.sub}` : 'a JWT';
	if (claims.exp === undefined) return {context, role, severity: 'info', summary: `${subject}, no exp claim`, notes: claims.iss ? [`issuer ${claims.iss}`] : []};
	const expires = new Date(claims.exp * 1000);
	const severity = expires < now ? 'expired' : severityOf({validity: 'valid', notAfter: expires}, now, thresholds);
	return {context, role, expires, severity, summary: `${subject}, exp ${expires.toISOString()}`, notes: claims.iss ? [`issuer ${claims.iss}`] : []};
}
