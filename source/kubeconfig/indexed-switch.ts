import fs from 'node:fs';
import {writeFileAtomically} from './atomic-write.ts';
import {buildFileIndex, fingerprint, segmentsOf, withCurrentContext, type FileIndex, type FileIndexCache, type Segment} from './file-index.ts';
import {statOf} from './file-stat.ts';
import {parseKubeconfigFile, readKubeconfigBytes} from './load.ts';
import {lockForWrite} from './lock.ts';
import {requireContext, useContext} from './operations.ts';
import {defaultFile, type KubeconfigSelection} from './paths.ts';
import {renderScalar, type ScalarStyle} from './scalar.ts';
import {readScalarAt} from './scan.ts';

// The switching hot path: `ctx NAME`, `ctx -`, the list and `-c` read a validated index per file
// instead of parsing every byte, and a switch splices bytes. It keeps the general path's rules
// (same files, same locks, same output bytes) and hands over to it for anything outside the common shape.

export type IndexedFile = {path: string; bytes: Buffer; index: FileIndex; segments: Segment[]};

export type KubeconfigIndex = {
	selection: KubeconfigSelection;
	files: IndexedFile[];
	currentContext: string;
	contexts: Set<string>;
};

/**
 * `learnStats`: whether a cache entry may be rewritten to learn its file's settled stat (for `peek`).
 * Not worth it before a write: the entry is replaced right after, and at 10,000 contexts the rewrite
 * costs a switch ~100 ms.
 */
export async function loadKubeconfigIndex(selection: KubeconfigSelection, cache: FileIndexCache, {learnStats = true}: {learnStats?: boolean} = {}): Promise<KubeconfigIndex> {
	const files: IndexedFile[] = [];
	for (const file of selection.precedence) {
		if (file === '') continue;
		const stat = statOf(file);
		const bytes = readKubeconfigBytes(file);
		if (!bytes) continue;
		const hit = cache.lookup(file, bytes, learnStats ? stat : undefined);
		if (hit) {
			files.push({path: file, bytes, ...hit});
			continue;
		}

		const index = buildFileIndex(await parseKubeconfigFile(file, bytes));
		const segments = fingerprint(bytes, index);
		cache.store(file, segments, index, stat);
		files.push({path: file, bytes, index, segments});
	}

	return {
		selection,
		files,
		currentContext: files.find((file) => file.index.currentContext !== '')?.index.currentContext ?? '',
		contexts: new Set(files.flatMap((file) => file.index.contexts)),
	};
}

/** The files' indexes by stat alone, for a first screen; undefined when any file would need reading. */
export function peekKubeconfigIndex(selection: KubeconfigSelection, cache: FileIndexCache): Pick<KubeconfigIndex, 'currentContext' | 'contexts'> & {files: Array<Pick<IndexedFile, 'path' | 'index'>>} | undefined {
	const files: Array<Pick<IndexedFile, 'path' | 'index'>> = [];
	for (const file of selection.precedence) {
		if (file === '' || !fs.existsSync(file)) continue;
		const index = cache.peek(file);
		if (!index) return undefined;
		files.push({path: file, index});
	}

	return {
		files,
		currentContext: files.find((file) => file.index.currentContext !== '')?.index.currentContext ?? '',
		contexts: new Set(files.flatMap((file) => file.index.contexts)),
	};
}

export type ContextOverview = {cluster: string; user: string; namespace: string; server: string; auth: string; file: string; shadowedIn: string[]};

/** What each context resolves to across the files, first definition winning as kubectl merges (R6). */
export function contextOverview(index: IndexedFiles): Map<string, ContextOverview> {
	const overview = new Map<string, ContextOverview>();
	for (const _ of overviewSteps(index, overview));
	return overview;
}

/** The same, awaiting `pause` every `slice` contexts: at 10,000 a UI's keys would otherwise wait ~30 ms. */
export async function pacedContextOverview(index: IndexedFiles, pause: () => Promise<void>, slice = 500): Promise<Map<string, ContextOverview>> {
	// A cached index parses each of its details on first use: one per slice, before the walk.
	for (const file of index.files) {
		for (const read of [() => file.index.contextFields, () => file.index.servers, () => file.index.auth]) {
			read();
			await pause();
		}
	}

	const overview = new Map<string, ContextOverview>();
	let done = 0;
	for (const _ of overviewSteps(index, overview)) if (++done % slice === 0) await pause();
	return overview;
}

type IndexedFiles = {files: ReadonlyArray<Pick<IndexedFile, 'path' | 'index'>>};

/** Adds one context to `overview` per step. */
function* overviewSteps(index: IndexedFiles, overview: Map<string, ContextOverview>): Generator<void> {
	const firstDefinition = <T>(lookup: (file: Pick<IndexedFile, 'path' | 'index'>) => T | undefined) => {
		for (const file of index.files) {
			const found = lookup(file);
			if (found !== undefined) return found;
		}

		return undefined;
	};

	for (const file of index.files) {
		for (const [position, name] of file.index.contexts.entries()) {
			const existing = overview.get(name);
			if (existing) {
				existing.shadowedIn.push(file.path);
				continue;
			}

			const [cluster, user, namespace] = file.index.contextFields[position] ?? ['', '', ''];
			const server = firstDefinition((candidate) => candidate.index.servers[cluster]) ?? '';
			const auth = firstDefinition((candidate) => candidate.index.auth[user]) ?? 'none (no such user)';
			overview.set(name, {cluster, user, namespace, server, auth, file: file.path, shadowedIn: []});
			yield;
		}
	}
}

export type Switch = {name: string; changed: boolean; previous: string};

/**
 * `kubectl config use-context NAME`, byte for byte what the general path writes. `choose` names the
 * target once the files are read, which lets `ctx -` consult the history against the same view.
 * The locks come first: kubectl writes only under them, so the one read made under them is whole and
 * current (lockForWrite says when the name is checked before them, as kubectl does).
 */
export async function switchContextIndexed(selection: KubeconfigSelection, cache: FileIndexCache, choose: (index: KubeconfigIndex) => Promise<string> | string): Promise<Switch> {
	const locks = await lockForWrite(selection.precedence, async () => {
		const index = await loadKubeconfigIndex(selection, cache);
		requireContext(await choose(index), index.contexts);
	});
	let name: string;
	let previous: string;
	try {
		const index = await loadKubeconfigIndex(selection, cache, {learnStats: false});
		name = await choose(index);
		requireContext(name, index.contexts);
		previous = index.currentContext;
		if (previous === name) return {name, changed: false, previous};
		if (spliceCurrentContext(index, name, cache)) return {name, changed: true, previous};
	} finally {
		locks.release();
	}

	// A shape the byte splice does not cover (a file to create, flow style, anchors): the general path decides.
	const {result} = await useContext(selection, name);
	return {name, ...result};
}

/** Writes the new current-context by splicing bytes, or returns false when the general path must do it. */
function spliceCurrentContext(index: KubeconfigIndex, name: string, cache: FileIndexCache): boolean {
	const target = defaultFile(index.selection, (file) => fs.existsSync(file));
	const file = index.files.find((candidate) => candidate.path === target);
	const template = file?.index.currentContextTemplate;
	if (!file || !template) return false;
	const rendered = renderScalar(name, template.style);
	const piece = template.before + rendered + template.after;
	const scalar = readScalarAt(piece, template.before.length);
	if (scalar?.type !== 'string' || scalar.value !== name) return false;
	const pieces = [file.bytes.subarray(0, template.start), Buffer.from(piece), file.bytes.subarray(template.end)];
	writeFileAtomically(file.path, pieces);
	const scalarStart = template.start + Buffer.byteLength(template.before);
	const updated = withCurrentContext(file.index, name, {start: scalarStart, end: scalarStart + Buffer.byteLength(rendered), before: '', after: '', style: styleOf(rendered)});
	cache.store(file.path, segmentsAfterSplice(file, pieces, updated), updated);
	return true;
}

/** The new file's fingerprint, reusing the digests of the ranges the splice left alone where they line up. */
function segmentsAfterSplice(file: IndexedFile, pieces: Buffer[], index: FileIndex): Segment[] {
	const [prefix, middle, suffix] = file.segments;
	const reusable = file.segments.length === 3 && index.currentContextTemplate?.start === prefix!.length && prefix!.length === pieces[0]!.length && suffix!.length === pieces[2]!.length;
	if (!reusable || !middle) return fingerprint(Buffer.concat(pieces), index);
	return [prefix!, ...segmentsOf([pieces[1]!]), suffix!];
}

function styleOf(rendered: string): ScalarStyle {
	return rendered.startsWith('"') ? 'double' : rendered.startsWith("'") ? 'single' : 'plain';
}
