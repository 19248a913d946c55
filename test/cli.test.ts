import {spawnSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {run} from '../source/commands/run.ts';
import {cliPath, kubehop, snapshot} from './support/kubehop-binary.ts';
import {tempTree} from './support/temp-tree.ts';

const config = (current: string, extra = '') => `apiVersion: v1
kind: Config
clusters:
- cluster:
    server: https://127.0.0.1:6443
  name: c
contexts:
- context:
    cluster: c
    user: u
  name: dev
- context:
    cluster: c
    namespace: payments
    user: u
  name: arn:aws:eks:us-east-1:123456789012:cluster/prod
- context:
    cluster: c
    user: u
  name: gke_proj_europe-west1-b_staging
${extra}current-context: ${current}
users:
- name: u
  user:
    token: t
`;

function homeWithConfig(text = config('dev')) {
	const tree = tempTree({'home/.kube/config': text});
	return {tree, env: {HOME: tree.home}};
}

describe('kubehop ctx (black box)', () => {
	it('lists, switches, toggles with "-" and prints the stack', () => {
		const {tree, env} = homeWithConfig();
		expect(kubehop(['ctx'], {env}).stdout).toBe('arn:aws:eks:us-east-1:123456789012:cluster/prod\ndev\ngke_proj_europe-west1-b_staging\n');
		const prod = 'arn:aws:eks:us-east-1:123456789012:cluster/prod';
		const switched = kubehop(['ctx', prod], {env});
		expect(switched).toMatchObject({status: 0, stdout: ''});
		expect(switched.stderr).toBe(`Switched to context "${prod}".\n`);
		expect(kubehop(['ctx', 'gke_proj_europe-west1-b_staging'], {env}).status).toBe(0);
		expect(kubehop(['ctx', '-'], {env}).stderr).toContain(prod);
		expect(kubehop(['ctx', '-'], {env}).stderr).toContain('gke_proj');
		expect(kubehop(['ctx', '-2'], {env}).stderr).toContain('"dev"');
		expect(kubehop(['ctx', '-c'], {env}).stdout).toBe('dev\n');
		const history = JSON.parse(kubehop(['history', '--json'], {env}).stdout) as {contexts: Array<{name: string}>};
		expect(history.contexts.map((entry) => entry.name)).toEqual(['dev', 'gke_proj_europe-west1-b_staging', prod]);
		expect(tree.read('home/.kube/config')).toBe(config('dev'));
	});

	it('"-" after an unset (ctx -u) goes back to the context that was unset', () => {
		const {tree, env} = homeWithConfig();
		expect(kubehop(['ctx', 'gke_proj_europe-west1-b_staging'], {env}).status).toBe(0);
		expect(kubehop(['ctx', '-u'], {env}).stderr).toBe('Active context unset for kubectl.\n');
		expect(tree.read('home/.kube/config')).not.toContain('current-context: gke');
		expect(kubehop(['ctx', '-u'], {env}).status).toBe(0);
		// Unset, no entry is where the user is: they are numbered from 1, as -N counts them.
		expect(kubehop(['history'], {env}).stdout).toMatch(/^ {2}1 gke_proj_europe-west1-b_staging .*\n {2}2 dev /);
		expect(kubehop(['ctx', '-'], {env}).stderr).toBe('Switched to context "gke_proj_europe-west1-b_staging".\n');
		expect(kubehop(['ctx', '-'], {env}).stderr).toBe('Switched to context "dev".\n');
	});

	it('ctx -u says which context is active when a later file still sets one, as kubectl then reads it (R14)', () => {
		const {tree, env} = homeWithConfig();
		const first = path.join(tree.home, '.kube', 'config');
		const second = tree.file('k/second.yaml', config('gke_proj_europe-west1-b_staging'));
		const listed = {...env, KUBECONFIG: `${first}:${second}`};
		const result = kubehop(['ctx', '-u'], {env: listed});
		expect(result).toMatchObject({status: 0, stderr: `warning: current-context unset in ${first}, but ${second} sets it too: the active context is now "gke_proj_europe-west1-b_staging"\n`});
		expect(kubehop(['ctx', '-c'], {env: listed}).stdout).toBe('gke_proj_europe-west1-b_staging\n');
		const kubectl = spawnSync('kubectl', ['config', 'current-context'], {env: {PATH: process.env.PATH, HOME: tree.home, KUBECONFIG: listed.KUBECONFIG}, encoding: 'utf8'});
		expect(kubectl.stdout).toBe('gke_proj_europe-west1-b_staging\n');
		expect(tree.read('k/second.yaml')).toBe(config('gke_proj_europe-west1-b_staging'));
		// Unset in both: now nothing is active.
		expect(kubehop(['ctx', '-u'], {env: listed}).stderr).toBe('Active context unset for kubectl.\n');
		expect(kubehop(['ctx', '-c'], {env: listed}).status).toBe(1);
		// Both files naming the same context: it is still the active one.
		const same = tree.file('k/same.yaml', config('dev'));
		const sameListed = {...env, KUBECONFIG: `${tree.file('k/first.yaml', config('dev'))}:${same}`};
		expect(kubehop(['ctx', '-u'], {env: sameListed}).stderr).toMatch(/sets it too: the active context is still "dev"\n$/);
	});

	it('history numbers its entries as ctx -N counts them, skipping contexts no longer in the kubeconfig', () => {
		const {tree, env} = homeWithConfig();
		const prod = 'arn:aws:eks:us-east-1:123456789012:cluster/prod';
		expect(kubehop(['ctx', 'gke_proj_europe-west1-b_staging'], {env}).status).toBe(0);
		expect(kubehop(['ctx', prod], {env}).status).toBe(0);
		// Deleted with another tool: the history still names it.
		tree.file('home/.kube/config', config(prod).replace('- context:\n    cluster: c\n    user: u\n  name: gke_proj_europe-west1-b_staging\n', ''));
		const listed = kubehop(['history'], {env}).stdout.split('\n');
		expect(listed.slice(0, 3)).toEqual([expect.stringMatching(/^\* {3}arn:aws/), expect.stringMatching(/^ {4}gke_proj_europe-west1-b_staging .*\(gone\)$/), expect.stringMatching(/^ {2}1 dev /)]);
		expect(JSON.parse(kubehop(['history', '--json'], {env}).stdout).contexts.map((entry: {back: number | null}) => entry.back)).toEqual([null, null, 1]);
		expect(kubehop(['ctx', '-1'], {env}).stderr).toContain('Switched to context "dev".');
	});

	it('answers to the kubectx and kubens names', () => {
		const {tree, env} = homeWithConfig();
		const bin = path.join(tree.root, 'bin');
		fs.mkdirSync(bin);
		const cli = path.resolve('dist/cli.js');
		fs.symlinkSync(cli, path.join(bin, 'kubectx'));
		fs.symlinkSync(cli, path.join(bin, 'kubens'));
		const kubectx = path.join(bin, 'kubectx');
		const kubens = path.join(bin, 'kubens');
		expect(runPath(kubectx, ['-c'], env).stdout).toBe('dev\n');
		expect(runPath(kubens, ['-c'], env).stdout).toBe('default\n');
		expect(runPath(kubens, ['qa', '--force'], env).stderr).toBe('Active namespace is "qa".\n');
		expect(runPath(kubens, ['-'], env).stderr).toBe('Active namespace is "default".\n');
	});

	it('a refused switch creates nothing, not even the directory its lock would need', () => {
		const {tree, env} = homeWithConfig();
		const typo = path.join(tree.root, 'typo');
		for (const args of [['ctx', 'nope'], ['ctx', '-'], ['ctx', '-3'], ['ns', '-u']]) {
			const result = kubehop(['--kubeconfig', path.join(typo, 'dir', 'config'), ...args], {env});
			expect(result.status, args.join(' ')).toBe(1);
			expect(fs.existsSync(typo), args.join(' ')).toBe(false);
		}
	});

	it('a switch back checked before its locks (a listed directory is missing) warns of a skipped entry once, then writes', () => {
		const {tree, env} = homeWithConfig();
		const missing = path.join(tree.root, 'new');
		const listed = {...env, KUBECONFIG: `${path.join(tree.home, '.kube', 'config')}:${path.join(missing, 'x.yaml')}`};
		const prod = 'arn:aws:eks:us-east-1:123456789012:cluster/prod';
		expect(kubehop(['ctx', 'gke_proj_europe-west1-b_staging'], {env: listed}).status).toBe(0);
		expect(kubehop(['ctx', prod], {env: listed}).status).toBe(0);
		tree.file('home/.kube/config', config(prod).replace('- context:\n    cluster: c\n    user: u\n  name: gke_proj_europe-west1-b_staging\n', ''));
		fs.rmSync(missing, {recursive: true});
		const result = kubehop(['ctx', '-'], {env: listed});
		expect(result).toMatchObject({status: 0, stderr: 'warning: skipped "gke_proj_europe-west1-b_staging" from history: it is no longer in the kubeconfig\nSwitched to context "dev".\n'});
		// A write takes kubectl's locks, making their directories as kubectl does (R16).
		expect(fs.existsSync(missing)).toBe(true);
	});

	it('gives JSON for the list and the current context', () => {
		const {env} = homeWithConfig();
		const list = JSON.parse(kubehop(['ctx', '--json'], {env}).stdout) as Array<{name: string; current: boolean; namespace: string}>;
		expect(list.find((entry) => entry.current)?.name).toBe('dev');
		expect(JSON.parse(kubehop(['ctx', '-c', '--json'], {env}).stdout)).toMatchObject({name: 'dev', server: 'https://127.0.0.1:6443', namespace: 'default'});
	});

	it('renames and deletes, following the history', () => {
		const {env} = homeWithConfig();
		expect(kubehop(['ctx', 'gke_proj_europe-west1-b_staging'], {env}).status).toBe(0);
		expect(kubehop(['ctx', 'development=dev'], {env}).stderr).toBe('Context "dev" renamed to "development".\n');
		expect(kubehop(['ctx', '-'], {env}).stderr).toBe('Switched to context "development".\n');
		expect(kubehop(['ctx', 'stg=.'], {env}).stderr).toBe('Context "development" renamed to "stg".\n');
		expect(kubehop(['ctx', '-d', '.'], {env}).stderr).toContain('Deleted context stg.');
		expect(kubehop(['ctx'], {env}).stdout).toBe('arn:aws:eks:us-east-1:123456789012:cluster/prod\ngke_proj_europe-west1-b_staging\n');
		expect(kubehop(['ctx', 'stg=nope'], {env}).status).toBe(1);
	});

	it('takes a name after --, as kubectl does, even one that starts with -', () => {
		const {env, tree} = homeWithConfig(config('dev').replace('  name: dev\n', '  name: dev\n- context:\n    cluster: c\n    user: u\n  name: "-dash"\n'));
		expect(kubehop(['ctx', '-dash'], {env}).status).toBe(2);
		expect(kubehop(['ctx', '--', '-dash'], {env}).stderr).toBe('Switched to context "-dash".\n');
		expect(kubehop(['ctx', '-c'], {env}).stdout).toBe('-dash\n');
		expect(kubehop(['ns', '--force', '--', '-odd'], {env}).stderr).toBe('Active namespace is "-odd".\n');
		expect(kubehop(['ctx', '-d', '--', '-dash'], {env}).stderr).toContain('Deleted context -dash.');
		expect(tree.read('home/.kube/config')).not.toContain('name: "-dash"');
		// Before the command, -- ends the global flags only; a trailing -- changes nothing.
		expect(kubehop(['--', 'ctx'], {env}).stdout).toContain('dev\n');
		expect(kubehop(['ctx', '-c', '--'], {env}).stdout).toBe(kubehop(['ctx', '-c'], {env}).stdout);
		expect(kubehop(['ns', '-c', '--'], {env}).status).toBe(0);
		expect(kubehop(['--help', '--', 'ctx'], {env}).stdout).toMatch(/^USAGE \(kubehop ctx/);
	});

	it('uses exit code 2 for usage errors', () => {
		const {env} = homeWithConfig();
		expect(kubehop(['ctx', '--bogus'], {env}).status).toBe(2);
		expect(kubehop(['ctx', 'a', 'b'], {env}).status).toBe(2);
		expect(kubehop(['frobnicate'], {env}).status).toBe(2);
		expect(kubehop(['-A', 'can-i'], {env})).toMatchObject({status: 2, stderr: 'error: flag -A goes after the command it belongs to\nhint: kubehop can-i -A\n'});
		expect(kubehop(['--bogus', 'ctx'], {env})).toMatchObject({status: 2, stderr: 'error: unknown flag "--bogus"\nhint: run kubehop --help for the flags\n'});
		expect(kubehop(['completion', 'tcsh'], {env}).status).toBe(2);
		expect(kubehop(['completion'], {env}).status).toBe(2);
		expect(kubehop(['history', 'foo'], {env})).toMatchObject({status: 2, stderr: expect.stringContaining('history takes no arguments')});
	});

	it.each(['ctx', 'ns', 'history', 'can-i', 'certs', 'api', 'proxy', 'completion'])('%s --help prints its own help, exit 0, and does nothing else', (command) => {
		const {tree, env} = homeWithConfig();
		const kubeconfigs = path.join(tree.home, '.kube');
		const before = snapshot(kubeconfigs);
		const result = kubehop([command, '--help'], {env});
		expect(result).toMatchObject({status: 0, stderr: ''});
		expect(result.stdout).toMatch(new RegExp(`^USAGE.*\\n {2}kubehop ${command} `, 's'));
		expect(kubehop(['help', command], {env}).stdout).toBe(result.stdout);
		expect(kubehop(['--help', command, 'extra'], {env}).stdout).toBe(result.stdout);
		expect(snapshot(kubeconfigs)).toEqual(before);
	});

	it('reads an empty --context= as the current context, as kubectl does', () => {
		const {env} = homeWithConfig();
		for (const args of [['certs', '--context=', '--offline'], ['--context=', 'certs', '--offline'], ['certs', '--context', '', '--offline']]) {
			const result = kubehop(args, {env});
			expect(result.status, `${args.join(' ')}: ${result.stderr}`).toBe(0);
			expect(result.stdout, args.join(' ')).toContain('dev');
		}
	});

	it('prints help or the version whatever flags come before the command, even ones that command refuses', () => {
		const {env} = homeWithConfig();
		expect(kubehop(['-n', 'dev', '--help'], {env})).toMatchObject({status: 0, stdout: expect.stringMatching(/^kubehop: /)});
		expect(kubehop(['--as', 'jane', 'ctx', '--help'], {env})).toMatchObject({status: 0, stdout: expect.stringMatching(/^USAGE \(kubehop ctx/)});
		expect(kubehop(['--context', 'dev', 'can-i', '--help'], {env})).toMatchObject({status: 0, stdout: expect.stringMatching(/^USAGE\n {2}kubehop can-i/)});
		expect(kubehop(['--version', '-n', 'dev'], {env})).toMatchObject({status: 0, stdout: expect.stringMatching(/^kubehop \d/)});
	});

	it('prints completion scripts that name the contexts', () => {
		const {env} = homeWithConfig();
		for (const shell of ['bash', 'zsh', 'fish']) expect(kubehop(['completion', shell], {env}).stdout).toMatch(/__complete "?\$?1?"? ?|__complete contexts/);
		expect(kubehop(['__complete', 'contexts'], {env}).stdout.split('\n')).toContain('dev');
		expect(kubehop(['__complete', 'namespaces'], {env}).stdout.split('\n')).toContain('payments');
	});
});

describe('bash completion', () => {
	/** What bash offers for `line` (its words split as bash splits them, at ':' too), with kubehop on PATH. */
	function offered(tree: ReturnType<typeof tempTree>, line: string, words: string[], completer = '_kubectx_kubehop'): string[] {
		const bin = binWithKubehop(tree);
		const script = ['set -u', 'source <(kubehop completion bash)', `COMP_LINE=${JSON.stringify(line)}; COMP_POINT=\${#COMP_LINE}`, `COMP_WORDS=(${words.map((word) => `'${word.replaceAll("'", "'\\''")}'`).join(' ')}); COMP_CWORD=${words.length - 1}`, completer, 'printf "%s\\n" "${COMPREPLY[@]}"'].join('\n');
		const result = spawnSync('bash', ['--norc', '--noprofile', '-c', script], {env: {PATH: `${bin}:${process.env.PATH}`, HOME: tree.home}, encoding: 'utf8'});
		expect(result.status, result.stderr).toBe(0);
		return result.stdout.split('\n').filter(Boolean);
	}

	it('offers names as plain text: a name that is shell code does not run, ARNs complete past their colons, spaces are escaped', () => {
		const tree = tempTree();
		const marker = path.join(tree.root, 'PWNED');
		const contexts = [`$(touch ${marker})`, 'arn:aws:eks:us-east-1:123456789012:cluster/prod', 'arn:aws:eks:us-east-1:123456789012:cluster/staging', 'my team ctx', 'my team:prod'];
		tree.file('home/.kube/config', `apiVersion: v1\nkind: Config\ncontexts:\n${contexts.map((name) => `- name: ${JSON.stringify(name)}\n  context: {cluster: c}\n`).join('')}`);
		expect(offered(tree, 'kubectx ', ['kubectx', ''])).toHaveLength(5);
		expect(fs.existsSync(marker)).toBe(false);
		// bash splits `arn:aws:…:cluster/s` at each ':' and replaces only the last piece.
		expect(offered(tree, 'kubectx arn:aws:eks:us-east-1:123456789012:cluster/s', ['kubectx', 'arn', ':', 'aws', ':', 'eks', ':', 'us-east-1', ':', '123456789012', ':', 'cluster/s'])).toEqual(['cluster/staging']);
		expect(offered(tree, 'kubectx arn:', ['kubectx', 'arn', ':'])).toEqual([':aws:eks:us-east-1:123456789012:cluster/prod', ':aws:eks:us-east-1:123456789012:cluster/staging']);
		expect(offered(tree, 'kubectx my\\ team\\ c', ['kubectx', 'my\\ team\\ c'])).toEqual(['my\\ team\\ ctx']);
		// An escape before a colon: only the piece after the colon is replaced, measured as the name spells it.
		expect(offered(tree, 'kubectx my\\ team:pr', ['kubectx', 'my\\ team', ':', 'pr'])).toEqual(['prod']);
		// After bash has put in a shared prefix with its escapes, the next Tab goes on from it.
		expect(offered(tree, 'kubectx my\\ team', ['kubectx', 'my\\ team'])).toEqual(['my\\ team\\ ctx', 'my\\ team:prod']);
		expect(fs.existsSync(marker)).toBe(false);
	});

	it('finds the command after global flags (an ARN value included), and offers the flags each command\'s help defines', () => {
		const tree = tempTree({'home/.kube/config': config('dev')});
		const arn = ['arn', ':', 'aws', ':', 'eks', ':', 'us-east-1', ':', '123456789012', ':', 'cluster/prod'];
		expect(offered(tree, 'kubehop --context arn:aws:eks:us-east-1:123456789012:cluster/prod ctx d', ['kubehop', '--context', ...arn, 'ctx', 'd'], '_kubehop')).toEqual(['dev']);
		expect(offered(tree, 'kubehop --kubeconfig x ', ['kubehop', '--kubeconfig', 'x', ''], '_kubehop')).toContain('certs');
		expect(offered(tree, 'kubectx --cu', ['kubectx', '--cu'])).toEqual(['--current']);
		expect(offered(tree, 'kubehop certs --of', ['kubehop', 'certs', '--of'], '_kubehop')).toEqual(['--offline']);
		expect(offered(tree, 'kubehop can-i --as-', ['kubehop', 'can-i', '--as-'], '_kubehop')).toEqual(['--as-group', '--as-uid']);
		// bash splits `--kubeconfig=/x` at '=' too: the value is not the command.
		const kubeconfig = path.join(tree.home, '.kube', 'config');
		expect(offered(tree, `kubehop --kubeconfig=${kubeconfig} ctx d`, ['kubehop', '--kubeconfig', '=', kubeconfig, 'ctx', 'd'], '_kubehop')).toEqual(['dev']);
		expect(offered(tree, 'kubehop -n dev can-i --o', ['kubehop', '-n', 'dev', 'can-i', '--o'], '_kubehop')).toEqual(['--only-allowed']);
	});

	it('completes flag values (files for --kubeconfig, names for --context and -n) and, after -n, only the commands taking it', () => {
		const tree = tempTree({'home/.kube/config': config('dev'), 'home/kube configs/one.yaml': ''});
		expect(offered(tree, 'kubehop --context g', ['kubehop', '--context', 'g'], '_kubehop')).toEqual(['gke_proj_europe-west1-b_staging']);
		expect(offered(tree, 'kubehop can-i --context=d', ['kubehop', 'can-i', '--context', '=', 'd'], '_kubehop')).toEqual(['dev']);
		expect(offered(tree, 'kubehop -n ', ['kubehop', '-n', ''], '_kubehop')).toContain('default');
		expect(offered(tree, `kubehop --kubeconfig ${tree.home}/kube`, ['kubehop', '--kubeconfig', `${tree.home}/kube`], '_kubehop')).toEqual([`${tree.home}/kube configs`]);
		expect(offered(tree, 'kubehop -n dev ', ['kubehop', '-n', 'dev', ''], '_kubehop')).toEqual(['can-i']);
		expect(offered(tree, 'kubehop --as jane --context dev ', ['kubehop', '--as', 'jane', '--context', 'dev', ''], '_kubehop')).toEqual(['can-i', 'proxy']);
		expect(offered(tree, 'kubehop --no-color=true ctx d', ['kubehop', '--no-color', '=', 'true', 'ctx', 'd'], '_kubehop')).toEqual(['dev']);
		// An ARN after --context, split by bash at each ':': the flag is found before its first piece.
		const arn = ['arn', ':', 'aws', ':', 'eks', ':', 'us-east-1', ':', '1'];
		expect(offered(tree, 'kubehop --context arn:aws:eks:us-east-1:1', ['kubehop', '--context', ...arn], '_kubehop')).toEqual(['123456789012:cluster/prod']);
		expect(offered(tree, 'kubehop can-i --context=arn:aws:eks:us-east-1:1', ['kubehop', 'can-i', '--context', '=', ...arn], '_kubehop')).toEqual(['123456789012:cluster/prod']);
		// Values with nothing to offer get nothing, not the command names.
		expect(offered(tree, 'kubehop --request-timeout ', ['kubehop', '--request-timeout', ''], '_kubehop')).toEqual([]);
	});

	it('completes names from the file --kubeconfig names, and inside quotes as the quote reads them', () => {
		const tree = tempTree({'home/.kube/config': config('dev')});
		const other = tree.file('other config.yaml', `apiVersion: v1\nkind: Config\ncontexts:\n${['other-a', 'my team ctx', 'say "hi" $x'].map((name) => `- name: ${JSON.stringify(name)}\n  context: {cluster: c}\n`).join('')}`);
		const escaped = other.replaceAll(' ', '\\ ');
		expect(offered(tree, `kubehop --kubeconfig ${escaped} ctx o`, ['kubehop', '--kubeconfig', escaped, 'ctx', 'o'], '_kubehop')).toEqual(['other-a']);
		expect(offered(tree, `kubehop --kubeconfig="${other}" ctx o`, ['kubehop', '--kubeconfig', '=', `"${other}"`, 'ctx', 'o'], '_kubehop')).toEqual(['other-a']);
		expect(offered(tree, `kubectx --kubeconfig ${escaped} o`, ['kubectx', '--kubeconfig', escaped, 'o'])).toEqual(['other-a']);
		// bash closes the quote itself: inside single quotes a name goes in as it is, inside double quotes escaped as they need.
		expect(offered(tree, `kubectx --kubeconfig ${escaped} 'my`, ['kubectx', '--kubeconfig', escaped, "'my"])).toEqual(['my team ctx']);
		expect(offered(tree, `kubectx --kubeconfig ${escaped} "say`, ['kubectx', '--kubeconfig', escaped, '"say'])).toEqual(['say \\"hi\\" \\$x']);
		expect(offered(tree, `kubectx --kubeconfig ${escaped} my`, ['kubectx', '--kubeconfig', escaped, 'my'])).toEqual(['my\\ team\\ ctx']);
		// A ' in a name closes the quote and opens it again: what follows stays quoted, and runs nothing.
		const marker = path.join(tree.root, 'PWNED');
		tree.file('home/.kube/config', `apiVersion: v1\nkind: Config\ncontexts:\n- name: ${JSON.stringify(`x'$(touch ${marker})'z`)}\n  context: {cluster: c}\n`);
		expect(offered(tree, "kubectx 'x", ['kubectx', "'x"])).toEqual([`x'\\''$(touch ${marker})'\\''z`]);
		expect(fs.existsSync(marker)).toBe(false);
	});

	it('offers ctx, ns and history only the flags they take: not --context, -n or --as, which they refuse', () => {
		const tree = tempTree({'home/.kube/config': config('dev')});
		for (const [line, words, completer] of [['kubectx --', ['kubectx', '--'], '_kubectx_kubehop'], ['kubens --', ['kubens', '--'], '_kubens_kubehop'], ['kubehop history --', ['kubehop', 'history', '--'], '_kubehop']] as const) {
			const flags = offered(tree, line, [...words], completer);
			expect(flags).toContain('--kubeconfig');
			expect(flags.filter((flag) => /^--(context|namespace|as)/.test(flag))).toEqual([]);
		}

		expect(offered(tree, 'kubehop --', ['kubehop', '--'], '_kubehop')).toEqual(expect.arrayContaining(['--context', '--as']));
	});
});

/** A directory with a `kubehop` on it that runs this build, for the shells' completion to call. */
function binWithKubehop(tree: ReturnType<typeof tempTree>): string {
	const bin = path.dirname(tree.file('bin/kubehop', `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(cliPath)} "$@"\n`));
	fs.chmodSync(path.join(bin, 'kubehop'), 0o755);
	return bin;
}

const completionNames = (marker: string) => [`$(touch ${marker})`, 'arn:aws:eks:us-east-1:123456789012:cluster/prod', 'dev', 'my team ctx'];

describe('zsh completion', () => {
	/**
	 * What _kubehop adds for `words` (zsh's own split: `--kubeconfig=/x` stays one word), with compadd
	 * standing in for zsh's, which needs a line editor: it prints what it is given, before zsh's own
	 * matching against the prefix.
	 */
	function added(tree: ReturnType<typeof tempTree>, service: string, words: string[]): string[] {
		const quoted = words.map((word) => `'${word}'`).join(' ');
		const script = [
			'compdef() { :; }',
			'compadd() { if [[ $1 == -a ]]; then print -rl -- "${(@P)2}"; else print -rl -- "$@"; fi }',
			'_files() { print -r -- "(files)"; }',
			// zsh's compset -P moves the matched prefix out of PREFIX.
			"compset() { [[ $1 == -P ]] && PREFIX=${PREFIX#*=}; }",
			'source <(kubehop completion zsh)',
			`service=${service}; words=(${quoted}); CURRENT=${words.length}; PREFIX=${words.at(-1)!.startsWith('-') ? `'${words.at(-1)}'` : "''"}`,
			'_kubehop',
		].join('\n');
		const result = spawnSync('zsh', ['-f', '-c', script], {env: {PATH: `${binWithKubehop(tree)}:${process.env.PATH}`, HOME: tree.home}, encoding: 'utf8'});
		expect(result.error, 'zsh is needed (.ci/run installs it from Debian)').toBeUndefined();
		expect(result.status, result.stderr).toBe(0);
		return result.stdout.split('\n').filter(Boolean);
	}

	it('finds the command past global flags, offers each command its own flags, and adds names as data', () => {
		const tree = tempTree();
		const marker = path.join(tree.root, 'PWNED');
		tree.file('home/.kube/config', `apiVersion: v1\nkind: Config\ncontexts:\n${completionNames(marker).map((name) => `- name: ${JSON.stringify(name)}\n  context: {cluster: c, namespace: team-ns}\n`).join('')}current-context: dev\n`);
		expect(added(tree, 'kubehop', ['kubehop', ''])).toEqual(['ctx', 'ns', 'history', 'can-i', 'certs', 'api', 'proxy', 'completion']);
		expect(added(tree, 'kubehop', ['kubehop', `--kubeconfig=${tree.home}/.kube/config`, '--context', 'arn:aws:eks:us-east-1:123456789012:cluster/prod', 'ctx', ''])).toHaveLength(4);
		expect(added(tree, 'kubectx', ['kubectx', ''])).toEqual([...completionNames(marker)].sort());
		expect(added(tree, 'kubens', ['kubens', ''])).toContain('team-ns');
		expect(added(tree, 'kubehop', ['kubehop', '-n', 'dev', 'can-i', '--o'])).toContain('--only-allowed');
		expect(added(tree, 'kubehop', ['kubehop', '-n', 'dev', ''])).toEqual(['can-i']);
		expect(added(tree, 'kubehop', ['kubehop', '--context=dev', '--as', 'jane', ''])).toEqual(['can-i', 'proxy']);
		expect(added(tree, 'kubehop', ['kubehop', '--kubeconfig', ''])).toEqual(['(files)']);
		expect(added(tree, 'kubehop', ['kubehop', '--kubeconfig='])).toEqual(['(files)']);
		expect(added(tree, 'kubehop', ['kubehop', 'can-i', '--context', ''])).toHaveLength(4);
		expect(added(tree, 'kubehop', ['kubehop', '-n', ''])).toContain('team-ns');
		// Names from the file --kubeconfig names, in either spelling.
		const other = tree.file('other.yaml', 'apiVersion: v1\nkind: Config\ncontexts:\n- name: other-a\n  context: {cluster: c}\n');
		expect(added(tree, 'kubehop', ['kubehop', '--kubeconfig', other, 'ctx', ''])).toEqual(['other-a']);
		expect(added(tree, 'kubectx', ['kubectx', `--kubeconfig=${other}`, ''])).toEqual(['other-a']);
		expect(added(tree, 'kubehop', ['kubehop', 'can-i', '--kubeconfig', other, '--context', ''])).toEqual(['other-a']);
		const ctxFlags = added(tree, 'kubectx', ['kubectx', '--']);
		expect(ctxFlags).toEqual(expect.arrayContaining(['--current', '--kubeconfig']));
		expect(ctxFlags.filter((flag) => /^--(context|namespace|as)/.test(flag))).toEqual([]);
		expect(fs.existsSync(marker)).toBe(false);
	});
});

describe('fish completion', () => {
	/** What fish itself completes for `line` (`complete -C`), with kubehop's completion loaded. */
	function completed(tree: ReturnType<typeof tempTree>, line: string): string[] {
		const result = spawnSync('fish', ['--no-config', '-c', `kubehop completion fish | source; complete -C ${JSON.stringify(line)}`], {env: {PATH: `${binWithKubehop(tree)}:${process.env.PATH}`, HOME: tree.home}, encoding: 'utf8'});
		expect(result.error, 'fish is needed (.ci/run installs it from Debian)').toBeUndefined();
		expect(result.status, result.stderr).toBe(0);
		expect(result.stderr).toBe('');
		return result.stdout.split('\n').filter(Boolean).map((entry) => entry.split('\t')[0]!);
	}

	it('finds the command past global flags, offers each command its own flags, and never evaluates a name', () => {
		const tree = tempTree();
		const marker = path.join(tree.root, 'PWNED');
		tree.file('home/.kube/config', `apiVersion: v1\nkind: Config\ncontexts:\n${completionNames(marker).map((name) => `- name: ${JSON.stringify(name)}\n  context: {cluster: c, namespace: team-ns}\n`).join('')}current-context: dev\n`);
		expect(completed(tree, 'kubehop ')).toEqual(['api', 'can-i', 'certs', 'completion', 'ctx', 'history', 'ns', 'proxy']);
		expect(completed(tree, `kubehop --kubeconfig=${tree.home}/.kube/config --context arn:aws:eks:us-east-1:123456789012:cluster/prod ctx `)).toHaveLength(4);
		expect(completed(tree, 'kubectx arn')).toEqual(['arn:aws:eks:us-east-1:123456789012:cluster/prod']);
		expect(completed(tree, 'kubens t')).toEqual(['team-ns']);
		expect(completed(tree, 'kubehop -n dev can-i --o')).toEqual(['--only-allowed']);
		expect(completed(tree, 'kubehop certs --of')).toEqual(['--offline']);
		// ctx refuses --context, so it is not offered (fish then matches the names loosely instead).
		expect(completed(tree, 'kubectx --co')).not.toContain('--context');
		expect(completed(tree, 'kubehop --co')).toEqual(['--context']);
		expect(completed(tree, 'kubehop -n dev ')).toEqual(['can-i']);
		// Values with nothing to offer get nothing, not the command names.
		expect(completed(tree, 'kubehop --as ')).toEqual([]);
		expect(completed(tree, 'kubehop --request-timeout ')).toEqual([]);
		expect(completed(tree, 'kubehop --as jane ')).toEqual(['can-i', 'proxy']);
		expect(completed(tree, 'kubehop can-i --context ')).toHaveLength(4);
		expect(completed(tree, 'kubehop can-i -n t')).toEqual(['team-ns']);
		const other = tree.file('other.yaml', 'apiVersion: v1\nkind: Config\ncontexts:\n- name: other-a\n  context: {cluster: c}\n');
		expect(completed(tree, `kubehop --kubeconfig ${other} ctx `)).toEqual(['other-a']);
		expect(completed(tree, `kubectx --kubeconfig=${other} `)).toEqual(['other-a']);
		expect(completed(tree, `kubehop can-i --kubeconfig ${other} --context `)).toEqual(['other-a']);
		tree.file('home/kube configs/one.yaml', '');
		expect(completed(tree, `kubehop --kubeconfig ${tree.home}/kube`)).toEqual([`${tree.home}/kube configs/`]);
		expect(fs.existsSync(marker)).toBe(false);
	});
});

describe('bad input: a clear error naming the file, a non-zero exit, nothing written', () => {
	type Case = {name: string; files: Record<string, string>; env?: (root: string) => Record<string, string>; args: string[]; message: RegExp; prepare?: (root: string) => void; asNobody?: boolean};
	const good = config('dev');
	const cases: Case[] = [
		{name: 'malformed YAML', files: {'k/config': 'contexts:\n- name: [unclosed\n'}, args: ['ctx', 'dev'], message: /k\/config.*invalid YAML/},
		// One Latin-1 byte: read as U+FFFD, every offset after it was off, and a switch spliced the wrong bytes.
		...[['ctx', 'gke_proj_europe-west1-b_staging'], ['ns', 'x', '--force'], ['ctx', '-d', 'dev']].map((args): Case => ({name: `bytes that are not UTF-8 (${args.join(' ')})`, files: {'k/config': good}, args, message: /k\/config": line 1: not UTF-8 text/, prepare: (root) => fs.writeFileSync(path.join(root, 'k', 'config'), Buffer.concat([Buffer.from('# caf\xe9\n', 'latin1'), Buffer.from(good)]))})),
		{name: 'a directory in KUBECONFIG', files: {'k/config': good, 'k/dir/x': ''}, env: (root) => ({KUBECONFIG: `${root}/k/config:${root}/k/dir`}), args: ['ctx', 'dev'], message: /k\/dir.*is a directory/},
		{name: 'duplicate names in one file', files: {'k/config': good.replace('name: gke_proj_europe-west1-b_staging', 'name: dev')}, args: ['ctx', 'dev'], message: /k\/config.*contexts\[2\]\.name.*duplicate name "dev"/},
		{name: 'an unquoted YAML 1.1 boolean', files: {'k/config': good.replace('namespace: payments', 'namespace: yes')}, args: ['ns', 'dev', '--force'], message: /k\/config.*contexts\[1\]\.context\.namespace.*quote it/},
		{name: 'an unknown context', files: {'k/config': good}, args: ['ctx', 'nope'], message: /no context exists with the name: "nope"/},
		{name: 'an empty name', files: {'k/config': good}, args: ['ctx', ''], message: /empty context names are not allowed/},
		{name: 'KUBECONFIG=":"', files: {'k/config': good}, env: () => ({KUBECONFIG: ':'}), args: ['ctx', 'dev'], message: /no context exists/},
		{
			name: 'the same file listed twice (R23): said so, no lock to remove',
			files: {'k/config': good},
			env: (root) => ({KUBECONFIG: `${root}/k/config:${root}/k/./config`}),
			args: ['ctx', 'gke_proj_europe-west1-b_staging'],
			message: /^error: KUBECONFIG lists the same file twice, as \S+\/k\/config and \S+\/k\/\.\/config; nothing was written [^\n]*\nhint: list the file only once in KUBECONFIG\n$/,
		},
		{name: 'a stale lock', files: {'k/config': good, 'k/config.lock': ''}, args: ['ctx', 'gke_proj_europe-west1-b_staging'], message: /k\/config\.lock exists.*\n.*rm .*k\/config\.lock/},
		{name: 'a read-only directory', files: {'k/config': good}, args: ['ctx', 'gke_proj_europe-west1-b_staging'], message: /cannot lock kubeconfig: .*k\/config\.lock: permission denied/, asNobody: true, prepare: (root) => fs.chmodSync(path.join(root, 'k'), 0o555)},
		{name: 'an unreadable file', files: {'k/config': good}, args: ['ctx', 'dev'], message: /k\/config.*permission denied/, asNobody: true, prepare: (root) => fs.chmodSync(path.join(root, 'k', 'config'), 0o000)},
	];

	it.each(cases)('$name', ({files, env, args, message, prepare, asNobody}) => {
		const tree = tempTree(files);
		const kubeconfig = path.join(tree.root, 'k', 'config');
		if (asNobody) fs.chownSync(tree.root, 65_534, 65_534);
		if (asNobody) for (const file of [tree.home, path.dirname(kubeconfig), kubeconfig]) fs.chownSync(file, 65_534, 65_534);
		prepare?.(tree.root);
		// The kubeconfig tree is what must not change; kubehop's own index cache under HOME may.
		const kubeconfigs = path.join(tree.root, 'k');
		const before = snapshot(kubeconfigs);
		const result = kubehop(args, {env: {HOME: tree.home, KUBECONFIG: kubeconfig, ...env?.(tree.root)}, cwd: tree.root, asUser: asNobody ? 65_534 : undefined});
		expect(result.status).toBe(1);
		expect(result.stderr).toMatch(message);
		fs.chmodSync(path.join(tree.root, 'k'), 0o755);
		expect(snapshot(kubeconfigs)).toEqual(before);
	});
});

describe('terminal safety', () => {
	it('escapes control characters in names on a terminal, but not into a pipe', async () => {
		const tree = tempTree({'home/.kube/config': config('dev').replace('name: dev', 'name: "dev\\u001b]0;pwned\\u0007"').replace('current-context: dev', 'current-context: x')});
		const capture = (isTTY: boolean) => {
			let text = '';
			return {stream: {isTTY, write: (chunk: string) => (text += chunk)}, text: () => text};
		};

		const terminal = capture(true);
		const pipe = capture(false);
		const errors = capture(false);
		await run({argv: ['ctx'], programName: 'kubehop', env: {HOME: tree.home, NO_COLOR: '1'}, cwd: tree.root, stdout: terminal.stream, stderr: errors.stream});
		await run({argv: ['ctx'], programName: 'kubehop', env: {HOME: tree.home}, cwd: tree.root, stdout: pipe.stream, stderr: errors.stream});
		expect(terminal.text()).toContain('dev\\x1b]0;pwned\\x07');
		expect(terminal.text()).not.toContain('\u001B');
		expect(pipe.text()).toContain('dev\u001B]0;pwned\u0007');
	});

	it('colours the current context only on a terminal without NO_COLOR', async () => {
		const tree = tempTree({'home/.kube/config': config('dev')});
		let text = '';
		const stdout = {isTTY: true, write: (chunk: string) => (text += chunk)};
		await run({argv: ['ctx'], programName: 'kubehop', env: {HOME: tree.home}, cwd: tree.root, stdout, stderr: stdout});
		expect(text).toContain('\u001B[32m');
		text = '';
		await run({argv: ['ctx'], programName: 'kubehop', env: {HOME: tree.home, NO_COLOR: '1'}, cwd: tree.root, stdout, stderr: stdout});
		expect(text).not.toContain('\u001B[');
	});
});

describe("kubectx's environment variables", () => {
	const capture = () => {
		let text = '';
		return {stream: {isTTY: true, write: (chunk: string) => (text += chunk)}, text: () => text};
	};

	it('KUBECTX_CURRENT_FGCOLOR and KUBECTX_CURRENT_BGCOLOR mark the current context, colour sequences only', async () => {
		const tree = tempTree({'home/.kube/config': config('dev')});
		const list = async (env: Record<string, string>) => {
			const out = capture();
			await run({argv: ['ctx'], programName: 'kubehop', env: {HOME: tree.home, ...env}, cwd: tree.root, stdout: out.stream, stderr: capture().stream});
			return out.text().split('\n').find((line) => line.includes('dev'));
		};

		expect(await list({KUBECTX_CURRENT_FGCOLOR: '\u001B[36m', KUBECTX_CURRENT_BGCOLOR: '\u001B[47m'})).toBe('\u001B[36m\u001B[47mdev\u001B[0m');
		// Anything but colours (here a window title) is not written to the terminal.
		expect(await list({KUBECTX_CURRENT_FGCOLOR: '\u001B]0;pwned\u0007'})).toBe('\u001B[32m\u001B[1mdev\u001B[22m\u001B[39m');
		expect(await list({KUBECTX_CURRENT_FGCOLOR: '\u001B[36m', NO_COLOR: '1'})).toBe('dev');
	});

	it('KUBECTX_IGNORE_FZF lists instead of opening the picker on a terminal', async () => {
		const tree = tempTree({'home/.kube/config': config('dev')});
		const out = capture();
		const status = await run({argv: [], programName: 'kubectx', env: {HOME: tree.home, KUBECTX_IGNORE_FZF: '1', NO_COLOR: '1'}, cwd: tree.root, stdout: out.stream, stderr: capture().stream, interactive: true});
		expect(status).toBe(0);
		expect(out.text()).toBe('arn:aws:eks:us-east-1:123456789012:cluster/prod\ndev\ngke_proj_europe-west1-b_staging\n');
	});
});

function runPath(name: string, args: string[], env: Record<string, string>) {
	const result = spawnSync(name, args, {env: {...env, PATH: process.env.PATH, NO_COLOR: '1'}, encoding: 'utf8'});
	return {status: result.status, stdout: result.stdout, stderr: result.stderr};
}
