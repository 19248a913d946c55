/**
 * Fixture trees for black-box tests: write a declarative map of files to disk,
 * take byte/metadata snapshots of the tree, and diff two snapshots.
 */
import {Buffer} from 'node:buffer';
import fs from 'node:fs';
import path from 'node:path';

/** A regular file with content (and optional mode), a symlink, or a directory. */
export type FixtureEntry =
	| string
	| {readonly content: string; readonly mode?: number}
	| {readonly symlinkTo: string}
	| {readonly dir: true; readonly mode?: number};

/** Paths are relative to the tree root and use `/`. */
export type FixtureFiles = Readonly<Record<string, FixtureEntry>>;

export type EntryKind = 'file' | 'dir' | 'symlink';

export interface SnapshotEntry {
	readonly kind: EntryKind;
	/** Permission bits only (`mode & 0o7777`). */
	readonly mode: number;
	readonly ino: bigint;
	readonly mtimeNs: bigint;
	/** File bytes; empty for directories and symlinks. */
	readonly bytes: Buffer;
	/** Symlink target as stored in the link; `undefined` otherwise. */
	readonly linkTarget: string | undefined;
}

/** Keyed by path relative to the root, `/`-separated, sorted. */
export type Snapshot = ReadonlyMap<string, SnapshotEntry>;

/** Fixture files get an old mtime, so that any later write is visible in the mtime. */
const FIXTURE_TIME = new Date('2001-02-03T04:05:06Z');

/**
 * Create `root` and everything in `files` below it. Directory modes are applied
 * last, deepest first, so a read-only directory can still be populated.
 */
export function materialize(root: string, files: FixtureFiles): void {
	fs.mkdirSync(root, {recursive: true});
	const dirModes: Array<[string, number]> = [];
	const fileModes: Array<[string, number]> = [];
	for (const [relative, entry] of Object.entries(files)) {
		const target = path.join(root, relative);
		fs.mkdirSync(path.dirname(target), {recursive: true});
		if (typeof entry === 'string') {
			fs.writeFileSync(target, entry);
			fs.utimesSync(target, FIXTURE_TIME, FIXTURE_TIME);
		} else if ('symlinkTo' in entry) {
			fs.symlinkSync(entry.symlinkTo, target);
		} else if ('dir' in entry) {
			fs.mkdirSync(target, {recursive: true});
			if (entry.mode !== undefined) {
				dirModes.push([target, entry.mode]);
			}
		} else {
			fs.writeFileSync(target, entry.content);
			fs.utimesSync(target, FIXTURE_TIME, FIXTURE_TIME);
			if (entry.mode !== undefined) {
				fileModes.push([target, entry.mode]);
			}
		}
	}

	for (const [target, mode] of fileModes) {
		fs.chmodSync(target, mode);
	}

	dirModes.sort(([a], [b]) => b.length - a.length);
	for (const [target, mode] of dirModes) {
		fs.chmodSync(target, mode);
	}
}


export function snapshotTree(root: string): Snapshot {
	const entries = new Map<string, SnapshotEntry>();
	const walk = (relative: string): void => {
		const absolute = relative === '' ? root : path.join(root, relative);
		for (const name of fs.readdirSync(absolute).sort()) {
			const childRelative = relative === '' ? name : `${relative}/${name}`;
			const childAbsolute = path.join(root, childRelative);
			const stat = fs.lstatSync(childAbsolute, {bigint: true});
			const mode = Number(stat.mode & 0o7777n);
			if (stat.isSymbolicLink()) {
				entries.set(childRelative, {
					kind: 'symlink',
					mode,
					ino: stat.ino,
					mtimeNs: stat.mtimeNs,
					bytes: Buffer.alloc(0),
					linkTarget: fs.readlinkSync(childAbsolute),
				});
			} else if (stat.isDirectory()) {
				entries.set(childRelative, {
					kind: 'dir',
					mode,
					ino: stat.ino,
					mtimeNs: stat.mtimeNs,
					bytes: Buffer.alloc(0),
					linkTarget: undefined,
				});
				walk(childRelative);
			} else {
				entries.set(childRelative, {
					kind: 'file',
					mode,
					ino: stat.ino,
					mtimeNs: stat.mtimeNs,
					bytes: readAsRoot(childAbsolute, mode),
					linkTarget: undefined,
				});
			}
		}
	};

	walk('');
	return entries;
}

/** Read a file even when its mode denies it to us (only needed when not root). */
function readAsRoot(file: string, mode: number): Buffer {
	try {
		return fs.readFileSync(file);
	} catch (error: unknown) {
		if (!isErrnoException(error) || error.code !== 'EACCES') {
			throw error;
		}

		fs.chmodSync(file, mode | 0o400);
		try {
			return fs.readFileSync(file);
		} finally {
			fs.chmodSync(file, mode);
		}
	}
}

export interface TreeDiff {
	readonly added: readonly string[];
	readonly removed: readonly string[];
	/** Existing in both, but kind, bytes or symlink target differ. */
	readonly contentChanged: readonly string[];
	readonly modeChanged: readonly string[];
	/** Same content, but the inode or mtime moved (a rewrite with identical bytes, or a replace). Directories excluded. */
	readonly touched: readonly string[];
	/** Content changed and the inode is a different one (atomic replace). */
	readonly replacedInode: readonly string[];
}

export function diffSnapshots(before: Snapshot, after: Snapshot): TreeDiff {
	const added: string[] = [];
	const removed: string[] = [];
	const contentChanged: string[] = [];
	const modeChanged: string[] = [];
	const touched: string[] = [];
	const replacedInode: string[] = [];
	for (const [key, old] of before) {
		const now = after.get(key);
		if (now === undefined) {
			removed.push(key);
			continue;
		}

		const sameContent = old.kind === now.kind && old.linkTarget === now.linkTarget && old.bytes.equals(now.bytes);
		if (!sameContent) {
			contentChanged.push(key);
			if (old.ino !== now.ino) {
				replacedInode.push(key);
			}
		} else if (old.kind !== 'dir' && (old.ino !== now.ino || old.mtimeNs !== now.mtimeNs)) {
			touched.push(key);
		}

		if (old.mode !== now.mode && old.kind !== 'symlink') {
			modeChanged.push(key);
		}
	}

	for (const key of after.keys()) {
		if (!before.has(key)) {
			added.push(key);
		}
	}

	return {added, removed, contentChanged, modeChanged, touched, replacedInode};
}

/** Every path whose existence, content or mode differs. */
export function changedPaths(diff: TreeDiff): string[] {
	return [...new Set([...diff.added, ...diff.removed, ...diff.contentChanged, ...diff.modeChanged])].sort();
}

/** `chown -R` without following symlinks. */
export function chownTree(root: string, uid: number, gid: number): void {
	fs.lchownSync(root, uid, gid);
	for (const entry of fs.readdirSync(root, {withFileTypes: true})) {
		const child = path.join(root, entry.name);
		if (entry.isDirectory()) {
			chownTree(child, uid, gid);
		} else {
			fs.lchownSync(child, uid, gid);
		}
	}
}

/** `rm -rf` that also works on read-only directories when not running as root. */
export function removeTree(root: string): void {
	const makeWritable = (directory: string): void => {
		try {
			fs.chmodSync(directory, 0o700);
		} catch {
			return;
		}

		for (const entry of fs.readdirSync(directory, {withFileTypes: true})) {
			if (entry.isDirectory()) {
				makeWritable(path.join(directory, entry.name));
			}
		}
	};

	if (!fs.existsSync(root)) {
		return;
	}

	makeWritable(root);
	fs.rmSync(root, {recursive: true, force: true});
}

function isErrnoException(error: unknown): error is NodeJS.ErrnoException {
	return error instanceof Error && 'code' in error;
}
