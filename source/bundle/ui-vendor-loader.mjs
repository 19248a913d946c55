// Loads the terminal UI's third-party code (Ink, React, Yoga, fuzzysort: dist/chunks/ui-vendor.js) as a
// classic script with V8's code cache. Node 20 has no compile cache for modules, and parsing and lazily
// compiling these ~600 KB is a third of the time to the first frame. The cache holds V8's compiled
// code, not state: it is keyed by the script's digest (V8 itself only checks the length), Node's
// version and the architecture, and one that V8 rejects or that is missing is written again at exit.
import fs from 'node:fs';
import {createRequire} from 'node:module';
import path from 'node:path';
import vm from 'node:vm';
import {kubehopCacheDirectory, writeCacheFile} from '../kubeconfig/cache-files.ts';
import {changeFlag, withDefaultFlags} from './v8-flags.ts';

// dist/ is CommonJS (source/bundle/build.mjs), and this module is bundled into dist/chunks beside the script.
// eslint-disable-next-line no-undef
const script = path.join(__dirname, 'ui-vendor.js');
const directory = path.join(kubehopCacheDirectory(process.env), 'code');
// eslint-disable-next-line no-undef -- defined by source/bundle/build.mjs
const cacheFile = path.join(directory, `ui-vendor-${KUBEHOP_UI_VENDOR_DIGEST}-${process.version}-${process.arch}.v8`);

let cachedData;
try {
	cachedData = fs.readFileSync(cacheFile);
} catch {}

const source = fs.readFileSync(script, 'utf8');
const compiled = withDefaultFlags(() => new vm.Script(source, {filename: script, cachedData}));
// Node's built-ins come with code caches made under V8's default flags: the script's requires are loaded
// under those, and so is `performance` (a lazily loaded global React's scheduler reads as it starts).
void globalThis.performance;

// Yoga's WebAssembly, compiled as this script runs, stays on V8's baseline compiler (Liftoff). Its
// optimising tier-up compiled layout functions on another thread for 20-30 ms, and the app's own thread
// waited for it right after the first frame: the key typed as the list appeared waited too (at 10,000
// contexts, first key ~40 → ~27 ms; the key median no slower). The app's layouts are a few dozen boxes.
// Two plain flags rather than --liftoff-only, whose implied flags its negation does not undo.
changeFlag('--no-wasm-tier-up --no-wasm-dynamic-tiering', '--wasm-tier-up --wasm-dynamic-tiering');
const requireBuiltin = createRequire(script);
export const uiVendor = compiled.runInThisContext()((id) => withDefaultFlags(() => requireBuiltin(id)));

if (!cachedData || compiled.cachedDataRejected) {
	// At exit the cache also holds what rendering and typing compiled; writing it costs that one exit ~15 ms.
	process.once('exit', () => {
		writeCacheFile(cacheFile, withDefaultFlags(() => compiled.createCachedData()));
		// Caches of earlier versions of kubehop or Node go.
		try {
			for (const name of fs.readdirSync(directory)) if (name.startsWith('ui-vendor-') && name !== path.basename(cacheFile)) fs.rmSync(path.join(directory, name), {force: true});
		} catch {}
	});
}
