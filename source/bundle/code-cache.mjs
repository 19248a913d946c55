// Compiles kubehop's own chunks (dist/chunks/*.js, CommonJS) with V8's code cache, as
// ui-vendor-loader.mjs does for the UI's libraries: Node 20 has no compile cache, and parsing and
// lazily compiling the chunks a command needs is a good part of its start. dist/cli.js requires this
// first. Each chunk's name carries a hash of its content, so a cache is named by the chunk, Node's
// version and the architecture; one that is missing or that V8 rejects is written at exit, with
// whatever else that run compiled, and caches of chunks this kubehop no longer has are removed then,
// once a week old.
import fs from 'node:fs';
import Module from 'node:module';
import path from 'node:path';
import vm from 'node:vm';
import {kubehopCacheDirectory, writeCacheFile} from '../kubeconfig/cache-files.ts';

// eslint-disable-next-line no-undef -- this file is bundled into dist/chunks as CommonJS
const chunks = __dirname;
const directory = path.join(kubehopCacheDirectory(process.env), 'chunk-code');
const suffix = `-${process.version}-${process.arch}.v8`;
const uncached = ['code-cache.js', 'ui-vendor.js'];
const toWrite = [];

const compileCommonJs = Module._extensions['.js'];
Module._extensions['.js'] = function (module, filename) {
	const name = path.basename(filename);
	if (path.dirname(filename) !== chunks || uncached.includes(name)) return compileCommonJs(module, filename);
	const cacheFile = path.join(directory, name + suffix);
	let cachedData;
	try {
		cachedData = fs.readFileSync(cacheFile);
	} catch {}

	const wrapper = `(function (exports, require, module, __filename, __dirname) {${fs.readFileSync(filename, 'utf8')}\n})`;
	const script = new vm.Script(wrapper, {filename, cachedData});
	if (!cachedData || script.cachedDataRejected) toWrite.push({script, cacheFile});
	const require = (id) => module.require(id);
	require.resolve = (request, options) => Module._resolveFilename(request, module, false, options);
	require.cache = Module._cache;
	require.main = process.mainModule;
	script.runInThisContext().call(module.exports, module.exports, require, module, filename, chunks);
};

process.once('exit', () => {
	if (toWrite.length === 0) return;
	for (const {script, cacheFile} of toWrite) writeCacheFile(cacheFile, script.createCachedData());
	// Another kubehop (or Node) may share this directory: what this one lacks goes only once written a week
	// ago. A cache another install still uses is then written again at its next exit, one slower start a week.
	try {
		const present = new Set(fs.readdirSync(chunks));
		const weekAgo = Date.now() - 7 * 86_400_000;
		for (const entry of fs.readdirSync(directory)) {
			const file = path.join(directory, entry);
			if (!(entry.endsWith(suffix) && present.has(entry.slice(0, -suffix.length))) && fs.statSync(file).mtimeMs < weekAgo) fs.rmSync(file, {force: true});
		}
	} catch {}
});
