import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// Where kubehop keeps what it can always rebuild (the kubeconfig index, compiled code, exec expiry
// records), and how one of those files is replaced. Imported alone by the bundle's code-cache loader.

export function kubehopCacheDirectory(env: Record<string, string | undefined>): string {
	return path.join(env.XDG_CACHE_HOME || path.join(env.HOME || os.homedir(), '.cache'), 'kubehop');
}

/** Replaces `target` whole (0600, in a 0700 directory) or not at all; a cache that cannot be written only costs speed. */
export function writeCacheFile(target: string, data: string | Uint8Array): void {
	const temporary = `${target}.${process.pid}.tmp`;
	try {
		fs.mkdirSync(path.dirname(target), {recursive: true, mode: 0o700});
		fs.writeFileSync(temporary, data, {mode: 0o600});
		fs.renameSync(temporary, target);
	} catch {
		fs.rmSync(temporary, {force: true});
	}
}
