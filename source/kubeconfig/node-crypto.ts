import {createRequire} from 'node:module';
import {withDefaultFlags} from '../bundle/v8-flags.ts';

// node:crypto, loaded on first use: only writes and byte digests need it.

let loaded: typeof import('node:crypto') | undefined;

export function nodeCrypto(): typeof import('node:crypto') {
	// Any base resolves a built-in; import.meta has no meaning in dist/ (CommonJS).
	loaded ??= withDefaultFlags(() => createRequire('/')('node:crypto') as typeof import('node:crypto'));
	return loaded;
}
