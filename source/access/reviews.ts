import type {ApiClient} from '../cluster/api-client.ts';
import {ClusterError} from '../cluster/cluster-error.ts';
import type {NonResourceRule, ResourceRule} from './rules.ts';

// The three self reviews the Access pane asks the API server for, as typed calls.

export type UserInfo = {username: string; uid: string; groups: readonly string[]; extra: Readonly<Record<string, readonly string[]>>};

export type RulesReview = {resourceRules: ResourceRule[]; nonResourceRules: NonResourceRule[]; incomplete: boolean; evaluationError: string};

export type ResourceAttributes = {namespace?: string; verb: string; group?: string; resource?: string; subresource?: string; name?: string};

export type AccessReview = {allowed: boolean; denied: boolean; reason: string; evaluationError: string};

/** `kubectl auth whoami`: authentication.k8s.io v1, then v1beta1, then v1alpha1 when a version is not served. */
export async function selfSubjectReview(client: ApiClient): Promise<UserInfo> {
	let lastError: unknown;
	for (const version of ['v1', 'v1beta1', 'v1alpha1']) {
		try {
			const review = await client.postJson<{status?: {userInfo?: Partial<UserInfo>}}>(`/apis/authentication.k8s.io/${version}/selfsubjectreviews`, {
				apiVersion: `authentication.k8s.io/${version}`,
				kind: 'SelfSubjectReview',
			});
			const info = review.status?.userInfo ?? {};
			return {username: info.username ?? '', uid: info.uid ?? '', groups: info.groups ?? [], extra: info.extra ?? {}};
		} catch (error) {
			if (!(error instanceof ClusterError && error.kind === 'not-found')) throw error;
			lastError = error;
		}
	}

	throw new ClusterError('not-found', `${client.target.server} serves no SelfSubjectReview API (authentication.k8s.io v1, v1beta1 or v1alpha1)`, 404, 'the server is older than Kubernetes 1.26, or the API is switched off');
}

export async function selfSubjectRulesReview(client: ApiClient, namespace: string): Promise<RulesReview> {
	const review = await client.postJson<{status?: Partial<RulesReview>}>('/apis/authorization.k8s.io/v1/selfsubjectrulesreviews', {
		apiVersion: 'authorization.k8s.io/v1',
		kind: 'SelfSubjectRulesReview',
		spec: {namespace},
	});
	const status = review.status ?? {};
	return {resourceRules: status.resourceRules ?? [], nonResourceRules: status.nonResourceRules ?? [], incomplete: status.incomplete ?? false, evaluationError: status.evaluationError ?? ''};
}

export async function selfSubjectAccessReview(client: ApiClient, attributes: ResourceAttributes | {nonResourcePath: string; verb: string}): Promise<AccessReview> {
	const spec = 'nonResourcePath' in attributes ? {nonResourceAttributes: {path: attributes.nonResourcePath, verb: attributes.verb}} : {resourceAttributes: attributes};
	const review = await client.postJson<{status?: Partial<AccessReview>}>('/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
		apiVersion: 'authorization.k8s.io/v1',
		kind: 'SelfSubjectAccessReview',
		spec,
	});
	const status = review.status ?? {};
	return {allowed: status.allowed ?? false, denied: status.denied ?? false, reason: status.reason ?? '', evaluationError: status.evaluationError ?? ''};
}

/** `system:serviceaccount:NS:NAME` as {namespace, name}. */
export function serviceAccountOf(username: string): {namespace: string; name: string} | undefined {
	const match = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(username);
	return match ? {namespace: match[1]!, name: match[2]!} : undefined;
}
