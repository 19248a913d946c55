import {resolvePlainScalar} from './scalar.ts';
import type {ParsedDocument, YamlMap, YamlMapEntry, YamlNode, YamlScalar, YamlSeq} from './tree.ts';

// A line scanner for the block-style YAML that kubectl, kubectx and cloud CLIs write.
// Parsing a 5 MB kubeconfig with a general YAML parser costs ~200 ms; this costs a few.
// It returns undefined for anything outside its subset (flow collections, anchors, tags,
// multi-line scalars, tabs, complex keys...), and the caller falls back to the full parser.

type Frame = {node: YamlMap | YamlSeq; indent: number};
type Pending =
	| {kind: 'entry'; entry: YamlMapEntry; indent: number}
	| {kind: 'item'; seq: YamlSeq; index: number; indent: number};

const space = 32;
const hash = 35;
const dash = 45;

class OutsideSubset extends Error {}

// A kubeconfig repeats a handful of keys thousands of times; each is vetted once.
const simpleKeys = new Map<string, boolean>();

export function scanKubeconfigYaml(text: string): ParsedDocument | undefined {
	try {
		return scan(text);
	} catch (error) {
		if (error instanceof OutsideSubset) return undefined;
		throw error;
	}
}

function outside(): never {
	throw new OutsideSubset();
}

function scan(text: string): ParsedDocument {
	const stack: Frame[] = [];
	let root: YamlNode | undefined;
	let pending: Pending | undefined;
	let lastContentEnd = 0;
	let sawContent = false;
	let documentEnd = text.length;
	let lineNumber = 0;
	let pos = text.charCodeAt(0) === 0xfe_ff ? 1 : 0;
	const firstBreak = text.indexOf('\n');
	const lineBreak = firstBreak > 0 && text.charCodeAt(firstBreak - 1) === 13 ? '\r\n' : '\n';

	const close = (frame: Frame) => {
		frame.node.end = lastContentEnd;
	};

	const attach = (target: Pending, node: YamlNode) => {
		if (target.kind === 'entry') target.entry.value = node;
		else target.seq.items[target.index] = node;
	};

	/** Finds (or opens) the container a line at `column` belongs to. */
	const place = (column: number, isItem: boolean, offset: number, line: number): Frame => {
		if (pending) {
			const waiting = pending;
			pending = undefined;
			const nested = column > waiting.indent || (isItem && waiting.kind === 'entry' && column === waiting.indent);
			if (nested) {
				const node = isItem ? newSeq(offset, line, column) : newMap(offset, line, column);
				attach(waiting, node);
				const frame = {node, indent: column};
				stack.push(frame);
				return frame;
			}
		}

		while (stack.length > 0 && stack.at(-1)!.indent > column) close(stack.pop()!);
		let top = stack.at(-1);
		if (!top) {
			if (root) outside();
			root = isItem ? newSeq(offset, line, column) : newMap(offset, line, column);
			const frame = {node: root, indent: column};
			stack.push(frame);
			return frame;
		}

		// A compact sequence (`contexts:\n- ...`) shares its parent key's column; a key line ends it.
		if (!isItem && top.node.kind === 'seq' && top.indent === column) {
			close(stack.pop()!);
			top = stack.at(-1);
		}

		if (!top || top.indent !== column || (top.node.kind === 'seq') !== isItem) outside();
		return top;
	};

	while (pos < text.length) {
		lineNumber++;
		let next = text.indexOf('\n', pos);
		if (next === -1) next = text.length;
		let lineEnd = next;
		if (lineEnd > pos && text.charCodeAt(lineEnd - 1) === 13) lineEnd--;
		let start = pos;
		while (start < lineEnd && text.charCodeAt(start) === space) start++;
		const column = start - pos;
		const first = text.charCodeAt(start);
		if (start === lineEnd || first === hash) {
			pos = next + 1;
			continue;
		}

		if (first === 9 || text.charCodeAt(lineEnd - 1) === 13) outside();
		if (column === 0 && (first === dash || first === 46) && isDocumentMarker(text, start, lineEnd)) {
			if (sawContent || first === 46) {
				documentEnd = pos;
				break;
			}

			pos = next + 1;
			continue;
		}

		if (column === 0 && first === 37) outside();
		sawContent = true;
		parseLine(start, lineEnd, column, lineNumber);
		lastContentEnd = lineEnd;
		pos = next + 1;
	}

	while (stack.length > 0) close(stack.pop()!);
	return {root, documentEnd, lineBreak};

	function parseLine(start: number, lineEnd: number, column: number, line: number): void {
		if (isItemIndicator(text, start, lineEnd)) {
			const frame = place(column, true, start, line);
			const seq = frame.node as YamlSeq;
			const index = seq.items.length;
			seq.items.push(undefined);
			seq.itemStarts.push(start);
			let content = start + 1;
			while (content < lineEnd && text.charCodeAt(content) === space) content++;
			if (content === lineEnd || text.charCodeAt(content) === hash) {
				pending = {kind: 'item', seq, index, indent: column};
				return;
			}

			if (isItemIndicator(text, content, lineEnd)) outside();
			const contentColumn = column + (content - start);
			const colon = findKeyColon(text, content, lineEnd);
			if (colon === -1) {
				seq.items[index] = parseInlineValue(text, content, lineEnd, line);
				return;
			}

			const map = newMap(content, line, contentColumn);
			seq.items[index] = map;
			stack.push({node: map, indent: contentColumn});
			addEntry(map, content, colon, lineEnd, line);
			return;
		}

		const colon = findKeyColon(text, start, lineEnd);
		if (colon === -1) outside();
		const frame = place(column, false, start, line);
		addEntry(frame.node as YamlMap, start, colon, lineEnd, line);
	}

	function addEntry(map: YamlMap, keyStart: number, colon: number, lineEnd: number, line: number): void {
		const key = text.slice(keyStart, colon).trimEnd();
		let simple = simpleKeys.get(key);
		if (simple === undefined) {
			simple = /^[\w.\/-][^#'"[\]{},]*$/.test(key);
			simpleKeys.set(key, simple);
		}

		if (!simple) outside();
		const entry: YamlMapEntry = {key, keyStart, line, value: undefined, afterColon: colon + 1};
		map.entries.push(entry);
		let value = colon + 1;
		while (value < lineEnd && text.charCodeAt(value) === space) value++;
		if (value === lineEnd || text.charCodeAt(value) === hash) {
			pending = {kind: 'entry', entry, indent: map.indent};
			return;
		}

		entry.value = parseInlineValue(text, value, lineEnd, line);
	}
}

/**
 * Reads the single-line scalar at `start` (what a splice just wrote) with the scanner's own rules.
 * Undefined when the text there is outside the scanner's subset.
 */
export function readScalarAt(text: string, start: number): YamlScalar | undefined {
	let lineEnd = text.indexOf('\n', start);
	if (lineEnd === -1) lineEnd = text.length;
	if (lineEnd > start && text.charCodeAt(lineEnd - 1) === 13) lineEnd--;
	try {
		const node = parseInlineValue(text, start, lineEnd, 0);
		return node.kind === 'scalar' ? node : undefined;
	} catch (error) {
		if (error instanceof OutsideSubset) return undefined;
		throw error;
	}
}

function newMap(start: number, line: number, indent: number): YamlMap {
	return {kind: 'map', flow: false, entries: [], start, end: start, line, indent};
}

function newSeq(start: number, line: number, indent: number): YamlSeq {
	return {kind: 'seq', flow: false, items: [], itemStarts: [], start, end: start, line, indent};
}

function isDocumentMarker(text: string, start: number, lineEnd: number): boolean {
	const marker = text.slice(start, start + 3);
	if (marker !== '---' && marker !== '...') return false;
	const rest = text.slice(start + 3, lineEnd).trim();
	if (rest === '' || rest.startsWith('#')) return true;
	// `--- value` puts content on the marker line: leave that to the full parser.
	return text.charCodeAt(start + 3) === space ? outside() : false;
}

function isItemIndicator(text: string, start: number, lineEnd: number): boolean {
	return text.charCodeAt(start) === dash && (start + 1 === lineEnd || text.charCodeAt(start + 1) === space);
}

/** Offset of the `:` that ends a simple key on this line, or -1 when the line is not `key: ...`. */
function findKeyColon(text: string, start: number, lineEnd: number): number {
	const first = text.charCodeAt(start);
	if (first === 39 || first === 34 || first === 63) outside(); // quoted or complex keys
	let colon = text.indexOf(':', start);
	while (colon !== -1 && colon < lineEnd) {
		const after = text.charCodeAt(colon + 1);
		if (colon + 1 === lineEnd || after === space) return colon;
		colon = text.indexOf(':', colon + 1);
	}

	return -1;
}

function parseInlineValue(text: string, start: number, lineEnd: number, line: number): YamlNode {
	const first = text[start]!;
	if (first === "'" || first === '"') return parseQuoted(text, start, lineEnd, line);
	if (first === '{' || first === '[') {
		const closing = first === '{' ? '}' : ']';
		if (text[start + 1] !== closing) outside();
		assertOnlyComment(text, start + 2, lineEnd);
		return first === '{'
			? {kind: 'map', flow: true, entries: [], start, end: start + 2, line, indent: 0}
			: {kind: 'seq', flow: true, items: [], itemStarts: [], start, end: start + 2, line, indent: 0};
	}

	if ('&*!|>%@`,]}'.includes(first)) outside();
	if ((first === '-' || first === '?' || first === ':') && (start + 1 === lineEnd || text.charCodeAt(start + 1) === space)) outside();
	let raw = text.slice(start, lineEnd);
	const comment = raw.indexOf(' #');
	if (comment !== -1) raw = raw.slice(0, comment);
	raw = raw.trimEnd();
	if (raw.includes(': ') || raw.endsWith(':') || raw.includes('\t')) outside();
	const scalar: YamlScalar = {kind: 'scalar', value: raw, type: resolvePlainScalar(raw), style: 'plain', start, end: start + raw.length, line};
	return scalar;
}

function parseQuoted(text: string, start: number, lineEnd: number, line: number): YamlScalar {
	const quote = text[start]!;
	let index = start + 1;
	let escaped = false;
	for (;;) {
		if (index >= lineEnd) outside(); // multi-line quoted scalars fold lines: full parser
		const char = text[index]!;
		if (quote === "'") {
			if (char === "'") {
				if (text[index + 1] === "'") {
					index += 2;
					continue;
				}

				break;
			}
		} else if (char === '\\') {
			escaped = true;
			index += 2;
			continue;
		} else if (char === '"') {
			break;
		}

		index++;
	}

	const end = index + 1;
	assertOnlyComment(text, end, lineEnd);
	const inner = text.slice(start + 1, index);
	let value: string;
	if (quote === "'") {
		value = inner.replaceAll("''", "'");
	} else if (escaped) {
		// YAML's double-quoted escapes are a superset of JSON's; only the shared ones are handled here.
		if (/\\[^"\\/bfnrtu]/.test(inner)) outside();
		try {
			value = JSON.parse(`"${inner}"`) as string;
		} catch {
			outside();
		}
	} else {
		value = inner;
	}

	return {kind: 'scalar', value, type: 'string', style: quote === "'" ? 'single' : 'double', start, end, line};
}

function assertOnlyComment(text: string, start: number, lineEnd: number): void {
	let index = start;
	while (index < lineEnd && text.charCodeAt(index) === space) index++;
	if (index === lineEnd) return;
	if (text.charCodeAt(index) !== hash || index === start) outside();
}
