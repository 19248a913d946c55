import {Box, Text} from 'ink';
import {useMemo} from 'react';
import type {FleetRow, Severity} from '../../certificates/fleet.ts';
import {timeLeft} from '../../certificates/fleet-rows.ts';
import {escapeForTerminal} from '../../terminal/output.ts';
import {checklist, probeKey, rowKey, type CertificatesPane as CertificatesState} from '../certificates-state.ts';
import {selectedItem, visibleMatches, type ListState} from '../list-state.ts';
import {padTo, truncateEnd, truncateMiddle, widestOf} from '../truncate.ts';
import {FilterLine} from './list-rows.tsx';
import {Spinner} from './spinner.tsx';

// The fleet table (what expires first, on top) and, for the selected row, the seed notes' checklist:
// issuer, subject, validity, names, and what kubectl will say.

const label: Record<Severity, string> = {expired: 'EXPIRED', 'not-yet-valid': 'NOT YET', critical: '<7d', warning: '<30d', ok: 'ok', info: 'info', error: 'ERROR'};
const colour: Record<Severity, string | undefined> = {expired: 'red', 'not-yet-valid': 'red', critical: 'red', warning: 'yellow', ok: 'green', info: undefined, error: 'red'};

export function CertificatesPane({state, certificates, width, color, checklist = true}: {state: ListState; certificates: CertificatesState; width: number; color: boolean; checklist?: boolean}) {
	// The rows, and around them the filter, the column heads and the checklist (or, short of room, its verdict).
	const height = state.height + (checklist ? 10 : 4);
	// Once per table and width, not per key: at 10,000 contexts that is some 30,000 rows.
	const {contextWidth, roleWidth, shortRoles, expiresWidth, compactExpires, subjectWidth} = useMemo(() => fleetColumns(width, certificates.rows, certificates.now), [width, certificates.rows, certificates.now]);
	if (certificates.status.kind === 'loading') {
		return (
			<Box height={height}>
				<Spinner />
				<Text> reading certificates from the kubeconfig…</Text>
			</Box>
		);
	}

	if (certificates.status.kind === 'error') {
		return (
			<Box flexDirection="column" height={height}>
				<Text color={color ? 'red' : undefined} wrap="wrap">{escapeForTerminal(certificates.status.message)}</Text>
				<Text dimColor>Ctrl-R reads again.</Text>
			</Box>
		);
	}

	const byKey = new Map(certificates.rows.map((row) => [rowKey(row), row]));
	const selected = byKey.get(selectedItem(state)?.key ?? '');
	const pending = certificates.contexts.filter((entry) => entry.probeTarget && !certificates.probes.has(probeKey(entry.probeTarget))).length;
	const scope = certificates.allContexts ? 'all contexts' : 'current context';
	return (
		<Box flexDirection="column" height={height}>
			<Box>
				<FilterLine state={state} color={color} extra={`${scope}${pending > 0 ? `, checking ${pending} server${pending === 1 ? '' : 's'}` : ''}`} />
				{pending > 0 ? <Spinner /> : null}
			</Box>
			<Text bold wrap="truncate">{`${'STATUS'.padEnd(9)}${'CONTEXT'.padEnd(contextWidth + 1)}${'ROLE'.padEnd(roleWidth + 1)}${'EXPIRES'.padEnd(expiresWidth + 1)}SUBJECT`}</Text>
			{visibleMatches(state).map((match, index) => {
				const row = byKey.get(match.item.key);
				if (!row) return null;
				const isSelected = state.offset + index === state.selected;
				return (
					<Text key={match.item.key} wrap="truncate">
						<Text color={color ? colour[row.severity] : undefined} inverse={isSelected}>
							{label[row.severity].padEnd(8)}
						</Text>
						<Text inverse={isSelected}>{` ${padTo(truncateMiddle(escapeForTerminal(row.context), contextWidth), contextWidth)} ${roleText(row.role, shortRoles).slice(0, roleWidth).padEnd(roleWidth)} ${expires(row, certificates.now, compactExpires).padEnd(expiresWidth)} `}</Text>
						<Text dimColor={row.severity === 'info'}>{truncateEnd(escapeForTerminal(row.summary), subjectWidth)}</Text>
					</Text>
				);
			})}
			<Box flexGrow={1} />
			{selected ? <Detail row={selected} certificates={certificates} width={width} color={color} checklist={checklist} /> : <Text dimColor>{certificates.rows.length === 0 ? 'no certificates or tokens in this kubeconfig' : ' '}</Text>}
		</Box>
	);
}

const shortRoleNames: Record<string, string> = {'server certificate': 'server cert', 'client certificate': 'client cert'};
const roleText = (role: string, short: boolean) => (short ? (shortRoleNames[role] ?? role) : role);
/** The subject column is cut to this before anything else gives way. */
const wantedSubjectWidth = 20;

/**
 * The table's columns at `width`: each as wide as its widest cell, then, for the subject's sake, the
 * roles in short (the detail underneath names them in full), then the context names cut in the middle.
 */
export function fleetColumns(width: number, rows: readonly FleetRow[], now: Date) {
	const fullContext = Math.min(28, widestOf(rows.map((row) => escapeForTerminal(row.context)), 7));
	const wanted = Math.min(wantedSubjectWidth, widestOf(rows.map((row) => row.summary), 7));
	const roleWidth = (short: boolean) => widestOf(rows.map((row) => roleText(row.role, short)), 4);
	const expiresWidthOf = (compact: boolean) => widestOf(rows.map((row) => expires(row, now, compact)), 7);
	// The status (8) and a space before each later column; the terminal's last column left free.
	const room = (contextWidth: number, roleWidth: number, expiresWidth: number) => width - 1 - 8 - 4 - expiresWidth - contextWidth - roleWidth;
	const narrowest = Math.min(12, fullContext);
	// On a narrow terminal the dates go before the subject does; the time left stays (`kubehop certs` prints both).
	const compactExpires = room(narrowest, roleWidth(true), expiresWidthOf(false)) < minimumSubjectWidth;
	const expiresWidth = expiresWidthOf(compactExpires);
	const shortRoles = room(fullContext, roleWidth(false), expiresWidth) < wanted;
	const roles = roleWidth(shortRoles);
	const contextWidth = Math.max(narrowest, Math.min(fullContext, fullContext - (wanted - room(fullContext, roles, expiresWidth))));
	return {contextWidth, roleWidth: roles, shortRoles, expiresWidth, compactExpires, subjectWidth: Math.max(1, room(contextWidth, roles, expiresWidth))};
}

/** Below this, the subject says too little to be worth the expiry dates. */
const minimumSubjectWidth = 8;

/** Every name a certificate carries, as openssl lists them: host names and addresses bare, URIs and e-mail addresses marked. */
const sansOf = (certificate: NonNullable<FleetRow['certificate']>) => [...certificate.dnsNames, ...certificate.ipAddresses, ...certificate.uris.map((uri) => `URI:${uri}`), ...certificate.emailAddresses.map((address) => `email:${address}`)].join(', ');

/** `2027-11-29 364d`; compact, the time left alone (`364d`, `3d ago`), or when a not-yet-valid certificate starts. */
function expires(row: FleetRow, now: Date, compact = false): string {
	if (row.severity === 'not-yet-valid' && row.certificate) return compact ? `in ${timeLeft(row.certificate.notBefore, now)}` : `from ${row.certificate.notBefore.toISOString().slice(0, 10)}`;
	if (!row.expires) return '-';
	return compact ? timeLeft(row.expires, now) : `${row.expires.toISOString().slice(0, 10)} ${timeLeft(row.expires, now)}`;
}

function Detail({row, certificates, width, color, checklist: whole}: {row: FleetRow; certificates: CertificatesState; width: number; color: boolean; checklist: boolean}) {
	const entry = certificates.contexts.find((candidate) => candidate.context === row.context);
	if (!entry) return null;
	const probe = entry.probeTarget ? certificates.probes.get(probeKey(entry.probeTarget)) : undefined;
	const {items, verdict} = checklist(entry, probe);
	const certificate = row.certificate;
	const line = (text: string) => truncateEnd(escapeForTerminal(text), width - 1);
	const failing = verdict.startsWith('kubectl will fail');
	// Without a certificate, what the row says; said once, as the verdict underneath may be the same words.
	const about = row.notes.join(' · ') || row.summary;
	if (!whole) {
		return (
			<Text wrap="truncate" color={color && failing ? 'red' : undefined} bold={failing}>
				{line(verdict || row.notes.join(' · ') || row.summary)}
			</Text>
		);
	}

	return (
		<Box flexDirection="column" width={width}>
			<Text bold wrap="truncate">{line(`${row.context} · ${row.role} · ${entry.server || 'no server'} · auth ${entry.auth}`)}</Text>
			{items.map((item) => (
				<Text key={item.label} wrap="truncate" color={color ? (item.ok === false ? 'red' : item.ok ? 'green' : undefined) : undefined}>
					{line(`${item.ok === undefined ? '?' : item.ok ? '✓' : '✗'} ${item.label.padEnd(9)}${item.detail}`)}
				</Text>
			))}
			<Text wrap="truncate" dimColor={!certificate}>
				{line(
					certificate
						? `serial ${certificate.serial} · ${certificate.keyType} · ${certificate.isCa ? 'CA · ' : ''}${[...certificate.keyUsages, ...certificate.extendedKeyUsages].join(', ') || 'no key usages'}${sansOf(certificate) ? ` · SANs ${sansOf(certificate)}` : ''}`
						: about === verdict
							? ' '
							: about,
				)}
			</Text>
			<Text wrap="truncate" color={color && verdict.startsWith('kubectl will fail') ? 'red' : undefined} bold={verdict.startsWith('kubectl will fail')}>
				{line(verdict || (row.notes.length > 0 && certificate ? row.notes.join(' · ') : ' '))}
			</Text>
		</Box>
	);
}
