// Runs demo.ts: esbuild (already a dev dependency) compiles it, since Node 20 cannot run TypeScript itself.
import path from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';
import {build} from 'esbuild';

const root = fileURLToPath(new URL('../..', import.meta.url));
const outfile = path.join(root, 'node_modules', '.cache', 'kubehop-demo.mjs');
await build({entryPoints: [path.join(root, 'test/cluster/demo.ts')], bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', outfile, logLevel: 'warning'});
await import(pathToFileURL(outfile).href);
