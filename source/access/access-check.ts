import type {ApiClient, Impersonation} from '../cluster/api-client.ts';
import {ClusterError} from '../cluster/cluster-error.ts';
import {KubehopError} from '../errors/kubehop-error.ts';
import {discover, preferredResources, type ApiResource} from '../discovery/discovery.ts';
import {constrainedChecks, extraValues, impersonateOn, withImpersonatorLimits, type IdentityCheck, type ImpersonationMode, type ImpersonatorReviews} from './constrained-impersonation.ts';
import {computeAccessMatrix, type AccessMatrix, type AccessSource} from './matrix.ts';
import {selfSubjectAccessReview, selfSubjectReview, selfSubjectRulesReview, serviceAccountOf, type UserInfo} from './reviews.ts';

// Who am I and what may I do, for one context: the pieces the Access pane and `kubehop can-i` share.

export type Identity = UserInfo & {
	/** In system:masters: RBAC is bypassed entirely, and a certificate with it cannot be revoked. */
	bypassesRbac: boolean;
	serviceAccount?: {namespace: string; name: string};
};

export function describeIdentity(user: UserInfo): Identity {
	return {...user, bypassesRbac: user.groups.includes('system:masters'), serviceAccount: serviceAccountOf(user.username)};
}

export async function whoAmI(client: ApiClient): Promise<Identity> {
	return describeIdentity(await selfSubjectReview(client));
}

export function accessSource(client: ApiClient): AccessSource {
	return {rulesReview: (namespace) => selfSubjectRulesReview(client, namespace), accessReview: (attributes) => selfSubjectAccessReview(client, attributes)};
}

export class ImpersonationDenied extends KubehopError {}


/**
 * Asks, as the real user, whether each part of an impersonation is allowed: the API server would
 * otherwise answer every later request with a 403 that does not say which part was refused. Either
 * way the server allows is enough: every part with the `impersonate` verb (undefined returned), or
 * every part by constrained impersonation (its mode returned), where the server then also asks, per
 * request, for `impersonate-on:MODE:VERB` on what is requested (constrained-impersonation.ts).
 */
export async function checkImpersonation(realClient: ApiClient, impersonate: Impersonation): Promise<ImpersonationMode | undefined> {
	const ask = async (checks: IdentityCheck[]) => Promise.all(checks.map(async (check) => ({check, allowed: (await selfSubjectAccessReview(realClient, check.attributes)).allowed})));
	const constrained = constrainedChecks(impersonate);
	const [legacy, constrainedAnswers] = await Promise.all([ask(legacyImpersonation(impersonate)), ask(constrained?.checks ?? [])]);
	const refused = legacy.filter(({allowed}) => !allowed);
	if (refused.length === 0) return undefined;
	if (constrained && constrainedAnswers.every(({allowed}) => allowed)) return constrained.mode;
	throw new ImpersonationDenied(
		`you may not impersonate ${refused.map(({check}) => check.what).join(', ')} on context "${realClient.target.context}"`,
		'impersonation needs the "impersonate" verb on users, groups, serviceaccounts or uids (as cluster-admin has), or constrained impersonation ("impersonate:user-info" and the like, in authentication.k8s.io)',
	);
}

/** The `impersonate` verb on each part, as client-go's impersonation has always needed. */
function legacyImpersonation(impersonate: Impersonation): IdentityCheck[] {
	const checks: IdentityCheck[] = [];
	if (impersonate.user) {
		const account = serviceAccountOf(impersonate.user);
		checks.push({
			what: `user "${impersonate.user}"`,
			attributes: account ? {verb: 'impersonate', resource: 'serviceaccounts', namespace: account.namespace, name: account.name} : {verb: 'impersonate', resource: 'users', name: impersonate.user},
		});
	}

	for (const group of impersonate.groups ?? []) checks.push({what: `group "${group}"`, attributes: {verb: 'impersonate', resource: 'groups', name: group}});
	if (impersonate.uid) checks.push({what: `uid "${impersonate.uid}"`, attributes: {verb: 'impersonate', group: 'authentication.k8s.io', resource: 'uids', name: impersonate.uid}});
	for (const {key, value} of extraValues(impersonate.extra ?? {})) checks.push({what: `extra ${key}="${value}"`, attributes: {verb: 'impersonate', group: 'authentication.k8s.io', resource: 'userextras', subresource: key, name: value}});

	return checks;
}

export type AccessReport = {
	identity: Identity;
	matrices: AccessMatrix[];
	discoveryRequests: number;
	requests: number;
	/** The identity is impersonated by constrained impersonation: its yeses are limited to the real user's impersonate-on. */
	constrainedImpersonation?: ImpersonationMode;
};

/** The real user's reviews, and the mode, when the report's client impersonates by constrained impersonation. */
export type Impersonator = {client: ApiClient; mode: ImpersonationMode};

export async function accessReport(client: ApiClient, namespaces: readonly string[], options: {verbs?: readonly string[]; resources?: readonly ApiResource[]; impersonator?: Impersonator} = {}): Promise<AccessReport> {
	const {impersonator} = options;
	const before = impersonator?.client.requests ?? 0;
	// The real user's requests (discovery, impersonate-on) count too.
	const requests = () => client.requests + (impersonator ? impersonator.client.requests - before : 0);
	// What the server serves is the same for everyone: asked as the real user, it needs no impersonate-on.
	const [identity, resources] = await Promise.all([whoAmI(client), options.resources ? Promise.resolve(options.resources) : discover(impersonator?.client ?? client).then(preferredResources)]);
	const discoveryRequests = requests();
	const source = accessSource(client);
	const impersonatorReviews: ImpersonatorReviews = new Map();
	const matrices = await Promise.all(
		namespaces.map(async (namespace) => {
			const matrix = await computeAccessMatrix(source, resources, {namespace, verbs: options.verbs});
			return impersonator ? withImpersonatorLimits(matrix, accessSource(impersonator.client), impersonator.mode, impersonatorReviews) : matrix;
		}),
	);
	return {identity, matrices, discoveryRequests, requests: requests(), constrainedImpersonation: impersonator?.mode};
}

/** By constrained impersonation, kubehop's own reviews are requests too: what they need, for a 403 that names impersonate-on. */
export function constrainedImpersonationHint(error: unknown, mode: ImpersonationMode | undefined): string | undefined {
	if (!mode || !(error instanceof ClusterError) || error.kind !== 'forbidden' || !error.message.includes('impersonate-on:')) return undefined;
	return `kubehop asks as the identity: grant ${impersonateOn(mode, 'create')} on selfsubjectreviews (authentication.k8s.io), selfsubjectrulesreviews and selfsubjectaccessreviews (authorization.k8s.io)`;
}

/** A clear sentence for what stopped the reviews altogether. */
export function explainAccessFailure(error: unknown): string {
	if (error instanceof ClusterError) {
		if (error.kind === 'forbidden') return `the server refused the self reviews: ${error.message}`;
		if (error.kind === 'not-found') return `the server does not serve the review APIs: ${error.message}`;
		return error.message;
	}

	return (error as Error).message;
}
