import {KubehopError} from '../errors/kubehop-error.ts';
import {writeFileAtomically} from './atomic-write.ts';
import {decodeKubeconfig, type DecodedConfig} from './decode.ts';
import {applySplice, type Splice} from './edit.ts';
import {loadKubeconfig, type MergedKubeconfig} from './load.ts';
import {lockForWrite} from './lock.ts';
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
 * Runs one change the way kubectl does (validate, lock every file, write), but reads under the lock,
 * edits bytes surgically, proves the result says what was meant, and writes atomically. kubectl only
 * writes under the same locks, so the read made under them is whole and current.
 */
export async function modifyKubeconfig<T>(selection: KubeconfigSelection, plan: (config: MergedKubeconfig) => Plan<T>): Promise<Modification<T>> {
	const locks = await lockForWrite(selection.precedence, async () => void plan(await loadKubeconfig(selection)));
	try {
		const current = await loadKubeconfig(selection);
		const {edits, result} = plan(current);
		const pending: Array<{file: string; text: string}> = [];
		for (const edit of edits) {
			const original = current.files.find((file) => file.path === edit.file)?.text;
			const text = edit.create ?? applyAll(original ?? '', edit.splices ?? []);
			if (text === original) continue;
			if (edit.create || !scalarsReadBack(text, edit.splices ?? [])) await verifyEdit(edit, text);
			pending.push({file: edit.file, text});
		}

		const written: string[] = [];
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
