import type {Document, Node as LibraryNode, Scalar} from 'yaml';
import {resolvePlainScalar, type ScalarType} from './scalar.ts';
import {scanKubeconfigYaml} from './scan.ts';
import {YamlSyntaxError, type ParsedDocument, type YamlMap, type YamlMapEntry, type YamlNode, type YamlSeq} from './tree.ts';

type YamlLibrary = typeof import('yaml');

/** Parses the first YAML document of a kubeconfig, with the fast scanner where the text allows it. */
export async function parseKubeconfigYaml(text: string): Promise<ParsedDocument> {
	// The full parser is loaded only when the scanner gives up, to keep it off the start-up path.
	return scanKubeconfigYaml(text) ?? parseWithYamlLibrary(text, await loadYamlLibrary());
}

async function loadYamlLibrary(): Promise<YamlLibrary> {
	// yaml ships CommonJS for Node; bundled, its exports may arrive only as the default export.
	const module = (await import('yaml')) as YamlLibrary & {default?: YamlLibrary};
	return typeof module.parseAllDocuments === 'function' ? module : module.default!;
}

export function parseWithYamlLibrary(text: string, library: YamlLibrary): ParsedDocument {
	const {isAlias, isMap, isScalar, isSeq, parseAllDocuments} = library;
	// The failsafe schema keeps every scalar a string; YAML 1.1 typing is applied by resolvePlainScalar,
	// the way go-yaml v2 does it, rather than by the library's own 1.1 schema.
	// go-yaml reads only the first document; later ones are kept on write but never interpreted.
	const documents = parseAllDocuments(text, {schema: 'failsafe', uniqueKeys: false, prettyErrors: true, strict: false});
	const document = Array.isArray(documents) ? documents[0] : undefined;
	if (!document) return {root: undefined, documentEnd: text.length, lineBreak: text.includes('\r\n') ? '\r\n' : '\n'};
	const error = document.errors[0];
	if (error) {
		const line = error.linePos?.[0].line ?? 1;
		// The library appends its own position and a code frame; the error already names the line.
		throw new YamlSyntaxError(error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, ''), line);
	}

	const lineStarts = computeLineStarts(text);
	const firstBreak = text.indexOf('\n');
	const lineBreak = firstBreak > 0 && text.charCodeAt(firstBreak - 1) === 13 ? '\r\n' : '\n';
	const convert = (node: LibraryNode | null | undefined, seen: Set<LibraryNode>, shared = false): YamlNode | undefined => {
		if (!node) return undefined;
		if (isAlias(node)) {
			const target = node.resolve(document as Document);
			if (!target || seen.has(target)) throw new YamlSyntaxError('circular or unknown alias', lineAt(lineStarts, node.range?.[0] ?? 0));
			return convert(target as LibraryNode, new Set([...seen, target]), true);
		}

		const converted = convertNode(node, seen, shared || Boolean(node.anchor));
		if (converted && (shared || node.anchor)) converted.shared = true;
		return converted;
	};

	const convertNode = (node: LibraryNode, seen: Set<LibraryNode>, shared: boolean): YamlNode | undefined => {
		const [start, end] = node.range ?? [0, 0];
		const line = lineAt(lineStarts, start);
		if (isScalar(node)) return convertScalar(node, start, end, line);
		if (isMap(node)) {
			const map: YamlMap = {kind: 'map', flow: Boolean(node.flow), entries: [], start, end, line, indent: start - lineStarts[line - 1]!};
			for (const pair of node.items) {
				const key = pair.key as LibraryNode | null;
				const keyStart = key?.range?.[0] ?? start;
				const keyEnd = key?.range?.[1] ?? start;
				const keyText = key && isScalar(key) ? String(key.value ?? '') : '';
				const entry: YamlMapEntry = {
					key: keyText,
					keyStart,
					line: lineAt(lineStarts, keyStart),
					value: convert(pair.value as LibraryNode | null, seen, shared),
					afterColon: text.indexOf(':', keyEnd) + 1,
				};
				if (entry.value?.kind === 'scalar' && entry.value.type === 'null' && entry.value.start === entry.value.end) entry.value = undefined;
				map.entries.push(entry);
			}

			return map;
		}

		if (isSeq(node)) {
			const seq: YamlSeq = {kind: 'seq', flow: Boolean(node.flow), items: [], itemStarts: [], start, end, line, indent: start - lineStarts[line - 1]!};
			for (const item of node.items) {
				const converted = convert(item as LibraryNode | null, seen, shared);
				const itemStart = (item as LibraryNode | null)?.range?.[0] ?? start;
				seq.items.push(converted);
				seq.itemStarts.push(node.flow ? itemStart : text.lastIndexOf('-', itemStart));
			}

			return seq;
		}

		return undefined;
	};

	const root = convert(document.contents as LibraryNode | null, new Set());
	const nextDocument = /^(?:---|\.\.\.)(?:[ \t]|\r?$)/m.exec(text.slice(document.range[1]));
	const documentEnd = nextDocument ? document.range[1] + nextDocument.index : text.length;
	return {root, documentEnd, lineBreak};
}

function convertScalar(node: Scalar, start: number, end: number, line: number): YamlNode {
	const value = node.value === null || node.value === undefined ? '' : String(node.value);
	let type: ScalarType = 'string';
	const tag = node.tag;
	if (tag && tag !== 'tag:yaml.org,2002:str') type = tagType(tag);
	else if (!tag && node.type === 'PLAIN') type = resolvePlainScalar(value);
	const style = node.type === 'QUOTE_SINGLE' ? 'single' : node.type === 'QUOTE_DOUBLE' ? 'double' : node.type === 'PLAIN' ? 'plain' : 'block';
	return {kind: 'scalar', value, type, style, start, end, line};
}

function tagType(tag: string): ScalarType {
	const name = tag.replace(/^tag:yaml\.org,2002:/, '');
	if (name === 'null') return 'null';
	if (name === 'bool') return 'bool';
	if (name === 'int') return 'int';
	if (name === 'float') return 'float';
	return 'string';
}

function computeLineStarts(text: string): number[] {
	const starts = [0];
	let index = text.indexOf('\n');
	while (index !== -1) {
		starts.push(index + 1);
		index = text.indexOf('\n', index + 1);
	}

	return starts;
}

function lineAt(lineStarts: number[], offset: number): number {
	let low = 0;
	let high = lineStarts.length - 1;
	while (low < high) {
		const middle = (low + high + 1) >> 1;
		if (lineStarts[middle]! <= offset) low = middle;
		else high = middle - 1;
	}

	return low + 1;
}
