import {execFileSync, spawnSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import {afterEach, describe, expect, it} from 'vitest';
import {changeFlag, restoreFlags, whileChanged, withDefaultFlags} from '../../source/bundle/v8-flags.ts';
import {cliPath} from '../support/kubehop-binary.ts';
import {tempTree, type TempTree} from '../support/temp-tree.ts';
import {fileChanges, poll, TmuxSession} from '../support/tmux.ts';

// The app changes V8's flags while it runs; the code caches it writes must still be the ones the next
// start, under V8's defaults, accepts. A fresh Node process says whether V8 accepts a cache: the oracle.

const source = 'function twice(value) { return value * 2; } twice(21);';
const cacheMadeNow = () => new vm.Script(source).createCachedData();

function acceptedByAFreshNode(cachedData: Buffer): boolean {
	const file = path.join(tempTree().root, 'cache.v8');
	fs.writeFileSync(file, cachedData);
	const check = `const vm = require('node:vm'); process.stdout.write(new vm.Script(${JSON.stringify(source)}, {cachedData: require('node:fs').readFileSync(${JSON.stringify(file)})}).cachedDataRejected ? 'refused' : 'accepted');`;
	const result = spawnSync(process.execPath, ['-e', check], {encoding: 'utf8', env: {PATH: process.env.PATH}});
	expect(result.status, result.stderr).toBe(0);
	return result.stdout === 'accepted';
}

afterEach(() => restoreFlags());

describe('V8 flags changed while the app runs', () => {
	it('are set aside while a code cache is made, so the next start accepts it', () => {
		changeFlag('--no-wasm-tier-up --no-wasm-dynamic-tiering', '--wasm-tier-up --wasm-dynamic-tiering');
		changeFlag('--no-opt', '--opt');
		const madeCarelessly = cacheMadeNow();
		const madeUnderDefaults = withDefaultFlags(cacheMadeNow);
		restoreFlags();
		// Not vacuous: made under the changed flags, V8 refuses it.
		expect(acceptedByAFreshNode(madeCarelessly)).toBe(false);
		expect(acceptedByAFreshNode(madeUnderDefaults)).toBe(true);
		// And restored, the flags are V8's defaults again.
		expect(acceptedByAFreshNode(cacheMadeNow())).toBe(true);
	});

	it("are changed for one piece of work only, and an app's own change outlives it", async () => {
		// Under --no-opt, a code cache made carelessly is refused: that tells whether the flag is set.
		const optimisingOff = () => !acceptedByAFreshNode(cacheMadeNow());
		expect(await whileChanged('--no-opt', '--opt', async () => optimisingOff())).toBe(true);
		expect(optimisingOff()).toBe(false);
		changeFlag('--no-opt', '--opt');
		await whileChanged('--no-opt', '--opt', async () => {});
		expect(optimisingOff()).toBe(true);
		// Failing work restores the flag too.
		restoreFlags();
		await expect(whileChanged('--no-opt', '--opt', async () => Promise.reject(new Error('parse failed')))).rejects.toThrow('parse failed');
		expect(optimisingOff()).toBe(false);
	});

	it('cost nothing when nothing was changed', () => {
		expect(withDefaultFlags(() => 42)).toBe(42);
	});
});

describe("Node's built-ins, loaded while kubehop has V8's flags changed", () => {
	// Node's built-ins carry code caches made under V8's default flags, and V8 refuses them under others:
	// node:tls loaded under --no-opt was compiled from its source, ~4 ms more. Node's test-only binding
	// (behind --expose-internals, a Node option that leaves V8's flags alone) lists those compiled so.
	const reporter = (tree: TempTree) =>
		tree.file(
			'report-builtins.cjs',
			[
				"const {internalBinding} = require('internal/test/binding');",
				"process.on('exit', () => require('node:fs').writeFileSync(process.env.BUILTINS_REPORT, JSON.stringify({withoutCache: [...internalBinding('builtins').getCacheUsage().compiledWithoutCache], loaded: process.moduleLoadList})));",
			].join('\n'),
		);
	const nodeWithReport = (tree: TempTree) => [process.execPath, '--expose-internals', '--no-warnings', '-r', reporter(tree)];
	const readReport = (report: string) => JSON.parse(fs.readFileSync(report, 'utf8')) as {withoutCache: string[]; loaded: string[]};

	function selfSignedKubeconfig(tree: TempTree): string {
		const key = path.join(tree.root, 'ca.key');
		const certificate = path.join(tree.root, 'ca.crt');
		// businessCategory is a name attribute kubehop's DER reader leaves to Node's X509Certificate: reading
		// this certificate loads node:crypto in the middle of the parse.
		execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', certificate, '-days', '30', '-subj', '/CN=flags-ca/businessCategory=tests'], {stdio: 'ignore'});
		const data = fs.readFileSync(certificate).toString('base64');
		// Port 1 refuses: the probe still loads node:tls, from a chunk, and fails fast.
		return tree.file(
			'home/.kube/config',
			`apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://127.0.0.1:1\n    certificate-authority-data: ${data}\ncontexts:\n- name: one\n  context:\n    cluster: c\n    user: u\nusers:\n- name: u\n  user:\n    client-certificate-data: ${data}\ncurrent-context: one\n`,
		);
	}

	it('come from their code cache in a cold `certs -A`, which parses under --no-opt', () => {
		const tree = tempTree();
		const kubeconfig = selfSignedKubeconfig(tree);
		const report = path.join(tree.root, 'builtins.json');
		const [node, ...options] = nodeWithReport(tree);
		const result = spawnSync(node!, [...options, cliPath, 'certs', '-A', '--offline'], {env: {PATH: process.env.PATH, HOME: tree.home, KUBECONFIG: kubeconfig, BUILTINS_REPORT: report, NO_COLOR: '1'}, encoding: 'utf8'});
		expect(result.stdout, result.stderr).toContain('CN=flags-ca, businessCategory=tests');
		const {withoutCache, loaded} = readReport(report);
		// Not vacuous: node:crypto was loaded in this run.
		expect(loaded).toContain('NativeModule crypto');
		expect(withoutCache).toEqual([]);
	});

	it("come from their code cache in the app, which runs under --no-opt: the Certificates pane's probe loads node:tls", async () => {
		const tree = tempTree();
		const kubeconfig = selfSignedKubeconfig(tree);
		const report = path.join(tree.root, 'builtins.json');
		const env = ['env', '-i', `HOME=${tree.home}`, `KUBECONFIG=${kubeconfig}`, `PATH=${process.env.PATH}`, 'TERM=xterm-256color', `BUILTINS_REPORT=${report}`];
		const tui = new TmuxSession(tree.root, [...env, ...nodeWithReport(tree), cliPath], {width: 100, height: 30});
		try {
			await tui.waitForScreen((lines) => lines[0]?.startsWith('kubehop one') === true, 'the app');
			for (let tab = 0; tab < 4; tab++) tui.keys('Tab');
			await tui.waitForScreen((lines) => lines.some((line) => line.includes('server certificate') && line.includes('unreachable')), 'the probe of the refusing server');
			tui.keys('C-c');
			await poll(() => (fs.existsSync(report) ? true : undefined), {what: 'the report written at exit', seen: () => tui.screen().join('\n'), changes: fileChanges(tree.root)});
		} finally {
			await tui.kill();
		}

		const {withoutCache, loaded} = readReport(report);
		expect(loaded).toContain('NativeModule tls');
		expect(withoutCache).toEqual([]);
	}, 60_000);
});
