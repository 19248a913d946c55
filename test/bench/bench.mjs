#!/usr/bin/env node
// kubehop benchmark: `kubehop ctx NAME`, `kubehop ctx -` and `kubehop ns NAME --force`
// against `node -e 0`, kubectl, the bash kubectx/kubens and the Go kubectx/kubens, on
// kubeconfigs with 10, 1,000 and 10,000 contexts (~5.5 KB of embedded credentials each).
//
//   npm run bench                       # builds dist/cli.js, then runs this file
//   node test/bench/bench.mjs --json    # machine-readable results on stdout
//   BENCH_QUICK=1 BENCH_SIZES=10,1000 node test/bench/bench.mjs
//
// Env: BENCH_QUICK=1 (fewer runs), BENCH_SIZES=10,1000,10000, BENCH_RUNS=N (max timed runs
// per size), BENCH_CLI=path (another kubehop build), BENCH_SKIP_KUBEHOP=1 (run without dist/cli.js).
// Every command runs with a fresh temporary HOME and an explicit KUBECONFIG copy of the
// fixture; the real ~/.kube is never touched. Markdown goes to stdout, progress to stderr.
// Exit code: 0 when every row that ran succeeded (targets are reported, not enforced), 1 otherwise.
import {spawnSync} from 'node:child_process';
import {accessSync, closeSync, constants, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';
import {contextName, writeKubeconfig} from './fixtures.mjs';
import {keyLatencies, summarise, tuiSession} from './tui-bench.mjs';

/** A fast typist who has just seen the list: ~250 ms to react, then ~150 words a minute. */
const typistPace = {firstKeyMs: 250, betweenKeysMs: 80};

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = path.resolve(process.env.BENCH_CLI || path.join(ROOT, 'dist', 'cli.js'));
const JSON_OUT = process.argv.includes('--json');
const QUICK = process.env.BENCH_QUICK === '1';
const RUNS = Number(process.env.BENCH_RUNS) || 0;
const SIZES = (process.env.BENCH_SIZES || '10,1000,10000').split(',').map(Number);
const SKIP_KUBEHOP = process.env.BENCH_SKIP_KUBEHOP === '1';
const log = (message) => process.stderr.write(`${message}\n`);

if (SIZES.some((n) => !Number.isInteger(n) || n < 2)) {
	log(`error: BENCH_SIZES must be a comma-separated list of integers >= 2, got "${process.env.BENCH_SIZES}"`);
	process.exit(1);
}
if (!existsSync(CLI) && !SKIP_KUBEHOP) {
	log(`error: ${path.relative(process.cwd(), CLI) || CLI} is missing. Run \`npm run build\` first (\`npm run bench\` does),`);
	log('or set BENCH_SKIP_KUBEHOP=1 to benchmark only the other tools.');
	process.exit(1);
}

/**
 * Timed runs for one row at one size: at most `max`, fewer for slow commands (at least `min`). The
 * 30 s budget keeps kubectl and bash kubectx at 3 runs at 10,000 contexts; a fast command gets its
 * 15 there too: writing a 53 MB file here takes 13 ms in most runs and 90-125 ms in some (write(2)
 * itself stalls in the kernel), and 3 runs left a row's median to which runs stalled.
 */
function plan(size) {
	const max = RUNS || (QUICK ? (size >= 10_000 ? 1 : 5) : 15);
	return {max, min: Math.min(max, QUICK ? 1 : 3), budgetMs: QUICK ? 10_000 : 30_000};
}

// ---------------------------------------------------------------------------------------------
// Tool detection. Nothing is installed here; the Go tools are built from source into a cache.

const sh = (cmd, args, options = {}) => spawnSync(cmd, args, {encoding: 'utf8', timeout: 30_000, ...options});
const firstLine = (text) => (text || '').trim().split('\n').find(Boolean) ?? '';

function which(cmd) {
	for (const dir of (process.env.PATH || '').split(path.delimiter)) {
		const file = path.join(dir || '.', cmd);
		try {
			accessSync(file, constants.X_OK);
			return file;
		} catch {}
	}
	return null;
}

/** 'go' for an ELF binary (the Go rewrite), 'bash' for a script (the original kubectx). */
function flavor(file) {
	const fd = openSync(file, 'r');
	const head = Buffer.alloc(4);
	readSync(fd, head, 0, 4, 0);
	closeSync(fd);
	return head.toString('latin1') === '\x7fELF' ? 'go' : head.toString('latin1', 0, 2) === '#!' ? 'bash' : 'unknown';
}

function debianVersion(file) {
	const owner = which('dpkg-query') && sh('dpkg-query', ['-S', file]);
	const pkg = owner?.status === 0 ? owner.stdout.split(':')[0] : null;
	return pkg ? sh('dpkg-query', ['-W', '-f', '${Version}', pkg]).stdout : null;
}

function gnuTime() {
	const probe = path.join(os.tmpdir(), `kubehop-bench-time-${process.pid}`);
	const ok = existsSync('/usr/bin/time') && sh('/usr/bin/time', ['-f', '%M', '-o', probe, 'true']).status === 0;
	const rss = ok && Number(readFileSync(probe, 'utf8'));
	rmSync(probe, {force: true});
	return rss > 0 ? '/usr/bin/time' : null;
}

const GO_BIN = path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'kubehop-bench', 'bin');
const goInstallHint = (name) => `GOBIN=${GO_BIN.replace(os.homedir(), '~')} go install github.com/ahmetb/kubectx/cmd/${name}@latest`;

/** The Go kubectx/kubens: an ELF one on PATH (e.g. a newer Debian package), else built into GO_BIN. */
function goTool(name, onPath) {
	if (onPath && flavor(onPath) === 'go') return {file: onPath};
	const file = path.join(GO_BIN, name);
	const skip = `skipped: ${name} (Go) not installed (install with \`${goInstallHint(name)}\`)`;
	if (!existsSync(file)) {
		if (!which('go')) return {skip, why: 'go is not on PATH'};
		log(`building the Go ${name} from source (one-time, cached): ${goInstallHint(name)}`);
		mkdirSync(GO_BIN, {recursive: true});
		const built = sh('go', ['install', `github.com/ahmetb/kubectx/cmd/${name}@latest`], {
			cwd: os.tmpdir(),
			env: {...process.env, GOBIN: GO_BIN},
			timeout: 300_000,
		});
		if (built.status !== 0 || !existsSync(file)) {
			const why = firstLine(built.stderr).split(': ').pop() || built.error?.message || `exit ${built.status}`;
			return {skip, why: `\`go install\` failed (${why})`};
		}
	}
	return {file};
}

function detect() {
	const tools = {node: {file: process.execPath, version: process.version}};
	const {version} = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
	tools.kubehop = SKIP_KUBEHOP ? {skip: 'skipped: BENCH_SKIP_KUBEHOP=1'} : {file: process.execPath, pre: [CLI], version: `${version} (${path.relative(ROOT, CLI)})`};

	const kubectl = which('kubectl');
	tools.kubectl = kubectl
		? {file: kubectl, version: firstLine(sh(kubectl, ['version', '--client']).stdout).replace(/^Client Version:\s*/, '')}
		: {skip: 'skipped: kubectl not installed (install kubectl, e.g. `apt-get install -y kubernetes-client`)'};

	for (const name of ['kubectx', 'kubens']) {
		const onPath = which(name);
		const kind = onPath && flavor(onPath);
		const deb = onPath && debianVersion(onPath);
		const origin = deb ? `Debian package ${deb}` : onPath;
		tools[`${name}Bash`] =
			kind === 'bash'
				? {file: onPath, version: origin}
				: {skip: `skipped: ${name} (bash) not installed (install with \`apt-get install -y kubectx\`)`, why: kind === 'go' ? `${onPath} is the Go version` : undefined};
		const go = goTool(name, onPath);
		if (go.file) {
			const version = firstLine(sh(go.file, ['--version']).stdout) || 'unknown version';
			go.version = `${version}, ${go.file === onPath ? `Go binary from ${origin}` : `built from source into ${GO_BIN.replace(os.homedir(), '~')}`}`;
			go.label = go.file === onPath && deb ? '(Go, Debian package)' : '(Go)';
		}
		tools[`${name}Go`] = go;
	}
	// kubens checks the namespace against the cluster unless it has --force; we have no cluster.
	for (const key of ['kubensBash', 'kubensGo']) {
		const tool = tools[key];
		const help = tool.file && sh(tool.file, ['--help']);
		if (help && !/--force/.test(help.stdout + help.stderr)) {
			tools[key] = {skip: `skipped: kubens (${key === 'kubensGo' ? 'Go' : 'bash'}) has no --force flag`, why: `${tool.version}: without --force kubens checks the namespace against the cluster, and the fixture has none`};
		}
	}
	return tools;
}

// ---------------------------------------------------------------------------------------------
// Rows. args(i, f) gives the arguments of run i (run 0 is the discarded warmup); every run
// changes the file. expect(i, f) is the state after run i, checked once after the last run.

const toggleName = (i, f) => (i % 2 === 0 ? f.last : f.mid); // current-context starts at f.first
const toggleBack = (i, f) => (i % 2 === 0 ? f.first : f.last); // after priming with a switch to f.last
const toggleNs = (i) => (i % 2 === 0 ? 'bench-a' : 'bench-b');
const ctx = (fn) => (i, f) => ({context: fn(i, f)});
const ns = (i) => ({namespace: toggleNs(i)});

const ROWS = [
	{id: 'node', tool: 'node', label: '`node -e 0` (baseline)', args: () => ['-e', '0']},
	{id: 'kubehop-ctx', tool: 'kubehop', label: '`kubehop ctx NAME`', args: (i, f) => ['ctx', toggleName(i, f)], expect: ctx(toggleName)},
	{id: 'kubehop-ctx-prev', tool: 'kubehop', label: '`kubehop ctx -`', prime: (f) => ['ctx', f.last], args: () => ['ctx', '-'], expect: ctx(toggleBack)},
	{id: 'kubectl-ctx', tool: 'kubectl', label: '`kubectl config use-context NAME`', args: (i, f) => ['config', 'use-context', toggleName(i, f)], expect: ctx(toggleName)},
	{id: 'kubectx-bash', tool: 'kubectxBash', label: '`kubectx NAME` (bash)', args: (i, f) => [toggleName(i, f)], expect: ctx(toggleName)},
	{id: 'kubectx-bash-prev', tool: 'kubectxBash', label: '`kubectx -` (bash)', prime: (f) => [f.last], args: () => ['-'], expect: ctx(toggleBack)},
	{id: 'kubectx-go', tool: 'kubectxGo', label: '`kubectx NAME` (Go)', args: (i, f) => [toggleName(i, f)], expect: ctx(toggleName)},
	{id: 'kubectx-go-prev', tool: 'kubectxGo', label: '`kubectx -` (Go)', prime: (f) => [f.last], args: () => ['-'], expect: ctx(toggleBack)},
	{id: 'kubehop-ns', tool: 'kubehop', label: '`kubehop ns NAME --force`', args: (i) => ['ns', toggleNs(i), '--force'], expect: ns},
	{id: 'kubectl-ns', tool: 'kubectl', label: '`kubectl config set-context --current --namespace NAME`', args: (i) => ['config', 'set-context', '--current', '--namespace', toggleNs(i)], expect: ns},
	{id: 'kubens-bash', tool: 'kubensBash', label: '`kubens NAME --force` (bash)', args: (i) => [toggleNs(i), '--force'], expect: ns},
	{id: 'kubens-go', tool: 'kubensGo', label: '`kubens NAME --force` (Go)', args: (i) => [toggleNs(i), '--force'], expect: ns},
];

// Ratio rows: num ÷ den, with the issue's targets (null = informational).
const vsNode = (size) => (size <= 1000 ? {op: '<=', value: 1.3} : null);
const vsKubectl = (size) => (size >= 10_000 ? {op: '>=', value: 40} : size >= 1000 ? {op: '>=', value: 10} : null);
const faster = () => ({op: '>', value: 1});
const RATIOS = [
	{num: 'kubehop-ctx', den: 'node', label: '`kubehop ctx NAME` ÷ `node -e 0`', target: vsNode, goal: '≤ 1.3× up to 1,000'},
	{num: 'kubehop-ctx-prev', den: 'node', label: '`kubehop ctx -` ÷ `node -e 0`', target: vsNode, goal: '≤ 1.3× up to 1,000'},
	// The issue sets targets for `ctx`; the `ns` rows are shown for information.
	{num: 'kubehop-ns', den: 'node', label: '`kubehop ns NAME --force` ÷ `node -e 0`', target: () => null, goal: '—'},
	{num: 'kubectl-ctx', den: 'kubehop-ctx', label: 'kubectl use-context ÷ `kubehop ctx NAME`', target: vsKubectl, goal: '≥ 10× at 1,000, ≥ 40× at 10,000'},
	{num: 'kubectl-ns', den: 'kubehop-ns', label: 'kubectl set-context ÷ `kubehop ns NAME --force`', target: () => null, goal: '—'},
	{num: 'kubectx-bash', den: 'kubehop-ctx', label: 'bash `kubectx NAME` ÷ `kubehop ctx NAME`', target: faster, goal: '> 1×'},
	{num: 'kubectx-bash-prev', den: 'kubehop-ctx-prev', label: 'bash `kubectx -` ÷ `kubehop ctx -`', target: faster, goal: '> 1×'},
	{num: 'kubens-bash', den: 'kubehop-ns', label: 'bash `kubens NAME --force` ÷ `kubehop ns NAME --force`', target: () => null, goal: '—'},
	{num: 'kubectx-go', den: 'kubehop-ctx', label: 'Go `kubectx NAME` ÷ `kubehop ctx NAME`', target: () => null, goal: '—'},
	{num: 'kubectx-go-prev', den: 'kubehop-ctx-prev', label: 'Go `kubectx -` ÷ `kubehop ctx -`', target: () => null, goal: '—'},
	{num: 'kubens-go', den: 'kubehop-ns', label: 'Go `kubens NAME --force` ÷ `kubehop ns NAME --force`', target: () => null, goal: '—'},
];
const RSS_LIMIT_MIB = 60;
const TOOL_NAMES = {kubehop: 'kubehop', kubectl: 'kubectl', kubectxBash: 'kubectx (bash)', kubectxGo: 'kubectx (Go)', kubensBash: 'kubens (bash)', kubensGo: 'kubens (Go)'};

// ---------------------------------------------------------------------------------------------
// Running.

const TMP = mkdtempSync(path.join(os.tmpdir(), 'kubehop-bench-'));
const cleanup = () => rmSync(TMP, {recursive: true, force: true});
process.on('exit', cleanup);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));

const TIME = gnuTime();
const RSS_FILE = path.join(TMP, 'rss');

function runOnce(tool, args, env) {
	const argv = [...(tool.pre ?? []), ...args];
	const [cmd, cmdArgs] = TIME ? [TIME, ['-f', '%M', '-o', RSS_FILE, tool.file, ...argv]] : [tool.file, argv];
	const start = process.hrtime.bigint();
	const r = spawnSync(cmd, cmdArgs, {env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 180_000, maxBuffer: 1 << 26});
	const ms = Number(process.hrtime.bigint() - start) / 1e6;
	if (r.error) throw new Error(`${path.basename(tool.file)} ${argv.join(' ')}: ${r.error.message}`);
	if (r.status !== 0) {
		throw new Error(`\`${path.basename(tool.file)} ${argv.join(' ')}\` exited ${r.status ?? r.signal}: ${firstLine(r.stderr.replace(/^Command exited.*\n/m, '')) || firstLine(r.stdout)}`);
	}
	return {ms, rssMiB: TIME ? Number(readFileSync(RSS_FILE, 'utf8').trim().split('\n').pop()) / 1024 : null};
}

function checkState(file, want) {
	const text = readFileSync(file, 'utf8');
	if (want.context) {
		const got = /^current-context:\s*["']?([^"'\n]*)["']?\s*$/m.exec(text)?.[1];
		if (got !== want.context) throw new Error(`after the last run current-context is ${got}, expected ${want.context}`);
	}
	if (want.namespace && !new RegExp(`^\\s+namespace:\\s*["']?${want.namespace}["']?\\s*$`, 'm').test(text)) {
		throw new Error(`after the last run no context has namespace ${want.namespace}`);
	}
}

const median = (xs) => {
	const s = [...xs].sort((a, b) => a - b);
	const m = s.length >> 1;
	return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function runRow(row, tool, fixture) {
	if (tool.skip) return {skipped: tool.skip};
	const home = path.join(TMP, `home-${row.id}`);
	const kubeconfig = path.join(TMP, 'kubeconfig.yaml');
	mkdirSync(path.join(home, '.kube'), {recursive: true}); // bash kubectx keeps its history in $HOME/.kube
	copyFileSync(fixture.file, kubeconfig);
	const env = {PATH: process.env.PATH, HOME: home, KUBECONFIG: kubeconfig, LANG: 'C.UTF-8'};
	try {
		if (row.prime) runOnce(tool, row.prime(fixture), env);
		const warmup = runOnce(tool, row.args(0, fixture), env);
		const {max, min, budgetMs} = plan(fixture.size);
		const runs = Math.max(min, Math.min(max, Math.floor(budgetMs / warmup.ms)));
		const samples = [];
		for (let i = 1; i <= runs; i++) samples.push(runOnce(tool, row.args(i, fixture), env));
		if (row.expect) checkState(kubeconfig, row.expect(runs, fixture));
		const ms = samples.map((s) => s.ms);
		return {
			runs,
			medianMs: median(ms),
			minMs: Math.min(...ms),
			maxMs: Math.max(...ms),
			peakRssMiB: TIME ? Math.max(...samples.map((s) => s.rssMiB)) : null,
			samplesMs: ms.map((x) => Math.round(x * 10) / 10),
		};
	} catch (error) {
		return {error: error.message};
	} finally {
		rmSync(home, {recursive: true, force: true});
		rmSync(kubeconfig, {force: true});
	}
}

// ---------------------------------------------------------------------------------------------
// Formatting.

const int = (n) => Math.round(n).toLocaleString('en-US');
const fmtMs = (ms) => (ms < 100 ? ms.toFixed(1) : int(ms));

/**
 * `node -e 0` reads no fixture, so its runs at every size measure the same thing: pooled, the baseline
 * of the TUI and certs ratios is not left to the runs made at any one size.
 */
function pooledNodeMs() {
	const pooled = Object.values(results.node ?? {}).flatMap((row) => row?.samplesMs ?? []);
	return pooled.length > 0 ? median(pooled) : undefined;
}
const fmtSize = (bytes) => (bytes < 1 << 20 ? `${(bytes / 1024).toFixed(0)} KiB` : `${(bytes / (1 << 20)).toFixed(1)} MiB`);
const cellText = (r, value) => (r.skipped ? 'skipped' : r.error ? 'error' : value(r));
const table = (head, rows) =>
	[`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');

function check(target, value) {
	if (!target) return '';
	if (value == null) return 'n/a';
	const ok = {'<': value < target.value, '<=': value <= target.value, '>=': value >= target.value, '>': value > target.value}[target.op];
	return ok ? 'PASS' : 'FAIL';
}

function ratios(results, fixtures) {
	const out = RATIOS.map((ratio) => ({
		label: ratio.label,
		goal: ratio.goal,
		bySize: Object.fromEntries(
			fixtures.map(({size}) => {
				const num = results[ratio.num][size];
				const den = results[ratio.den][size];
				const value = num?.medianMs && den?.medianMs ? num.medianMs / den.medianMs : null;
				return [size, {value, verdict: check(ratio.target(size), value)}];
			}),
		),
	}));
	const kubehopRows = ['kubehop-ctx', 'kubehop-ctx-prev'];
	out.push({
		label: 'kubehop ctx peak RSS (max of its rows), MiB',
		goal: `< ${RSS_LIMIT_MIB} MiB up to 1,000`,
		rss: true,
		bySize: Object.fromEntries(
			fixtures.map(({size}) => {
				const peaks = kubehopRows.map((id) => results[id][size]?.peakRssMiB).filter((x) => x != null);
				const value = peaks.length ? Math.max(...peaks) : null;
				return [size, {value, verdict: size <= 1000 ? check({op: '<', value: RSS_LIMIT_MIB}, value) : ''}];
			}),
		),
	});
	return out;
}

function markdown(meta, tools, fixtures, results, ratioRows) {
	const sizeHead = fixtures.map((f) => `${int(f.size)} contexts`);
	const notes = [];
	const rowCells = (row, value, full = false) => {
		const cells = fixtures.map((f) => cellText(results[row.id][f.size], value));
		const first = fixtures.map((f) => results[row.id][f.size]).find((r) => r.skipped || r.error);
		if (first?.skipped) return [row.label, full ? first.skipped : 'skipped', ...cells.slice(1).fill('')];
		for (const f of fixtures) {
			const r = results[row.id][f.size];
			if (r.error && full) notes.push(`- ${row.label} at ${int(f.size)}: error: ${r.error}`);
		}
		return [row.label, ...cells];
	};
	const ms = ROWS.map((row) => rowCells(row, (r) => fmtMs(r.medianMs), true));
	const rss = ROWS.map((row) => rowCells(row, (r) => (r.peakRssMiB == null ? 'n/a' : r.peakRssMiB.toFixed(1))));
	const runs = ROWS.map((row) => rowCells(row, (r) => String(r.runs)));
	const skips = Object.entries(tools).filter(([, t]) => t.why).map(([key, t]) => `- ${TOOL_NAMES[key] ?? key}: ${t.why}`);
	const shown = ratioRows.filter((r) => r.goal !== '—' || Object.values(r.bySize).some((c) => c.value != null));
	const ratioTable = shown.map((ratio) => [
		ratio.label,
		ratio.goal,
		...fixtures.map((f) => {
			const {value, verdict} = ratio.bySize[f.size];
			if (value == null) return verdict || 'n/a';
			return `${ratio.rss ? value.toFixed(1) : `${value < 10 ? value.toFixed(2) : value.toFixed(1)}×`}${verdict ? ` ${verdict}` : ''}`;
		}),
	]);
	const verdicts = ratioRows.flatMap((r) => Object.values(r.bySize).map((c) => c.verdict)).filter(Boolean);
	const count = (v) => verdicts.filter((x) => x === v).length;
	return [
		'## Benchmark',
		'',
		`${meta.date}, ${meta.cpu} (${meta.cpus} CPUs, load average ${meta.loadAverage} at start), ${meta.os}, Node ${meta.node}.`,
		...Object.entries(TOOL_NAMES)
			.filter(([key]) => tools[key].version)
			.map(([key, name]) => `${name}: ${tools[key].version}.`),
		`Fixtures: ${fixtures.map((f) => `${int(f.size)} contexts = ${fmtSize(f.bytes)}`).join(', ')}; each context has its own cluster and user with embedded CA, client certificate and key.`,
		'Each command runs with a temporary HOME and KUBECONFIG; one warmup run is discarded, every run rewrites the file (alternating two contexts or namespaces; `-` rows are primed with one switch).',
		TIME ? 'Peak RSS is the maximum over the timed runs, from GNU `/usr/bin/time -f %M` (for the bash tools: the largest process, i.e. kubectl).' : 'Peak RSS: n/a, GNU time is not installed (install with `apt-get install -y time`).',
		'',
		'### Median wall time (ms)',
		'',
		table(['command', ...sizeHead], ms),
		'',
		'### Peak RSS (MiB)',
		'',
		table(['command', ...sizeHead], rss),
		'',
		'### Ratios of median times, and targets',
		'',
		table(['comparison', 'target', ...sizeHead], ratioTable),
		'',
		`Targets: ${count('PASS')} PASS, ${count('FAIL')} FAIL, ${count('n/a')} n/a.`,
		'',
		'<details><summary>Timed runs per row</summary>',
		'',
		table(['command', ...sizeHead], runs),
		'',
		'</details>',
		...(skips.length ? ['', 'Skipped:', '', ...skips] : []),
		...(notes.length ? ['', '### Errors', '', ...notes] : []),
		'',
	].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Main.

const tools = detect();
for (const row of ROWS) if (tools[row.tool].label) row.label = row.label.replace('(Go)', tools[row.tool].label);
if (!TIME) log('note: GNU time (/usr/bin/time) not found; peak RSS will be n/a (install with `apt-get install -y time`)');
for (const tool of Object.values(tools)) if (tool.skip) log(`${tool.skip}${tool.why ? ` (${tool.why})` : ''}`);

const fixtures = SIZES.map((size) => {
	const file = path.join(TMP, `fixture-${size}.yaml`);
	const bytes = writeKubeconfig(file, size);
	log(`fixture: ${int(size)} contexts, ${fmtSize(bytes)}`);
	return {size, file, bytes, first: contextName(0, size), mid: contextName(size >> 1, size), last: contextName(size - 1, size)};
});

const loadAtStart = Math.round(os.loadavg()[0] * 10) / 10;
if (loadAtStart > os.cpus().length / 2) log(`warning: load average is ${loadAtStart} on ${os.cpus().length} CPUs; timings will be noisy`);
const results = Object.fromEntries(ROWS.map((row) => [row.id, {}]));
const started = Date.now();
for (const fixture of fixtures) {
	for (const row of ROWS) {
		const r = runRow(row, tools[row.tool], fixture);
		results[row.id][fixture.size] = r;
		if (!r.skipped) {
			const summary = r.error ? `error: ${r.error}` : `${r.runs} runs, median ${fmtMs(r.medianMs)} ms, peak ${r.peakRssMiB?.toFixed(1) ?? 'n/a'} MiB`;
			log(`[${int(fixture.size)}] ${row.label.replace(/`/g, '')}: ${summary}`);
		}
	}
}

// The terminal UI in a pseudo-terminal: the first frame with the list counted on screen, key-to-frame
// latency while a context name is typed, and peak RSS. One cold launch first fills kubehop's index
// cache, as a user's first launch does; the timed launches are the ones after it.
const tui = {};
const hasScript = spawnSync('script', ['--version'], {stdio: 'ignore'}).status === 0;
if (process.env.BENCH_SKIP_TUI !== '1' && hasScript && !process.env.BENCH_SKIP_KUBEHOP) {
	for (const fixture of fixtures) {
		const home = mkdtempSync(path.join(TMP, 'tui-'));
		const kubeconfig = path.join(home, 'config');
		copyFileSync(fixture.file, kubeconfig);
		const session = (query) => tuiSession({cli: CLI, kubeconfig, contexts: fixture.size, query, home});
		try {
			const cold = await session('c');
			const sessions = [];
			for (let run = 0; run < (QUICK ? 1 : 3); run++) sessions.push(await session(contextName(Math.floor(fixture.size / 3), fixture.size)));
			// The same name typed at a fast typist's pace, as a person who has just seen the list would.
			const paced = [];
			for (let run = 0; run < (QUICK ? 1 : 3); run++) paced.push(await tuiSession({cli: CLI, kubeconfig, contexts: fixture.size, query: contextName(Math.floor(fixture.size / 3), fixture.size), home, pace: typistPace}));
			const typist = keyLatencies(paced);
			tui[fixture.size] = {coldFirstFrameMs: cold.firstFrame, ...summarise(sessions), typistKeyMedianMs: typist.keyMedianMs, typistKeyP95Ms: typist.keyP95Ms};
			log(`[${int(fixture.size)}] kubehop TUI: first frame ${fmtMs(tui[fixture.size].firstFrameMs)} ms (cold ${fmtMs(cold.firstFrame)}), key ${fmtMs(tui[fixture.size].keyMedianMs)} ms median / ${fmtMs(tui[fixture.size].keyP95Ms)} p95 (at a typist's pace ${fmtMs(tui[fixture.size].typistKeyMedianMs)} / ${fmtMs(tui[fixture.size].typistKeyP95Ms)}), peak ${tui[fixture.size].peakRssMiB.toFixed(1)} MiB`);
		} catch (error) {
			tui[fixture.size] = {error: error.message.split('\n')[0]};
			log(`[${int(fixture.size)}] kubehop TUI: error: ${tui[fixture.size].error}`);
		}
	}
} else if (!hasScript) {
	log('skipped: the TUI rows need `script` from util-linux for a pseudo-terminal');
}

function tuiMarkdown() {
	const sizes = fixtures.map((fixture) => fixture.size).filter((size) => tui[size]);
	if (sizes.length === 0) return '';
	const nodeBaseline = pooledNodeMs();
	const node = (size) => nodeBaseline ?? results.node[size]?.medianMs;
	const cell = (size, value, digits = 0) => (tui[size].error ? 'error' : value.toFixed(digits));
	const verdict = (ok) => (ok ? 'PASS' : 'FAIL');
	const lines = [
		'',
		'### Terminal UI (pseudo-terminal, 100×30)',
		'',
		`| measure | target | ${sizes.map((size) => `${int(size)} contexts`).join(' | ')} |`,
		`| --- | --- | ${sizes.map(() => '---:').join(' | ')} |`,
		`| first frame, ms (cold: first launch, index cache empty) | — | ${sizes.map((size) => `${cell(size, tui[size].firstFrameMs ?? 0)} (cold ${cell(size, tui[size].coldFirstFrameMs ?? 0)})`).join(' | ')} |`,
		`| first frame ÷ \`node -e 0\` (${nodeBaseline ? `${fmtMs(nodeBaseline)} ms, the median of all its runs` : 'per size'}) | ≤ 3.5× at 10, ≤ 5× at 10,000 | ${sizes.map((size) => { const ratio = (tui[size].firstFrameMs ?? 0) / node(size); const limit = size <= 10 ? 3.5 : size >= 10_000 ? 5 : null; return `${ratio.toFixed(1)}×${limit ? ` ${verdict(ratio <= limit)}` : ''}`; }).join(' | ')} |`,
		`| key to frame, median ms | ≤ 16 at 10,000 | ${sizes.map((size) => `${cell(size, tui[size].keyMedianMs ?? 0, 1)}${size >= 10_000 ? ` ${verdict(tui[size].keyMedianMs <= 16)}` : ''}`).join(' | ')} |`,
		`| key to frame, p95 ms | ≤ 33 at 10,000 | ${sizes.map((size) => `${cell(size, tui[size].keyP95Ms ?? 0, 1)}${size >= 10_000 ? ` ${verdict(tui[size].keyP95Ms <= 33)}` : ''}`).join(' | ')} |`,
		`| key to frame at a typist's pace (first key ${typistPace.firstKeyMs} ms after the list, each next one ${typistPace.betweenKeysMs} ms after the previous frame), median / p95 ms | — | ${sizes.map((size) => `${cell(size, tui[size].typistKeyMedianMs ?? 0, 1)} / ${cell(size, tui[size].typistKeyP95Ms ?? 0, 1)}`).join(' | ')} |`,
		`| peak RSS, MiB | ≤ 200 at 10,000 | ${sizes.map((size) => `${cell(size, tui[size].peakRssMiB ?? 0, 1)}${size >= 10_000 ? ` ${verdict(tui[size].peakRssMiB <= 200)}` : ''}`).join(' | ')} |`,
		'',
	];
	return lines.join('\n');
}

// The Access pane's matrix against a real local control plane (built from the Kubernetes Go modules
// on first use and cached). BENCH_SKIP_ACCESS=1 leaves it out.
let access;
if (process.env.BENCH_SKIP_ACCESS !== '1' && !SKIP_KUBEHOP) {
	try {
		const cache = path.join(ROOT, 'node_modules', '.cache');
		const {build} = await import('esbuild');
		for (const [entry, out] of [['access-bench.ts', 'kubehop-access-bench.mjs'], ['ssar-fanout.ts', 'kubehop-ssar-fanout.mjs'], ['certs-bench.ts', 'kubehop-certs-bench.mjs']]) {
			await build({entryPoints: [path.join(ROOT, 'test', 'bench', entry)], bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', outfile: path.join(cache, out), logLevel: 'warning'});
		}
		const {runAccessBench} = await import(pathToFileURL(path.join(cache, 'kubehop-access-bench.mjs')).href);
		access = await runAccessBench({cli: CLI, runs: QUICK ? 3 : RUNS || 7, log});
		log(access.markdown);
		const {runCertsBench} = await import(pathToFileURL(path.join(cache, 'kubehop-certs-bench.mjs')).href);
		const certs = await runCertsBench({cli: CLI, runs: QUICK ? 3 : RUNS || 7, log, nodeMs: pooledNodeMs() ?? results.node[SIZES[0]]?.medianMs});
		log(certs.markdown);
		access = {markdown: access.markdown + certs.markdown, json: {access: access.json, certs: certs.json}};
	} catch (error) {
		access = {markdown: `\n### Access\n\nerror: ${error.message.split('\n')[0]}\n`, json: {error: error.message}};
		log(`access: error: ${error.message}`);
	}
}

log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);

const meta = {
	date: new Date().toISOString().slice(0, 10),
	node: process.version,
	os: `${os.type()} ${os.release()} ${os.arch()}`,
	cpu: os.cpus()[0]?.model.trim() ?? 'unknown CPU',
	cpus: os.cpus().length,
	loadAverage: loadAtStart,
	gnuTime: Boolean(TIME),
	quick: QUICK,
};
const ratioRows = ratios(results, fixtures);
if (JSON_OUT) {
	const toolInfo = Object.fromEntries(Object.entries(tools).map(([key, t]) => [key, t.skip ? {skipped: t.skip, why: t.why ?? null} : {file: t.file, version: t.version ?? null}]));
	const json = {
		meta,
		tools: toolInfo,
		fixtures: fixtures.map(({size, bytes}) => ({contexts: size, bytes})),
		rows: ROWS.map((row) => ({id: row.id, label: row.label.replace(/`/g, ''), tool: row.tool, results: results[row.id]})),
		ratios: ratioRows.map((r) => ({...r, label: r.label.replace(/`/g, '')})),
		tui,
		access: access?.json ?? null,
	};
	process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
} else {
	process.stdout.write(markdown(meta, tools, fixtures, results, ratioRows) + tuiMarkdown() + (access?.markdown ?? ''));
}
process.exitCode = Object.values(results).some((bySize) => Object.values(bySize).some((r) => r.error)) ? 1 : 0;
