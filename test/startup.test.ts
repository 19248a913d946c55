import {spawnSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {cliPath} from './support/kubehop-binary.ts';
import {tempTree} from './support/temp-tree.ts';

// `kubehop ctx -` must start fast: these paths may not load Ink, React, the Kubernetes client, and
// with a warm index not even the full YAML parser. The build records which sources each chunk holds;
// dist/ is CommonJS, so require's cache at exit says which chunks a run loaded.

type Metafile = {outputs: Record<string, {inputs: Record<string, unknown>}>};
const metaPath = path.resolve('node_modules/.cache/kubehop-bundle-meta.json');
// Ink and React themselves are in dist/chunks/ui-vendor.js, which their stand-ins load through the loader.
const heavy = /node_modules\/(?:ink|react|react-reconciler|@kubernetes\/client-node|yaml)\/|^kubehop-ui-vendor:|ui-vendor-loader/;

function heavySourcesLoadedBy(args: string[], env: Record<string, string>, pattern = heavy): string[] {
	const meta = JSON.parse(fs.readFileSync(metaPath, 'utf8')) as Metafile;
	const tree = tempTree();
	const trace = path.join(tree.root, 'trace.txt');
	const recorder = tree.file('record-loaded.cjs', `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(trace)}, Object.keys(require.cache).join('\\n')));\n`);
	const result = spawnSync(process.execPath, ['--require', recorder, cliPath, ...args], {env: {PATH: process.env.PATH, NO_COLOR: '1', ...env}, encoding: 'utf8'});
	expect(result.status, result.stderr).toBe(0);
	const loaded = fs.readFileSync(trace, 'utf8').split('\n').map((file) => path.relative(process.cwd(), file));
	// Not vacuous: the entry and its chunks are seen.
	expect(loaded).toContain('dist/cli.js');
	expect(loaded.some((file) => file.startsWith('dist/chunks/'))).toBe(true);
	return loaded.flatMap((chunk) => Object.keys(meta.outputs[chunk]?.inputs ?? {}).filter((input) => pattern.test(input)));
}

describe('start-up of the non-interactive paths', () => {
	it('loads no UI, no Kubernetes client, and with a warm index no YAML parser', () => {
		const tree = tempTree({'home/.kube/config': 'apiVersion: v1\nkind: Config\ncontexts:\n- context: {cluster: c}\n  name: a\n- context: {cluster: c}\n  name: b\ncurrent-context: a\n'});
		const env = {HOME: tree.home};
		expect(heavySourcesLoadedBy(['ctx', 'b'], env).filter((input) => !input.includes('node_modules/yaml/'))).toEqual([]);
		for (const args of [['ctx', '-'], ['ctx'], ['ctx', '-c'], ['history'], ['ns', '-c'], ['__complete', 'contexts'], ['__complete', 'namespaces']]) {
			expect(heavySourcesLoadedBy(args, env), args.join(' ')).toEqual([]);
		}

		expect(fs.existsSync(metaPath)).toBe(true);
		// The pattern still finds the UI where the bundle puts it.
		const meta = JSON.parse(fs.readFileSync(metaPath, 'utf8')) as Metafile;
		expect(Object.values(meta.outputs).flatMap((output) => Object.keys(output.inputs)).filter((input) => heavy.test(input) && input.includes('ui-vendor'))).toContain('source/bundle/ui-vendor-loader.mjs');
	});

	it('certs and --version leave the switching code alone (index, writes, ctx and ns), as api and can-i do', () => {
		const tree = tempTree({'home/.kube/config': 'apiVersion: v1\nkind: Config\nclusters:\n- cluster: {server: "https://127.0.0.1:1"}\n  name: c\ncontexts:\n- context: {cluster: c}\n  name: a\ncurrent-context: a\n'});
		const switching = /^source\/(?:kubeconfig\/(?:indexed-switch|file-index|operations|atomic-write|lock|edit)|commands\/(?:ctx|ns|switching))\.ts$/;
		expect(heavySourcesLoadedBy(['certs', '--offline'], {HOME: tree.home}, switching)).toEqual([]);
		expect(heavySourcesLoadedBy(['--version'], {HOME: tree.home}, switching)).toEqual([]);
		// Not vacuous: a switch loads them.
		expect(heavySourcesLoadedBy(['ctx', 'a'], {HOME: tree.home}, switching)).toContain('source/kubeconfig/indexed-switch.ts');
	});

	it('switches without node:crypto, node:assert or the streams: each costs a switch milliseconds to load', () => {
		const tree = tempTree({'home/.kube/config': 'apiVersion: v1\nkind: Config\ncontexts:\n- context: {cluster: c}\n  name: a\n- context: {cluster: c}\n  name: b\ncurrent-context: a\n'});
		const report = path.join(tree.root, 'builtins.json');
		const recorder = tree.file('record-builtins.cjs', `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(report)}, JSON.stringify(process.moduleLoadList)));\n`);
		for (const args of [['ctx', 'b'], ['ctx', '-'], ['ns', 'kube-system', '--force'], ['ns', '-'], ['ctx', '-c']]) {
			const result = spawnSync(process.execPath, ['--require', recorder, cliPath, ...args], {env: {PATH: process.env.PATH, NO_COLOR: '1', HOME: tree.home}, encoding: 'utf8'});
			expect(result.status, result.stderr).toBe(0);
			const loaded = JSON.parse(fs.readFileSync(report, 'utf8')) as string[];
			expect(loaded, args.join(' ')).toContain('NativeModule fs');
			expect(loaded.filter((name) => /^NativeModule (?:crypto|assert|stream|internal\/streams\/readable)$/.test(name)), args.join(' ')).toEqual([]);
		}
	});

	it('switches under node --jitless too, which has no WebAssembly for the index digest', () => {
		const tree = tempTree({'home/.kube/config': 'apiVersion: v1\nkind: Config\ncontexts:\n- context: {cluster: c}\n  name: a\n- context: {cluster: c}\n  name: b\ncurrent-context: a\n'});
		const run = (args: string[]) => spawnSync(process.execPath, ['--jitless', cliPath, ...args], {env: {PATH: process.env.PATH, NO_COLOR: '1', HOME: tree.home}, encoding: 'utf8'});
		for (const [args, said] of [[['ctx', 'b'], 'Switched to context "b".'], [['ctx', '-'], 'Switched to context "a".'], [['ctx', '-'], 'Switched to context "b".']] as const) {
			const result = run([...args]);
			expect(result.status, result.stderr).toBe(0);
			expect(result.stderr).toContain(said);
		}

		expect(tree.read('home/.kube/config')).toContain('current-context: b\n');
	});
});
