// Reading kubectl's tables (`kubectl api-resources -o wide`, `kubectl api-versions`) for the discovery
// oracles. Columns are cut at the header's offsets: kubectl's tabwriter pads every cell of a column to the
// same width, and splitting on runs of spaces would shift the cells of a row with an empty SHORTNAMES.

/** One row per line, keyed by the header's column names. */
export function parseTable(text: string): Array<Record<string, string>> {
	const [header, ...rows] = text.split('\n').filter((line) => line.trim() !== '');
	if (!header) return [];
	const columns = [...header.matchAll(/\S+/g)].map((match) => ({name: match[0], start: match.index}));
	return rows.map((row) => Object.fromEntries(columns.map((column, index) => [column.name, row.slice(column.start, columns[index + 1]?.start).trim()])));
}

export type KubectlResource = {
	name: string;
	shortNames: string[];
	apiVersion: string;
	namespaced: boolean;
	kind: string;
	verbs: string[];
	categories: string[];
};

/** A comma list (kubectl 1.3x: `get,list`) or a bracketed space list (older kubectl: `[get list]`). */
const list = (cell: string) => cell.replace(/^\[|\]$/g, '').split(/[\s,]+/).filter(Boolean);

/** `kubectl api-resources -o wide`, one entry per row; throws on a header it does not know. */
export function parseApiResources(text: string): KubectlResource[] {
	const rows = parseTable(text);
	const header = text.split('\n')[0]!.trim().split(/\s+/);
	const expected = ['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND', 'VERBS', 'CATEGORIES'];
	if (header.join(' ') !== expected.join(' ')) throw new Error(`unexpected kubectl api-resources -o wide header: ${header.join(' ')}`);
	return rows.map((row) => {
		if (row.NAMESPACED !== 'true' && row.NAMESPACED !== 'false') throw new Error(`cannot read the NAMESPACED cell of ${JSON.stringify(row)}`);
		return {
			name: row.NAME!,
			shortNames: list(row.SHORTNAMES!),
			apiVersion: row.APIVERSION!,
			namespaced: row.NAMESPACED === 'true',
			kind: row.KIND!,
			verbs: list(row.VERBS!),
			categories: list(row.CATEGORIES!),
		};
	});
}

/** `kubectl api-versions`: one group/version a line. */
export const parseApiVersions = (text: string) => text.split('\n').map((line) => line.trim()).filter(Boolean);

/** The same resource, from either side, as a comparable key and value (lists as sorted sets). */
export function comparable(resource: {apiVersion: string; name: string; shortNames: readonly string[]; namespaced: boolean; kind: string; verbs: readonly string[]; categories: readonly string[]}) {
	const set = (values: readonly string[]) => [...new Set(values)].sort();
	return {
		key: `${resource.apiVersion} ${resource.name}`,
		value: {shortNames: set(resource.shortNames), namespaced: resource.namespaced, kind: resource.kind, verbs: set(resource.verbs), categories: set(resource.categories)},
	};
}

/** kubehop's JSON resource in kubectl's terms. */
export const fromKubehop = (resource: {group: string; version: string; resource: string; shortNames: readonly string[]; namespaced: boolean; kind: string; verbs: readonly string[]; categories: readonly string[]}) =>
	comparable({...resource, apiVersion: resource.group ? `${resource.group}/${resource.version}` : resource.version, name: resource.resource});

/** Keyed by `APIVERSION NAME`, failing on a duplicate key (two rows kubectl and kubehop could not tell apart). */
export function byKey(entries: Array<ReturnType<typeof comparable>>): Record<string, ReturnType<typeof comparable>['value']> {
	const result: Record<string, ReturnType<typeof comparable>['value']> = {};
	for (const {key, value} of entries) {
		if (key in result) throw new Error(`duplicate resource ${key}`);
		result[key] = value;
	}

	return result;
}
