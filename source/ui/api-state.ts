import type {ApiResource} from '../discovery/discovery.ts';
import {groupPath, type GroupSummary} from '../discovery/api-groups.ts';
import type {ListItem} from './list-state.ts';

// The API pane's data: discovery through a kubectl-proxy-compatible proxy, as one list that reads as a
// tree (each group version, then its resources), and the read-only raw console.

export type ApiView = {
	/** The proxy every request went through, for the curl commands shown. */
	proxyUrl: string;
	groups: readonly GroupSummary[];
	resources: readonly ApiResource[];
	aggregated: boolean;
	requests: number;
	elapsedMs: number;
};

export type RawAnswer = {status: number; contentType: string; body: string};

export type ApiConsole = {path: string; answer?: RawAnswer; error?: string; lines: readonly string[]; offset: number};

export type ApiPane = {
	status: {kind: 'loading'} | {kind: 'ready'; view: ApiView} | {kind: 'error'; message: string};
	generation: number;
	refresh: boolean;
	console: ApiConsole | undefined;
};

export type ApiEntry = {kind: 'group'; group: GroupSummary; version: GroupSummary['versions'][number]} | {kind: 'resource'; resource: ApiResource};

export const entryKey = (entry: ApiEntry) =>
	entry.kind === 'group' ? `g\u0000${entry.group.name}\u0000${entry.version.version}` : `r\u0000${entry.resource.group}\u0000${entry.resource.version}\u0000${entry.resource.resource}`;

/** Every group version followed by its resources: the tree, flattened so one filter covers both. */
export function apiEntries(view: ApiView): ApiEntry[] {
	const entries: ApiEntry[] = [];
	for (const group of view.groups) {
		for (const version of group.versions) {
			entries.push({kind: 'group', group, version});
			for (const resource of view.resources) if (resource.group === group.name && resource.version === version.version) entries.push({kind: 'resource', resource});
		}
	}

	return entries;
}

export function apiItems(view: ApiView): ListItem[] {
	return apiEntries(view).map((entry) => {
		if (entry.kind === 'group') {
			const name = entry.group.name ? `${entry.group.name}/${entry.version.version}` : `core ${entry.version.version}`;
			return {key: entryKey(entry), label: name, search: [name, entry.group.name]};
		}

		const {resource} = entry;
		return {key: entryKey(entry), label: `  ${resource.resource}`, search: [resource.resource, ...resource.shortNames, resource.kind, resource.singular, resource.group]};
	});
}

/** The path a GET of this entry reads: the group version, or the resource's list (in `namespace` when namespaced). */
export function entryPath(entry: ApiEntry, namespace: string): string {
	if (entry.kind === 'group') return groupPath(entry.group.name, entry.version.version);
	const {resource} = entry;
	const base = groupPath(resource.group, resource.version);
	return resource.namespaced ? `${base}/namespaces/${namespace}/${resource.resource}` : `${base}/${resource.resource}`;
}

/** Pretty JSON, line by line, for the console; anything else as it came. */
export function consoleLines(answer: RawAnswer): string[] {
	try {
		return JSON.stringify(JSON.parse(answer.body), null, 2).split('\n');
	} catch {
		return answer.body.split('\n');
	}
}
