import type {ApiClient, Impersonation} from '../cluster/api-client.ts';
import {ClusterError} from '../cluster/cluster-error.ts';
import {KubehopError} from '../errors/kubehop-error.ts';
import {discover, preferredResources, type ApiResource} from '../discovery/discovery.ts';
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

type ImpersonationCheck = {what: string; attributes: Parameters<typeof selfSubjectAccessReview>[1]};

/**
 * Asks, as the real user, whether each part of an impersonation is allowed: the API server would
 * otherwise answer every later request with a 403 that does not say which part was refused. Either
 * way the server allows is enough: every part with the `impersonate` verb, or every part with
 * constrained impersonation (beta and on by default since Kubernetes 1.35), where the server then
 * also asks, per request, for `impersonate-on:MODE:VERB` on what is requested.
 */
export async function checkImpersonation(realClient: ApiClient, impersonate: Impersonation): Promise<void> {
	const ask = async (checks: ImpersonationCheck[]) => Promise.all(checks.map(async (check) => ({check, allowed: (await selfSubjectAccessReview(realClient, check.attributes)).allowed})));
	const [legacy, constrained] = await Promise.all([ask(legacyImpersonation(impersonate)), ask(constrainedImpersonation(impersonate))]);
	const refused = legacy.filter(({allowed}) => !allowed);
	if (refused.length === 0 || (constrained.length > 0 && constrained.every(({allowed}) => allowed))) return;
	throw new ImpersonationDenied(
		`you may not impersonate ${refused.map(({check}) => check.what).join(', ')} on context "${realClient.target.context}"`,
		'impersonation needs the "impersonate" verb on users, groups, serviceaccounts or uids (as cluster-admin has), or constrained impersonation ("impersonate:user-info" and the like, in authentication.k8s.io)',
	);
}

/** The `impersonate` verb on each part, as client-go's impersonation has always needed. */
function legacyImpersonation(impersonate: Impersonation): ImpersonationCheck[] {
	const checks: ImpersonationCheck[] = [];
	if (impersonate.user) {
		const account = serviceAccountOf(impersonate.user);
		checks.push({
			what: `user "${impersonate.user}"`,
			attributes: account ? {verb: 'impersonate', resource: 'serviceaccounts', namespace: account.namespace, name: account.name} : {verb: 'impersonate', resource: 'users', name: impersonate.user},
		});
	}

	for (const group of impersonate.groups ?? []) checks.push({what: `group "${group}"`, attributes: {verb: 'impersonate', resource: 'groups', name: group}});
	if (impersonate.uid) checks.push({what: `uid "${impersonate.uid}"`, attributes: {verb: 'impersonate', group: 'authentication.k8s.io', resource: 'uids', name: impersonate.uid}});
	return checks;
}

/**
 * Constrained impersonation's identity checks, in authentication.k8s.io: a service account or a node
 * alone is its own mode; any other user, with its groups and uid, is `user-info`. A service account or
 * node with groups or a uid has no constrained mode (the server falls back to `impersonate`).
 */
function constrainedImpersonation(impersonate: Impersonation): ImpersonationCheck[] {
	const {user, groups = [], uid} = impersonate;
	if (!user) return [];
	const group = 'authentication.k8s.io';
	const account = serviceAccountOf(user);
	const node = /^system:node:(.+)$/.exec(user)?.[1];
	if (account || node) {
		if (groups.length > 0 || uid) return [];
		return [
			account
				? {what: `user "${user}"`, attributes: {verb: 'impersonate:serviceaccount', group, resource: 'serviceaccounts', namespace: account.namespace, name: account.name}}
				: {what: `user "${user}"`, attributes: {verb: 'impersonate:arbitrary-node', group, resource: 'nodes', name: node}},
		];
	}

	return [
		{what: `user "${user}"`, attributes: {verb: 'impersonate:user-info', group, resource: 'users', name: user}},
		...groups.map((name) => ({what: `group "${name}"`, attributes: {verb: 'impersonate:user-info', group, resource: 'groups', name}})),
		...(uid ? [{what: `uid "${uid}"`, attributes: {verb: 'impersonate:user-info', group, resource: 'uids', name: uid}}] : []),
	];
}

export type AccessReport = {identity: Identity; matrices: AccessMatrix[]; discoveryRequests: number; requests: number};

export async function accessReport(client: ApiClient, namespaces: readonly string[], options: {verbs?: readonly string[]; resources?: readonly ApiResource[]} = {}): Promise<AccessReport> {
	const [identity, resources] = await Promise.all([whoAmI(client), options.resources ? Promise.resolve(options.resources) : discover(client).then(preferredResources)]);
	const discoveryRequests = client.requests;
	const source = accessSource(client);
	const matrices = await Promise.all(namespaces.map((namespace) => computeAccessMatrix(source, resources, {namespace, verbs: options.verbs})));
	return {identity, matrices, discoveryRequests, requests: client.requests};
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
