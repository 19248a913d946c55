import {fitting, textWidth, truncateEnd} from './truncate.ts';

// How the can-i matrix fits a terminal: the resource names come first, since a row that reads
// "cluste…k8s.io" could be any of three resources. Verb columns narrow (with shorter headings) and the
// scope column goes before names drop below what most resource names need. The status line under the
// matrix spells out the selected cell's verb, resource and scope in full, whatever the layout.

/** Verbs `firstVerb` to `firstVerb + verbCount` are drawn: all of them, unless the terminal is very narrow. */
export type MatrixLayout = {nameWidth: number; cellWidth: number; showScope: boolean; firstVerb: number; verbCount: number; heading: (verb: string) => string};

/** 'cluster', and the space before it. */
export const scopeWidth = 8;
/** The two spaces between the name and the first cell. */
const gutter = 2;
/** Most resource names fit; the longest (certificatesigningrequests.certificates.k8s.io) are cut. */
const wantedNameWidth = 28;
const widestName = 48;

// Headings for each cell width, a space kept between columns. Verbs outside these (a CRD's own) are cut.
const headings: Record<number, Record<string, string>> = {
	7: {deletecollection: 'delcol', impersonate: 'imprsn', escalate: 'escal'},
	5: {watch: 'wtch', create: 'crea', update: 'upd', patch: 'ptch', delete: 'del', deletecollection: 'dcol', impersonate: 'imp', escalate: 'esc', approve: 'appr'},
	4: {list: 'lst', watch: 'wch', create: 'crt', update: 'upd', patch: 'pch', delete: 'del', deletecollection: 'dcl', impersonate: 'imp', escalate: 'esc', approve: 'apr', bind: 'bnd', sign: 'sgn'},
	3: {get: 'g', list: 'l', watch: 'w', create: 'c', update: 'u', patch: 'p', delete: 'd', deletecollection: 'dc', impersonate: 'im', escalate: 'es', approve: 'ap', bind: 'b', use: 'us', sign: 's'},
};

const choices: ReadonlyArray<[cellWidth: number, showScope: boolean]> = [[7, true], [5, true], [7, false], [5, false], [4, false], [3, false]];

/** Below this, a name cannot tell rows apart: a terminal too narrow for every verb shows a page of them. */
const narrowestName = 10;

/**
 * The widest cells that leave the names room: `width` is the pane's, its last column left free. On a
 * terminal too narrow for every verb, the verbs are paged: the page holding `column`, the selected one.
 */
export function matrixLayout(width: number, verbs: number, longestName: number, column = 0): MatrixLayout {
	const room = (cellWidth: number, showScope: boolean, count = verbs) => width - 1 - gutter - count * cellWidth - (showScope ? scopeWidth : 0);
	const wanted = Math.min(longestName, wantedNameWidth);
	const found = choices.find(([cells, scope]) => room(cells, scope) >= wanted);
	const [cellWidth, showScope] = found ?? choices.at(-1)!;
	const fitting = Math.floor((width - 1 - gutter - Math.min(longestName, narrowestName)) / cellWidth);
	const verbCount = found ? verbs : Math.max(1, Math.min(verbs, fitting));
	const firstVerb = Math.max(0, Math.min(Math.floor(column / verbCount) * verbCount, verbs - verbCount));
	const nameWidth = Math.max(1, Math.min(widestName, room(cellWidth, showScope, verbCount)));
	const names = headings[cellWidth]!;
	return {nameWidth, cellWidth, showScope, firstVerb, verbCount, heading: (verb) => (names[verb] ?? verb).slice(0, cellWidth - 1)};
}

/**
 * A resource name cut to `width`, keeping what tells rows apart: the start of the plural and the whole
 * subresource (`certificatesigningr…/approval`), where a middle cut keeps the group's common tail.
 */
export function truncateResource(name: string, width: number): string {
	if (textWidth(name) <= width) return name;
	const slash = name.indexOf('/');
	const subresource = slash === -1 ? '' : name.slice(slash);
	const headRoom = width - 1 - textWidth(subresource);
	if (subresource && headRoom >= 4) return `${fitting([...name.slice(0, slash)], headRoom)}…${subresource}`;
	return truncateEnd(name, width);
}
