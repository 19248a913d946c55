import {compareNaturally, naturalKey} from '../terminal/natural-order.ts';
import type {CertificateInfo} from './certificate.ts';
import type {ProbeResult, ProbeTarget} from './tls-probe.ts';

// The fleet table's rows and their order, apart from reading certificates: the app's state holds these
// from its first frame, and the DER reader behind fleet.ts loads only once the Certificates pane opens.

export type Severity = 'expired' | 'critical' | 'warning' | 'ok' | 'info' | 'error';

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

const day = 86_400_000;

export function severityOf(certificate: Pick<CertificateInfo, 'validity' | 'notAfter'>, now: Date, thresholds: Thresholds): Severity {
	if (certificate.validity !== 'valid') return 'expired';
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

const severityOrder: Record<Severity, number> = {expired: 0, error: 1, critical: 2, warning: 3, ok: 4, info: 5};

/** What needs attention first: by severity, then by what expires first. */
export function sortRows(rows: readonly FleetRow[]): FleetRow[] {
	const keyed = rows.map((row) => ({row, name: row.context, key: naturalKey(row.context)}));
	keyed.sort((a, b) => severityOrder[a.row.severity] - severityOrder[b.row.severity] || (a.row.expires?.getTime() ?? Infinity) - (b.row.expires?.getTime() ?? Infinity) || compareNaturally(a, b));
	return keyed.map((entry) => entry.row);
}

/** cron and CI: anything expired, expiring within the warning window, or failing TLS. */
export function needsAttention(rows: readonly FleetRow[]): boolean {
	return rows.some((row) => row.severity === 'expired' || row.severity === 'critical' || row.severity === 'warning' || (row.severity === 'error' && row.notes.some((note) => note.startsWith('kubectl will fail'))));
}
