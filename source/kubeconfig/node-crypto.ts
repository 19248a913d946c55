import {createRequire} from 'node:module';

// node:crypto, loaded on first use: only writes and byte digests need it, and loading it with the
// stream modules it brings costs a few milliseconds of a start that does neither.

let loaded: typeof import('node:crypto') | undefined;

export function nodeCrypto(): typeof import('node:crypto') {
	return (loaded ??= createRequire('/')('node:crypto') as typeof import('node:crypto'));
}
