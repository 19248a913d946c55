import {KubeconfigFileError} from '../errors/kubehop-error.ts';
import type {YamlMap, YamlMapEntry, YamlNode, YamlSeq} from './tree.ts';
import {mapGet} from './tree.ts';

// Typing rules of client-go's kubeconfig structs (clientcmd/api/v1/types.go), applied the way
// encoding/json applies them after go-yaml v2 has typed the scalars: a string field refuses a bool or
// a number, a bool field refuses a string, a []byte field must be standard base64. Unknown keys are ignored.

type Spec = 'string' | 'bool' | 'bytes' | 'strings' | 'any' | {map: Spec} | {object: Record<string, Spec>} | {list: Spec};

const extensions: Spec = {list: {object: {name: 'string', extension: 'any'}}};
const stringList: Spec = {list: 'string'};

const clusterSpec: Spec = {
	object: {
		server: 'string',
		'tls-server-name': 'string',
		'insecure-skip-tls-verify': 'bool',
		'certificate-authority': 'string',
		'certificate-authority-data': 'bytes',
		'proxy-url': 'string',
		'disable-compression': 'bool',
		extensions,
	},
};

const userSpec: Spec = {
	object: {
		'client-certificate': 'string',
		'client-certificate-data': 'bytes',
		'client-key': 'string',
		'client-key-data': 'bytes',
		token: 'string',
		tokenFile: 'string',
		as: 'string',
		'as-uid': 'string',
		'as-groups': 'strings',
		'as-user-extra': {map: 'strings'},
		username: 'string',
		password: 'string',
		'auth-provider': {object: {name: 'string', config: {map: 'string'}}},
		exec: {
			object: {
				command: 'string',
				args: 'strings',
				env: {list: {object: {name: 'string', value: 'string'}}},
				apiVersion: 'string',
				installHint: 'string',
				provideClusterInfo: 'bool',
				interactiveMode: 'string',
			},
		},
		extensions,
	},
};

const contextSpec: Spec = {object: {cluster: 'string', user: 'string', namespace: 'string', extensions}};

const namedList = (body: string, spec: Spec): Spec => ({list: {object: {name: 'string', [body]: spec}}});

const configSpec: Spec = {
	object: {
		apiVersion: 'string',
		kind: 'string',
		preferences: {object: {colors: 'bool', extensions}},
		clusters: namedList('cluster', clusterSpec),
		users: namedList('user', userSpec),
		contexts: namedList('context', contextSpec),
		'current-context': 'string',
		extensions,
	},
};

export type NamedItem = {
	name: string;
	/** The item's own mapping (`- name: x\n  context: {...}`). */
	item: YamlMap;
	/** The `context:`/`cluster:`/`user:` mapping inside the item, when present. */
	body: YamlMap | undefined;
	readonly data: Record<string, unknown>;
	index: number;
	line: number;
};

export type NamedSection = 'clusters' | 'users' | 'contexts';

export type DecodedConfig = {
	root: YamlMap | undefined;
	currentContext: string;
	currentContextEntry: YamlMapEntry | undefined;
	sections: Record<NamedSection, {entry: YamlMapEntry | undefined; items: NamedItem[]}>;
};

const bodyKey: Record<NamedSection, string> = {clusters: 'cluster', users: 'user', contexts: 'context'};

export type DecodeOptions = {
	/** Re-checking base64 payloads is skipped when verifying an edit that did not touch them. */
	checkPayloads?: boolean;
};

export function decodeKubeconfig(root: YamlNode | undefined, file: string, {checkPayloads = true}: DecodeOptions = {}): DecodedConfig {
	const fail = (detail: string, field: string | Path, node?: {line: number}): never => {
		throw new KubeconfigFileError(file, detail, typeof field === 'string' ? field : renderPath(field), node?.line);
	};

	if (root && root.kind !== 'map') fail(`expected a mapping at the top level, found a ${describe(root)}`, '(top level)', root);
	const map = root as YamlMap | undefined;
	if (map) check(map, configSpec, undefined, checkPayloads, fail);
	const sections = {} as DecodedConfig['sections'];
	for (const section of ['clusters', 'users', 'contexts'] as const) {
		const entry = map ? mapGet(map, section) : undefined;
		const items: NamedItem[] = [];
		const seen = new Map<string, number>();
		const nodes = entry?.value?.kind === 'seq' ? entry.value.items : [];
		for (let index = 0; index < nodes.length; index++) {
			const node = nodes[index];
			if (node?.kind !== 'map') continue;
			const nameEntry = mapGet(node, 'name');
			const name = nameEntry?.value?.kind === 'scalar' && nameEntry.value.type !== 'null' ? nameEntry.value.value : '';
			const firstIndex = seen.get(name);
			if (firstIndex !== undefined) {
				fail(`duplicate name "${name}" (also at ${section}[${firstIndex}])`, `${section}[${index}].name`, nameEntry ?? node);
			}

			seen.set(name, index);
			const body = mapGet(node, bodyKey[section])?.value;
			items.push(namedItem(name, node, body?.kind === 'map' ? body : undefined, index));
		}

		sections[section] = {entry, items};
	}

	const currentContextEntry = map ? mapGet(map, 'current-context') : undefined;
	const current = currentContextEntry?.value;
	const currentContext = current?.kind === 'scalar' && current.type === 'string' ? current.value : '';
	return {root: map, currentContext, currentContextEntry, sections};
}

/** A field path built only when an error needs it: most files have no error and thousands of fields. */
type Path = {parent: Path | undefined; segment: string | number} | undefined;

function renderPath(path: Path): string {
	let text = '';
	for (let current = path; current; current = current.parent) {
		text = typeof current.segment === 'number' ? `[${current.segment}]${text}` : `${current.parent ? '.' : ''}${current.segment}${text}`;
	}

	return text;
}

type Fail = (detail: string, field: string | Path, node?: {line: number}) => never;

function namedItem(name: string, item: YamlMap, body: YamlMap | undefined, index: number): NamedItem {
	let data: Record<string, unknown> | undefined;
	return {
		name,
		item,
		body,
		index,
		line: item.line,
		// Built on first use: switching contexts never looks inside thousands of clusters and users.
		get data() {
			data ??= body ? (toPlain(body) as Record<string, unknown>) : {};
			return data;
		},
	};
}

function check(node: YamlNode | undefined, spec: Spec, path: Path, checkPayloads: boolean, fail: Fail): void {
	// A missing value or an explicit null leaves the Go field at its zero value.
	if (!node || (node.kind === 'scalar' && node.type === 'null')) return;
	if (spec === 'any') return;
	if (spec === 'string' || spec === 'bool' || spec === 'bytes') {
		if (node.kind !== 'scalar') fail(`expected a ${spec === 'bool' ? 'boolean' : 'string'}, found a ${describe(node)}`, path, node);
		if (spec === 'bool') {
			if (node.type !== 'bool') fail(`expected true or false, found ${node.type === 'string' ? 'the string' : `the ${node.type}`} ${JSON.stringify(node.value)}`, path, node);
			return;
		}

		if (node.type !== 'string') {
			fail(`${JSON.stringify(node.value)} is read as a YAML 1.1 ${node.type === 'bool' ? 'boolean' : 'number'}, not a string; quote it: "${node.value}"`, path, node);
		}

		if (spec === 'bytes' && checkPayloads && !isStandardBase64(node.value)) fail('is not valid base64 data', path, node);
		return;
	}

	if (spec === 'strings') {
		check(node, stringList, path, checkPayloads, fail);
		return;
	}

	if ('list' in spec) {
		if (node.kind !== 'seq') fail(`expected a list, found a ${describe(node)}`, path, node);
		const {items} = node as YamlSeq;
		for (let index = 0; index < items.length; index++) check(items[index], spec.list, {parent: path, segment: index}, checkPayloads, fail);
		return;
	}

	if (node.kind !== 'map') fail(`expected a mapping, found a ${describe(node)}`, path, node);
	// Indexed, like the loops below that run once per field of a file: the cold code that reads a file has
	// no optimised for-of, and its iterator allocates a result per field (a fleet's file has thousands).
	const {entries} = node as YamlMap;
	for (let index = 0; index < entries.length; index++) {
		const entry = entries[index]!;
		const childSpec = 'map' in spec ? spec.map : spec.object[entry.key];
		if (childSpec) check(entry.value, childSpec, {parent: path, segment: entry.key}, checkPayloads, fail);
	}
}

function describe(node: YamlNode): string {
	if (node.kind === 'scalar') return node.type === 'string' ? 'string' : node.type === 'bool' ? 'boolean' : node.type;
	return node.kind === 'map' ? 'mapping' : 'list';
}

function isStandardBase64(text: string): boolean {
	// Go's base64.StdEncoding skips CR and LF; everything else must be alphabet with correct padding.
	const compact = text.includes('\n') || text.includes('\r') ? text.replaceAll(/[\r\n]/g, '') : text;
	return compact.length % 4 === 0 && /^[A-Za-z\d+/]*={0,2}$/.test(compact);
}

/** The JSON-like value kubectl would decode, for the fields kubehop reads. */
export function toPlain(node: YamlNode | undefined): unknown {
	if (!node) return null;
	if (node.kind === 'scalar') {
		if (node.type === 'null') return null;
		if (node.type === 'bool') return /^(?:y|yes|on|true)$/i.test(node.value);
		if (node.type === 'int' || node.type === 'float') return Number(node.value.replaceAll('_', ''));
		return node.value;
	}

	if (node.kind === 'seq') return node.items.map((item) => toPlain(item));
	const result: Record<string, unknown> = {};
	const {entries} = node;
	// go-yaml applies `<<` merge keys: merged mappings fill in, explicit keys win, earlier merges win.
	for (let index = 0; index < entries.length; index++) {
		const entry = entries[index]!;
		if (entry.key !== '<<') continue;
		const sources = entry.value?.kind === 'seq' ? entry.value.items : [entry.value];
		for (const source of sources) {
			if (source?.kind !== 'map') continue;
			for (const [key, value] of Object.entries(toPlain(source) as Record<string, unknown>)) if (!(key in result)) result[key] = value;
		}
	}

	for (let index = 0; index < entries.length; index++) if (entries[index]!.key !== '<<') result[entries[index]!.key] = toPlain(entries[index]!.value);
	return result;
}
