// Bundles kubehop into dist/ with code splitting, shipped as packs of chunks: the switching paths load two, while
// Ink, React and the Kubernetes client sit in chunks that only the commands needing them import. Ink,
// React, Yoga and fuzzysort are a separate classic script that source/bundle/ui-vendor-loader.mjs
// compiles with V8's code cache; the modules importing them get generated stand-ins that read its exports.
import {createHash} from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {build, transform} from 'esbuild';
import {dependencyPatches} from './dependency-patches.mjs';

const unused = './source/bundle/conf-unused-features.ts';
// The modules the vendor script carries, and the name of each one's exports in it (source/bundle/ui-vendor.mjs).
const vendorNames = {ink: 'ink', react: 'react', 'react/jsx-runtime': 'jsxRuntime', fuzzysort: 'fuzzysort', 'string-width': 'stringWidth'};
const shared = {
	bundle: true,
	platform: 'node',
	target: 'node20',
	minifySyntax: true,
	minifyWhitespace: !process.env.KUBEHOP_READABLE_BUNDLE,
	// React and its reconciler pick their production builds on this; the development ones are several
	// times slower per render and hold far more memory.
	define: {'process.env.NODE_ENV': '"production"'},
	// Ink imports React DevTools only when DEV=true; it is an optional peer kubehop does not ship.
	external: ['react-devtools-core'],
	plugins: [dependencyPatches],
	logLevel: 'warning',
};

fs.rmSync('dist', {recursive: true, force: true});
await build({
	...shared,
	entryPoints: ['source/bundle/ui-vendor.mjs'],
	format: 'iife',
	globalName: '__kubehopUiVendor',
	// A function of `require`, for the Node built-ins the dependencies use; the loader passes one.
	banner: {js: '(function (require) {'},
	footer: {js: 'return __kubehopUiVendor;\n})'},
	outfile: 'dist/chunks/ui-vendor.js',
	alias: {'yoga-layout': './source/bundle/yoga-without-fetch.mjs', 'string-width': './source/bundle/string-width-fast.mjs'},
});
const vendorDigest = createHash('sha256').update(fs.readFileSync('dist/chunks/ui-vendor.js')).digest('hex').slice(0, 16);

// Each module the vendor script carries becomes a stand-in exporting the same names from it.
const vendorStandIns = {
	name: 'kubehop-ui-vendor',
	setup(build) {
		build.onResolve({filter: new RegExp(`^(?:${Object.keys(vendorNames).map((name) => name.replaceAll('/', '\\/')).join('|')})$`)}, (args) => ({path: args.path, namespace: 'kubehop-ui-vendor'}));
		const loader = JSON.stringify(path.resolve('source/bundle/ui-vendor-loader.mjs'));
		build.onResolve({filter: /[\\/]ui[\\/]layout-engine\.ts$/}, () => ({path: 'layout-engine', namespace: 'kubehop-ui-vendor-layout'}));
		build.onLoad({filter: /.*/, namespace: 'kubehop-ui-vendor-layout'}, () => ({contents: `import {uiVendor} from ${loader};\nexport const {layoutEngineReady} = uiVendor;\n`, loader: 'js', resolveDir: path.resolve('source/bundle')}));
		build.onLoad({filter: /.*/, namespace: 'kubehop-ui-vendor'}, async (args) => {
			const names = Object.keys(await import(args.path)).filter((name) => name !== 'default' && /^[A-Za-z_$][\w$]*$/.test(name));
			const from = `uiVendor.${vendorNames[args.path]}`;
			return {
				contents: `import {uiVendor} from ${loader};\nexport const {${names.join(', ')}} = ${from};\nexport default ${from}.default ?? ${from};\n`,
				loader: 'js',
				resolveDir: path.resolve('source/bundle'),
			};
		});
	},
};

// The sources that decide what the report cache holds: an entry made by another build is not read.
const certificatesDigest = createHash('sha256');
for (const file of [...fs.readdirSync('source/certificates').sort().map((name) => path.join('source/certificates', name)), 'source/cluster/server-url.ts']) certificatesDigest.update(file).update(fs.readFileSync(file));

const result = await build({
	...shared,
	metafile: true,
	entryPoints: ['source/cli.tsx'],
	splitting: true,
	format: 'esm',
	outdir: 'dist',
	chunkNames: 'chunks/[name]-[hash]',
	define: {...shared.define, KUBEHOP_UI_VENDOR_DIGEST: JSON.stringify(vendorDigest), KUBEHOP_CERTIFICATES_DIGEST: JSON.stringify(certificatesDigest.digest('hex').slice(0, 16))},
	alias: {'ajv/dist/2020.js': unused, 'ajv-formats': unused, semver: './source/bundle/semver-unused.ts'},
	plugins: [...shared.plugins, vendorStandIns],
});
// The loader finds the vendor script next to itself.
for (const [output, {inputs}] of Object.entries(result.metafile.outputs)) {
	if (Object.keys(inputs).some((input) => input.endsWith('ui-vendor-loader.mjs')) && path.dirname(output) !== 'dist/chunks') throw new Error(`${output}: the UI vendor loader must be bundled into dist/chunks, beside ui-vendor.js`);
}
// esbuild splits only ES modules; each output is then made CommonJS, with `import()` as `require`. Node 20
// loads CommonJS faster: its ESM loader costs 5-10 ms at every start, more per module and built-in.
const commonJs = new Map();
for (const output of Object.keys(result.metafile.outputs)) {
	if (!output.endsWith('.js')) continue;
	const {code} = await transform(fs.readFileSync(output, 'utf8'), {
		format: 'cjs',
		platform: 'node',
		target: 'node20',
		supported: {'dynamic-import': false},
		minifySyntax: true,
		minifyWhitespace: !process.env.KUBEHOP_READABLE_BUNDLE,
		// The dependencies' own warnings were shown by the build above.
		logLevel: 'error',
	});
	if (/\bimport\.meta\b/.test(code)) throw new Error(`${output}: import.meta has no meaning in CommonJS`);
	// The entry's code moves beside the chunks (below), so it names them as they name each other.
	commonJs.set(path.basename(output), output === 'dist/cli.js' ? code.replaceAll('require("./chunks/', 'require("./') : code);
	fs.rmSync(output);
}

// Each loaded file costs its own read, compile and resolution (~0.2 ms, and `kubehop api` needs twenty chunks),
// so the chunks ship in packs: one for the entry with everything it imports statically, and one for each
// chunk that is imported dynamically, with what it imports statically beyond the entry's pack. A pack is
// one script of one function per chunk (source/bundle/code-cache.mjs runs a chunk's function when it is
// first required); a chunk in two packs runs once. Its name carries a digest of its text, which is what
// the code cache is checked against.
const outputs = result.metafile.outputs;
const staticImports = (output) => outputs[output].imports.filter((entry) => entry.kind === 'import-statement' && !entry.external).map((entry) => entry.path);
const closure = (output, seen = new Set()) => {
	if (!seen.has(output)) {
		seen.add(output);
		for (const imported of staticImports(output)) closure(imported, seen);
	}

	return seen;
};
const entryPack = closure('dist/cli.js');
const packRoots = new Set(['dist/cli.js']);
for (const output of Object.values(outputs)) for (const entry of output.imports) if (entry.kind === 'dynamic-import' && !entry.external) packRoots.add(entry.path);
const packs = {};
const packed = new Set();
for (const root of packRoots) {
	const members = [...closure(root)].filter((output) => root === 'dist/cli.js' || !entryPack.has(output)).map((output) => path.basename(output));
	const text = `({\n${members.map((name) => `${JSON.stringify(name)}: function (exports, require, module, __filename, __dirname) {${commonJs.get(name)}\n},\n`).join('')}})`;
	for (const [, name] of text.matchAll(/\brequire\("\.\/([^"]+)"\)/g)) {
		if (!commonJs.has(name)) throw new Error(`${root}: requires ./${name}, which is not a chunk`);
	}

	for (const name of members) packed.add(name);
	const pack = `${path.basename(root, '.js')}.${createHash('sha256').update(text).digest('hex').slice(0, 12)}.js`;
	fs.writeFileSync(path.join('dist/chunks', pack), text);
	packs[path.basename(root)] = pack;
}

for (const name of commonJs.keys()) if (!packed.has(name)) throw new Error(`dist/chunks/${name} is in no pack`);

await build({
	...shared,
	plugins: [],
	entryPoints: ['source/bundle/code-cache.mjs'],
	format: 'cjs',
	outfile: 'dist/chunks/code-cache.js',
	define: {...shared.define, KUBEHOP_PACKS: JSON.stringify(packs)},
});
fs.writeFileSync('dist/cli.js', '#!/usr/bin/env node\nrequire("./chunks/code-cache.js").start("cli.js", module);\n');
fs.writeFileSync('dist/package.json', '{"type": "commonjs"}\n');
fs.chmodSync('dist/cli.js', 0o755);
// Which sources went into which chunk, for the test that keeps heavy dependencies off the switching path.
fs.mkdirSync('node_modules/.cache', {recursive: true});
fs.writeFileSync('node_modules/.cache/kubehop-bundle-meta.json', JSON.stringify(result.metafile));
