// node:crypto, loaded on first use: only writes and byte digests need it, and loading it with the
// stream modules it brings costs a few milliseconds of a start that does neither.

let loaded: typeof import('node:crypto') | undefined;

export function nodeCrypto(): typeof import('node:crypto') {
	// process.getBuiltinModule came in Node 20.16; before it, dist/ (CommonJS) has a main module to require
	// through. Not node:module's createRequire: loading node:module costs ~2 ms of its own.
	loaded ??= process.getBuiltinModule?.('node:crypto') ?? (process.mainModule!.require('node:crypto') as typeof import('node:crypto'));
	return loaded;
}
