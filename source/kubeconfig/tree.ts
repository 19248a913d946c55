import type {ScalarStyle, ScalarType} from './scalar.ts';

// The parsed shape of one kubeconfig document, with source offsets so edits can splice bytes in place.
// Offsets are UTF-16 indices into the file text; `end` is just past the node's last character.

type Shared = {
	/** Anchored or reached through an alias: an edit here would change other entries too. */
	shared?: boolean;
};

export type YamlScalar = Shared & {
	kind: 'scalar';
	value: string;
	type: ScalarType;
	style: ScalarStyle;
	start: number;
	end: number;
	line: number;
};

export type YamlMapEntry = {
	key: string;
	keyStart: number;
	line: number;
	/** Undefined for `key:` with nothing after it, which YAML reads as null. */
	value: YamlNode | undefined;
	/** Where the value would go when the entry has none: just after the colon. */
	afterColon: number;
};

export type YamlMap = Shared & {
	kind: 'map';
	flow: boolean;
	entries: YamlMapEntry[];
	start: number;
	end: number;
	line: number;
	/** Column of the keys, for inserting siblings in block style. */
	indent: number;
};

export type YamlSeq = Shared & {
	kind: 'seq';
	flow: boolean;
	items: Array<YamlNode | undefined>;
	/** Offset of each item's `-` indicator (block) or first character (flow). */
	itemStarts: number[];
	start: number;
	end: number;
	line: number;
	indent: number;
};

export type YamlNode = YamlScalar | YamlMap | YamlSeq;

export type ParsedDocument = {
	/** Undefined for an empty file or a document holding only comments. */
	root: YamlNode | undefined;
	/** Offset just past the first document, where top-level keys may be appended. */
	documentEnd: number;
	lineBreak: '\n' | '\r\n';
};

export class YamlSyntaxError extends Error {
	constructor(
		message: string,
		readonly line: number,
	) {
		super(message);
	}
}

export function mapGet(map: YamlMap, key: string): YamlMapEntry | undefined {
	// go-yaml v2 keeps the last of duplicate keys.
	for (let index = map.entries.length - 1; index >= 0; index--) {
		const entry = map.entries[index]!;
		if (entry.key === key) return entry;
	}

	return undefined;
}
