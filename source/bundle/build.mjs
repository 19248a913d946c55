// Bundles kubehop into dist/ with code splitting: the switching paths load a few small chunks, while
// Ink, React and the Kubernetes client sit in chunks that only the commands needing them import.
import fs from 'node:fs';
import {build} from 'esbuild';
import {dependencyPatches} from './dependency-patches.mjs';

const unused = './source/bundle/conf-unused-features.ts';

fs.rmSync('dist', {recursive: true, force: true});
const result = await build({
	metafile: true,
	entryPoints: ['source/cli.tsx'],
	bundle: true,
	splitting: true,
	format: 'esm',
	platform: 'node',
	target: 'node20',
	outdir: 'dist',
	chunkNames: 'chunks/[name]-[hash]',
	minifySyntax: true,
	// React and its reconciler pick their production builds on this; the development ones are several
	// times slower per render and hold far more memory.
	define: {'process.env.NODE_ENV': '"production"'},
	minifyWhitespace: !process.env.KUBEHOP_READABLE_BUNDLE,
	// Ink imports React DevTools only when DEV=true; it is an optional peer kubehop does not ship.
	external: ['react-devtools-core'],
	alias: {'ajv/dist/2020.js': unused, 'ajv-formats': unused, semver: './source/bundle/semver-unused.ts', 'yoga-layout': './source/bundle/yoga-without-fetch.mjs', 'string-width': './source/bundle/string-width-fast.mjs'},
	// Some dependencies still call require() for Node built-ins from ESM.
	banner: {js: "#!/usr/bin/env node\nimport {createRequire as __kubehopRequire} from 'node:module'; const require = __kubehopRequire(import.meta.url);"},
	plugins: [dependencyPatches],
	logLevel: 'warning',
});
fs.chmodSync('dist/cli.js', 0o755);
// Which sources went into which chunk, for the test that keeps heavy dependencies off the switching path.
fs.mkdirSync('node_modules/.cache', {recursive: true});
fs.writeFileSync('node_modules/.cache/kubehop-bundle-meta.json', JSON.stringify(result.metafile));
