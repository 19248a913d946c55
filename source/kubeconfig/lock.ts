import fs from 'node:fs';
import path from 'node:path';
import {KubehopError} from '../errors/kubehop-error.ts';

// kubectl's lock protocol (client-go clientcmd lockFile): `<path>.lock` created with O_CREAT|O_EXCL
// and mode 0 for every file in the loading precedence, in byte order, missing files included.
// Using the same names makes kubectl and kubehop exclude each other.

export type HeldLocks = {release(): void};

const held = new Set<string>();
let exitHookInstalled = false;

export function lockName(file: string): string {
	return `${file}.lock`;
}

/**
 * The locks for a write, taken in kubectl's order: a request kubectl would refuse is refused first, so it
 * is reported as itself rather than as a held lock, and creates nothing (a lock makes its missing
 * directory, as kubectl's does). `validate` runs only when that can happen; otherwise the read made
 * under the locks checks the request, and a switch reads the files once.
 */
export async function lockForWrite(files: string[], validate: () => Promise<void>): Promise<HeldLocks> {
	const missingDirectory = files.some((file) => !fs.existsSync(lockDirectory(file)));
	if (missingDirectory) await validate();
	try {
		return acquireKubeconfigLocks(files);
	} catch (lockError) {
		if (!missingDirectory) await validate();
		throw lockError;
	}
}

function lockDirectory(file: string): string {
	return path.dirname(path.resolve(lockName(file)));
}

export function acquireKubeconfigLocks(files: string[]): HeldLocks {
	installExitHook();
	const ordered = [...files].sort((a, b) => (Buffer.from(a) < Buffer.from(b) ? -1 : a === b ? 0 : 1));
	const mine: string[] = [];
	const release = () => {
		for (const lock of mine.reverse()) {
			// Only ever remove a lock this process created.
			if (!held.delete(lock)) continue;
			fs.rmSync(lock, {force: true});
		}

		mine.length = 0;
	};

	try {
		for (const file of ordered) {
			const lock = lockName(file);
			fs.mkdirSync(lockDirectory(file), {recursive: true, mode: 0o755});
			fs.closeSync(fs.openSync(lock, fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_WRONLY, 0));
			held.add(lock);
			mine.push(lock);
		}
	} catch (error) {
		// Before the release: the lock in the way may be one of ours, which the release removes.
		const described = describeLockError(error as NodeJS.ErrnoException, files);
		release();
		throw described;
	}

	return {release};
}

function describeLockError(error: NodeJS.ErrnoException, files: string[]): Error {
	const lock = error.path ?? '';
	const ours = error.code === 'EEXIST' ? [...held].find((candidate) => sameFile(candidate, lock)) : undefined;
	if (ours !== undefined) return heldByThisProcess(lock, ours, files);
	if (error.code === 'EEXIST') {
		let age = '';
		try {
			const seconds = Math.round((Date.now() - fs.statSync(lock).mtimeMs) / 1000);
			age = ` (created ${seconds < 120 ? `${seconds}s` : `${Math.round(seconds / 60)} min`} ago)`;
		} catch {}

		return new KubehopError(
			`kubeconfig is locked: ${lock} exists${age}; kubectl or kubehop is writing it, or one of them crashed`,
			`if no kubectl or kubehop is running, remove the stale lock: rm ${shellQuote(lock)}`,
		);
	}

	const reason = error.code === 'EACCES' || error.code === 'EROFS' || error.code === 'EPERM' ? 'permission denied' : error.message;
	return new KubehopError(
		`cannot lock kubeconfig: ${lock || 'lock file'}: ${reason}`,
		'kubectl locks every file in KUBECONFIG before it writes, so each of their directories must be writable',
	);
}

/**
 * The lock in the way is this process's own. Under another spelling of a file in this very list, kubectl
 * stops there too (`open …: file exists`, R23); no stale lock is involved, so none is to be removed.
 */
function heldByThisProcess(lock: string, ours: string, files: string[]): KubehopError {
	const spellings = files.filter((file) => lockName(file) === lock || lockName(file) === ours);
	if (spellings.length === 2) {
		return new KubehopError(
			`KUBECONFIG lists the same file twice, as ${spellings.join(' and ')}; nothing was written (kubectl stops here too, at the lock it took under the other spelling: open ${lock}: file exists)`,
			'list the file only once in KUBECONFIG',
		);
	}

	return new KubehopError(`kubeconfig is locked: ${lock} is held by this kubehop, for another change still being written`, 'try again');
}

function sameFile(a: string, b: string): boolean {
	const first = fs.statSync(a, {throwIfNoEntry: false});
	const second = fs.statSync(b, {throwIfNoEntry: false});
	return first !== undefined && second !== undefined && first.dev === second.dev && first.ino === second.ino;
}

function shellQuote(text: string): string {
	return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`;
}

/** A Ctrl-C or SIGTERM mid-write must not leave our locks behind for kubectl to trip over. */
function installExitHook(): void {
	if (exitHookInstalled) return;
	exitHookInstalled = true;
	const cleanup = () => {
		for (const lock of held) fs.rmSync(lock, {force: true});
		held.clear();
	};

	process.once('exit', cleanup);
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
		process.once(signal, () => {
			cleanup();
			process.kill(process.pid, signal);
		});
	}
}
