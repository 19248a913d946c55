import type {ContextCertificates, ContextFacts, FleetRow, Severity, Thresholds} from '../certificates/fleet.ts';
import type {MergedKubeconfig} from '../kubeconfig/load.ts';
import type {ProbeResult, ProbeTarget} from '../certificates/tls-probe.ts';
import {whileChanged} from '../bundle/v8-flags.ts';
import {KubehopError, UsageError} from '../errors/kubehop-error.ts';
import {columnsOf, padColumns, paint, printJson, shown} from '../terminal/output.ts';
import {commandFlags} from './arguments.ts';
import {version} from './help.ts';
import type {CommandContext} from './command-context.ts';

// `kubehop certs`: certificate expiry and TLS health of the current context, or of every context.
// Exits 1 when anything is expired, expires within the warning window, or will fail TLS: for cron and CI.

export type CertsOptions = {allContexts: boolean; thresholds: Thresholds; probe: boolean; context?: string};

export function parseCertsArguments(operands: string[]): CertsOptions {
	const options: CertsOptions = {allContexts: false, thresholds: {warnDays: 30, criticalDays: 7}, probe: true};
	for (const {argument, name, value} of commandFlags(operands)) {
		const days = () => {
			const parsed = Number(value());
			if (!Number.isInteger(parsed) || parsed < 0) throw new UsageError(`${name} needs a whole number of days`);
			return parsed;
		};

		switch (name) {
			case '-A':
			case '--all-contexts':
				options.allContexts = true;
				break;
			case '--warn-days':
				options.thresholds.warnDays = days();
				break;
			case '--critical-days':
				options.thresholds.criticalDays = days();
				break;
			case '--offline':
				options.probe = false;
				break;
			case '--context':
				// Empty, as in kubectl, means the current context.
				options.context = value() || undefined;
				break;
			default:
				throw new UsageError(`unsupported argument '${argument}'`, 'see kubehop certs --help');
		}
	}

	options.thresholds.criticalDays = Math.min(options.thresholds.criticalDays, options.thresholds.warnDays);
	return options;
}

export type CertificateReport = {contexts: Array<ContextCertificates & {probe?: ProbeResult}>; rows: FleetRow[]};

/** The local part (kubeconfig and files) and, unless offline, one handshake per distinct server. */
export async function certificateReport(context: CommandContext, options: CertsOptions, now: Date): Promise<CertificateReport> {
	const {probeRows, sortRows, rowsAt} = await import('../certificates/fleet-rows.ts');
	const facts = options.allContexts ? await everyContextsFacts(context, now) : await oneContextsFacts(context, options, now);
	// Only a kubeconfig with exec plugins needs their recorded expiry.
	const records = facts.some((entry) => entry.exec?.recordKey) ? await import('../cluster/exec-expiry.ts') : undefined;
	const execExpiry = (recordKey: string) => records?.recordedExpiry(context.env, recordKey);
	const contexts: Array<ContextCertificates & {probe?: ProbeResult}> = facts.map((entry) => rowsAt(entry, now, options.thresholds, execExpiry));
	if (options.probe) {
		const [{probeServer}, {inParallel}] = await Promise.all([import('../certificates/tls-probe.ts'), import('../cluster/in-parallel.ts')]);
		// Contexts sharing a server and CA share one handshake; the timeout bounds the whole, not each host in turn.
		const keyOf = (target: ProbeTarget) => JSON.stringify([target.server, target.caPem, target.tlsServerName, target.insecureSkipTlsVerify]);
		const targets = new Map<string, ProbeTarget>();
		for (const entry of contexts) if (entry.probeTarget) targets.set(keyOf(entry.probeTarget), entry.probeTarget);
		const probes = new Map<string, ProbeResult>();
		await inParallel([...targets], 64, async ([key, target]) => probes.set(key, await probeServer(target, {now, timeoutMs: context.flags.timeoutMs ?? 3000})));
		for (const entry of contexts) if (entry.probeTarget) entry.probe = probes.get(keyOf(entry.probeTarget));
	}

	const rows = sortRows(contexts.flatMap((entry) => [...entry.rows, ...(entry.probe ? probeRows(entry.context, entry.probe, now, options.thresholds) : [])]));
	return {contexts, rows};
}

/** Set by the build (source/bundle/build.mjs): which certificate code made a cache entry. */
declare const KUBEHOP_CERTIFICATES_DIGEST: string | undefined;

/** Who the user's exec plugins' records belong to: loaded only for a kubeconfig with exec users. */
async function recordKeys(config: MergedKubeconfig, names: readonly string[]) {
	const usesExec = names.some((name) => config.users.get(config.contexts.get(name)?.data.user ?? '')?.data.exec);
	return usesExec ? (await import('../cluster/exec-expiry.ts')).execRecordKey : undefined;
}

async function oneContextsFacts(context: CommandContext, options: CertsOptions, now: Date): Promise<ContextFacts[]> {
	const [config, fleet] = await Promise.all([context.load(), import('../certificates/fleet.ts')]);
	const name = options.context ?? config.currentContext;
	if (!name) throw new KubehopError('current-context is not set', 'pick a context, or pass --all-contexts or --context NAME');
	if (!config.contexts.has(name)) throw new KubehopError(`context "${name}" does not exist in the kubeconfig`);
	return [fleet.contextFacts(config, name, now, {execRecordKey: await recordKeys(config, [name])})];
}

/** Every context, from the report cache while the files it came from are unchanged (report-cache.ts). */
async function everyContextsFacts(context: CommandContext, now: Date): Promise<ContextFacts[]> {
	const {CertificateReportCache, FileRecorder} = await import('../certificates/report-cache.ts');
	const cache = CertificateReportCache.forEnvironment(context.env, typeof KUBEHOP_CERTIFICATES_DIGEST === 'string' ? `${version}+${KUBEHOP_CERTIFICATES_DIGEST}` : version);
	const {precedence} = context.selection;
	const cached = cache.lookup(precedence, now.getTime());
	if (cached) return cached;
	// Parsing every file and certificate afresh runs most of its code once: TurboFan's work on it is never
	// paid back, and turning it off took 3-5 ms off ~70 at the benchmark's 200 contexts (alternating runs).
	return whileChanged('--no-opt', '--opt', async () => {
		const recorder = new FileRecorder();
		for (const file of precedence) if (file !== '') recorder.noteKubeconfig(file);
		const [config, fleet] = await Promise.all([context.load(), import('../certificates/fleet.ts')]);
		for (const file of config.files) {
			const key = file.config.currentContextEntry?.keyStart;
			recorder.parsed(file.path, file.text, key === undefined ? undefined : Buffer.byteLength(file.text.slice(0, key)));
		}

		const names = [...config.contexts.keys()];
		const execRecordKey = await recordKeys(config, names);
		const facts = names.map((name) => fleet.contextFacts(config, name, now, {read: recorder.read, execRecordKey}));
		const files = recorder.settledFiles(now.getTime());
		if (files) cache.store(precedence, files, facts);
		return facts;
	});
}

export async function runCerts(operands: string[], context: CommandContext, now = new Date()): Promise<number> {
	const options = parseCertsArguments(operands);
	const report = await certificateReport(context, options, now);
	const {needsAttention, timeLeft} = await import('../certificates/fleet-rows.ts');
	if (context.flags.json) printJson(context.output, toJson(report, now));
	else printTable(context, report, options, now, timeLeft);
	return needsAttention(report.rows) ? 1 : 0;
}

const label: Record<Severity, string> = {expired: 'EXPIRED', 'not-yet-valid': 'NOT YET VALID', critical: 'CRITICAL', warning: 'WARNING', ok: 'ok', info: 'info', error: 'ERROR'};
const colour: Record<Severity, 'red' | 'yellow' | 'green' | 'dim'> = {expired: 'red', 'not-yet-valid': 'red', critical: 'red', warning: 'yellow', ok: 'green', info: 'dim', error: 'red'};

type TimeLeft = (expires: Date, now: Date) => string;

function expiresText(row: FleetRow, now: Date, timeLeft: TimeLeft): string {
	// Not valid yet: when it will be, not how long it would last.
	if (row.severity === 'not-yet-valid' && row.certificate) return `valid from ${row.certificate.notBefore.toISOString().slice(0, 10)} (in ${timeLeft(row.certificate.notBefore, now)})`;
	return row.expires ? `${row.expires.toISOString().slice(0, 10)} (${timeLeft(row.expires, now)})` : '-';
}

/** `now` is the report's clock (injected in tests), so the days left agree with the severities. */
function printTable(context: CommandContext, report: CertificateReport, options: CertsOptions, now: Date, timeLeft: TimeLeft): void {
	const {output} = context;
	const color = output.color.stdout;
	const contextWidth = Math.max(7, ...report.rows.map((row) => columnsOf(shown(output.stdout, row.context))));
	const roleWidth = Math.max(4, ...report.rows.map((row) => row.role.length));
	const expires = report.rows.map((row) => expiresText(row, now, timeLeft));
	const expiresWidth = Math.max(7, ...expires.map((text) => text.length));
	const statusWidth = Math.max(7, ...report.rows.map((row) => label[row.severity].length)) + 2;
	const lines = [paint(color, 'bold', `${'STATUS'.padEnd(statusWidth)}${'CONTEXT'.padEnd(contextWidth + 2)}${'ROLE'.padEnd(roleWidth + 2)}${'EXPIRES'.padEnd(expiresWidth + 2)}SUBJECT`)];
	for (const [index, row] of report.rows.entries()) {
		lines.push(`${paint(color, colour[row.severity], label[row.severity].padEnd(statusWidth))}${padColumns(shown(output.stdout, row.context), contextWidth + 2)}${row.role.padEnd(roleWidth + 2)}${expires[index]!.padEnd(expiresWidth + 2)}${shown(output.stdout, row.summary)}`);
		for (const note of row.notes) lines.push(`${' '.repeat(statusWidth + contextWidth + 2)}${paint(color, note.startsWith('kubectl will fail') || note.includes('system:masters') ? 'yellow' : 'dim', shown(output.stdout, note))}`);
	}

	for (const entry of report.contexts) {
		if (entry.probe?.kind === 'probed' && entry.probe.skewMs !== undefined && Math.abs(entry.probe.skewMs) > 60_000) {
			lines.push(paint(color, 'yellow', `${shown(output.stdout, entry.context)}: the server's clock is ${Math.round(entry.probe.skewMs / 1000)}s off ours: certificates can look not yet valid or expired`));
		}
	}

	if (!options.probe) lines.push(paint(color, 'dim', '(offline: the servers were not contacted)'));
	output.stdout.write(`${lines.join('\n')}\n`);
}

function toJson(report: CertificateReport, now: Date) {
	return {
		now: now.toISOString(),
		contexts: report.contexts.map((entry) => ({
			context: entry.context,
			server: entry.server,
			cluster: entry.cluster,
			user: entry.user,
			auth: entry.auth,
			probe: entry.probe
				? entry.probe.kind === 'unreachable'
					? entry.probe
					: {kind: entry.probe.kind, trusted: entry.probe.trusted, nameCovered: entry.probe.nameCovered, checkedName: entry.probe.checkedName, validNow: entry.probe.validNow, skewMs: entry.probe.skewMs ?? null, predictedError: entry.probe.predictedError ?? null}
				: null,
		})),
		rows: report.rows.map((row) => ({context: row.context, role: row.role, severity: row.severity, expires: row.expires?.toISOString() ?? null, summary: row.summary, notes: row.notes, certificate: row.certificate ?? null})),
	};
}
