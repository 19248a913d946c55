import {renderScalar} from './scalar.ts';
import type {ParsedDocument, YamlMap, YamlMapEntry, YamlSeq} from './tree.ts';
import {mapGet} from './tree.ts';

// Every edit is a splice of the original text: the bytes outside the changed scalar, key or item
// stay exactly as the user wrote them, comments, quoting, CRLF and extra documents included.

export type Splice = {
	start: number;
	end: number;
	text: string;
	/** For a splice that writes one scalar: where in `text` it starts, and the string it must read back as. */
	scalar?: {offset: number; value: string};
};

export function applySplice(text: string, splice: Splice): string {
	return text.slice(0, splice.start) + splice.text + text.slice(splice.end);
}

/** Sets `key: value` in a mapping: replaces the value in place, fills an empty one, or adds the key. */
export function setMapValue(text: string, document: ParsedDocument, map: YamlMap | undefined, key: string, value: string): Splice {
	if (!map) return appendTopLevelKey(text, document, key, value);
	const entry = mapGet(map, key);
	if (!entry) return insertMapEntry(text, document, map, key, value);
	return replaceEntryValue(text, entry, value, map.flow);
}

/** `flow`: whether the entry's mapping is a flow mapping (`{...}`), where fewer names go unquoted. */
export function replaceEntryValue(text: string, entry: YamlMapEntry, value: string, flow: boolean): Splice {
	const current = entry.value;
	if (!current) return {start: entry.afterColon, end: entry.afterColon, text: ` ${renderScalar(value, 'plain', flow)}`, scalar: {offset: 1, value}};
	// A tag such as `!!null ~` sits before the node's range; the whole value is replaced, so it goes too.
	const style = current.kind === 'scalar' && current.style !== 'block' ? current.style : 'plain';
	const start = current.kind === 'scalar' && current.type !== 'string' ? entry.afterColon : current.start;
	const prefix = start === entry.afterColon ? ' ' : '';
	// A block scalar's range runs through its final line break, which must stay.
	let end = current.end;
	while (end > start && /\s/.test(text[end - 1]!)) end--;
	return {start, end, text: prefix + renderScalar(value, style, flow), scalar: {offset: prefix.length, value}};
}

/** Gives a key with no value (`context:` or `context: null`) a raw YAML value such as `{namespace: x}`. */
export function setEntryRawValue(entry: YamlMapEntry, raw: string): Splice {
	const current = entry.value;
	return current ? {start: entry.afterColon, end: current.end, text: ` ${raw}`} : {start: entry.afterColon, end: entry.afterColon, text: ` ${raw}`};
}

export function insertMapEntry(text: string, document: ParsedDocument, map: YamlMap, key: string, value: string, raw = false): Splice {
	if (map.flow) {
		// A flow mapping written as JSON stays JSON.
		const json = map.entries.length > 0 && text[map.entries[0]!.keyStart] === '"';
		const rendered = json ? `${JSON.stringify(key)}: ${raw ? value : JSON.stringify(value)}` : `${key}: ${raw ? value : renderScalar(value, 'plain', true)}`;
		const close = text.lastIndexOf('}', map.end - 1);
		return {start: close, end: close, text: map.entries.length > 0 ? `, ${rendered}` : rendered};
	}

	const at = lineEndAt(text, map.end);
	return {start: at, end: at, text: `${document.lineBreak}${' '.repeat(map.indent)}${key}: ${raw ? value : renderScalar(value)}`};
}

function appendTopLevelKey(text: string, document: ParsedDocument, key: string, value: string): Splice {
	const at = document.documentEnd;
	const before = text.slice(0, at);
	const needsBreak = before.length > 0 && !before.endsWith('\n');
	return {start: at, end: at, text: `${needsBreak ? document.lineBreak : ''}${key}: ${renderScalar(value)}${document.lineBreak}`};
}

/** Removes `key: value` from a mapping, with its whole line in block style. */
export function removeMapEntry(text: string, map: YamlMap, entry: YamlMapEntry): Splice {
	const valueEnd = entry.value ? entry.value.end : entry.afterColon;
	if (map.flow) {
		const index = map.entries.indexOf(entry);
		const next = map.entries[index + 1];
		if (next) return {start: entry.keyStart, end: next.keyStart, text: ''};
		const previous = map.entries[index - 1];
		const start = previous ? (previous.value ? previous.value.end : previous.afterColon) : entry.keyStart;
		return {start, end: valueEnd, text: ''};
	}

	return removeLines(text, entry.keyStart, valueEnd);
}

/** Removes one item of a sequence; a block item goes with its lines. */
export function removeSeqItem(text: string, seq: YamlSeq, index: number): Splice {
	const item = seq.items[index];
	const itemStart = seq.itemStarts[index]!;
	const itemEnd = item ? item.end : itemStart + 1;
	if (seq.flow) {
		const nextStart = seq.itemStarts[index + 1];
		if (nextStart !== undefined) return {start: itemStart, end: nextStart, text: ''};
		const previous = seq.items[index - 1];
		return {start: previous ? previous.end : itemStart, end: itemEnd, text: ''};
	}

	return removeLines(text, itemStart, itemEnd);
}

/** Appends an item to a block sequence, indented like its siblings. */
export function appendSeqItem(text: string, document: ParsedDocument, seq: YamlSeq, itemLines: string[]): Splice {
	const at = lineEndAt(text, seq.end);
	const pad = ' '.repeat(seq.indent);
	const body = itemLines.map((line, index) => `${pad}${index === 0 ? '- ' : '  '}${line}`).join(document.lineBreak);
	return {start: at, end: at, text: document.lineBreak + body};
}


function removeLines(text: string, start: number, end: number): Splice {
	const lineStart = text.lastIndexOf('\n', start - 1) + 1;
	const newline = text.indexOf('\n', Math.max(end - 1, start));
	const lineEnd = newline === -1 ? text.length : newline + 1;
	return {start: lineStart, end: lineEnd, text: ''};
}

function lineEndAt(text: string, offset: number): number {
	const newline = text.indexOf('\n', Math.max(offset - 1, 0));
	if (newline === -1) return text.length;
	return text.charCodeAt(newline - 1) === 13 ? newline - 1 : newline;
}
