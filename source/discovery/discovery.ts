import type {ApiClient, RawResponse} from '../cluster/api-client.ts';
import {ClusterError, targetText} from '../cluster/cluster-error.ts';
import {inParallel} from '../cluster/in-parallel.ts';

export {inParallel} from '../cluster/in-parallel.ts';

// What the server serves: groups, their versions and resources. Aggregated discovery answers for every
// group in two requests (`/api` and `/apis`); a server without it gets the classic walk, one request per
// group version. The content type of the answer, not the request, decides which parser reads it.

export type ApiSubresource = {name: string; verbs: readonly string[]; kind: string};

export type ApiResource = {
	group: string;
	version: string;
	resource: string;
	singular: string;
	kind: string;
	namespaced: boolean;
	verbs: readonly string[];
	shortNames: readonly string[];
	categories: readonly string[];
	subresources: readonly ApiSubresource[];
};

export type ApiGroupVersion = {version: string; preferred: boolean; stale: boolean; resources: readonly ApiResource[]};

export type ApiGroup = {name: string; versions: readonly ApiGroupVersion[]};

export type Discovery = {
	groups: readonly ApiGroup[];
	/** True when the server answered with aggregated discovery. */
	aggregated: boolean;
	/** HTTP requests discovery took: two with aggregated discovery, two plus one per group version without. */
	requests: number;
	/** Group versions that could not be read (an unavailable aggregated API server, say). */
	failures: ReadonlyArray<{groupVersion: string; message: string}>;
};

export const aggregatedAccept = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';

type AggregatedResource = {
	resource: string;
	singularResource?: string;
	scope?: 'Namespaced' | 'Cluster';
	verbs?: string[];
	shortNames?: string[];
	categories?: string[];
	responseKind?: {kind?: string};
	subresources?: Array<{subresource: string; verbs?: string[]; responseKind?: {kind?: string}}>;
};
type AggregatedList = {kind?: string; items?: Array<{metadata?: {name?: string}; versions?: Array<{version: string; resources?: AggregatedResource[]; freshness?: string}>}>};
type GroupList = {groups?: Array<{name: string; versions?: Array<{groupVersion: string; version: string}>; preferredVersion?: {version: string}}>};
type ResourceList = {resources?: Array<{name: string; singularName?: string; namespaced?: boolean; kind?: string; verbs?: string[]; shortNames?: string[]; categories?: string[]}>};

const isAggregated = (response: RawResponse) => /as=APIGroupDiscoveryList/i.test(response.contentType);

export async function discover(client: ApiClient, {concurrency = 8} = {}): Promise<Discovery> {
	const where = targetText(client.target);
	const [core, named] = await Promise.all([client.raw('GET', '/api', {accept: aggregatedAccept}), client.raw('GET', '/apis', {accept: aggregatedAccept})]);
	for (const response of [core, named]) if (response.status < 200 || response.status >= 300) throw discoveryError(where, response);
	if (isAggregated(core) && isAggregated(named)) {
		const groups = [...fromAggregated(JSON.parse(core.body) as AggregatedList), ...fromAggregated(JSON.parse(named.body) as AggregatedList)];
		// A Stale version is one whose aggregated API server is unavailable: the failure the classic walk
		// meets as an error status on /apis/<group>/<version>, so it is reported the same way.
		const failures = groups.flatMap((group) =>
			group.versions.filter((version) => version.stale).map((version) => {
				const groupVersion = group.name ? `${group.name}/${version.version}` : version.version;
				return {groupVersion, message: `stale GroupVersion discovery: ${groupVersion} (its API server is unavailable)`};
			}),
		);
		return {groups, aggregated: true, requests: 2, failures};
	}

	return legacyDiscovery(client, JSON.parse(core.body) as {versions?: string[]}, JSON.parse(named.body) as GroupList, concurrency);
}

function discoveryError(where: string, response: RawResponse): ClusterError {
	const kind = response.status === 403 ? 'forbidden' : response.status === 401 ? 'unauthorized' : response.status === 404 ? 'not-found' : 'server';
	return new ClusterError(kind, `${where}: discovery failed with HTTP ${response.status}`, response.status);
}

export function fromAggregated(list: AggregatedList): ApiGroup[] {
	return (list.items ?? []).map((item) => {
		const group = item.metadata?.name ?? '';
		const versions = item.versions ?? [];
		// The server lists versions in preference order; as in client-go, a Stale version is passed over
		// (unless every version is stale): the preferred one is the first the server can still serve.
		const preferredIndex = Math.max(0, versions.findIndex((entry) => entry.freshness !== 'Stale'));
		return {
			name: group,
			versions: versions.map((entry, index) => ({
				version: entry.version,
				preferred: index === preferredIndex,
				stale: entry.freshness === 'Stale',
				resources: (entry.resources ?? []).map((resource) => ({
					group,
					version: entry.version,
					resource: resource.resource,
					singular: resource.singularResource ?? '',
					kind: resource.responseKind?.kind ?? '',
					namespaced: resource.scope === 'Namespaced',
					verbs: resource.verbs ?? [],
					shortNames: resource.shortNames ?? [],
					categories: resource.categories ?? [],
					subresources: (resource.subresources ?? []).map((sub) => ({name: sub.subresource, verbs: sub.verbs ?? [], kind: sub.responseKind?.kind ?? ''})),
				})),
			})),
		};
	});
}

async function legacyDiscovery(client: ApiClient, core: {versions?: string[]}, named: GroupList, concurrency: number): Promise<Discovery> {
	const wanted: Array<{group: string; version: string; preferred: boolean; path: string}> = [
		...(core.versions ?? []).map((version, index) => ({group: '', version, preferred: index === 0, path: `/api/${version}`})),
		...(named.groups ?? []).flatMap((group) =>
			(group.versions ?? []).map((version) => ({group: group.name, version: version.version, preferred: version.version === group.preferredVersion?.version, path: `/apis/${version.groupVersion}`})),
		),
	];
	const failures: Array<{groupVersion: string; message: string}> = [];
	const lists = await inParallel(wanted, concurrency, async (entry) => {
		try {
			return await client.getJson<ResourceList>(entry.path);
		} catch (error) {
			// An aggregated API server that is down fails its group alone; the rest is still shown.
			failures.push({groupVersion: entry.group ? `${entry.group}/${entry.version}` : entry.version, message: (error as Error).message});
			return undefined;
		}
	});

	const groups = new Map<string, ApiGroupVersion[]>();
	for (const [index, entry] of wanted.entries()) {
		const list = lists[index];
		const versions = groups.get(entry.group) ?? [];
		groups.set(entry.group, versions);
		versions.push({version: entry.version, preferred: entry.preferred, stale: list === undefined, resources: list ? fromResourceList(entry.group, entry.version, list) : []});
	}

	return {groups: [...groups].map(([name, versions]) => ({name, versions})), aggregated: false, requests: 2 + wanted.length, failures};
}

function fromResourceList(group: string, version: string, list: ResourceList): ApiResource[] {
	const all = list.resources ?? [];
	const subresourcesOf = (name: string) =>
		all.filter((entry) => entry.name.startsWith(`${name}/`)).map((entry) => ({name: entry.name.slice(name.length + 1), verbs: entry.verbs ?? [], kind: entry.kind ?? ''}));
	return all
		.filter((entry) => !entry.name.includes('/'))
		.map((entry) => ({
			group,
			version,
			resource: entry.name,
			singular: entry.singularName ?? '',
			kind: entry.kind ?? '',
			namespaced: entry.namespaced ?? false,
			verbs: entry.verbs ?? [],
			shortNames: entry.shortNames ?? [],
			categories: entry.categories ?? [],
			subresources: subresourcesOf(entry.name),
		}));
}

/**
 * Each group's resources as `kubectl api-resources` lists them (client-go's ServerPreferredResources):
 * every resource once, from the preferred version when that serves it, else from the first version that
 * does (a resource dropped in the preferred version stays listed); nothing from a stale version, and no
 * resource without verbs.
 */
export function preferredResources(discovery: Discovery): ApiResource[] {
	return discovery.groups.flatMap((group) => {
		const versions = group.versions.filter((version) => !version.stale);
		const chosen = new Map<string, ApiResource>();
		for (const version of [...versions.filter((candidate) => candidate.preferred), ...versions.filter((candidate) => !candidate.preferred)]) {
			for (const resource of version.resources) if (resource.verbs.length > 0 && !chosen.has(resource.resource)) chosen.set(resource.resource, resource);
		}

		return [...chosen.values()];
	});
}
