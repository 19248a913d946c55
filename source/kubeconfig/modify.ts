import fs from 'node:fs';
import {KubehopError} from '../errors/kubehop-error.ts';
import {writeFileAtomically} from './atomic-write.ts';
import {decodeKubeconfig, type DecodedConfig} from './decode.ts';
import {applySplice, type Splice} from './edit.ts';
import {loadKubeconfig, mergeKubeconfig, readKubeconfigFile, type LoadedFile, type MergedKubeconfig} from './load.ts';
import {acquireKubeconfigLocks} from './lock.ts';
import {parseKubeconfigYaml} from './parse.ts';
import {readScalarAt} from './scan.ts';
import type {KubeconfigSelection} from './paths.ts';

export type FileEdit = {
	file: string;
	/** Splices against the file's current text, applied back to front; or the full text of a new file. */
	splices?: Splice[];
	create?: string;
	/** What must hold after the edit; checked on a fresh parse before anything is written. */
	verify: (config: DecodedConfig) => boolean;
};

export type Plan<T> = {edits: FileEdit[]; result: T};

export type Modification<T> = {result: T; written: string[]};

/**
 * Runs one change the way kubectl does (validate, lock every file, write), but re-reads under the
 * lock, edits bytes surgically, proves the result parses to what was meant, and writes atomically.
 */
export async function modifyKubeconfig<T>(selection: KubeconfigSelection, plan: (config: MergedKubeconfig) => Plan<T>): Promise<Modification<T>> {
	// kubectl validates before it locks, so a bad request fails the same way even when a lock is stale.
	const before = await loadKubeconfig(selection);
	plan(before);
	const stamps = new Map(before.files.map((file) => [file.path, stamp(file.path)]));
	const locks = acquireKubeconfigLocks(selection.precedence);
	try {
		const current = await reloadChanged(selection, before, stamps);
		const {edits, result} = plan(current);
		const written: string[] = [];
		const pending: Array<{file: string; text: string}> = [];
		for (const edit of edits) {
			const loaded = current.files.find((file) => file.path === edit.file);
			const original = loaded?.text;
			const text = edit.create ?? applyAll(original ?? '', edit.splices ?? []);
			if (text === original) continue;
			if (!edit.create && scalarsReadBack(text, edit.splices ?? [])) {
				pending.push({file: edit.file, text});
				continue;
			}

			await verifyEdit(edit, text);
			pending.push({file: edit.file, text});
		}

		for (const {file, text} of pending) {
			if (file === '') throw new KubehopError('cannot write kubeconfig: KUBECONFIG names no file (it holds only empty entries)');
			writeFileAtomically(file, text);
			written.push(file);
		}

		return {result, written};
	} finally {
		locks.release();
	}
}

function applyAll(text: string, splices: Splice[]): string {
	let result = text;
	for (const splice of [...splices].sort((a, b) => b.start - a.start)) result = applySplice(result, splice);
	return result;
}

/**
 * When every splice rewrote one single-line scalar, the rest of the file is byte-identical to what was
 * just loaded and validated, so reading each new scalar back in place proves the edit without re-parsing.
 */
function scalarsReadBack(text: string, splices: Splice[]): boolean {
	let shift = 0;
	for (const splice of [...splices].sort((a, b) => a.start - b.start)) {
		if (!splice.scalar) return false;
		const scalar = readScalarAt(text, splice.start + shift + splice.scalar.offset);
		if (!scalar || scalar.type !== 'string' || scalar.value !== splice.scalar.value) return false;
		shift += splice.text.length - (splice.end - splice.start);
	}

	return true;
}

async function verifyEdit(edit: FileEdit, text: string): Promise<void> {
	let config: DecodedConfig;
	try {
		config = decodeKubeconfig((await parseKubeconfigYaml(text)).root, edit.file, {checkPayloads: false});
	} catch (error) {
		throw new KubehopError(`refusing to write ${edit.file}: the edited file would not load (${(error as Error).message})`, 'this is a kubehop bug; your file was left untouched');
	}

	if (!edit.verify(config)) {
		throw new KubehopError(`refusing to write ${edit.file}: the edit did not produce the intended change`, 'this is a kubehop bug; your file was left untouched');
	}
}

type Stamp = string | undefined;

function stamp(file: string): Stamp {
	try {
		const stat = fs.statSync(file, {bigint: true});
		return `${stat.ino}:${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}`;
	} catch {
		return undefined;
	}
}

/** Re-reads under the lock only the files another writer touched since the first read. */
async function reloadChanged(selection: KubeconfigSelection, before: MergedKubeconfig, stamps: Map<string, Stamp>): Promise<MergedKubeconfig> {
	const files: LoadedFile[] = [];
	let changed = false;
	for (const file of selection.precedence) {
		if (file === '') continue;
		const previous = before.files.find((loaded) => loaded.path === file);
		if (previous && stamps.get(file) === stamp(file)) {
			files.push(previous);
			continue;
		}

		changed = true;
		const loaded = await readKubeconfigFile(file);
		if (loaded) files.push(loaded);
	}

	return changed ? mergeKubeconfig(selection, files) : before;
}
