import fs from 'node:fs';

// A file's identity as stat(2) tells it, the way git's index uses it to skip reading unchanged files:
// with the same device, inode, size and nanosecond mtime and ctime, the bytes are the ones seen before.
// Every write changes ctime, and kubehop's own writes change the inode too.

export type FileStat = {dev: string; ino: string; size: string; mtimeNs: string; ctimeNs: string};

export function statOf(file: string): FileStat | undefined {
	try {
		const stat = fs.statSync(file, {bigint: true});
		return {dev: `${stat.dev}`, ino: `${stat.ino}`, size: `${stat.size}`, mtimeNs: `${stat.mtimeNs}`, ctimeNs: `${stat.ctimeNs}`};
	} catch {
		return undefined;
	}
}

export const sameStat = (a: FileStat | undefined, b: FileStat | undefined) =>
	a !== undefined && b !== undefined && a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs;

/**
 * A stat is only trusted once the file has been left alone this long. Two writes inside one tick of
 * the kernel's coarse clock can share a ctime; a file that old has no such second write still pending
 * (the "racy git" case).
 */
const settledMs = 100;

/** Whole-second timestamps (ext3, HFS+, FAT, some NFS) get a wait of two seconds instead. */
export const settled = (stat: FileStat, nowMs = Date.now()) => nowMs - Number(BigInt(stat.ctimeNs) / 1_000_000n) >= (BigInt(stat.ctimeNs) % 1_000_000_000n === 0n ? 2000 : settledMs);
