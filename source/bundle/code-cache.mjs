// Loads kubehop's own code (dist/chunks/*.js, packs of CommonJS chunks made by build.mjs) with V8's code
// cache, as ui-vendor-loader.mjs does for the UI's libraries: Node 20 has no compile cache, and parsing
// and lazily compiling what a command needs is a good part of its start. dist/cli.js calls start() first.
// A pack's name carries a digest of its text, so a cache is named by the pack, Node's version and the
// architecture; one that is missing or that V8 rejects is written at exit, with whatever else that run
// compiled, and caches of packs this kubehop no longer has are removed then, once a week old.
import fs from 'node:fs';
import Module from 'node:module';
import path from 'node:path';
import vm from 'node:vm';
import {kubehopCacheDirectory, writeCacheFile} from '../kubeconfig/cache-files.ts';
import {withDefaultFlags} from './v8-flags.ts';

// eslint-disable-next-line no-undef -- this file is bundled into dist/chunks as CommonJS
const chunks = __dirname;
const directory = path.join(kubehopCacheDirectory(process.env), 'chunk-code');
const suffix = `-${process.version}-${process.arch}.v8`;
/** Chunk name → the pack it is the first chunk of. */
// eslint-disable-next-line no-undef -- defined by source/bundle/build.mjs
const packs = KUBEHOP_PACKS;
/** Chunk name → its function, from the packs loaded so far, until the chunk has run. */
const waiting = new Map();
const toWrite = [];
// Not path.join: the names are plain file names, and this runs for every require between chunks.
const fileOf = (name) => `${chunks}${path.sep}${name}`;
let nodeModulePaths;

function loadPack(pack) {
	const file = fileOf(pack);
	const cacheFile = path.join(directory, pack + suffix);
	let cachedData;
	try {
		cachedData = fs.readFileSync(cacheFile);
	} catch {}

	const source = fs.readFileSync(file, 'utf8');
	const script = withDefaultFlags(() => new vm.Script(source, {filename: file, cachedData}));
	if (!cachedData || script.cachedDataRejected) toWrite.push({script, cacheFile});
	const members = script.runInThisContext();
	for (const name of Object.keys(members)) if (!waiting.has(name) && !Module._cache[fileOf(name)]) waiting.set(name, members[name]);
}

/** Runs chunk `name` in `module`, as Node's loader would run a file: cached first, so a cycle sees the exports so far. */
function run(name, module) {
	const file = fileOf(name);
	if (!waiting.has(name)) loadPack(packs[name]);
	const chunk = waiting.get(name);
	module.filename = file;
	module.paths = nodeModulePaths ??= Module._nodeModulePaths(chunks);
	Module._cache[file] = module;
	try {
		chunk.call(module.exports, module.exports, requireFrom(module), module, file, chunks);
	} catch (error) {
		delete Module._cache[file];
		throw error;
	}

	waiting.delete(name);
	module.loaded = true;
	return module.exports;
}

const isChunk = (name) => waiting.has(name) || Object.hasOwn(packs, name);

/** The chunks name each other `./NAME.js`; anything else (Node's built-ins) goes to Node's require, under V8's default flags. */
function requireFrom(module) {
	const require = (id) => {
		if (id.startsWith('./')) {
			const name = id.slice(2);
			const loaded = Module._cache[fileOf(name)];
			if (loaded) return loaded.exports;
			if (isChunk(name)) return run(name, new Module(fileOf(name), module));
		}

		return Module.isBuiltin(id) ? withDefaultFlags(() => module.require(id)) : module.require(id);
	};

	require.resolve = (request, options) => Module._resolveFilename(request, module, false, options);
	require.cache = Module._cache;
	require.main = process.mainModule;
	return require;
}

/** Runs the entry chunk, `name`, for dist/cli.js (`main`). */
export function start(name, main) {
	return run(name, new Module(fileOf(name), main));
}

process.once('exit', () => {
	if (toWrite.length === 0) return;
	for (const {script, cacheFile} of toWrite) writeCacheFile(cacheFile, withDefaultFlags(() => script.createCachedData()));
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
