import fs from 'node:fs';
import path from 'node:path';
import {KubehopError} from '../errors/kubehop-error.ts';

// kubectl truncates and rewrites in place, so a crash leaves half a file. Here the new bytes go to a
// temp file in the same directory, are fsynced, renamed over the real file, and the directory is fsynced:
// a reader or a crash sees either the old file or the new one.

/** Writes `content` (text, bytes, or byte ranges to concatenate) as the new content of `file`. */
export function writeFileAtomically(file: string, content: string | Buffer | Buffer[]): void {
	const target = resolveSymlinks(file);
	const directory = path.dirname(target);
	let mode = 0o600;
	let owner: {uid: number; gid: number} | undefined;
	try {
		const stat = fs.statSync(target);
		mode = stat.mode & 0o7777;
		owner = {uid: stat.uid, gid: stat.gid};
		// A rename would replace a file we may not write; refuse exactly where kubectl's open(O_TRUNC) would.
		fs.accessSync(target, fs.constants.W_OK);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw writeError(file, error);
		fs.mkdirSync(directory, {recursive: true, mode: 0o755});
	}

	const temporary = path.join(directory, `.${path.basename(target)}.kubehop-${process.pid}-${Math.random().toString(16).slice(2, 10)}.tmp`);
	let descriptor: number | undefined;
	try {
		descriptor = fs.openSync(temporary, 'wx', 0o600);
		for (const piece of typeof content === 'string' ? [Buffer.from(content)] : Array.isArray(content) ? content : [content]) {
			for (let written = 0; written < piece.length; ) written += fs.writeSync(descriptor, piece, written);
		}

		fs.fchmodSync(descriptor, mode);
		if (owner && process.getuid?.() === 0) fs.fchownSync(descriptor, owner.uid, owner.gid);
		fs.fsyncSync(descriptor);
		fs.closeSync(descriptor);
		descriptor = undefined;
		fs.renameSync(temporary, target);
	} catch (error) {
		if (descriptor !== undefined) fs.closeSync(descriptor);
		fs.rmSync(temporary, {force: true});
		throw writeError(file, error);
	}

	syncDirectory(directory);
}

/** Follows a chain of symlinks to the file that really holds the bytes, so the links stay links. */
function resolveSymlinks(file: string): string {
	let current = path.resolve(file);
	for (let hops = 0; hops < 40; hops++) {
		let link: string;
		try {
			link = fs.readlinkSync(current);
		} catch (error) {
			const code = (error as NodeJS.ErrnoException).code;
			if (code === 'EINVAL' || code === 'ENOENT') return current;
			throw writeError(file, error);
		}

		current = path.resolve(path.dirname(current), link);
	}

	throw new KubehopError(`cannot write ${file}: too many levels of symbolic links`);
}

function syncDirectory(directory: string): void {
	let descriptor: number | undefined;
	try {
		descriptor = fs.openSync(directory, 'r');
		fs.fsyncSync(descriptor);
	} catch {
		// Some filesystems refuse fsync on a directory; the rename itself has already happened.
	} finally {
		if (descriptor !== undefined) fs.closeSync(descriptor);
	}
}

function writeError(file: string, error: unknown): KubehopError {
	const code = (error as NodeJS.ErrnoException).code;
	const reason = code === 'EACCES' || code === 'EPERM' || code === 'EROFS' ? 'permission denied' : (error as Error).message;
	return new KubehopError(`cannot write ${file}: ${reason}`);
}
