import type {Impersonation} from '../cluster/api-client.ts';
import {inParallel} from '../discovery/discovery.ts';
import {accessAttributes, clusterWideNamespace, namespaceItself, specialVerbs, type AccessMatrix, type AccessSource, type Cell, type MatrixRow} from './matrix.ts';
import {serviceAccountOf, type ResourceAttributes, type RulesReview} from './reviews.ts';
import {describeRule, evaluate} from './rules.ts';

// Constrained impersonation (KEP-5284; beta, and on by default in Kubernetes 1.37, tested here): without the
// `impersonate` verb, a user may still act as another identity, in one of these modes, for the
// requests an `impersonate-on:MODE:VERB` rule of their own allows. The server then needs both: the
// identity's permission, and the impersonator's impersonate-on for that very request.

export type ImpersonationMode = 'user-info' | 'serviceaccount' | 'arbitrary-node';

/** One part of an impersonation (the user, a group...), and the access review that asks whether it may be taken on. */
export type IdentityCheck = {what: string; attributes: ResourceAttributes};

const group = 'authentication.k8s.io';

/**
 * The identity checks of constrained impersonation, all in authentication.k8s.io: a service account or
 * a node alone is its own mode; any other user, with its groups, uid and extras, is `user-info`. A
 * service account or node with any of those has no constrained mode (the server falls back to `impersonate`).
 */
export function constrainedChecks(impersonate: Impersonation): {mode: ImpersonationMode; checks: IdentityCheck[]} | undefined {
	const {user, groups = [], uid, extra = {}} = impersonate;
	if (!user) return undefined;
	const account = serviceAccountOf(user);
	const node = /^system:node:(.+)$/.exec(user)?.[1];
	const extras = extraValues(extra);
	if (account || node) {
		if (groups.length > 0 || uid || extras.length > 0) return undefined;
		return account
			? {mode: 'serviceaccount', checks: [{what: `user "${user}"`, attributes: {verb: 'impersonate:serviceaccount', group, resource: 'serviceaccounts', namespace: account.namespace, name: account.name}}]}
			: {mode: 'arbitrary-node', checks: [{what: `user "${user}"`, attributes: {verb: 'impersonate:arbitrary-node', group, resource: 'nodes', name: node}}]};
	}

	// What user-info mode never grants, whatever the rules say (the API server's own checks, seen on 1.37):
	// the system:masters group, an extra key that is no domain-prefixed path, an empty extra value.
	if (groups.some((name) => name === '' || name === 'system:masters') || extras.some(({key, value}) => !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?\/./.test(key) || value === '')) return undefined;
	return {
		mode: 'user-info',
		checks: [
			{what: `user "${user}"`, attributes: {verb: 'impersonate:user-info', group, resource: 'users', name: user}},
			...groups.map((name) => ({what: `group "${name}"`, attributes: {verb: 'impersonate:user-info', group, resource: 'groups', name}})),
			...(uid ? [{what: `uid "${uid}"`, attributes: {verb: 'impersonate:user-info', group, resource: 'uids', name: uid}}] : []),
			...extras.map(({key, value}) => ({what: `extra ${key}="${value}"`, attributes: {verb: 'impersonate:user-info', group, resource: 'userextras', subresource: key, name: value}})),
		],
	};
}

/** Each extra value with its key as the API server authorizes it: lowercased. */
export const extraValues = (extra: Readonly<Record<string, readonly string[]>>) => Object.entries(extra).flatMap(([key, values]) => values.map((value) => ({key: key.toLowerCase(), value})));

/** The verb the impersonator needs on a request made as the identity: `impersonate-on:user-info:list`. */
export const impersonateOn = (mode: ImpersonationMode, verb: string) => `impersonate-on:${mode}:${verb}`;

/** The real user's rules reviews by namespace, shared by the matrices of one report (the cluster-wide one by all). */
export type ImpersonatorReviews = Map<string, Promise<RulesReview | undefined>>;

/**
 * The matrix as the identity's own permissions, each yes also checked against the impersonator's
 * impersonate-on (asked with `impersonator`, the real user's reviews): what may actually be done.
 */
export async function withImpersonatorLimits(matrix: AccessMatrix, impersonator: AccessSource, mode: ImpersonationMode, reviews: ImpersonatorReviews = new Map(), concurrency = 8): Promise<AccessMatrix> {
	// bind, escalate and the like are no request of their own: the server checks them as the identity, inside
	// a request (create a RoleBinding) that itself needs impersonate-on.
	const special = new Set<string>(specialVerbs);
	const yeses = matrix.rows.flatMap((row) => Object.entries(row.cells).filter(([verb, cell]) => !special.has(verb) && (cell.state === 'allowed' || cell.state === 'limited')).map(([verb, cell]) => ({row, verb, cell})));
	if (yeses.length === 0) return matrix;
	const rulesFor = (namespace: string) => {
		let review = reviews.get(namespace);
		if (!review) reviews.set(namespace, (review = impersonator.rulesReview(namespace).catch(() => undefined)));
		return review;
	};

	const cells = new Map<MatrixRow, Record<string, Cell>>();
	const failures: string[] = [];
	await inParallel(yeses, concurrency, async ({row, verb, cell}) => {
		const itself = namespaceItself(row, verb, matrix.namespace);
		const review = await rulesFor(row.namespaced || itself !== undefined ? matrix.namespace : clusterWideNamespace);
		const needed = impersonateOn(mode, verb);
		let limit: Cell | undefined;
		const decision = review ? evaluate(review.resourceRules, {verb: needed, group: row.group, resource: row.resource, subresource: row.subresource, name: cell.name}) : undefined;
		if (decision?.state === 'allowed') return;
		if (decision?.state === 'limited') {
			const names = cell.state === 'limited' ? (cell.names ?? []).filter((name) => decision.names.includes(name)) : decision.names;
			limit = names.length > 0 ? {state: 'limited', source: 'rules', names, why: `only named objects: ${names.join(', ')} (yours: ${decision.rules.map((rule) => describeRule(rule)).join('; ')})`} : undefined;
		}

		// Not allowed by the rules, or no complete rules: the server decides, as it will for the request.
		if (!limit && (!review || review.incomplete || review.evaluationError)) {
			try {
				const answer = await impersonator.accessReview({...accessAttributes(row, verb, matrix.namespace), verb: needed});
				if (answer.allowed) return;
			} catch (error) {
				failures.push((error as Error).message);
				limit = {state: 'error', source: 'review', why: (error as Error).message};
			}
		}

		limit ??= {state: 'denied', source: review && !review.incomplete ? 'rules' : 'review', why: `constrained impersonation: you lack ${needed} on it`};
		const own = cells.get(row) ?? {...row.cells};
		own[verb] = {...limit, ...(cell.name === undefined ? {} : {name: cell.name})};
		cells.set(row, own);
	});

	const problem = failures.length > 0 ? `${failures.length} impersonate-on reviews failed: ${failures[0]}` : undefined;
	return {...matrix, rows: matrix.rows.map((row) => (cells.has(row) ? {...row, cells: cells.get(row)!} : row)), problem: matrix.problem ?? problem};
}
