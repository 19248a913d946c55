import type {ContextCertificates, FleetRow, Thresholds} from '../certificates/fleet.ts';
import type {ProbeResult, ProbeTarget} from '../certificates/tls-probe.ts';
import type {ListItem} from './list-state.ts';

// The Certificates pane's data: the kubeconfig's part arrives at once, each server's handshake when it
// completes. Rows are rebuilt from both, so a slow or dead server never holds the others back.

export type CertificatesPane = {
	status: {kind: 'loading'} | {kind: 'ready'} | {kind: 'error'; message: string};
	allContexts: boolean;
	contexts: readonly ContextCertificates[];
	/** By probe key; absent while the handshake runs. */
	probes: ReadonlyMap<string, ProbeResult>;
	rows: readonly FleetRow[];
	generation: number;
	now: Date;
	thresholds: Thresholds;
};

export const probeKey = (target: ProbeTarget) => JSON.stringify([target.server, target.caPem ?? '', target.tlsServerName ?? '', target.insecureSkipTlsVerify ?? false]);

export const rowKey = (row: FleetRow) => `${row.context}\u0000${row.role}`;

export function certificateItems(rows: readonly FleetRow[]): ListItem[] {
	return rows.map((row) => ({key: rowKey(row), label: row.context, search: [row.context, row.role, row.summary, row.severity]}));
}

/** The pane's rows: the kubeconfig's, then each context's server chain once its handshake is back. */
export function rebuildRows(pane: CertificatesPane, probeRows: (context: string, probe: ProbeResult) => FleetRow[], sortRows: (rows: readonly FleetRow[]) => FleetRow[]): FleetRow[] {
	return sortRows(
		pane.contexts.flatMap((entry) => {
			const probe = entry.probeTarget ? pane.probes.get(probeKey(entry.probeTarget)) : undefined;
			const pending: FleetRow[] = entry.probeTarget && !probe ? [{context: entry.context, role: 'server certificate', severity: 'info', summary: 'checking the live server…', notes: []}] : [];
			return [...entry.rows, ...(probe ? probeRows(entry.context, probe) : pending)];
		}),
	);
}

export type ChecklistItem = {label: string; ok: boolean | undefined; detail: string};

/** The seed notes' four checks for one context: issuer, subject, validity, names; plus kubectl's verdict. */
export function checklist(entry: ContextCertificates, probe: ProbeResult | undefined): {items: ChecklistItem[]; verdict: string} {
	const client = entry.rows.find((row) => row.role.startsWith('client certificate') && row.certificate)?.certificate;
	const certificates = entry.rows.filter((row) => row.certificate).map((row) => row.certificate!);
	const probed = probe?.kind === 'probed' ? probe : undefined;
	const leaf = probed?.chain[0];
	const invalid = [...certificates, ...(leaf ? [leaf] : [])].filter((certificate) => certificate.validity !== 'valid');
	const items: ChecklistItem[] = [
		{
			label: 'Issuer',
			ok: probed ? probed.trusted : undefined,
			detail: probed ? (probed.trusted ? `server chain signed by the kubeconfig's CA (${leaf?.issuer ?? '?'})` : `no valid chain from the server certificate (issuer ${leaf?.issuer ?? '?'}) to the kubeconfig's CA`) : probe ? 'server unreachable' : entry.probeTarget ? 'checking…' : 'no HTTPS server to check',
		},
		{
			label: 'Subject',
			ok: client ? !client.organizations.includes('system:masters') : undefined,
			detail: client ? `CN=${client.commonName} (the user)${client.organizations.length > 0 ? `, O=${client.organizations.join(', O=')} (groups)` : ''}${client.organizations.includes('system:masters') ? ': system:masters bypasses RBAC' : ''}` : `no client certificate (${entry.auth})`,
		},
		{
			label: 'Validity',
			ok: certificates.length > 0 || leaf ? invalid.length === 0 : undefined,
			detail: invalid.length > 0 ? `${invalid.map((certificate) => `${certificate.subject} ${certificate.validity === 'expired' ? 'expired' : 'not yet valid'}`).join('; ')}` : leaf || certificates.length > 0 ? 'every certificate is within its dates' : 'no certificate to check',
		},
		{
			label: 'SANs',
			ok: probed ? probed.nameCovered : undefined,
			detail: probed ? `${probed.checkedName} ${probed.nameCovered ? 'is' : 'is not'} in ${[...(leaf?.dnsNames ?? []), ...(leaf?.ipAddresses ?? [])].join(', ') || '(no SANs)'}` : 'needs the live certificate',
		},
	];
	const verdict = probed?.predictedError ? `kubectl will fail: ${probed.predictedError}` : probed ? 'kubectl will connect' : probe?.kind === 'unreachable' ? `unreachable: ${probe.message}` : '';
	return {items, verdict};
}
