/**
 * Differential tests: kubehop against the real kubectl (the oracle).
 *
 * Every case materializes the same fixture tree twice. kubectl runs on copy A,
 * kubehop on copy B, each with HOME, XDG dirs and the CWD inside the temp dir.
 * Afterwards both trees are compared:
 *   - success vs failure;
 *   - the set of files whose meaning changed (per-file `kubectl config view`);
 *     kubectl re-encodes whole files, kubehop edits surgically, so the bytes of
 *     A and B are never compared with each other, only their meaning;
 *   - what kubectl reads from each tree afterwards (current-context, effective
 *     namespace, context names, minified and merged views).
 * Every case also checks that kubectl still behaves as recorded here, so a
 * kubectl upgrade that changes the oracle shows up as a kubectl-side failure.
 *
 * Intentional differences, encoded rather than compared:
 *   - kubehop replaces a file atomically (new inode); kubectl truncates in place.
 *   - kubehop never rewrites bytes it does not change; kubectl re-encodes.
 *   - Messages differ; only kubehop's errors are checked, for naming the culprit.
 *
 * Permission cases (read-only directory or file, unreadable file) run both tools
 * as uid/gid 65534 via `setpriv` when the suite runs as root, since root ignores
 * permission bits; the case's temp dir is chowned to that user. Created-file
 * modes assume the usual umask 022.
 *
 * KUBEHOP_CLI=path runs the suite against another build; KUBEHOP_KEEP_TREES=1
 * keeps the temp trees for inspection.
 */
import {execFile, spawnSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {
	changedPaths,
	chownTree,
	diffSnapshots,
	materialize,
	removeTree,
	snapshotTree,
	type FixtureFiles,
	type Snapshot,
	type TreeDiff,
} from '../support/fixture-tree.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
/** The built CLI; KUBEHOP_CLI points the suite at another build. */
const cliPath = process.env.KUBEHOP_CLI ?? path.join(repoRoot, 'dist', 'cli.js');
const SPAWN_TIMEOUT_MS = 30_000;
const isRoot = process.getuid?.() === 0;
/** `nobody`: used when a case needs permissions enforced and we run as root (root ignores them). */
const UNPRIVILEGED_ID = 65_534;
const hasSetpriv = spawnSync('setpriv', ['--version'], {stdio: 'ignore'}).status === 0;

// ---------------------------------------------------------------------------
// Operations: one kubectl command and its kubehop equivalent.

interface Operation {
	readonly kubectl: readonly string[];
	readonly kubehop: readonly string[];
}

const op = {
	use: (name: string): Operation => ({kubectl: ['config', 'use-context', name], kubehop: ['ctx', name]}),
	namespace: (namespace: string): Operation => ({
		kubectl: ['config', 'set-context', '--current', `--namespace=${namespace}`],
		kubehop: ['ns', namespace, '--force'],
	}),
	unset: (): Operation => ({kubectl: ['config', 'unset', 'current-context'], kubehop: ['ctx', '-u']}),
	remove: (name: string): Operation => ({kubectl: ['config', 'delete-context', name], kubehop: ['ctx', '-d', name]}),
	rename: (from: string, to: string): Operation => ({
		kubectl: ['config', 'rename-context', from, to],
		kubehop: ['ctx', `${to}=${from}`],
	}),
} as const;

/** Insert `--kubeconfig F` after the (sub)command: `kubectl config --kubeconfig F …`, `kubehop ctx --kubeconfig F …`. */
function withKubeconfigFlag(argv: readonly string[], file: string | undefined): string[] {
	if (file === undefined) {
		return [...argv];
	}

	const [command = '', ...rest] = argv;
	return [command, '--kubeconfig', file, ...rest];
}

// ---------------------------------------------------------------------------
// Fixture builders.

interface ContextSpec {
	readonly name: string;
	readonly namespace?: string;
	readonly cluster?: string;
	readonly user?: string;
}

const YAML_SPECIAL = /^(?:y|n|yes|no|on|off|true|false|null|~)$/i;

/** A plain scalar where that is unambiguous, else a double-quoted one (JSON strings are valid YAML). */
function scalar(value: string): string {
	return /^[a-z][a-z0-9.-]*$/i.test(value) && !YAML_SPECIAL.test(value) ? value : JSON.stringify(value);
}

/**
 * A hand-written (not kubectl-canonical) kubeconfig. `current` undefined omits
 * the key; `''` writes an explicit `current-context: ""`.
 */
function kubeconfig(spec: {readonly current?: string; readonly contexts: ReadonlyArray<string | ContextSpec>}): string {
	const lines = ['# fixture written by hand', 'apiVersion: v1', 'kind: Config'];
	if (spec.current !== undefined) {
		lines.push(`current-context: ${spec.current === '' ? '""' : scalar(spec.current)}`);
	}

	lines.push(
		'clusters:',
		'- name: c1',
		'  cluster:',
		'    server: https://127.0.0.1:6443',
		'users:',
		'- name: u1',
		'  user:',
		'    token: t0ken',
		'contexts:',
	);
	for (const entry of spec.contexts) {
		const context: ContextSpec = typeof entry === 'string' ? {name: entry} : entry;
		lines.push(
			`- name: ${scalar(context.name)}`,
			'  context:',
			`    cluster: ${scalar(context.cluster ?? 'c1')}`,
			`    user: ${scalar(context.user ?? 'u1')}`,
		);
		if (context.namespace !== undefined) {
			lines.push(`    namespace: ${scalar(context.namespace)}`);
		}
	}

	return `${lines.join('\n')}\n`;
}

/** `{tree}/a:{tree}/b` for use as KUBECONFIG. */
function list(...files: string[]): string {
	return files.map(file => (file === '' ? '' : `{tree}/${file}`)).join(':');
}

/** One file with a current context `one` (namespace ns1) and two more contexts. */
const SINGLE = kubeconfig({
	current: 'one',
	contexts: [{name: 'one', namespace: 'ns1'}, 'two', {name: 'three', namespace: 'ns3'}],
});

/** First file of a pair: defines `one` and `two`. */
const FIRST = kubeconfig({contexts: [{name: 'one', namespace: 'ns1'}, 'two']});
/** Second file of a pair: current `bee`; defines `bee` and a shadowed `one`. */
const SECOND = kubeconfig({
	current: 'bee',
	contexts: [{name: 'bee', namespace: 'nsb'}, {name: 'one', namespace: 'shadowed', cluster: 'c9'}],
});

const EKS = 'arn:aws:eks:us-east-1:123456789012:cluster/prod';
const GKE = 'gke_proj_europe-west1-b_cluster';

// ---------------------------------------------------------------------------
// Cases.

interface DiffCase {
	readonly name: string;
	readonly files: FixtureFiles;
	/** KUBECONFIG, with `{tree}` replaced by the tree root. Omitted: KUBECONFIG is unset. */
	readonly kubeconfigEnv?: string;
	/** Passed as `--kubeconfig` to every command, reads included. `{tree}` is replaced. */
	readonly kubeconfigFlag?: string;
	/** Run with HOME unset (only as the unprivileged user, whose home directory is /nonexistent). */
	readonly unsetHome?: boolean;
	/** Needs permissions enforced: run everything as uid 65534 when we are root. */
	readonly unprivileged?: boolean;
	readonly op: Operation;
	/** kubectl's observed behaviour; kubehop must match it. */
	readonly expect: {
		readonly ok: boolean;
		/** Tree-relative files whose meaning (or existence) the command changes. */
		readonly writes: readonly string[];
		/** kubectl's stderr on failure: pins the failure to the intended cause. */
		readonly kubectlError?: RegExp;
		/** Substrings (`{tree}` replaced) that kubehop's stderr must contain when it fails. */
		readonly mentions?: readonly string[];
	};
	/**
	 * Where kubehop refuses on purpose although kubectl succeeds: why, and what its error must name.
	 * It must then fail cleanly (exit 1, nothing written) instead of matching kubectl's result.
	 */
	readonly kubehopRefuses?: {readonly why: string; readonly mentions: readonly string[]};
}

const cases: readonly DiffCase[] = [
	// --- One file --------------------------------------------------------
	{
		name: 'single file: use-context switches',
		files: {'a.yaml': SINGLE},
		kubeconfigEnv: list('a.yaml'),
		op: op.use('two'),
		expect: {ok: true, writes: ['a.yaml']},
	},
	{
		name: 'single file: use-context of the current context writes nothing',
		files: {'a.yaml': SINGLE},
		kubeconfigEnv: list('a.yaml'),
		op: op.use('one'),
		expect: {ok: true, writes: []},
	},
	{
		name: 'single file: namespace changes an existing namespace',
		files: {'a.yaml': SINGLE},
		kubeconfigEnv: list('a.yaml'),
		op: op.namespace('ns9'),
		expect: {ok: true, writes: ['a.yaml']},
	},
	{
		name: 'single file: namespace to the value it already has writes nothing',
		files: {'a.yaml': SINGLE},
		kubeconfigEnv: list('a.yaml'),
		op: op.namespace('ns1'),
		expect: {ok: true, writes: []},
	},
	{
		name: 'single file: namespace added to a block context without one',
		files: {'a.yaml': kubeconfig({current: 'two', contexts: [{name: 'one', namespace: 'ns1'}, 'two']})},
		kubeconfigEnv: list('a.yaml'),
		op: op.namespace('fresh'),
		expect: {ok: true, writes: ['a.yaml']},
	},
	{
		name: 'single file: namespace added to a flow-style context',
		files: {
			'a.yaml': [
				'apiVersion: v1',
				'kind: Config',
				'current-context: flow',
				'contexts:',
				'- {name: flow, context: {cluster: c1, user: u1}}',
				'- name: other',
				'  context: {cluster: c1, user: u1, namespace: x1}',
				'',
			].join('\n'),
		},
		kubeconfigEnv: list('a.yaml'),
		op: op.namespace('added'),
		expect: {ok: true, writes: ['a.yaml']},
	},
	// Inside `{...}` go-yaml v2 ends a plain scalar at , ? [ ] { } and refuses a : before one.
	...['a?', '::1', ':8080', 'a,b', 'x]', '{y', 'p#q'].map(
		(name): DiffCase => ({
			name: `single file: a flow-style context renamed to ${JSON.stringify(name)} still loads in kubectl`,
			files: {'a.yaml': 'apiVersion: v1\nkind: Config\ncontexts: [{name: plain, context: {cluster: c1, user: u1}}, {name: other}]\ncurrent-context: plain\n'},
			kubeconfigEnv: list('a.yaml'),
			op: op.rename('other', name),
			expect: {ok: true, writes: ['a.yaml']},
		}),
	),
	...['?q', 'a:b'].flatMap((namespace): DiffCase[] =>
		['contexts: [{name: plain, context: {cluster: c1}}]', 'contexts: [{name: plain}]'].map((contexts) => ({
			name: `single file: namespace ${JSON.stringify(namespace)} in ${contexts} still loads in kubectl`,
			files: {'a.yaml': `apiVersion: v1\nkind: Config\n${contexts}\ncurrent-context: plain\n`},
			kubeconfigEnv: list('a.yaml'),
			op: op.namespace(namespace),
			expect: {ok: true, writes: ['a.yaml']},
		})),
	),
	...['yes', 'off', '012', '0x1F', '1e3', 'null', '~', 'true'].map(
		(value): DiffCase => ({
			name: `single file: namespace ${JSON.stringify(value)} is written so that kubectl reads a string`,
			files: {'a.yaml': SINGLE},
			kubeconfigEnv: list('a.yaml'),
			op: op.namespace(value),
			expect: {ok: true, writes: ['a.yaml']},
		}),
	),
	{
		name: 'single file: namespace replaces an explicit !!null tag',
		files: {
			'a.yaml': 'apiVersion: v1\nkind: Config\ncurrent-context: one\ncontexts:\n- name: one\n  context:\n    cluster: c1\n    namespace: !!null ~\n',
		},
		kubeconfigEnv: list('a.yaml'),
		op: op.namespace('tagged'),
		expect: {ok: true, writes: ['a.yaml']},
	},
	{
		name: 'single file: namespace replaces a block scalar',
		files: {
			'a.yaml':
				'apiVersion: v1\nkind: Config\ncurrent-context: one\ncontexts:\n- name: one\n  context:\n    namespace: |-\n      blockns\n    cluster: c1\n',
		},
		kubeconfigEnv: list('a.yaml'),
		op: op.namespace('plain'),
		expect: {ok: true, writes: ['a.yaml']},
	},
	{
		name: 'single file: namespace fills an empty `namespace:` value',
		files: {
			'a.yaml': 'apiVersion: v1\nkind: Config\ncurrent-context: one\ncontexts:\n- name: one\n  context:\n    namespace:\n    cluster: c1\n',
		},
		kubeconfigEnv: list('a.yaml'),
		op: op.namespace('filled'),
		expect: {ok: true, writes: ['a.yaml']},
	},
	{
		name: 'single file: namespace added to a flow mapping inside a block item',
		files: {
			'a.yaml': 'apiVersion: v1\nkind: Config\ncurrent-context: one\ncontexts:\n- name: one\n  context: {cluster: c1, user: u1}\n',
		},
		kubeconfigEnv: list('a.yaml'),
		op: op.namespace('flowns'),
		expect: {ok: true, writes: ['a.yaml']},
	},
	{
		name: 'single file: namespace replaces quoted values',
		files: {
			'a.yaml': `apiVersion: v1\nkind: Config\ncurrent-context: 'one'\ncontexts:\n- name: "one"\n  context:\n    cluster: c1\n    namespace: 'single'\n- name: two\n  context:\n    namespace: "double"\n`,
		},
		kubeconfigEnv: list('a.yaml'),
		op: op.namespace('unquoted'),
		expect: {ok: true, writes: ['a.yaml']},
	},
	{
		name: 'single file: no final newline, current-context on the last line',
		files: {'a.yaml': 'apiVersion: v1\nkind: Config\ncontexts:\n- name: one\n  context:\n    cluster: c1\n- name: two\n  context:\n    cluster: c1\ncurrent-context: one'},
		kubeconfigEnv: list('a.yaml'),
		op: op.use('two'),
		expect: {ok: true, writes: ['a.yaml']},
	},
	{
		name: 'single file: empty `current-context:` value at the end of the file',
		files: {'a.yaml': 'apiVersion: v1\nkind: Config\ncontexts:\n- name: one\n  context:\n    cluster: c1\ncurrent-context:'},
		kubeconfigEnv: list('a.yaml'),
		op: op.use('one'),
		expect: {ok: true, writes: ['a.yaml']},
	},
	{
		name: 'JSON kubeconfig: use-context',
		files: {
			'a.json':
				'{"apiVersion":"v1","kind":"Config","current-context":"one","contexts":[{"name":"one","context":{"cluster":"c1","namespace":"j1"}},{"name":"two","context":{"cluster":"c1"}}]}',
		},
		kubeconfigEnv: list('a.json'),
		op: op.use('two'),
		expect: {ok: true, writes: ['a.json']},
	},
	{
		name: 'JSON kubeconfig: namespace',
		files: {
			'a.json':
				'{\n  "apiVersion": "v1",\n  "kind": "Config",\n  "current-context": "two",\n  "contexts": [\n    {"name": "one", "context": {"cluster": "c1", "namespace": "j1"}},\n    {"name": "two", "context": {"cluster": "c1"}}\n  ]\n}\n',
		},
		kubeconfigEnv: list('a.json'),
		op: op.namespace('jns'),
		expect: {ok: true, writes: ['a.json']},
	},
	{
		name: 'single file: rename to a YAML 1.1 special name ("yes") keeps it a string',
		files: {'a.yaml': SINGLE},
		kubeconfigEnv: list('a.yaml'),
		op: op.rename('one', 'yes'),
		expect: {ok: true, writes: ['a.yaml']},
	},
	{
		name: 'single file: delete from a flow sequence of contexts',
		files: {
			'a.yaml': 'apiVersion: v1\nkind: Config\ncurrent-context: one\ncontexts: [{name: one, context: {cluster: c1}}, {name: two, context: {cluster: c1}}]\n',
		},
		kubeconfigEnv: list('a.yaml'),
		op: op.remove('two'),
		expect: {ok: true, writes: ['a.yaml']},
	},
	{
		name: 'single file: namespace on a context with no `context:` body',
		files: {'a.yaml': 'apiVersion: v1\nkind: Config\ncurrent-context: bare\ncontexts:\n- name: bare\n- name: other\n  context: {cluster: c1}\n'},
		kubeconfigEnv: list('a.yaml'),
		op: op.namespace('x'),
		expect: {ok: true, writes: ['a.yaml']},
	},
	{
		name: 'single file: namespace on a context whose body is `null`',
		files: {'a.yaml': 'apiVersion: v1\nkind: Config\ncurrent-context: nul\ncontexts:\n- name: nul\n  context: null\n'},
		kubeconfigEnv: list('a.yaml'),
		op: op.namespace('x'),
		expect: {ok: true, writes: ['a.yaml']},
	},
	{
		name: 'single file: use-context adds current-context to a document with --- and ... markers',
		files: {'a.yaml': '---\napiVersion: v1\nkind: Config\ncontexts:\n- name: one\n  context: {cluster: c1}\n...\n'},
		kubeconfigEnv: list('a.yaml'),
		op: op.use('one'),
		expect: {ok: true, writes: ['a.yaml']},
	},
	{
		name: 'single file: use-context adds current-context after a nested block and a trailing comment',
		files: {
			'a.yaml': 'apiVersion: v1\nkind: Config\ncontexts:\n- name: one\n  context:\n    cluster: c1\n    # indented trailing comment\n# final comment\n',
		},
		kubeconfigEnv: list('a.yaml'),
		op: op.use('one'),
		expect: {ok: true, writes: ['a.yaml']},
	},
	{
		name: 'single file: unset clears current-context',
		files: {'a.yaml': SINGLE},
		kubeconfigEnv: list('a.yaml'),
		op: op.unset(),
		expect: {ok: true, writes: ['a.yaml']},
	},
	{
		name: 'single file: unset without a current-context writes nothing',
		files: {'a.yaml': kubeconfig({contexts: ['one', 'two']})},
		kubeconfigEnv: list('a.yaml'),
		op: op.unset(),
		expect: {ok: true, writes: []},
	},
	{
		name: 'single file: delete a context that is not current',
		files: {'a.yaml': SINGLE},
		kubeconfigEnv: list('a.yaml'),
		op: op.remove('two'),
		expect: {ok: true, writes: ['a.yaml']},
	},
	{
		name: 'single file: delete the current context leaves current-context dangling',
		files: {'a.yaml': SINGLE},
		kubeconfigEnv: list('a.yaml'),
		op: op.remove('one'),
		expect: {ok: true, writes: ['a.yaml']},
	},
	{
		name: 'single file: delete the only context',
		files: {'a.yaml': kubeconfig({contexts: ['solo']})},
		kubeconfigEnv: list('a.yaml'),
		op: op.remove('solo'),
		expect: {ok: true, writes: ['a.yaml']},
	},
	{
		name: 'single file: rename a context that is not current',
		files: {'a.yaml': SINGLE},
		kubeconfigEnv: list('a.yaml'),
		op: op.rename('two', 'deux'),
		expect: {ok: true, writes: ['a.yaml']},
	},
	{
		name: 'single file: rename the current context also renames current-context',
		files: {'a.yaml': SINGLE},
		kubeconfigEnv: list('a.yaml'),
		op: op.rename('one', 'uno'),
		expect: {ok: true, writes: ['a.yaml']},
	},
	{
		name: 'single file: rename onto an existing name fails',
		files: {'a.yaml': SINGLE},
		kubeconfigEnv: list('a.yaml'),
		op: op.rename('one', 'two'),
		expect: {ok: false, writes: [], kubectlError: /the context "two" already exists/, mentions: ['two']},
	},
	{
		name: 'single file: rename an unknown context fails',
		files: {'a.yaml': SINGLE},
		kubeconfigEnv: list('a.yaml'),
		op: op.rename('nope', 'new'),
		expect: {ok: false, writes: [], kubectlError: /cannot rename the context "nope", it's not in/, mentions: ['nope']},
	},
	{
		name: 'single file: use-context of an unknown context fails',
		files: {'a.yaml': SINGLE},
		kubeconfigEnv: list('a.yaml'),
		op: op.use('nope'),
		expect: {ok: false, writes: [], kubectlError: /no context exists with the name: "nope"/, mentions: ['nope']},
	},
	{
		name: 'single file: use-context of an empty name fails',
		files: {'a.yaml': SINGLE},
		kubeconfigEnv: list('a.yaml'),
		op: op.use(''),
		expect: {ok: false, writes: [], kubectlError: /empty context names are not allowed/},
	},
	{
		name: 'single file: delete an unknown context fails',
		files: {'a.yaml': SINGLE},
		kubeconfigEnv: list('a.yaml'),
		op: op.remove('nope'),
		expect: {ok: false, writes: [], kubectlError: /cannot delete context nope/, mentions: ['nope']},
	},
	{
		name: 'single file: namespace without a current context fails',
		files: {'a.yaml': kubeconfig({contexts: ['one']})},
		kubeconfigEnv: list('a.yaml'),
		op: op.namespace('ns9'),
		expect: {ok: false, writes: [], kubectlError: /no current context is set/},
	},
	{
		name: 'single file: namespace with a dangling current-context creates that context',
		files: {'a.yaml': kubeconfig({current: 'ghost', contexts: ['one']})},
		kubeconfigEnv: list('a.yaml'),
		op: op.namespace('n1'),
		expect: {ok: true, writes: ['a.yaml']},
	},

	// --- Several files ---------------------------------------------------
	{
		name: 'two files: current-context only in the second; use-context writes the first (R11)',
		files: {'a.yaml': FIRST, 'b.yaml': SECOND},
		kubeconfigEnv: list('a.yaml', 'b.yaml'),
		op: op.use('two'),
		expect: {ok: true, writes: ['a.yaml']},
	},
	{
		name: 'two files: current-context in both; use-context writes the first',
		files: {'a.yaml': kubeconfig({current: 'two', contexts: ['one', 'two']}), 'b.yaml': SECOND},
		kubeconfigEnv: list('a.yaml', 'b.yaml'),
		op: op.use('bee'),
		expect: {ok: true, writes: ['a.yaml']},
	},
	{
		name: 'two files: explicit "" in the first; use-context writes the first (R7)',
		files: {'a.yaml': kubeconfig({current: '', contexts: ['one', 'two']}), 'b.yaml': SECOND},
		kubeconfigEnv: list('a.yaml', 'b.yaml'),
		op: op.use('one'),
		expect: {ok: true, writes: ['a.yaml']},
	},
	{
		name: 'two files: explicit "" in the first; namespace edits the context in the second',
		files: {'a.yaml': kubeconfig({current: '', contexts: ['one', 'two']}), 'b.yaml': SECOND},
		kubeconfigEnv: list('a.yaml', 'b.yaml'),
		op: op.namespace('nsb2'),
		expect: {ok: true, writes: ['b.yaml']},
	},
	{
		name: 'two files: current-context in the first names a context defined in the second (R12)',
		files: {'a.yaml': kubeconfig({current: 'bee', contexts: ['one', 'two']}), 'b.yaml': SECOND},
		kubeconfigEnv: list('a.yaml', 'b.yaml'),
		op: op.namespace('nsb2'),
		expect: {ok: true, writes: ['b.yaml']},
	},
	{
		name: 'two files: unset with current-context in both clears only the first (R14)',
		files: {'a.yaml': kubeconfig({current: 'two', contexts: ['one', 'two']}), 'b.yaml': SECOND},
		kubeconfigEnv: list('a.yaml', 'b.yaml'),
		op: op.unset(),
		expect: {ok: true, writes: ['a.yaml']},
	},
	{
		name: 'two files: unset with "" in the first clears the second',
		files: {'a.yaml': kubeconfig({current: '', contexts: ['one', 'two']}), 'b.yaml': SECOND},
		kubeconfigEnv: list('a.yaml', 'b.yaml'),
		op: op.unset(),
		expect: {ok: true, writes: ['b.yaml']},
	},
	{
		name: 'two files: use-context of a shadowed name (R6)',
		files: {'a.yaml': FIRST, 'b.yaml': SECOND},
		kubeconfigEnv: list('a.yaml', 'b.yaml'),
		op: op.use('one'),
		expect: {ok: true, writes: ['a.yaml']},
	},
	{
		name: 'two files: namespace on a shadowed current context edits the first definition',
		files: {'a.yaml': kubeconfig({current: 'one', contexts: [{name: 'one', namespace: 'ns1'}]}), 'b.yaml': SECOND},
		kubeconfigEnv: list('a.yaml', 'b.yaml'),
		op: op.namespace('ns7'),
		expect: {ok: true, writes: ['a.yaml']},
	},
	{
		name: 'two files: delete a context defined in the second',
		files: {'a.yaml': kubeconfig({current: 'one', contexts: ['one']}), 'b.yaml': SECOND},
		kubeconfigEnv: list('a.yaml', 'b.yaml'),
		op: op.remove('bee'),
		expect: {ok: true, writes: ['b.yaml']},
	},
	{
		name: 'two files: delete a shadowed name removes the first; the second reappears',
		files: {'a.yaml': FIRST, 'b.yaml': SECOND},
		kubeconfigEnv: list('a.yaml', 'b.yaml'),
		op: op.remove('one'),
		expect: {ok: true, writes: ['a.yaml']},
	},
	{
		name: 'two files: rename the current context defined in the second; current-context goes to the first',
		files: {'a.yaml': FIRST, 'b.yaml': SECOND},
		kubeconfigEnv: list('a.yaml', 'b.yaml'),
		op: op.rename('bee', 'wasp'),
		expect: {ok: true, writes: ['a.yaml', 'b.yaml']},
	},
	{
		name: 'two files: rename a shadowed name renames the first definition only',
		files: {'a.yaml': FIRST, 'b.yaml': SECOND},
		kubeconfigEnv: list('a.yaml', 'b.yaml'),
		op: op.rename('one', 'uno'),
		expect: {ok: true, writes: ['a.yaml']},
	},
	{
		name: 'missing first entry: use-context writes the first existing file',
		files: {'a.yaml': FIRST, 'b.yaml': SECOND},
		kubeconfigEnv: list('missing.yaml', 'a.yaml', 'b.yaml'),
		op: op.use('two'),
		expect: {ok: true, writes: ['a.yaml']},
	},
	{
		name: 'missing only entry: use-context fails and creates nothing',
		files: {},
		kubeconfigEnv: list('missing.yaml'),
		op: op.use('one'),
		expect: {ok: false, writes: [], kubectlError: /no context exists with the name: "one"/, mentions: ['one']},
	},
	{
		name: 'all entries missing: namespace fails and creates nothing',
		files: {},
		kubeconfigEnv: list('m1.yaml', 'm2.yaml'),
		op: op.namespace('x'),
		expect: {ok: false, writes: [], kubectlError: /no current context is set/},
	},
	{
		name: 'duplicate KUBECONFIG entries are loaded once',
		files: {'a.yaml': FIRST, 'b.yaml': SECOND},
		kubeconfigEnv: list('a.yaml', 'b.yaml', 'a.yaml'),
		op: op.use('two'),
		expect: {ok: true, writes: ['a.yaml']},
	},
	{
		name: 'same file under two spellings deadlocks kubectl on its own lock (R23)',
		files: {'a.yaml': SINGLE},
		kubeconfigEnv: list('a.yaml', './a.yaml'),
		op: op.use('two'),
		expect: {ok: false, writes: [], kubectlError: /a\.yaml\.lock: file exists/, mentions: ['same file twice, as {tree}/a.yaml and {tree}/./a.yaml']},
	},
	{
		name: 'a file listed through a symlinked directory and its real path deadlocks kubectl too: one lock file (R23)',
		files: {'real/a.yaml': SINGLE, 'link': {symlinkTo: 'real'}},
		kubeconfigEnv: list('real/a.yaml', 'link/a.yaml'),
		op: op.use('two'),
		expect: {ok: false, writes: [], kubectlError: /real\/a\.yaml\.lock: file exists/, mentions: ['same file twice, as {tree}/real/a.yaml and {tree}/link/a.yaml']},
	},
	{
		name: 'a symlink and its target both listed do not deadlock',
		files: {'real/a.yaml': SINGLE, 'link.yaml': {symlinkTo: 'real/a.yaml'}},
		kubeconfigEnv: list('link.yaml', 'real/a.yaml'),
		op: op.use('two'),
		expect: {ok: true, writes: ['real/a.yaml']},
	},
	{
		name: '0-byte first file: use-context writes into it (R5, R11)',
		files: {'empty.yaml': '', 'b.yaml': SECOND},
		kubeconfigEnv: list('empty.yaml', 'b.yaml'),
		op: op.use('one'),
		expect: {ok: true, writes: ['empty.yaml']},
	},
	{
		name: '0-byte only file: unset writes nothing',
		files: {'empty.yaml': ''},
		kubeconfigEnv: list('empty.yaml'),
		op: op.unset(),
		expect: {ok: true, writes: []},
	},
	{
		name: 'relative KUBECONFIG entries resolve against the CWD',
		files: {'a.yaml': FIRST, 'sub/b.yaml': SECOND},
		kubeconfigEnv: 'a.yaml:sub/b.yaml',
		op: op.namespace('relative'),
		expect: {ok: true, writes: ['sub/b.yaml']},
	},

	{
		name: 'a listed file in a missing directory: the lock step creates the directory (R16)',
		files: {'a.yaml': FIRST},
		kubeconfigEnv: list('a.yaml', 'nodir/deeper/x.yaml'),
		op: op.use('two'),
		expect: {ok: true, writes: ['a.yaml', 'nodir', 'nodir/deeper']},
	},
	// kubectl checks the request before it locks, so a refused one creates no directory either.
	{
		name: 'a listed file in a missing directory: use-context of an unknown name creates nothing',
		files: {'a.yaml': FIRST},
		kubeconfigEnv: list('a.yaml', 'nodir/deeper/x.yaml'),
		op: op.use('nope'),
		expect: {ok: false, writes: [], kubectlError: /no context exists with the name: "nope"/, mentions: ['nope']},
	},
	...[
		{op: op.use('nope'), error: /no context exists with the name: "nope"/},
		{op: op.namespace('x'), error: /no current context is set/},
		{op: op.remove('x'), error: /cannot delete context x, not in/},
		{op: op.rename('x', 'y'), error: /cannot rename the context "x", it's not in/},
	].map(
		({op: operation, error}): DiffCase => ({
			name: `--kubeconfig in a missing directory: a refused ${operation.kubectl.slice(0, 2).join(' ')} creates nothing`,
			files: {},
			kubeconfigFlag: '{tree}/typo/dir/config',
			op: operation,
			expect: {ok: false, writes: [], kubectlError: error},
		}),
	),
	{
		name: 'KUBECONFIG entries are not ~-expanded (R2)',
		files: {'~/k.yaml': SINGLE, 'home/k.yaml': kubeconfig({current: 'decoy', contexts: ['decoy']})},
		kubeconfigEnv: '~/k.yaml',
		op: op.use('two'),
		expect: {ok: true, writes: ['~/k.yaml']},
	},

	// --- Files kubectl refuses to load -----------------------------------
	{
		name: 'a directory in KUBECONFIG fails every command',
		files: {'a.yaml': FIRST, 'd': {dir: true}},
		kubeconfigEnv: list('a.yaml', 'd'),
		op: op.use('two'),
		expect: {ok: false, writes: [], kubectlError: /error loading config file ".*\/d": read .*: is a directory/, mentions: ['{tree}/d']},
	},
	{
		name: 'malformed YAML in the second file fails an edit of the first',
		files: {'a.yaml': FIRST, 'b.yaml': 'apiVersion: v1\nkind: Config\ncontexts:\n- name: bee\n  context: {cluster: c1\n'},
		kubeconfigEnv: list('a.yaml', 'b.yaml'),
		op: op.use('two'),
		expect: {ok: false, writes: [], kubectlError: /error loading config file ".*\/b\.yaml": yaml:/, mentions: ['{tree}/b.yaml']},
	},
	{
		name: 'unquoted YAML 1.1 boolean namespace fails to load (R19)',
		files: {
			'a.yaml': FIRST,
			'b.yaml': 'apiVersion: v1\nkind: Config\ncurrent-context: bee\ncontexts:\n- name: bee\n  context: {cluster: c1, namespace: yes}\n',
		},
		kubeconfigEnv: list('a.yaml', 'b.yaml'),
		op: op.use('two'),
		expect: {
			ok: false,
			writes: [],
			kubectlError: /cannot unmarshal bool into Go struct field Context\.contexts\.context\.namespace/,
			mentions: ['{tree}/b.yaml', 'namespace'],
		},
	},
	{
		name: 'duplicate context names inside one file fail to load (R8)',
		files: {'a.yaml': kubeconfig({current: 'one', contexts: ['one', 'two', 'one']}), 'b.yaml': SECOND},
		kubeconfigEnv: list('a.yaml', 'b.yaml'),
		op: op.use('bee'),
		expect: {ok: false, writes: [], kubectlError: /duplicate name "one"/, mentions: ['{tree}/a.yaml', 'one']},
	},

	// --- Formatting kubehop must preserve (kubectl re-encodes) -----------
	{
		name: 'CRLF file: use-context',
		files: {'a.yaml': SINGLE.replaceAll('\n', '\r\n')},
		kubeconfigEnv: list('a.yaml'),
		op: op.use('three'),
		expect: {ok: true, writes: ['a.yaml']},
	},
	{
		name: 'CRLF file: namespace',
		files: {'a.yaml': SINGLE.replaceAll('\n', '\r\n')},
		kubeconfigEnv: list('a.yaml'),
		op: op.namespace('crlf'),
		expect: {ok: true, writes: ['a.yaml']},
	},
	{
		name: 'comments and a second YAML document: only the first document counts',
		files: {
			'a.yaml': [
				'# top comment',
				'apiVersion: v1',
				'kind: Config',
				'current-context: one # trailing comment',
				'contexts:',
				'# before one',
				'- name: one',
				'  context: {cluster: c1, user: u1} # flow',
				'- name: two',
				'  context:',
				'    cluster: c1',
				'---',
				'# second document, ignored by kubectl',
				'apiVersion: v1',
				'kind: Config',
				'current-context: three',
				'contexts:',
				'- name: three',
				'  context: {cluster: c1}',
				'',
			].join('\n'),
		},
		kubeconfigEnv: list('a.yaml'),
		op: op.use('two'),
		expect: {ok: true, writes: ['a.yaml']},
	},
	{
		name: 'comments and a second YAML document: namespace',
		files: {
			'a.yaml': '# c\napiVersion: v1\nkind: Config\ncurrent-context: one\ncontexts:\n- name: one # c\n  context:\n    cluster: c1 # c\n---\ncontexts:\n- name: other\n',
		},
		kubeconfigEnv: list('a.yaml'),
		op: op.namespace('docs'),
		expect: {ok: true, writes: ['a.yaml']},
	},
	{
		name: 'relative certificate paths are left alone and the minified view matches',
		files: {
			'sub/rel.yaml': [
				'apiVersion: v1',
				'kind: Config',
				'current-context: one',
				'contexts:',
				'- name: one',
				'  context: {cluster: c1, user: u1, namespace: n1}',
				'clusters:',
				'- name: c1',
				'  cluster: {server: "https://127.0.0.1:6443", certificate-authority: ca.crt}',
				'users:',
				'- name: u1',
				'  user: {client-certificate: ../certs/u.crt, client-key: keys/u.key}',
				'',
			].join('\n'),
			'sub/ca.crt': 'not a real certificate\n',
		},
		kubeconfigEnv: 'sub/rel.yaml',
		op: op.namespace('n2'),
		expect: {ok: true, writes: ['sub/rel.yaml']},
	},

	{
		name: 'YAML alias: namespace on a context whose body is an alias changes only that context',
		files: {
			'a.yaml':
				'apiVersion: v1\nkind: Config\ncurrent-context: two\ncontexts:\n- name: one\n  context: &base {cluster: c1, user: u1, namespace: shared}\n- name: two\n  context: *base\n',
		},
		kubeconfigEnv: list('a.yaml'),
		op: op.namespace('mine'),
		expect: {ok: true, writes: ['a.yaml']},
		kubehopRefuses: {why: 'kubectl re-encodes the file and drops the anchor; an in-place edit would change both contexts', mentions: ['{tree}/a.yaml', 'anchor or alias']},
	},
	{
		name: 'YAML merge key: namespace on a context built with <<',
		files: {
			'a.yaml':
				'apiVersion: v1\nkind: Config\ncurrent-context: two\ncontexts:\n- name: one\n  context: &base\n    cluster: c1\n    user: u1\n- name: two\n  context:\n    <<: *base\n    namespace: merged\n',
		},
		kubeconfigEnv: list('a.yaml'),
		op: op.namespace('remerged'),
		expect: {ok: true, writes: ['a.yaml']},
		kubehopRefuses: {why: 'the context is built from a shared anchor through <<', mentions: ['{tree}/a.yaml', 'anchor or alias']},
	},
	{
		name: 'duplicate current-context key: kubectl reads the last one',
		files: {
			'a.yaml':
				'apiVersion: v1\nkind: Config\ncurrent-context: one\ncurrent-context: two\ncontexts:\n- name: one\n  context: {cluster: c1}\n- name: two\n  context: {cluster: c1}\n',
		},
		kubeconfigEnv: list('a.yaml'),
		op: op.use('one'),
		expect: {ok: true, writes: ['a.yaml']},
	},
	{
		name: 'UTF-8 byte order mark at the start of the file',
		files: {'a.yaml': `\uFEFF${SINGLE}`},
		kubeconfigEnv: list('a.yaml'),
		op: op.use('two'),
		expect: {ok: true, writes: ['a.yaml']},
	},
	{
		name: 'two files: rename the current context when the first has current-context ""',
		files: {'a.yaml': kubeconfig({current: '', contexts: ['one', 'two']}), 'b.yaml': SECOND},
		kubeconfigEnv: list('a.yaml', 'b.yaml'),
		op: op.rename('bee', 'wasp'),
		expect: {ok: true, writes: ['a.yaml', 'b.yaml']},
	},

	// --- Names with special characters -----------------------------------
	{
		name: 'EKS ARN name: use-context',
		files: {'a.yaml': kubeconfig({current: GKE, contexts: [EKS, GKE]})},
		kubeconfigEnv: list('a.yaml'),
		op: op.use(EKS),
		expect: {ok: true, writes: ['a.yaml']},
	},
	{
		name: 'GKE name: namespace',
		files: {'a.yaml': kubeconfig({current: GKE, contexts: [EKS, GKE]})},
		kubeconfigEnv: list('a.yaml'),
		op: op.namespace('gke-ns'),
		expect: {ok: true, writes: ['a.yaml']},
	},
	{
		name: 'EKS ARN name: rename to a short alias',
		files: {'a.yaml': kubeconfig({current: EKS, contexts: [EKS, GKE]})},
		kubeconfigEnv: list('a.yaml'),
		op: op.rename(EKS, 'prod'),
		expect: {ok: true, writes: ['a.yaml']},
	},
	{
		name: 'name with @: delete',
		files: {'a.yaml': kubeconfig({current: 'one', contexts: ['one', 'admin@example.com']})},
		kubeconfigEnv: list('a.yaml'),
		op: op.remove('admin@example.com'),
		expect: {ok: true, writes: ['a.yaml']},
	},
	{
		name: 'name with spaces: use-context',
		files: {'a.yaml': kubeconfig({current: 'one', contexts: ['one', 'my dev cluster']})},
		kubeconfigEnv: list('a.yaml'),
		op: op.use('my dev cluster'),
		expect: {ok: true, writes: ['a.yaml']},
	},
	{
		name: 'unicode name: use-context',
		files: {'a.yaml': kubeconfig({current: 'one', contexts: ['one', '本番-クラスタ']})},
		kubeconfigEnv: list('a.yaml'),
		op: op.use('本番-クラスタ'),
		expect: {ok: true, writes: ['a.yaml']},
	},

	// --- KUBECONFIG and --kubeconfig forms -------------------------------
	{
		name: 'KUBECONFIG=":" reads an empty config: use-context fails (R22)',
		files: {'home/.kube/config': SINGLE},
		kubeconfigEnv: ':',
		op: op.use('one'),
		expect: {ok: false, writes: [], kubectlError: /no context exists with the name: "one"/, mentions: ['one']},
	},
	{
		name: 'KUBECONFIG=":": unset succeeds and writes nothing',
		files: {'home/.kube/config': SINGLE},
		kubeconfigEnv: ':',
		op: op.unset(),
		expect: {ok: true, writes: []},
	},
	{
		name: 'KUBECONFIG="" falls back to $HOME/.kube/config (R3)',
		files: {'home/.kube/config': SINGLE},
		kubeconfigEnv: '',
		op: op.use('two'),
		expect: {ok: true, writes: ['home/.kube/config']},
	},
	{
		name: 'KUBECONFIG unset uses $HOME/.kube/config',
		files: {'home/.kube/config': SINGLE},
		op: op.namespace('home-ns'),
		expect: {ok: true, writes: ['home/.kube/config']},
	},
	{
		name: 'empty KUBECONFIG entry: the write succeeds and no ./.lock is left (R21)',
		files: {'a.yaml': FIRST, 'b.yaml': SECOND},
		kubeconfigEnv: `${list('a.yaml')}::${list('b.yaml')}`,
		op: op.use('two'),
		expect: {ok: true, writes: ['a.yaml']},
	},
	{
		name: 'empty KUBECONFIG entry: a stale ./.lock in the CWD blocks the write (R21)',
		files: {'a.yaml': FIRST, 'b.yaml': SECOND, '.lock': ''},
		kubeconfigEnv: `${list('a.yaml')}::${list('b.yaml')}`,
		op: op.use('two'),
		expect: {ok: false, writes: [], kubectlError: /open \.lock: file exists/, mentions: ['.lock']},
	},
	{
		name: '--kubeconfig wins over KUBECONFIG (R1)',
		files: {'a.yaml': FIRST, 'b.yaml': SECOND, 'c.yaml': kubeconfig({current: 'cee', contexts: ['cee', 'dee']})},
		kubeconfigEnv: list('a.yaml', 'b.yaml'),
		kubeconfigFlag: '{tree}/c.yaml',
		op: op.use('dee'),
		expect: {ok: true, writes: ['c.yaml']},
	},
	{
		name: '--kubeconfig: namespace edits that file even when KUBECONFIG defines the same context first',
		files: {'a.yaml': SINGLE, 'c.yaml': kubeconfig({current: 'one', contexts: [{name: 'one', namespace: 'c-ns'}]})},
		kubeconfigEnv: list('a.yaml'),
		kubeconfigFlag: '{tree}/c.yaml',
		op: op.namespace('flagged'),
		expect: {ok: true, writes: ['c.yaml']},
	},
	{
		name: '--kubeconfig: unset',
		files: {'a.yaml': SINGLE, 'c.yaml': kubeconfig({current: 'one', contexts: ['one']})},
		kubeconfigEnv: list('a.yaml'),
		kubeconfigFlag: '{tree}/c.yaml',
		op: op.unset(),
		expect: {ok: true, writes: ['c.yaml']},
	},
	{
		name: '--kubeconfig to a missing file: use-context fails, nothing is created',
		files: {'a.yaml': SINGLE},
		kubeconfigEnv: list('a.yaml'),
		kubeconfigFlag: '{tree}/missing.yaml',
		op: op.use('one'),
		expect: {ok: false, writes: [], kubectlError: /no context exists with the name: "one"/, mentions: ['one']},
	},
	{
		name: '--kubeconfig is not split on ":"',
		files: {'weird:name.yaml': SINGLE},
		kubeconfigFlag: '{tree}/weird:name.yaml',
		op: op.use('three'),
		expect: {ok: true, writes: ['weird:name.yaml']},
	},

	// --- Locks (R16) -----------------------------------------------------
	{
		name: 'stale lock on the second file blocks a write to the first',
		files: {'a.yaml': FIRST, 'b.yaml': SECOND, 'b.yaml.lock': ''},
		kubeconfigEnv: list('a.yaml', 'b.yaml'),
		op: op.use('two'),
		expect: {ok: false, writes: [], kubectlError: /b\.yaml\.lock: file exists/, mentions: ['{tree}/b.yaml.lock']},
	},
	{
		name: 'stale lock of a missing listed file blocks the write',
		files: {'a.yaml': FIRST, 'missing.yaml.lock': ''},
		kubeconfigEnv: list('a.yaml', 'missing.yaml'),
		op: op.use('two'),
		expect: {ok: false, writes: [], kubectlError: /missing\.yaml\.lock: file exists/, mentions: ['{tree}/missing.yaml.lock']},
	},
	{
		name: 'stale lock blocks kubectl even when nothing would change',
		files: {'a.yaml': SINGLE, 'a.yaml.lock': ''},
		kubeconfigEnv: list('a.yaml'),
		op: op.use('one'),
		expect: {ok: false, writes: [], kubectlError: /a\.yaml\.lock: file exists/, mentions: ['{tree}/a.yaml.lock']},
	},

	// --- Symlinks and modes (R17) -----------------------------------------
	{
		name: 'symlinked kubeconfig: the link survives and the target changes',
		files: {'real/a.yaml': SINGLE, 'link.yaml': {symlinkTo: 'real/a.yaml'}},
		kubeconfigEnv: list('link.yaml'),
		op: op.namespace('linked'),
		expect: {ok: true, writes: ['real/a.yaml']},
	},
	{
		name: 'symlinked kubeconfig: a stale lock next to the link path blocks the write',
		files: {'real/a.yaml': SINGLE, 'link.yaml': {symlinkTo: 'real/a.yaml'}, 'link.yaml.lock': ''},
		kubeconfigEnv: list('link.yaml'),
		op: op.use('two'),
		expect: {ok: false, writes: [], kubectlError: /link\.yaml\.lock: file exists/, mentions: ['{tree}/link.yaml.lock']},
	},
	{
		name: 'symlinked kubeconfig: a lock next to the target does not block (locks use the listed path)',
		files: {'real/a.yaml': SINGLE, 'link.yaml': {symlinkTo: 'real/a.yaml'}, 'real/a.yaml.lock': ''},
		kubeconfigEnv: list('link.yaml'),
		op: op.use('two'),
		expect: {ok: true, writes: ['real/a.yaml']},
	},
	{
		name: 'mode 0640 is kept',
		files: {'a.yaml': {content: SINGLE, mode: 0o640}},
		kubeconfigEnv: list('a.yaml'),
		op: op.namespace('mode'),
		expect: {ok: true, writes: ['a.yaml']},
	},
	{
		name: 'mode 0600 is kept',
		files: {'a.yaml': {content: SINGLE, mode: 0o600}},
		kubeconfigEnv: list('a.yaml'),
		op: op.use('two'),
		expect: {ok: true, writes: ['a.yaml']},
	},

	// --- Permissions (run unprivileged: root ignores them) ----------------
	{
		name: 'read-only directory holding the second file blocks every write (R20)',
		unprivileged: true,
		files: {'a.yaml': FIRST, 'rodir/b.yaml': SECOND, 'rodir': {dir: true, mode: 0o555}},
		kubeconfigEnv: list('a.yaml', 'rodir/b.yaml'),
		op: op.use('two'),
		expect: {ok: false, writes: [], kubectlError: /rodir\/b\.yaml\.lock: permission denied/, mentions: ['{tree}/rodir']},
	},
	{
		name: 'read-only file blocks a write that targets it',
		unprivileged: true,
		files: {'a.yaml': FIRST, 'b.yaml': {content: SECOND, mode: 0o444}},
		kubeconfigEnv: list('a.yaml', 'b.yaml'),
		op: op.namespace('nope'),
		expect: {ok: false, writes: [], kubectlError: /open .*\/b\.yaml: permission denied/, mentions: ['{tree}/b.yaml']},
	},
	{
		name: 'read-only file does not block a write to another file',
		unprivileged: true,
		files: {'a.yaml': FIRST, 'b.yaml': {content: SECOND, mode: 0o444}},
		kubeconfigEnv: list('a.yaml', 'b.yaml'),
		op: op.use('two'),
		expect: {ok: true, writes: ['a.yaml']},
	},
	{
		name: 'unreadable file fails every command (R4)',
		unprivileged: true,
		files: {'a.yaml': FIRST, 'b.yaml': {content: SECOND, mode: 0o000}},
		kubeconfigEnv: list('a.yaml', 'b.yaml'),
		op: op.use('two'),
		expect: {ok: false, writes: [], kubectlError: /error loading config file ".*\/b\.yaml": open .*: permission denied/, mentions: ['{tree}/b.yaml']},
	},
	{
		name: 'HOME unset: ./.kube/config relative to the CWD (R3)',
		unprivileged: true,
		unsetHome: true,
		files: {'.kube/config': SINGLE},
		op: op.use('two'),
		expect: {ok: true, writes: ['.kube/config']},
	},
];

// ---------------------------------------------------------------------------
// Running commands.

interface RunResult {
	readonly status: number | null;
	readonly stdout: string;
	readonly stderr: string;
}

interface RunContext {
	readonly cwd: string;
	readonly env: NodeJS.ProcessEnv;
	readonly unprivileged: boolean;
}

function commandLine(command: string, args: readonly string[], context: RunContext): [string, string[]] {
	return context.unprivileged
		? ['setpriv', [`--reuid=${UNPRIVILEGED_ID}`, `--regid=${UNPRIVILEGED_ID}`, '--clear-groups', '--', command, ...args]]
		: [command, [...args]];
}

/** Cases run side by side; this caps the number of live child processes on a small machine. */
const spawnSlot = limiter(Math.max(2, os.availableParallelism() * 2));

async function run(command: string, args: readonly string[], context: RunContext): Promise<RunResult> {
	const [file, argv] = commandLine(command, args, context);
	return spawnSlot(async () => new Promise((resolve, reject) => {
		execFile(
			file,
			argv,
			{cwd: context.cwd, env: context.env, encoding: 'utf8', timeout: SPAWN_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024},
			(error, stdout, stderr) => {
				if (error !== null && typeof error.code !== 'number') {
					reject(new Error(`${command} ${args.join(' ')}: ${error.message}`));
					return;
				}

				resolve({status: error === null ? 0 : Number(error.code), stdout, stderr});
			},
		);
	}));
}

/** At most `slots` tasks at a time; a finishing task hands its slot straight to the next one. */
function limiter(slots: number): <T>(task: () => Promise<T>) => Promise<T> {
	let free = slots;
	const waiting: Array<() => void> = [];
	return async <T>(task: () => Promise<T>): Promise<T> => {
		if (free > 0) {
			free--;
		} else {
			await new Promise<void>(resolve => {
				waiting.push(resolve);
			});
		}

		try {
			return await task();
		} finally {
			const next = waiting.shift();
			if (next === undefined) {
				free++;
			} else {
				next();
			}
		}
	};
}

const kubehop = async (args: readonly string[], context: RunContext): Promise<RunResult> =>
	run(process.execPath, [cliPath, ...args], context);

/** One side of a case: a tree and how commands run against it. */
interface Side {
	readonly tree: string;
	readonly context: RunContext;
	/** The `--kubeconfig` value, if the case uses one. */
	readonly flag: string | undefined;
}

function makeSide(caseRoot: string, label: 'A' | 'B', testCase: DiffCase, unprivileged: boolean): Side {
	const tree = path.join(caseRoot, label);
	const state = path.join(caseRoot, `state-${label}`);
	const env: NodeJS.ProcessEnv = {
		PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
		NO_COLOR: '1',
		FORCE_COLOR: '0',
		LANG: 'C.UTF-8',
		// Keep tool state (kubehop's history, kubectx's previous context) out of the compared tree.
		XDG_CONFIG_HOME: path.join(state, 'config'),
		XDG_CACHE_HOME: path.join(state, 'cache'),
		XDG_STATE_HOME: path.join(state, 'state'),
		XDG_DATA_HOME: path.join(state, 'data'),
	};
	if (testCase.unsetHome !== true) {
		env.HOME = path.join(tree, 'home');
	}

	if (testCase.kubeconfigEnv !== undefined) {
		env.KUBECONFIG = substitute(testCase.kubeconfigEnv, tree);
	}

	const flag = testCase.kubeconfigFlag === undefined ? undefined : substitute(testCase.kubeconfigFlag, tree);
	return {tree, context: {cwd: tree, env, unprivileged}, flag};
}

function substitute(template: string, tree: string): string {
	return template.replaceAll('{tree}', tree);
}

// ---------------------------------------------------------------------------
// Observing a tree through kubectl.

/** What kubectl reads through the case's KUBECONFIG / --kubeconfig after the operation. */
const READS: ReadonlyArray<{readonly label: string; readonly args: readonly string[]}> = [
	{label: 'current-context', args: ['config', 'current-context']},
	{label: 'effective namespace', args: ['config', 'view', '--minify', '-o', 'jsonpath={..namespace}']},
	{label: 'context names', args: ['config', 'get-contexts', '-o', 'name']},
	{label: 'minified view', args: ['config', 'view', '--minify', '--raw', '-o', 'json']},
	{label: 'merged view', args: ['config', 'view', '--raw', '-o', 'json']},
];

async function observe(side: Side): Promise<Map<string, string>> {
	const results = await Promise.all(
		READS.map(async read => run('kubectl', withKubeconfigFlag(read.args, side.flag), side.context)),
	);
	return new Map(READS.map((read, index) => [read.label, outcome(results[index], side.tree)]));
}

/** Exit status and stdout, with the tree root replaced so that A and B compare equal. */
function outcome(result: RunResult | undefined, tree: string): string {
	return result === undefined ? 'not run' : `exit ${String(result.status)}\n${result.stdout.replaceAll(tree, '<tree>')}`;
}

/** Tree-relative paths of regular files that may be kubeconfigs. */
function kubeconfigFiles(snapshot: Snapshot): string[] {
	return [...snapshot]
		.filter(([relative, entry]) => entry.kind === 'file' && !relative.endsWith('.lock'))
		.map(([relative]) => relative);
}

/** Each file's own meaning: `kubectl config view` of that file alone. */
async function perFileViews(side: Side, files: readonly string[]): Promise<Map<string, string>> {
	const results = await Promise.all(
		files.map(async relative => {
			const args = ['config', 'view', '--raw', '-o', 'json', '--kubeconfig', path.join(side.tree, relative)];
			return run('kubectl', args, side.context);
		}),
	);
	return new Map(files.map((relative, index) => [relative, outcome(results[index], side.tree)]));
}

// ---------------------------------------------------------------------------
// One case, both sides.

interface SideResult {
	readonly result: RunResult;
	readonly before: Snapshot;
	readonly after: Snapshot;
	readonly diff: TreeDiff;
	readonly reads: ReadonlyMap<string, string>;
}

interface KubehopResult extends SideResult {
	/** Per-file meaning after the operation, for every kubeconfig file in either tree. */
	readonly viewsA: ReadonlyMap<string, string>;
	readonly viewsB: ReadonlyMap<string, string>;
}

interface CaseRun {
	readonly a: SideResult;
	/** Files whose meaning kubectl changed (or created/removed). */
	readonly semanticWrites: readonly string[];
	/** `undefined` when the CLI is not built. */
	readonly b: KubehopResult | undefined;
	readonly sideB: Side;
}

async function runCase(testCase: DiffCase, caseRoot: string, unprivileged: boolean): Promise<CaseRun> {
	const sideA = makeSide(caseRoot, 'A', testCase, unprivileged);
	const sideB = makeSide(caseRoot, 'B', testCase, unprivileged);
	const files: FixtureFiles = testCase.unsetHome === true ? testCase.files : {home: {dir: true}, ...testCase.files};
	materialize(sideA.tree, files);
	materialize(sideB.tree, files);
	if (unprivileged) {
		chownTree(caseRoot, UNPRIVILEGED_ID, UNPRIVILEGED_ID);
	}

	const beforeA = snapshotTree(sideA.tree);
	const beforeB = snapshotTree(sideB.tree);
	const viewsBefore = await perFileViews(sideA, kubeconfigFiles(beforeA));

	const resultA = await run('kubectl', withKubeconfigFlag(testCase.op.kubectl, sideA.flag), sideA.context);
	const afterA = snapshotTree(sideA.tree);
	const diffA = diffSnapshots(beforeA, afterA);
	const built = fs.existsSync(cliPath);
	const resultB = built ? await kubehop(withKubeconfigFlag(testCase.op.kubehop, sideB.flag), sideB.context) : undefined;
	const afterB = snapshotTree(sideB.tree);

	const compared = [...new Set([...kubeconfigFiles(afterA), ...kubeconfigFiles(afterB)])].sort();
	const [readsA, viewsA, readsB, viewsB] = await Promise.all([
		observe(sideA),
		perFileViews(sideA, compared),
		built ? observe(sideB) : new Map<string, string>(),
		built ? perFileViews(sideB, compared) : new Map<string, string>(),
	]);

	const reinterpreted = [...viewsBefore].filter(([file, view]) => viewsA.has(file) && viewsA.get(file) !== view);
	const semanticWrites = [...new Set([...reinterpreted.map(([file]) => file), ...diffA.added, ...diffA.removed])].sort();
	const a: SideResult = {result: resultA, before: beforeA, after: afterA, diff: diffA, reads: readsA};
	const b: KubehopResult | undefined =
		resultB === undefined
			? undefined
			: {result: resultB, before: beforeB, after: afterB, diff: diffSnapshots(beforeB, afterB), reads: readsB, viewsA, viewsB};
	return {a, semanticWrites, b, sideB};
}

// ---------------------------------------------------------------------------
// The suite.

const tempRoots: string[] = [];
const realKubeDirBefore = realKubeDirState();

/** Existence and mtime of the invoking user's real ~/.kube, which no case may touch. */
function realKubeDirState(): string {
	const stat = fs.statSync(path.join(os.homedir(), '.kube'), {bigint: true, throwIfNoEntry: false});
	return stat === undefined ? 'absent' : `mtime ${String(stat.mtimeNs)}`;
}

afterAll(() => {
	if (process.env.KUBEHOP_KEEP_TREES === '1') {
		return;
	}

	for (const root of tempRoots) {
		removeTree(root);
	}
});

describe('kubectl oracle', () => {
	it('is kubectl 1.32', () => {
		const result = spawnSync('kubectl', ['version', '--client', '-o', 'json'], {encoding: 'utf8', timeout: SPAWN_TIMEOUT_MS});
		expect(result.status).toBe(0);
		const version: unknown = JSON.parse(result.stdout);
		expect(version).toMatchObject({clientVersion: {gitVersion: expect.stringMatching(/^v1\.32\./)}});
	});
});

// Each case has its own temp dir, so cases run concurrently (up to vitest's maxConcurrency).
describe.concurrent('kubehop against kubectl', () => {
	for (const testCase of cases) {
		const needsOtherUser = testCase.unprivileged === true && isRoot;
		const skipReason =
			needsOtherUser && !hasSetpriv
				? 'running as root without setpriv: cannot drop privileges to enforce permissions'
				: testCase.unsetHome === true && !isRoot
					? 'HOME-unset case needs root to run as a user whose home directory is harmless'
					: undefined;

		describe.skipIf(skipReason !== undefined)(testCase.name, () => {
			let caseRun: CaseRun | undefined;

			beforeAll(async () => {
				const caseRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'kubehop-diff-'));
				tempRoots.push(caseRoot);
				caseRun = await runCase(testCase, caseRoot, needsOtherUser);
			});

			it('kubectl behaves as recorded', ({expect}) => {
				const {a, semanticWrites} = required(caseRun);
				const context = `kubectl ${testCase.op.kubectl.join(' ')}\nstderr: ${a.result.stderr}`;
				expect.soft(a.result.status === 0, context).toBe(testCase.expect.ok);
				if (testCase.expect.kubectlError !== undefined) {
					expect.soft(a.result.stderr, context).toMatch(testCase.expect.kubectlError);
				}

				expect.soft(semanticWrites, `files whose meaning changed\n${context}`).toEqual([...testCase.expect.writes].sort());
				// kubectl writes only files whose meaning changes, and never rewrites identical bytes.
				expect.soft(changedPaths(a.diff), 'files whose bytes changed').toEqual(semanticWrites);
				expect.soft(a.diff.touched, 'files rewritten with identical bytes').toEqual([]);
				expect.soft(a.diff.modeChanged, 'files whose mode changed').toEqual([]);
				for (const file of a.diff.added) {
					expect.soft(modeOf(a.after, file), `mode of created ${file}`).toBe(createdMode(a.after, file));
				}

				// kubectl truncates in place: the inode of an edited file is kept.
				expect.soft(a.diff.replacedInode, 'files replaced by a new inode').toEqual([]);
			});

			it('kubehop matches kubectl', ({expect}) => {
				const {a, b, semanticWrites, sideB} = required(caseRun);
				if (b === undefined) {
					throw new Error(`${cliPath} is missing: run \`npm run build\` first (\`npm test\` does it for you)`);
				}

				const command = `kubehop ${withKubeconfigFlag(testCase.op.kubehop, sideB.flag).join(' ')}`;
				const firstLine = b.result.stderr.split('\n', 1)[0]?.slice(0, 300) ?? '';
				const context = `${command}\nexit ${String(b.result.status)}, stderr: ${firstLine}`;
				const fullContext = `${command}\nexit ${String(b.result.status)}\nstdout: ${b.result.stdout}\nstderr: ${b.result.stderr}`;
				if (testCase.kubehopRefuses) {
					expect.soft(b.result.status, `refuses (${testCase.kubehopRefuses.why})\n${fullContext}`).toBe(1);
					expect.soft(changedPaths(b.diff), `a refusal changes nothing\n${context}`).toEqual([]);
					for (const mention of testCase.kubehopRefuses.mentions) expect.soft(b.result.stderr, `stderr names ${mention}`).toContain(substitute(mention, sideB.tree));
					return;
				}

				expect.soft(b.result.status === 0, `succeeds iff kubectl does (kubectl exit ${String(a.result.status)})\n${fullContext}`).toBe(
					a.result.status === 0,
				);
				if (b.result.status !== 0) {
					// Every command line here is well-formed, so a failure is an error (1), never a usage error (2).
					expect.soft(b.result.status, `exit code of an error\n${context}`).toBe(1);
				}

				// The same files change meaning, and nothing else changes at all (no leftover locks or temp files).
				expect.soft(changedPaths(b.diff), `changed files\n${context}`).toEqual(semanticWrites);
				for (const file of [...b.viewsA.keys()]) {
					expect.soft(b.viewsB.get(file), `meaning of ${file} after the operation\n${context}`).toBe(b.viewsA.get(file));
				}

				for (const read of READS) {
					expect.soft(b.reads.get(read.label), `kubectl's ${read.label} afterwards\n${context}`).toBe(a.reads.get(read.label));
				}

				// Safer than kubectl: untouched files keep bytes, mtime and inode; edits replace atomically; modes never widen.
				expect.soft(b.diff.touched, `files rewritten without a change\n${context}`).toEqual([]);
				expect.soft(b.diff.modeChanged, `files whose mode changed\n${context}`).toEqual([]);
				const replaceable = b.diff.contentChanged.filter(file => b.before.get(file)?.kind === 'file');
				expect.soft(b.diff.replacedInode, `edited files are replaced atomically (new inode)\n${context}`).toEqual(replaceable);
				for (const file of b.diff.added) {
					expect.soft(modeOf(b.after, file), `mode of created ${file}`).toBe(createdMode(b.after, file));
				}

				for (const [file, entry] of b.before) {
					if (entry.kind === 'symlink') {
						expect.soft(b.after.get(file)?.linkTarget, `symlink ${file} survives`).toBe(entry.linkTarget);
					}
				}

				if (b.result.status !== 0) {
					expect.soft(changedPaths(b.diff), `a failed command changes nothing\n${context}`).toEqual([]);
					for (const mention of testCase.expect.mentions ?? []) {
						expect.soft(b.result.stderr, `stderr names ${mention}\n${context}`).toContain(substitute(mention, sideB.tree));
					}
				}
			});
		});
	}
});

describe('isolation', () => {
	it('never touched the real ~/.kube', () => {
		expect(realKubeDirState()).toEqual(realKubeDirBefore);
	});
});

function required<T>(value: T | undefined): T {
	if (value === undefined) {
		throw new Error('the case did not run: see the beforeAll failure');
	}

	return value;
}

function modeOf(snapshot: Snapshot, file: string): number | undefined {
	return snapshot.get(file)?.mode;
}

/** kubectl creates files 0600 and directories 0755 (under the usual umask 022); kubehop must never be wider. */
function createdMode(snapshot: Snapshot, file: string): number {
	return snapshot.get(file)?.kind === 'dir' ? 0o755 : 0o600;
}
