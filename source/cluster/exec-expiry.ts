import fs from 'node:fs';
import path from 'node:path';
import {kubehopCacheDirectory, writeCacheFile} from '../kubeconfig/cache-files.ts';
import {sha256Hex} from '../kubeconfig/sha256.ts';

// When the credential an exec plugin last gave kubehop expires: kept per user stanza under
// $XDG_CACHE_HOME/kubehop/exec for `kubehop certs`, which must not run plugins to know. Only the
// timestamp is kept, never the credential.

/** Which record belongs to a user stanza: its name and what its plugin is asked. */
export function execRecordKey(user: string, exec: {command: string; args?: string[]; env?: Array<{name: string; value: string}>}): string {
	return sha256Hex(JSON.stringify([user, exec.command, exec.args ?? [], exec.env ?? []])).slice(0, 32);
}

function expiryFile(env: NodeJS.ProcessEnv, key: string): string {
	return path.join(kubehopCacheDirectory(env), 'exec', `${key}.json`);
}

export function recordExpiry(env: NodeJS.ProcessEnv, key: string, expirationTimestamp: string): void {
	writeCacheFile(expiryFile(env, key), JSON.stringify({expirationTimestamp, recordedAt: new Date().toISOString()}));
}

export type RecordedExpiry = {expirationTimestamp: Date; recordedAt: Date};

/** The expiry of the credential the plugin last gave kubehop, if it gave one. */
export function recordedExpiry(env: NodeJS.ProcessEnv, key: string): RecordedExpiry | undefined {
	try {
		const recorded = JSON.parse(fs.readFileSync(expiryFile(env, key), 'utf8')) as {expirationTimestamp: string; recordedAt: string};
		const expirationTimestamp = new Date(recorded.expirationTimestamp);
		const recordedAt = new Date(recorded.recordedAt);
		return Number.isNaN(expirationTimestamp.getTime()) || Number.isNaN(recordedAt.getTime()) ? undefined : {expirationTimestamp, recordedAt};
	} catch {
		return undefined;
	}
}
