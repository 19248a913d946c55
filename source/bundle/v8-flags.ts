// V8 flags kubehop changes while it runs: the app turns V8's optimising compilers off (see
// source/commands/interactive.tsx and ui-vendor-loader.mjs), and so does `certs -A` while it parses a
// fleet afresh. V8 checks a code cache against the flags it was made under, so the loaders check and
// make theirs under V8's defaults, whatever the app has changed:
// a cache made under other flags would be refused, and written again, at every start. The changes live on
// globalThis because the pack loader (code-cache.js) is bundled apart from the packs that make them.
import {createRequire} from 'node:module';

/** Each changed flag: what restores it → what changed it. */
const changed: Map<string, string> = ((globalThis as Record<symbol, unknown>)[Symbol.for('kubehop.changed-v8-flags')] ??= new Map()) as Map<string, string>;

// node:v8 loads only once a flag is changed: the one-shot commands never pay for it.
const v8 = (): typeof import('node:v8') => (process.getBuiltinModule?.('node:v8') as typeof import('node:v8') | undefined) ?? (createRequire(process.execPath)('node:v8') as typeof import('node:v8'));

/** Sets `change` (`--no-opt`) until restoreFlags(); `restore` (`--opt`) is V8's default it replaces. */
export function changeFlag(change: string, restore: string): void {
	changed.set(restore, change);
	v8().setFlagsFromString(change);
}

/** Runs `work` with `change` set, unless it already is (the app's), then restores V8's default, `restore`. */
export async function whileChanged<T>(change: string, restore: string, work: () => Promise<T>): Promise<T> {
	if (changed.has(restore)) return work();
	changeFlag(change, restore);
	try {
		return await work();
	} finally {
		changed.delete(restore);
		v8().setFlagsFromString(restore);
	}
}

export function restoreFlags(): void {
	for (const restore of changed.keys()) v8().setFlagsFromString(restore);
	changed.clear();
}

/**
 * Runs `work` (a code cache checked or made, or a built-in module loaded) under V8's default flags. Node's
 * built-ins come with code caches made under those flags too: node:crypto, loaded with --no-opt set, was
 * compiled from its source, 4.3 ms against 1.6.
 */
export function withDefaultFlags<T>(work: () => T): T {
	if (changed.size === 0) return work();
	for (const restore of changed.keys()) v8().setFlagsFromString(restore);
	try {
		return work();
	} finally {
		for (const change of changed.values()) v8().setFlagsFromString(change);
	}
}
