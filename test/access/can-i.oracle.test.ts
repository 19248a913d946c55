import {execFile} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {describe, expect} from 'vitest';
import {controlPlane, homeFor, itWithCluster, kubectl} from '../support/control-plane.ts';
import {kubehop} from '../support/kubehop-binary.ts';

// `kubehop can-i --json` against a real kube-apiserver (Node,RBAC authorizers), with the version-matched
// kubectl as the oracle, cell by cell. Two oracles, both kubectl:
//  - every cell that is not n/a, as the SelfSubjectAccessReview `kubectl auth can-i` sends, posted in one
//    `kubectl create -f` per identity (a few hundred reviews a second, so nothing is skipped);
//  - `kubectl auth can-i VERB RESOURCE [--subresource] -n NS | -A` itself, one process per cell, for every
//    allowed or limited cell and a rotating sample of the rest (a process costs ~40 ms on two cores, too
//    much for the ~10,500 cells in all), so kubectl's own naming and flags are checked too.
// Each identity's kubehop identity is checked against `kubectl auth whoami`, its non-resource URLs against
// `kubectl auth can-i --list` and `kubectl auth can-i VERB URL`.
// Namespaced rows are compared in their namespace; cluster-scoped rows, which kubehop evaluates cluster-wide
// (a RoleBinding cannot grant them cluster-wide), against kubectl --all-namespaces. Except the cells that
// ask about one object (`name`): get, update, patch and delete of the namespaces rows, which the API server
// authorizes in the namespace they name, against `kubectl auth can-i VERB namespaces/NS -n NS`.

type State = 'allowed' | 'denied' | 'n/a' | 'limited' | 'unknown' | 'error';
type JsonCell = {state: State; source?: 'rules' | 'review'; why?: string; names?: string[]; name?: string};
type JsonRow = {name: string; group: string; resource: string; subresource: string; namespaced: boolean; cells: Record<string, JsonCell>};
type JsonRule = {verbs: string[]; nonResourceURLs?: string[]};
type JsonMatrix = {namespace: string; verbs: string[]; incomplete: boolean; evaluationErrors: string[]; accessReviews: number; problem: string | null; rows: JsonRow[]; nonResourceRules: JsonRule[]};
type JsonIdentity = {username: string; uid: string; groups: string[]; extra: Record<string, string[]>; bypassesRbac: boolean; serviceAccount?: {namespace: string; name: string}};
type JsonReport = {context: string; identity: JsonIdentity; requests: number; matrices: JsonMatrix[]};

type Subject = {
	label: string;
	context: 'admin' | 'jane' | 'serviceAccount';
	/** Impersonation from the context, the same flags for kubehop and kubectl. */
	as?: {user: string; groups?: string[]};
	namespaces: string[];
	/** Per-process `kubectl auth can-i` checks: every Nth row (of those not already allowed or limited). */
	sampleEvery: number;
	/** Non-resource URLs `kubectl auth can-i --list` shows but the authorizer refuses (see below). */
	listedOnly?: string[];
};

const seeded = ['default', 'dev', 'staging', 'prod'];
const node = {user: 'system:node:node01', groups: ['system:nodes']};
const subjects: Subject[] = [
	// system:masters: every cell is allowed and the rules review says so with one `*` rule; one namespace is enough.
	{label: 'admin', context: 'admin', namespaces: ['default'], sampleEvery: 2},
	{label: 'jane', context: 'jane', namespaces: seeded, sampleEvery: 2},
	{label: 'service account', context: 'serviceAccount', namespaces: seeded, sampleEvery: 2},
	// Its RoleBinding in dev reaches a ClusterRole with a non-resource URL, which kubectl --list -n dev shows.
	{label: 'auditor (aggregated ClusterRole)', context: 'admin', as: {user: 'auditor'}, namespaces: seeded, sampleEvery: 2, listedOnly: ['dev: get /metrics']},
	{label: 'carol (resourceNames)', context: 'admin', as: {user: 'carol'}, namespaces: seeded, sampleEvery: 2},
	// The Node authorizer cannot list rules: the review is incomplete and kubehop asks the server cell by cell.
	{label: 'node (Node authorizer)', context: 'admin', as: node, namespaces: seeded, sampleEvery: 2},
];

const impersonation = (as: Subject['as']) => (as ? ['--as', as.user, ...(as.groups ?? []).flatMap((group) => ['--as-group', group])] : []);

/** At most `limit` kubectl processes at once, across the whole file. */
const limit = 8;
let running = 0;
const waiting: Array<() => void> = [];
async function slot<T>(work: () => Promise<T>): Promise<T> {
	if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
	running++;
	try {
		return await work();
	} finally {
		running--;
		waiting.shift()?.();
	}
}

function kubectlAsync(kubeconfig: string, args: string[]): Promise<{status: number; stdout: string; stderr: string}> {
	return slot(
		() =>
			new Promise((resolve) => {
				execFile(
					controlPlane()!.kubectl,
					['--kubeconfig', kubeconfig, ...args],
					{encoding: 'utf8', env: {PATH: process.env.PATH, HOME: path.dirname(path.dirname(kubeconfig))}, timeout: 60_000, maxBuffer: 1 << 26},
					(error, stdout, stderr) => resolve({status: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr}),
				);
			}),
	);
}

type Compared = {namespace: string; row: JsonRow; verb: string; cell: JsonCell; rowIndex: number; matrixIndex: number};

const where = (c: Pick<Compared, 'namespace' | 'row' | 'verb' | 'cell'>) => `${c.verb} ${c.row.name}${c.cell.name ? ` ${c.cell.name}` : ''} ${c.namespace ? `-n ${c.namespace}` : '-A'}`;

/** The cells to compare: namespaced rows and one-object cells in each namespace, other cluster-scoped cells once (namespace ''). */
function comparedCells(report: JsonReport): Compared[] {
	const cells: Compared[] = [];
	const clusterCells = new Set<string>();
	for (const [matrixIndex, matrix] of report.matrices.entries()) {
		for (const [index, row] of matrix.rows.entries()) {
			for (const verb of matrix.verbs) {
				const cell = row.cells[verb]!;
				if (cell.state === 'n/a') continue;
				const inNamespace = row.namespaced || cell.name !== undefined;
				if (!inNamespace) {
					if (clusterCells.has(`${verb} ${row.name}`)) continue;
					clusterCells.add(`${verb} ${row.name}`);
				}

				cells.push({namespace: inNamespace ? matrix.namespace : '', row, verb, cell, rowIndex: index, matrixIndex});
			}
		}
	}

	return cells;
}

/** The namespaces rows' get, update, patch and delete ask about the namespace itself; no other cell names an object. */
function oneObjectCells(report: JsonReport): string[] {
	return report.matrices.flatMap((matrix) =>
		matrix.rows.flatMap((row) => matrix.verbs.filter((verb) => row.cells[verb]!.name !== undefined).map((verb) => `${matrix.namespace}: ${verb} ${row.name} ${row.cells[verb]!.name}`)),
	);
}

function expectedOneObjectCells(report: JsonReport): string[] {
	return report.matrices.flatMap((matrix) =>
		matrix.rows
			.filter((row) => row.group === '' && row.resource === 'namespaces')
			.flatMap((row) => matrix.verbs.filter((verb) => ['get', 'update', 'patch', 'delete'].includes(verb) && row.cells[verb]!.state !== 'n/a').map((verb) => `${matrix.namespace}: ${verb} ${row.name} ${matrix.namespace}`)),
	);
}

/** kubectl auth can-i's own question, posted as SelfSubjectAccessReviews in one kubectl process. */
async function reviewAll(kubeconfig: string, as: Subject['as'], cells: Compared[]): Promise<boolean[]> {
	const file = path.join(path.dirname(kubeconfig), `reviews-${process.hrtime.bigint()}.json`);
	const items = cells.map(({namespace, row, verb, cell}) => ({
		apiVersion: 'authorization.k8s.io/v1',
		kind: 'SelfSubjectAccessReview',
		spec: {resourceAttributes: {namespace, verb, group: row.group, resource: row.resource, subresource: row.subresource, name: cell.name ?? ''}},
	}));
	fs.writeFileSync(file, JSON.stringify({apiVersion: 'v1', kind: 'List', items}));
	const fields = ['namespace', 'verb', 'group', 'resource', 'subresource', 'name'].map((field) => `{.spec.resourceAttributes.${field}}`).join('{"\\t"}');
	const result = await kubectlAsync(kubeconfig, ['create', '-f', file, ...impersonation(as), '-o', `jsonpath=${fields}{"\\t"}{.status.allowed}{"\\n"}`]);
	expect(result.status, result.stderr).toBe(0);
	const lines = result.stdout.split('\n').filter(Boolean);
	expect(lines).toHaveLength(cells.length);
	return lines.map((line, index) => {
		const [namespace, verb, group, resource, subresource, name, allowed] = line.split('\t');
		const {row, ...compared} = cells[index]!;
		// kubectl create answers in file order; the echoed attributes prove it.
		expect([namespace, verb, group, resource, subresource, name]).toEqual([compared.namespace, compared.verb, row.group, row.resource, row.subresource, compared.cell.name ?? '']);
		return allowed === 'true';
	});
}

/** `name`: a name to ask about; by default the one object the cell asks about, if any. */
function canIArguments({namespace, row, verb, cell}: Pick<Compared, 'namespace' | 'row' | 'verb' | 'cell'>, as: Subject['as'], name = cell.name): string[] {
	const resource = row.name.split('/')[0]!;
	return [
		'auth',
		'can-i',
		verb,
		name ? `${resource}/${name}` : resource,
		...(row.subresource ? [`--subresource=${row.subresource}`] : []),
		...(namespace ? ['-n', namespace] : ['--all-namespaces']),
		...impersonation(as),
	];
}

async function canI(kubeconfig: string, cell: Pick<Compared, 'namespace' | 'row' | 'verb' | 'cell'>, as: Subject['as'], name?: string): Promise<boolean> {
	const result = await kubectlAsync(kubeconfig, canIArguments(cell, as, name));
	const answer = result.stdout.trim().split(/\s/)[0];
	if (!((answer === 'yes' && result.status === 0) || (answer === 'no' && result.status === 1))) {
		throw new Error(`kubectl ${canIArguments(cell, as, name).join(' ')}: exit ${result.status}, ${result.stdout}${result.stderr}`);
	}

	return answer === 'yes';
}

/** `kubectl auth can-i VERB URL` for a `verb url` pair; a wildcard is asked as one URL it covers. */
async function canIUrl(kubeconfig: string, pair: string, as: Subject['as']): Promise<boolean> {
	const [verb, pattern] = pair.split(' ') as [string, string];
	const url = pattern === '*' ? '/kubehop-any' : pattern.endsWith('*') ? `${pattern.slice(0, -1)}kubehop-any` : pattern;
	const args = ['auth', 'can-i', verb === '*' ? 'get' : verb, url, ...impersonation(as)];
	const result = await kubectlAsync(kubeconfig, args);
	const answer = result.stdout.trim().split(/\s/)[0];
	if (!((answer === 'yes' && result.status === 0) || (answer === 'no' && result.status === 1))) throw new Error(`kubectl ${args.join(' ')}: exit ${result.status}, ${result.stdout}${result.stderr}`);
	return answer === 'yes';
}

/** The NonResourceURLs lines of `kubectl auth can-i --list`, as `verb url` pairs; columns found from the header. */
function nonResourcePairs(listing: string): Set<string> {
	const [header, ...lines] = listing.split('\n');
	const from = header!.indexOf('Non-Resource URLs');
	const to = header!.indexOf('Resource Names');
	const verbsAt = header!.indexOf('Verbs');
	expect([from, to, verbsAt].every((offset) => offset > 0), header).toBe(true);
	const list = (text: string) => text.trim().replace(/^\[|\]$/g, '').split(' ').filter(Boolean);
	const pairs = new Set<string>();
	for (const line of lines) {
		const urls = list(line.slice(from, to));
		for (const url of urls) for (const verb of list(line.slice(verbsAt))) pairs.add(`${verb} ${url}`);
	}

	return pairs;
}

const rulePairs = (rules: JsonRule[]) => new Set(rules.flatMap((rule) => (rule.nonResourceURLs ?? []).flatMap((url) => rule.verbs.map((verb) => `${verb} ${url}`))));

function runCanI(subject: Subject, env: Record<string, string>): JsonReport {
	const result = kubehop(['can-i', '--json', '-n', subject.namespaces.join(','), ...impersonation(subject.as)], {env});
	expect(result.status, result.stderr).toBe(0);
	return JSON.parse(result.stdout) as JsonReport;
}

describe.sequential('kubehop can-i against kubectl auth can-i on the real control plane', () => {
	itWithCluster.each(subjects.map((subject, index) => ({...subject, index})))('$label: every cell agrees with kubectl', async (subject) => {
		const started = Date.now();
		const {kubeconfig, env} = homeFor(controlPlane()!.contexts[subject.context]);
		const report = runCanI(subject, env);
		expect(report.matrices.map((matrix) => matrix.namespace)).toEqual(subject.namespaces);

		// Every cell has an answer: no failed reviews, no unknowns.
		for (const matrix of report.matrices) {
			expect(matrix.problem, matrix.namespace).toBeNull();
			const unanswered = matrix.rows.flatMap((row) => Object.entries(row.cells).filter(([, cell]) => cell.state === 'unknown' || cell.state === 'error').map(([verb]) => `${verb} ${row.name}`));
			expect(unanswered, matrix.namespace).toEqual([]);
			// A complete rules review answers every cell locally; an incomplete one costs access reviews.
			if (matrix.incomplete) expect(matrix.accessReviews, matrix.namespace).toBeGreaterThan(0);
			else expect(matrix.accessReviews, matrix.namespace).toBe(0);
		}

		// Cluster-scoped rows do not depend on the namespace asked for (in the columns both namespaces show:
		// a verb such as bind gets a column only where some rule names it), but for the cells about one namespace.
		expect(oneObjectCells(report)).toEqual(expectedOneObjectCells(report));
		const first = report.matrices[0]!;
		for (const matrix of report.matrices.slice(1)) {
			const verbs = matrix.verbs.filter((verb) => first.verbs.includes(verb));
			const clusterRows = (of: JsonMatrix) => of.rows.filter((row) => !row.namespaced).map((row) => [row.name, verbs.map((verb) => (row.cells[verb]!.name ? 'one namespace' : row.cells[verb]!.state))]);
			expect(clusterRows(matrix), matrix.namespace).toEqual(clusterRows(first));
		}

		// Oracle 1: every cell, as the SelfSubjectAccessReview kubectl auth can-i sends.
		const cells = comparedCells(report);
		const chunks = Array.from({length: 4}, (_, chunk) => cells.filter((_cell, index) => index % 4 === chunk));
		const answers = await Promise.all(chunks.map((chunk) => reviewAll(kubeconfig, subject.as, chunk)));
		const disagreements: string[] = [];
		for (const [chunk, chunkCells] of chunks.entries()) {
			for (const [index, compared] of chunkCells.entries()) {
				const yes = answers[chunk]![index]!;
				if (yes !== (compared.cell.state === 'allowed')) disagreements.push(`review: ${where(compared)}: kubectl ${yes ? 'yes' : 'no'}, kubehop ${compared.cell.state} (${compared.cell.why ?? ''})`);
			}
		}

		// Oracle 2: kubectl auth can-i itself, for every allowed or limited cell and one verb of every Nth other row.
		// The sampled rows and their verb shift with the namespace and the subject, so each checks other cells.
		const sampled = cells.filter(({cell, row, verb, rowIndex, matrixIndex}) => {
			if (cell.state !== 'denied' && !report.identity.bypassesRbac) return true;
			const shift = matrixIndex + subject.index;
			if ((rowIndex + shift) % subject.sampleEvery !== 0) return false;
			const verbs = Object.keys(row.cells).filter((candidate) => row.cells[candidate]!.state !== 'n/a');
			return verbs[(Math.floor(rowIndex / subject.sampleEvery) + shift) % verbs.length] === verb;
		});
		await Promise.all(
			sampled.map(async (compared) => {
				const yes = await canI(kubeconfig, compared, subject.as);
				if (yes !== (compared.cell.state === 'allowed')) disagreements.push(`can-i: ${where(compared)}: kubectl ${yes ? 'yes' : 'no'}, kubehop ${compared.cell.state} (${compared.cell.why ?? ''})`);
			}),
		);

		// A limited cell is a no without a name (checked above) and a yes for each name it lists.
		const limited = cells.filter((compared) => compared.cell.state === 'limited');
		await Promise.all(
			limited.flatMap((compared) =>
				(compared.cell.names ?? []).map(async (name) => {
					if (!(await canI(kubeconfig, compared, subject.as, name))) disagreements.push(`named: ${where(compared)} name ${name}: kubectl no, kubehop limited to ${compared.cell.names?.join(',')}`);
				}),
			),
		);

		// Non-resource URLs. `kubectl auth can-i --list -n NS` prints the rules review for NS, and that also
		// holds the non-resource URLs of ClusterRoles bound by RoleBindings in NS, which the authorizer never
		// grants: a non-resource request has no namespace, so only ClusterRoleBindings apply. kubehop shows the
		// cluster-wide review's. Every URL either lists is decided by `kubectl auth can-i VERB URL`.
		const urlAnswers = new Map<string, Promise<boolean>>();
		const urlAllowed = (pair: string) => {
			if (!urlAnswers.has(pair)) urlAnswers.set(pair, canIUrl(kubeconfig, pair, subject.as));
			return urlAnswers.get(pair)!;
		};

		const listedOnly: string[] = [];
		await Promise.all(
			report.matrices.map(async (matrix) => {
				const listing = await kubectlAsync(kubeconfig, ['auth', 'can-i', '--list', '-n', matrix.namespace, ...impersonation(subject.as)]);
				expect(listing.status, listing.stderr).toBe(0);
				expect(matrix.incomplete, `${matrix.namespace}: ${listing.stderr}`).toBe(listing.stderr.includes('the list may be incomplete'));
				const shown = rulePairs(matrix.nonResourceRules);
				const listed = nonResourcePairs(listing.stdout);
				for (const pair of listed) if (!shown.has(pair)) listedOnly.push(`${matrix.namespace}: ${pair}`);
				await Promise.all(
					[...new Set([...shown, ...listed])].map(async (pair) => {
						const yes = await urlAllowed(pair);
						if (yes !== shown.has(pair)) disagreements.push(`url: ${pair} (-n ${matrix.namespace}): kubectl auth can-i ${yes ? 'yes' : 'no'}, kubehop ${shown.has(pair) ? 'lists it' : 'does not'}, kubectl --list ${listed.has(pair) ? 'lists it' : 'does not'}`);
					}),
				);
			}),
		);
		expect(disagreements).toEqual([]);
		expect(listedOnly.sort()).toEqual(subject.listedOnly ?? []);

		// Who: kubectl auth whoami, impersonation included.
		const whoami = await kubectlAsync(kubeconfig, ['auth', 'whoami', '-o', 'json', ...impersonation(subject.as)]);
		expect(whoami.status, whoami.stderr).toBe(0);
		const user = (JSON.parse(whoami.stdout) as {status: {userInfo: {username: string; uid?: string; groups?: string[]; extra?: Record<string, string[]>}}}).status.userInfo;
		expect(report.identity).toMatchObject({username: user.username, uid: user.uid ?? '', groups: user.groups ?? [], extra: user.extra ?? {}, bypassesRbac: (user.groups ?? []).includes('system:masters')});
		const account = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(user.username);
		expect(report.identity.serviceAccount).toEqual(account ? {namespace: account[1], name: account[2]} : undefined);

		console.log(
			`${subject.label}: ${cells.length} cells by review, ${sampled.length + limited.length} by kubectl auth can-i, ${report.matrices.map((matrix) => matrix.accessReviews).join('+')} access reviews by kubehop, ${((Date.now() - started) / 1000).toFixed(1)}s`,
		);
	});

	itWithCluster('marks system:masters as bypassing RBAC and names the service account', () => {
		const {contexts} = controlPlane()!;
		const identity = (context: string) => {
			const {env} = homeFor(context);
			const result = kubehop(['can-i', '--json', '--verbs', 'get'], {env});
			expect(result.status, result.stderr).toBe(0);
			return (JSON.parse(result.stdout) as JsonReport).identity;
		};

		const admin = identity(contexts.admin);
		expect(admin.bypassesRbac).toBe(true);
		expect(admin.groups).toContain('system:masters');
		const jane = identity(contexts.jane);
		expect(jane).toMatchObject({username: 'jane', bypassesRbac: false});
		expect(jane.serviceAccount).toBeUndefined();
		const account = identity(contexts.serviceAccount);
		expect(account).toMatchObject({username: 'system:serviceaccount:default:my-monitoring-sa', serviceAccount: {namespace: 'default', name: 'my-monitoring-sa'}, bypassesRbac: false});
		expect(account.groups).toEqual(expect.arrayContaining(['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated']));
	});

	itWithCluster('-A for a user who may not list namespaces says so, and how to name them, as kubectl get ns says forbidden', () => {
		const {kubeconfig, env} = homeFor(controlPlane()!.contexts.serviceAccount);
		const result = kubehop(['can-i', '-A'], {env});
		expect(result.status).toBe(1);
		expect(result.stderr).toContain('listing namespaces is forbidden for this user in context');
		expect(result.stderr).toContain('hint: name them instead: kubehop can-i -n NAMESPACE[,NAMESPACE...]');
		expect(kubectl(kubeconfig, ['auth', 'can-i', 'list', 'namespaces']).stdout.trim()).toBe('no');
	});

	itWithCluster("prints jane's matrix as a table whose lines never end in spaces, cluster-wide rows marked", () => {
		const {env} = homeFor(controlPlane()!.contexts.jane);
		const result = kubehop(['can-i'], {env});
		expect(result.status, result.stderr).toBe(0);
		const lines = result.stdout.split('\n');
		expect(lines.filter((line) => / $/.test(line))).toEqual([]);
		expect(lines.find((line) => line.startsWith('NAMESPACE default'))).toMatch(/get +list +watch +create +update +patch +delete +delcol$/);
		expect(lines.find((line) => line.startsWith('pods '))).toMatch(/^pods +✓ +✓ +✗ +✓ /);
		expect(lines.find((line) => line.startsWith('nodes '))).toMatch(/ +\(cluster-wide\)$/);
	});

	itWithCluster("auditor's RoleBinding in dev lets it get the namespace dev, and only that: as the API server answers kubectl get", () => {
		const {kubeconfig, env} = homeFor(controlPlane()!.contexts.admin);
		const result = kubehop(['can-i', '--json', '-n', 'dev,prod', '--as', 'auditor'], {env});
		expect(result.status, result.stderr).toBe(0);
		const [dev, prod] = (JSON.parse(result.stdout) as JsonReport).matrices.map((matrix) => matrix.rows.find((row) => row.name === 'namespaces')!.cells);
		expect(dev!.get).toMatchObject({state: 'allowed', name: 'dev'});
		expect(prod!.get).toMatchObject({state: 'denied', name: 'prod'});
		expect(dev!.list).toMatchObject({state: 'denied'});
		const get = (what: string[]) => kubectl(kubeconfig, ['get', 'namespaces', ...what, '--as', 'auditor', '-o', 'name']);
		expect(get(['dev'])).toMatchObject({status: 0, stdout: 'namespace/dev\n'});
		expect(get(['prod']).stderr).toContain('forbidden');
		expect(get([]).stderr).toContain('forbidden');
		const table = kubehop(['can-i', '-n', 'dev', '--as', 'auditor', '--only-allowed'], {env});
		expect(table.stdout.split('\n').find((line) => line.startsWith('namespaces '))).toMatch(/^namespaces +✓ +✗ +✗ +✗ +✗ +✗ +✗ +· +\(cluster-wide; get, update, patch, delete: namespace dev itself\)$/);
	});

	itWithCluster('keeps a gap after the NAMESPACE heading when no row name is as wide, and its verbs over their cells', () => {
		const {env} = homeFor(controlPlane()!.contexts.jane);
		const result = kubehop(['can-i', '-n', 'dev,default', '--only-allowed', '--verbs', 'get,list'], {env});
		expect(result.status, result.stderr).toBe(0);
		const lines = result.stdout.split('\n');
		expect(lines.filter((line) => line.startsWith('NAMESPACE '))).toEqual([expect.stringMatching(/^NAMESPACE dev {2}get {4}list$/), expect.stringMatching(/^NAMESPACE default {2}get {4}list$/)]);
		const heading = lines.find((line) => line.startsWith('NAMESPACE default'))!;
		const pods = lines[lines.indexOf(heading) + 1]!;
		expect(pods).toMatch(/^pods +✓ +✓$/);
		expect([pods.indexOf('✓'), pods.lastIndexOf('✓')]).toEqual([heading.indexOf('get'), heading.indexOf('list')]);
	});

	itWithCluster('shows carol\'s named configmaps and deployment scale as limited, as kubectl answers with and without a name', () => {
		const {kubeconfig, env} = homeFor(controlPlane()!.contexts.admin);
		const result = kubehop(['can-i', '--json', '-n', 'staging', '--as', 'carol'], {env});
		expect(result.status, result.stderr).toBe(0);
		const rows = (JSON.parse(result.stdout) as JsonReport).matrices[0]!.rows;
		const cell = (name: string, verb: string) => rows.find((row) => row.name === name)!.cells[verb]!;
		expect(cell('configmaps', 'get')).toMatchObject({state: 'limited', names: expect.arrayContaining(['app-config', 'feature-flags'])});
		expect(cell('configmaps', 'update').state).toBe('limited');
		expect(cell('configmaps', 'list').state).toBe('denied');
		expect(cell('deployments.apps/scale', 'get')).toMatchObject({state: 'limited', names: ['web']});
		expect(cell('roles.rbac.authorization.k8s.io', 'bind')).toMatchObject({state: 'allowed', source: 'rules'});
		expect(cell('pods', 'bind').state).toBe('denied');
		expect(kubectl(kubeconfig, ['auth', 'can-i', 'bind', 'roles.rbac.authorization.k8s.io', '-n', 'staging', '--as', 'carol']).stdout.trim()).toBe('yes');
		expect(kubectl(kubeconfig, ['auth', 'can-i', 'get', 'configmaps/app-config', '-n', 'staging', '--as', 'carol']).stdout.trim()).toBe('yes');
		expect(kubectl(kubeconfig, ['auth', 'can-i', 'get', 'configmaps', '-n', 'staging', '--as', 'carol']).stdout.trim()).toBe('no');
		expect(kubectl(kubeconfig, ['auth', 'can-i', 'get', 'configmaps/other', '-n', 'staging', '--as', 'carol']).stdout.trim()).toBe('no');
		expect(kubectl(kubeconfig, ['auth', 'can-i', 'get', 'deployments.apps/web', '--subresource=scale', '-n', 'staging', '--as', 'carol']).stdout.trim()).toBe('yes');
	});

	itWithCluster('accepts constrained impersonation (beta, on by default in Kubernetes 1.37), as kubectl does: impersonate:user-info and impersonate-on grants, no impersonate verb', () => {
		const contexts = controlPlane()!.contexts;
		const admin = homeFor(contexts.admin);
		const jane = homeFor(contexts.jane);
		// jane may act as dora (who may read pods) to list pods and to run the reviews and discovery kubehop needs, nothing else.
		const grants = path.join(path.dirname(admin.kubeconfig), 'constrained-impersonation.yaml');
		const binding = (name: string, subject: string) => `---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: ${name}}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: ${name}}\nsubjects: [{kind: User, name: ${subject}, apiGroup: rbac.authorization.k8s.io}]\n`;
		fs.writeFileSync(
			grants,
			[
				'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: kubehop-test-constrained-jane}\nrules:',
				'- {apiGroups: [authentication.k8s.io], resources: [users], resourceNames: [dora], verbs: ["impersonate:user-info"]}',
				'- {apiGroups: [""], resources: [pods], verbs: ["impersonate-on:user-info:list"]}',
				binding('kubehop-test-constrained-jane', 'jane'),
				'---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: kubehop-test-constrained-dora}\nrules:\n- {apiGroups: [""], resources: [pods, configmaps], verbs: [get, list]}',
				binding('kubehop-test-constrained-dora', 'dora'),
			].join('\n'),
		);
		// kubehop's own reviews are requests made as dora too; discovery it asks as jane.
		const reviews = path.join(path.dirname(admin.kubeconfig), 'constrained-reviews.yaml');
		fs.writeFileSync(
			reviews,
			[
				'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: kubehop-test-constrained-reviews}\nrules:',
				'- {apiGroups: [authorization.k8s.io], resources: [selfsubjectrulesreviews, selfsubjectaccessreviews], verbs: ["impersonate-on:user-info:create"]}',
				'- {apiGroups: [authentication.k8s.io], resources: [selfsubjectreviews], verbs: ["impersonate-on:user-info:create"]}',
				binding('kubehop-test-constrained-reviews', 'jane'),
			].join('\n'),
		);
		expect(kubectl(admin.kubeconfig, ['apply', '-f', grants]).status).toBe(0);
		try {
			const withoutReviews = kubehop(['can-i', '-n', 'default', '--as', 'dora'], {env: jane.env});
			expect(withoutReviews.status).toBe(1);
			expect(withoutReviews.stderr).toContain('cannot impersonate-on:user-info:create');
			expect(withoutReviews.stderr).toContain('hint: kubehop asks as the identity: grant impersonate-on:user-info:create on selfsubjectreviews');
			expect(kubectl(admin.kubeconfig, ['apply', '-f', reviews]).status).toBe(0);
			// kubectl: no impersonate verb, yet dora's pods can be listed; her configmaps cannot, for want of impersonate-on.
			expect(kubectl(jane.kubeconfig, ['auth', 'can-i', 'impersonate', 'users/dora']).stdout.trim()).toBe('no');
			expect(kubectl(jane.kubeconfig, ['get', 'pods', '-n', 'default', '--as', 'dora']).status).toBe(0);
			expect(kubectl(jane.kubeconfig, ['get', 'configmaps', '-n', 'default', '--as', 'dora']).stderr).toContain('cannot impersonate-on:user-info:list resource "configmaps"');
			const result = kubehop(['can-i', '--json', '-n', 'default', '--as', 'dora'], {env: jane.env});
			expect(result.status, result.stderr).toBe(0);
			const report = JSON.parse(result.stdout) as JsonReport & {constrainedImpersonation: string | null};
			expect(report.identity.username).toBe('dora');
			expect(report.constrainedImpersonation).toBe('user-info');
			// What the requests themselves get: dora may list both, jane may act as her only for pods.
			const row = (name: string) => report.matrices[0]!.rows.find((entry) => entry.name === name)!;
			expect([row('pods').cells.list!.state, row('configmaps').cells.list!.state, row('configmaps').cells.get!.state, row('secrets').cells.list!.state]).toEqual(['allowed', 'denied', 'denied', 'denied']);
			expect(row('configmaps').cells.list!.why).toContain('impersonate-on:user-info:list');
			// kubectl auth can-i answers with dora's permissions alone; the request is what fails.
			expect(kubectl(jane.kubeconfig, ['auth', 'can-i', 'list', 'configmaps', '-n', 'default', '--as', 'dora']).stdout.trim()).toBe('yes');
			const table = kubehop(['can-i', '-n', 'default', '--as', 'dora'], {env: jane.env});
			expect(table.stdout).toContain('by constrained impersonation');
			// Groups beyond what jane may take on are still refused before any request.
			const group = kubehop(['can-i', '--as', 'dora', '--as-group', 'admins'], {env: jane.env});
			expect(group.stderr).toContain('may not impersonate');
		} finally {
			kubectl(admin.kubeconfig, ['delete', '-f', grants]);
			kubectl(admin.kubeconfig, ['delete', '-f', reviews, '--ignore-not-found']);
		}
	});

	itWithCluster("acts as the kubeconfig user's own `as:`, as kubectl does, and --as replaces it, checked as the credential's owner", () => {
		const {kubeconfig, env} = homeFor(controlPlane()!.contexts.admin);
		// admin's certificate, impersonating jane: kubectl acts as jane.
		fs.writeFileSync(kubeconfig, fs.readFileSync(kubeconfig, 'utf8').replace(/^(- name: admin\n {2}user:\n)/m, '$1    as: jane\n'));
		expect(kubectl(kubeconfig, ['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}']).stdout).toBe('jane');
		const report = JSON.parse(kubehop(['can-i', '--json'], {env}).stdout) as JsonReport;
		expect(report.identity.username).toBe('jane');
		expect(report.identity.bypassesRbac).toBe(false);
		// --as carol over it: admin (not jane) is the one who must be allowed to impersonate carol.
		expect(kubectl(kubeconfig, ['auth', 'whoami', '--as', 'carol', '-o', 'jsonpath={.status.userInfo.username}']).stdout).toBe('carol');
		const carol = kubehop(['can-i', '--json', '--as', 'carol'], {env});
		expect(carol.status, carol.stderr).toBe(0);
		expect((JSON.parse(carol.stdout) as JsonReport).identity.username).toBe('carol');
	});

	itWithCluster('refuses an impersonation the real user may not make, as kubectl does', () => {
		const {kubeconfig, env} = homeFor(controlPlane()!.contexts.jane);
		const oracle = kubectl(kubeconfig, ['auth', 'can-i', 'get', 'pods', '--as', 'bob']);
		expect(oracle.status).not.toBe(0);
		expect(oracle.stderr).toContain('cannot impersonate');
		const result = kubehop(['can-i', '--as', 'bob'], {env});
		expect(result.status).not.toBe(0);
		expect(result.stderr).toContain('may not impersonate');
		expect(result.stderr).toContain('user "bob"');
		expect(result.stdout).toBe('');

		// Groups only with a user to impersonate (from --as or the kubeconfig user's as:): refused before any request, in kubectl's words.
		const said = kubectl(kubeconfig, ['auth', 'can-i', 'get', 'pods', '--as-group', 'system:nodes']).stderr.trim().split('\n').at(-1)!;
		expect(said).toBe('error: requesting uid, groups or user-extra for jane without impersonating a user');
		const groupOnly = kubehop(['can-i', '--as-group', 'system:nodes'], {env});
		expect(groupOnly.status).not.toBe(0);
		expect(groupOnly.stderr.split('\n')[0]).toBe(said);
	});
});
