import type {ApiClient} from '../cluster/api-client.ts';
import type {ApiGroup, Discovery} from './discovery.ts';

// What the API pane and `kubehop api` say about each group beyond discovery: its stability, and
// whether a CRD or an aggregated API server serves it. The last comes from the APIService objects
// (one more request, and only when the user may list them).

export type Stability = 'GA' | 'beta' | 'alpha';

/** Read from the version string, as Kubernetes names them: v1, v2beta1, v1alpha3. */
export function stabilityOf(version: string): Stability {
	if (/^v\d+alpha\d+$/.test(version)) return 'alpha';
	if (/^v\d+beta\d+$/.test(version)) return 'beta';
	return 'GA';
}

export type GroupOrigin = 'built-in' | 'CRD' | 'aggregated' | 'unknown';

type ApiServiceList = {items?: Array<{metadata?: {name?: string; labels?: Record<string, string>}; spec?: {group?: string; version?: string; service?: unknown}; status?: {conditions?: Array<{type?: string; status?: string; message?: string}>}}>};

export type GroupOrigins = {origins: Map<string, GroupOrigin>; unavailable: Map<string, string>};

/**
 * Each group version's origin from its APIService: `service` set means an aggregated server; the
 * autoregister controller labels CRD groups `automanaged: "true"` (built-in ones `onstart`).
 */
export async function groupOrigins(client: ApiClient): Promise<GroupOrigins | undefined> {
	let list: ApiServiceList;
	try {
		list = await client.getJson<ApiServiceList>('/apis/apiregistration.k8s.io/v1/apiservices');
	} catch {
		return undefined;
	}

	const origins = new Map<string, GroupOrigin>();
	const unavailable = new Map<string, string>();
	for (const item of list.items ?? []) {
		const group = item.spec?.group ?? '';
		const automanaged = item.metadata?.labels?.['kube-aggregator.kubernetes.io/automanaged'];
		// A local APIService without the label (apiregistration's own) is served by the API server itself too.
		const origin: GroupOrigin = item.spec?.service ? 'aggregated' : automanaged === 'true' ? 'CRD' : 'built-in';
		if (!origins.has(group) || origin !== 'built-in') origins.set(group, origin);
		const available = item.status?.conditions?.find((condition) => condition.type === 'Available');
		if (available && available.status !== 'True') unavailable.set(`${group}/${item.spec?.version ?? ''}`, available.message ?? 'not available');
	}

	return {origins, unavailable};
}

/**
 * The aggregator's own group: served by the API server itself, yet without an APIService of its own
 * (Kubernetes 1.37 registers none), so the list cannot say so.
 */
const aggregatorGroup = 'apiregistration.k8s.io';

export type GroupSummary = {
	name: string;
	/** `/api/v1` for the core group, `/apis/<group>/<version>` for the others. */
	paths: string[];
	versions: Array<{version: string; preferred: boolean; stability: Stability; stale: boolean; resources: number}>;
	origin: GroupOrigin;
};

export function groupPath(group: string, version: string): string {
	return group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
}

export function summariseGroups(discovery: Discovery, origins?: GroupOrigins): GroupSummary[] {
	return discovery.groups.map((group: ApiGroup) => ({
		name: group.name,
		paths: group.versions.map((version) => groupPath(group.name, version.version)),
		versions: group.versions.map((version) => ({
			version: version.version,
			preferred: version.preferred,
			stability: stabilityOf(version.version),
			stale: version.stale || origins?.unavailable.has(`${group.name}/${version.version}`) === true,
			resources: version.resources.length,
		})),
		origin: group.name === '' ? 'built-in' : (origins?.origins.get(group.name) ?? (origins && group.name === aggregatorGroup ? 'built-in' : 'unknown')),
	}));
}
