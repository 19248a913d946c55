import {inParallel, type ApiResource} from '../discovery/discovery.ts';
import type {AccessReview, ResourceAttributes, RulesReview} from './reviews.ts';
import {describeRule, evaluate, type NonResourceRule, type ResourceRule} from './rules.ts';

// The can-i matrix: discovery's resources and subresources by verbs. One SelfSubjectRulesReview per
// scope answers every cell locally; only cells the rules cannot decide (an incomplete review, say from
// a webhook or the Node authorizer) cost a SelfSubjectAccessReview each, a bounded number at a time.

export const standardVerbs = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'] as const;
export const specialVerbs = ['use', 'bind', 'escalate', 'impersonate', 'approve', 'sign'] as const;

export type CellState = 'allowed' | 'denied' | 'n/a' | 'limited' | 'unknown' | 'error';

export type Cell = {
	state: CellState;
	/** Who decided: the rules review evaluated here, or an access review the server answered. */
	source?: 'rules' | 'review';
	/** The matching rule, the access review's reason, or what went wrong. */
	why?: string;
	/** For `limited`: the object names the rules allow. */
	names?: readonly string[];
	/** The one object the cell asks about, when not the whole resource: see namespaceItself. */
	name?: string;
};

export type MatrixRow = {
	/** `pods`, `pods/log`, `deployments.apps`, `deployments.apps/scale`: as `kubectl auth can-i` names them. */
	name: string;
	group: string;
	resource: string;
	subresource: string;
	kind: string;
	namespaced: boolean;
	shortNames: readonly string[];
	cells: Record<string, Cell>;
};

export type AccessMatrix = {
	/** The namespace namespaced rows were evaluated in; cluster-scoped rows are cluster-wide, but see namespaceItself. */
	namespace: string;
	verbs: readonly string[];
	rows: MatrixRow[];
	nonResourceRules: readonly NonResourceRule[];
	/** The rules review could not list everything (another authorizer, an evaluation error). */
	incomplete: boolean;
	evaluationErrors: readonly string[];
	/** Access reviews sent for cells the rules could not decide. */
	accessReviews: number;
	/** Set when some cells could not be answered: the rest stays valid. */
	problem?: string;
};

export type AccessSource = {
	rulesReview(namespace: string): Promise<RulesReview>;
	accessReview(attributes: ResourceAttributes): Promise<AccessReview>;
};

export type MatrixOptions = {namespace: string; verbs?: readonly string[]; concurrency?: number};

type Scope = {review?: RulesReview; failure?: string};

/**
 * The namespace a rules review is asked for to get only the cluster-wide rules. A review needs a
 * namespace ("no namespace on request" otherwise), and its answer is the ClusterRoleBindings' rules
 * plus the RoleBindings' in that namespace; no namespace can be named in capitals (DNS-1123), so none
 * can hold a RoleBinding, and what remains is exactly what applies to cluster-scoped resources.
 */
export const clusterWideNamespace = 'KUBEHOP-CLUSTER-WIDE';

// The verbs of a request on one namespace (GET, PUT, PATCH, DELETE /api/v1/namespaces/NS, and its status
// and finalize), which the API server authorizes in that namespace (k8s.io/apiserver requestinfo).
const namedNamespaceVerbs: ReadonlySet<string> = new Set(['get', 'update', 'patch', 'delete']);

/**
 * The namespace a namespaces-row cell asks about: for these verbs a RoleBinding in NS can allow the
 * request on NS itself, so the cell answers `kubectl auth can-i VERB namespaces/NS -n NS`. list, watch,
 * create and deletecollection name no namespace and stay cluster-wide (undefined).
 */
export function namespaceItself(row: Pick<MatrixRow, 'group' | 'resource'>, verb: string, namespace: string): string | undefined {
	return row.group === '' && row.resource === 'namespaces' && namedNamespaceVerbs.has(verb) ? namespace : undefined;
}

/** What a SelfSubjectAccessReview for a cell asks: the question `kubectl auth can-i` would send for it. */
export function accessAttributes(row: Pick<MatrixRow, 'group' | 'resource' | 'subresource' | 'namespaced'>, verb: string, namespace: string): ResourceAttributes {
	const itself = namespaceItself(row, verb, namespace);
	return {
		namespace: row.namespaced || itself !== undefined ? namespace : '',
		verb,
		group: row.group,
		resource: row.resource,
		subresource: row.subresource || undefined,
		...(itself === undefined ? {} : {name: itself}),
	};
}

export function rowsFor(resources: readonly ApiResource[]): Array<Omit<MatrixRow, 'cells'> & {verbs: readonly string[]}> {
	const rows: Array<Omit<MatrixRow, 'cells'> & {verbs: readonly string[]}> = [];
	for (const resource of resources) {
		const base = resource.group ? `${resource.resource}.${resource.group}` : resource.resource;
		const common = {group: resource.group, resource: resource.resource, namespaced: resource.namespaced, shortNames: resource.shortNames};
		rows.push({...common, name: base, subresource: '', kind: resource.kind, verbs: resource.verbs});
		for (const sub of resource.subresources) rows.push({...common, name: `${base}/${sub.name}`, subresource: sub.name, kind: sub.kind || resource.kind, shortNames: [], verbs: sub.verbs});
	}

	return rows.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export async function computeAccessMatrix(source: AccessSource, resources: readonly ApiResource[], {namespace, verbs, concurrency = 8}: MatrixOptions): Promise<AccessMatrix> {
	const needsCluster = resources.some((resource) => !resource.namespaced);
	const [namespaced, cluster] = await Promise.all([scope(source, namespace), needsCluster ? scope(source, clusterWideNamespace) : Promise.resolve<Scope>({})]);
	const reviews = [namespaced.review, cluster.review].filter((review): review is RulesReview => review !== undefined);
	const granted = new Set(reviews.flatMap((review) => review.resourceRules.flatMap((rule) => rule.verbs)));
	const columns = verbs ?? [...standardVerbs, ...specialVerbs.filter((verb) => granted.has(verb))];

	const undecided: Array<{row: MatrixRow; verb: string; attributes: ResourceAttributes}> = [];
	const rows = rowsFor(resources).map(({verbs: supported, ...row}) => {
		const cells: Record<string, Cell> = {};
		for (const verb of columns) {
			const special = (specialVerbs as readonly string[]).includes(verb);
			if (!special && !supported.includes(verb)) {
				cells[verb] = {state: 'n/a', why: `${row.name} does not support "${verb}" (discovery)`};
				continue;
			}

			const itself = namespaceItself(row, verb, namespace);
			const {review, failure} = row.namespaced || itself !== undefined ? namespaced : cluster;
			const decided = review ? fromRules(review.resourceRules, row, verb, itself) : undefined;
			cells[verb] = decided ?? {state: 'unknown', why: failure, ...(itself === undefined ? {} : {name: itself})};
			// What the rules allow is settled; a "no" from an incomplete review, or no review at all, is asked again.
			if ((!review || review.incomplete || review.evaluationError) && decided?.state !== 'allowed' && !special) {
				undecided.push({row: {...row, cells}, verb, attributes: accessAttributes(row, verb, namespace)});
			}
		}

		return {...row, cells};
	});

	const failures: string[] = [];
	await inParallel(undecided, concurrency, async ({row, verb, attributes}) => {
		try {
			const answer = await source.accessReview(attributes);
			const cell: Cell = answer.evaluationError && !answer.allowed
				? {state: 'error', source: 'review', why: answer.evaluationError}
				: {state: answer.allowed ? 'allowed' : 'denied', source: 'review', why: answer.reason || (answer.allowed ? 'allowed by the server' : 'no rule allows it')};
			row.cells[verb] = {...cell, ...(attributes.name === undefined ? {} : {name: attributes.name})};
		} catch (error) {
			failures.push((error as Error).message);
			row.cells[verb] = {state: 'error', source: 'review', why: (error as Error).message, ...(attributes.name === undefined ? {} : {name: attributes.name})};
		}
	});

	const scopeFailures = [namespaced.failure, cluster.failure].filter(Boolean) as string[];
	const problems = [...new Set([...scopeFailures, ...failures])];
	return {
		namespace,
		verbs: columns,
		rows,
		nonResourceRules: cluster.review?.nonResourceRules ?? namespaced.review?.nonResourceRules ?? [],
		incomplete: reviews.some((review) => review.incomplete) || scopeFailures.length > 0,
		evaluationErrors: [...new Set(reviews.map((review) => review.evaluationError).filter(Boolean))],
		accessReviews: undecided.length,
		problem: problems.length > 0 ? `${failures.length > 0 ? `${failures.length} of ${undecided.length} access reviews failed` : 'the rules review failed'}: ${problems[0]}` : undefined,
	};
}

async function scope(source: AccessSource, namespace: string): Promise<Scope> {
	try {
		return {review: await source.rulesReview(namespace)};
	} catch (error) {
		return {failure: (error as Error).message};
	}
}

/** `name`: the cell asks about that one object (namespaceItself), which rules limited to names may allow. */
function fromRules(rules: readonly ResourceRule[], row: Pick<MatrixRow, 'group' | 'resource' | 'subresource'>, verb: string, name?: string): Cell {
	const decision = evaluate(rules, {verb, group: row.group, resource: row.resource, subresource: row.subresource, name});
	if (decision.state === 'limited') return {state: 'limited', source: 'rules', names: decision.names, why: `only named objects: ${decision.names.join(', ')}`};
	const object = name === undefined ? {} : {name};
	if (decision.state === 'allowed') return {state: 'allowed', source: 'rules', why: `rule: ${describeRule(decision.rule)}`, ...object};
	return {state: 'denied', source: 'rules', why: 'no rule allows it', ...object};
}

/** `kubectl auth can-i` says yes only to `allowed`; every other state is a no or no answer. */
export const isYes = (cell: Cell | undefined) => cell?.state === 'allowed';

/** One character per state, readable without colour. */
export const cellGlyph: Record<CellState, string> = {allowed: '✓', denied: '✗', 'n/a': '·', limited: '~', unknown: '?', error: '!'};
