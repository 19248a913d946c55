import fs from 'node:fs';
import {writeFileAtomically} from './atomic-write.ts';
import {buildFileIndex, fingerprint, segmentsOf, type CurrentContextTemplate, type FileIndex, type FileIndexCache, type Segment} from './file-index.ts';
import {parseKubeconfigFile, readKubeconfigBytes} from './load.ts';
import {acquireKubeconfigLocks} from './lock.ts';
import {requireContext, useContext} from './operations.ts';
import {defaultFile, type KubeconfigSelection} from './paths.ts';
import {renderScalar, type ScalarStyle} from './scalar.ts';
import {readScalarAt} from './scan.ts';

// The switching hot path: `ctx NAME`, `ctx -`, the list and `-c` read a validated index per file
// instead of parsing every byte, and a switch splices bytes. It keeps the general path's rules
// (same files, same locks, same re-check under the lock, same output bytes) and hands over to it
// for anything outside the common shape.

export type IndexedFile = {path: string; bytes: Buffer; index: FileIndex; segments: Segment[]};

export type KubeconfigIndex = {
	selection: KubeconfigSelection;
	files: IndexedFile[];
	currentContext: string;
	contexts: Set<string>;
};

export async function loadKubeconfigIndex(selection: KubeconfigSelection, cache: FileIndexCache): Promise<KubeconfigIndex> {
	const files: IndexedFile[] = [];
	for (const file of selection.precedence) {
		if (file === '') continue;
		const bytes = readKubeconfigBytes(file);
		if (!bytes) continue;
		const hit = cache.lookup(file, bytes);
		if (hit) {
			files.push({path: file, bytes, ...hit});
			continue;
		}

		const index = buildFileIndex(await parseKubeconfigFile(file, bytes));
		const segments = fingerprint(bytes, index);
		cache.store(file, segments, index);
		files.push({path: file, bytes, index, segments});
	}

	return {
		selection,
		files,
		currentContext: files.find((file) => file.index.currentContext !== '')?.index.currentContext ?? '',
		contexts: new Set(files.flatMap((file) => file.index.contexts)),
	};
}

/** `kubectl config use-context NAME`, byte for byte what the general path writes. */
export async function useContextIndexed(loaded: KubeconfigIndex, name: string, cache: FileIndexCache): Promise<{changed: boolean; previous: string}> {
	const {selection} = loaded;
	requireContext(name, loaded.contexts);
	const previous = loaded.currentContext;
	const target = defaultFile(selection, (file) => fs.existsSync(file));
	const file = loaded.files.find((candidate) => candidate.path === target);
	const template = file?.index.currentContextTemplate;
	if (previous !== name && (!file || !template)) return (await useContext(selection, name)).result;

	const outcome = spliceUnderLock(loaded, name, file, template, cache);
	// Another writer changed a file since it was indexed, or the value needs another shape: the general path decides.
	if (outcome === 'hand-over') return (await useContext(selection, name)).result;
	return {changed: outcome === 'written', previous};
}

function spliceUnderLock(loaded: KubeconfigIndex, name: string, file: IndexedFile | undefined, template: CurrentContextTemplate | undefined, cache: FileIndexCache): 'written' | 'unchanged' | 'hand-over' {
	// kubectl locks even when nothing will change, so a stale lock fails a no-op switch too.
	const locks = acquireKubeconfigLocks(loaded.selection.precedence);
	try {
		if (!unchangedSince(loaded)) return 'hand-over';
		if (loaded.currentContext === name) return 'unchanged';
		const rendered = renderScalar(name, template!.style);
		const piece = template!.before + rendered + template!.after;
		const scalar = readScalarAt(piece, template!.before.length);
		if (scalar?.type !== 'string' || scalar.value !== name) return 'hand-over';
		const pieces = [file!.bytes.subarray(0, template!.start), Buffer.from(piece), file!.bytes.subarray(template!.end)];
		writeFileAtomically(file!.path, pieces);
		const scalarStart = template!.start + Buffer.byteLength(template!.before);
		const index: FileIndex = {
			...file!.index,
			currentContext: name,
			currentContextTemplate: {start: scalarStart, end: scalarStart + Buffer.byteLength(rendered), before: '', after: '', style: styleOf(rendered)},
		};
		cache.store(file!.path, segmentsAfterSplice(file!, pieces, index), index);
		return 'written';
	} finally {
		locks.release();
	}
}

/** Under the lock: every file still holds exactly the bytes the index was built from. */
function unchangedSince(loaded: KubeconfigIndex): boolean {
	for (const file of loaded.selection.precedence) {
		if (file === '') continue;
		const known = loaded.files.find((candidate) => candidate.path === file);
		if (!sameBytes(file, known?.bytes)) return false;
	}

	return true;
}

const compareChunk = Buffer.allocUnsafe(1 << 20);

/** Streams the file against the bytes already in memory, so a large kubeconfig is not held twice. */
function sameBytes(file: string, known: Buffer | undefined): boolean {
	let descriptor: number;
	try {
		descriptor = fs.openSync(file, 'r');
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return known === undefined;
		throw error;
	}

	try {
		if (!known || fs.fstatSync(descriptor).size !== known.length) return false;
		for (let offset = 0; offset < known.length; ) {
			const read = fs.readSync(descriptor, compareChunk, 0, compareChunk.length, offset);
			if (read === 0 || !compareChunk.subarray(0, read).equals(known.subarray(offset, offset + read))) return false;
			offset += read;
		}

		return true;
	} finally {
		fs.closeSync(descriptor);
	}
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
