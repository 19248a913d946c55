import {accessReport, checkImpersonation, constrainedImpersonationHint, type AccessReport, type Impersonator} from '../access/access-check.ts';
import {cellGlyph, type AccessMatrix, type CellState, type MatrixRow} from '../access/matrix.ts';
import {connect, effectiveImpersonation, type Impersonation} from '../cluster/api-client.ts';
import {listNamespaces} from '../cluster/namespaces.ts';
import {ClusterError} from '../cluster/cluster-error.ts';
import {KubehopError, UsageError} from '../errors/kubehop-error.ts';
import {effectiveNamespace} from '../kubeconfig/load.ts';
import {columnsOf, padColumns, paint, printJson, shown, warn} from '../terminal/output.ts';
import {commandFlags, readImpersonation} from './arguments.ts';
import type {CommandContext} from './command-context.ts';

// `kubehop can-i`: the whole can-i matrix for the current user (or an impersonated one) in one go.

export type CanIOptions = {namespaces: string[]; allNamespaces: boolean; verbs?: string[]; impersonate: Impersonation; context?: string; onlyAllowed: boolean};

export function parseCanIArguments(operands: string[]): CanIOptions {
	const options: CanIOptions = {namespaces: [], allNamespaces: false, impersonate: {}, onlyAllowed: false};
	for (const flag of commandFlags(operands)) {
		const {argument, name, value} = flag;
		switch (name) {
			case '-n':
			case '--namespace':
				options.namespaces.push(...value().split(',').filter(Boolean));
				break;
			case '-A':
			case '--all-namespaces':
				options.allNamespaces = true;
				break;
			case '--verbs':
				options.verbs = value().split(',').map((verb) => verb.trim()).filter(Boolean);
				break;
			case '--context':
				// Empty, as in kubectl, means the current context.
				options.context = value() || undefined;
				break;
			case '--only-allowed':
				options.onlyAllowed = true;
				break;
			default:
				if (!readImpersonation(flag, options.impersonate)) throw new UsageError(`unsupported argument '${argument}'`, 'see kubehop can-i --help');
		}
	}

	if (options.verbs?.length === 0) throw new UsageError('--verbs needs at least one verb');
	return options;
}

export async function runCanI(operands: string[], context: CommandContext): Promise<number> {
	const options = parseCanIArguments(operands);
	const config = await context.load();
	const contextName = options.context ?? config.currentContext;
	if (!contextName) throw new KubehopError('current-context is not set', 'pick a context first: kubehop ctx NAME, or pass --context');
	const timeoutMs = context.flags.timeoutMs;
	// --as flags, over the kubeconfig user's own as, as-groups and as-uid, as kubectl merges them.
	const flags = Object.keys(options.impersonate).length > 0 ? options.impersonate : undefined;
	const impersonation = effectiveImpersonation(config, contextName, flags);
	// Kept open only by constrained impersonation, whose every cell also needs the real user's impersonate-on.
	let impersonator: Impersonator | undefined;
	if (impersonation) {
		const real = await connect(config, contextName, {timeoutMs, asRealUser: true, env: context.env});
		let mode;
		try {
			mode = await checkImpersonation(real, impersonation);
		} finally {
			if (!mode) real.close();
		}

		if (mode) impersonator = {client: real, mode};
	}

	const client = await connect(config, contextName, {timeoutMs, impersonate: flags, env: context.env}).catch((error: unknown) => {
		impersonator?.client.close();
		throw error;
	});
	try {
		const fallback = config.contexts.get(contextName)?.data.namespace || (contextName === config.currentContext ? effectiveNamespace(config) : '') || 'default';
		const namespaces = options.allNamespaces ? await everyNamespace(client, contextName) : options.namespaces.length > 0 ? options.namespaces : [fallback];
		const report = await accessReport(client, namespaces, {verbs: options.verbs, impersonator}).catch((error: unknown) => {
			const hint = constrainedImpersonationHint(error, impersonator?.mode);
			throw hint ? new KubehopError((error as Error).message, hint) : error;
		});
		if (context.flags.json) printJson(context.output, toJson(contextName, report));
		else printReport(context, contextName, report, options.onlyAllowed);
		// Partial answers are printed, but a script must not mistake them for whole ones.
		const problems = report.matrices.filter((matrix) => matrix.problem);
		if (context.flags.json) for (const matrix of problems) warn(context.output, shown(context.output.stderr, `namespace ${matrix.namespace}: ${matrix.problem}`));
		return problems.length > 0 ? 1 : 0;
	} finally {
		client.close();
		impersonator?.client.close();
	}
}

/** -A: the cluster's namespaces; a user who may not list them is told how to name them instead. */
async function everyNamespace(client: Parameters<typeof listNamespaces>[0], contextName: string): Promise<string[]> {
	try {
		return await listNamespaces(client);
	} catch (error) {
		if (!(error instanceof ClusterError) || error.kind !== 'forbidden') throw error;
		throw new KubehopError(`listing namespaces is forbidden for this user in context "${contextName}", so --all-namespaces cannot know them`, 'name them instead: kubehop can-i -n NAMESPACE[,NAMESPACE...]');
	}
}

function toJson(contextName: string, report: AccessReport) {
	return {
		context: contextName,
		identity: report.identity,
		constrainedImpersonation: report.constrainedImpersonation ?? null,
		requests: report.requests,
		matrices: report.matrices.map((matrix) => ({
			namespace: matrix.namespace,
			verbs: matrix.verbs,
			incomplete: matrix.incomplete,
			evaluationErrors: matrix.evaluationErrors,
			accessReviews: matrix.accessReviews,
			problem: matrix.problem ?? null,
			rows: matrix.rows.map((row) => ({name: row.name, group: row.group, resource: row.resource, subresource: row.subresource, namespaced: row.namespaced, cells: row.cells})),
			nonResourceRules: matrix.nonResourceRules,
		})),
	};
}

/** Column headings of at most six characters. */
export const verbHeading = (verb: string) => ({deletecollection: 'delcol', impersonate: 'imprsn', escalate: 'escal'})[verb] ?? verb.slice(0, 6);

const stateColor: Record<CellState, Parameters<typeof paint>[1]> = {allowed: 'green', denied: 'red', 'n/a': 'dim', limited: 'yellow', unknown: 'dim', error: 'red'};

function printReport(context: CommandContext, contextName: string, report: AccessReport, onlyAllowed: boolean): void {
	const {output} = context;
	const {identity} = report;
	const color = output.color.stdout;
	const lines: string[] = [];
	const who = identity.serviceAccount ? `service account ${identity.serviceAccount.namespace}/${identity.serviceAccount.name}` : identity.username;
	lines.push(`context ${shown(output.stdout, contextName)}: ${shown(output.stdout, who)}${identity.groups.length ? `  groups ${shown(output.stdout, identity.groups.join(', '))}` : ''}`);
	if (identity.bypassesRbac) lines.push(paint(color, 'yellow', 'in system:masters: RBAC is bypassed; every request is allowed'));
	if (report.constrainedImpersonation) lines.push(`by constrained impersonation: a ✓ is what ${shown(output.stdout, who)} may do and you may do as them (impersonate-on:${report.constrainedImpersonation}:VERB)`);
	for (const matrix of report.matrices) {
		lines.push('', ...matrixLines(context, matrix, onlyAllowed));
	}

	lines.push('', `legend: ${(Object.entries(cellGlyph) as Array<[CellState, string]>).map(([state, glyph]) => `${glyph} ${state}`).join('  ')}`);
	output.stdout.write(`${lines.join('\n')}\n`);
	for (const matrix of report.matrices) if (matrix.problem) warn(output, shown(output.stderr, `namespace ${matrix.namespace}: ${matrix.problem} (those cells show ! or ?)`));
}

/** Where a cluster-scoped row's cells were asked: cluster-wide, but the namespaces rows partly in the namespace itself. */
function scopeNote(row: MatrixRow, matrix: AccessMatrix): string {
	if (row.namespaced) return '';
	const applicable = matrix.verbs.filter((verb) => row.cells[verb]?.state !== 'n/a');
	const itself = applicable.filter((verb) => row.cells[verb]?.name !== undefined);
	if (itself.length === 0) return '  (cluster-wide)';
	const where = `namespace ${matrix.namespace} itself`;
	return itself.length === applicable.length ? `  (${where})` : `  (cluster-wide; ${itself.join(', ')}: ${where})`;
}

function matrixLines(context: CommandContext, matrix: AccessMatrix, onlyAllowed: boolean): string[] {
	const {output} = context;
	const color = output.color.stdout;
	const rows = onlyAllowed ? matrix.rows.filter((row) => Object.values(row.cells).some((cell) => cell.state === 'allowed' || cell.state === 'limited')) : matrix.rows;
	const heading = `NAMESPACE ${shown(output.stdout, matrix.namespace)}`;
	const width = Math.max(columnsOf(heading), ...rows.map((row) => row.name.length)) + 2;
	const header = `${padColumns(heading, width)}${matrix.verbs.map((verb) => verbHeading(verb).padEnd(7)).join('')}`;
	// No line ends in spaces: the padding is between columns only (output is piped, diffed and grepped).
	const lines = [paint(color, 'bold', header.trimEnd())];
	for (const row of rows) {
		const cells = matrix.verbs.map((verb) => {
			const state = row.cells[verb]?.state ?? 'unknown';
			return paint(color, stateColor[state], cellGlyph[state]) + ' '.repeat(6);
		});
		lines.push(`${shown(output.stdout, row.name).padEnd(width)}${cells.join('')}${scopeNote(row, matrix)}`.trimEnd());
	}

	if (matrix.nonResourceRules.length > 0) {
		lines.push('', 'non-resource URLs:');
		for (const rule of matrix.nonResourceRules) lines.push(`  ${rule.verbs.join(',')}  ${(rule.nonResourceURLs ?? []).join(' ')}`);
	}

	if (matrix.incomplete) lines.push(`(the rules review was incomplete; ${matrix.accessReviews} cells were asked of the server one by one)`);
	return lines;
}
