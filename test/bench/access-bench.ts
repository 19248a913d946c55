// The can-i matrix against the real local control plane: `kubehop can-i` for the current namespace and
// for every seeded namespace, against rakkess (when it can be built), the same matrix asked the way
// rakkess asks it (one SelfSubjectAccessReview per resource and verb), and `kubectl auth can-i --list`.
// Every run is a fresh process; requests are counted by each tool's own client. Also the TUI's time
// from opening the Access pane to the painted matrix.
import {spawn, spawnSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {resolveBinaries} from '../cluster/control-plane/binaries.ts';
import {startControlPlane} from '../cluster/control-plane/control-plane.ts';

type Log = (message: string) => void;
type Row = {who: string; tool: string; label: string; namespaces: string; medianMs?: number; requests?: number | string; skipped?: string; note?: string};

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const seeded = ['default', 'dev', 'staging', 'prod'];

function timed(command: string, args: string[], env: NodeJS.ProcessEnv): {ms: number; stdout: string; status: number; stderr: string} {
	const started = performance.now();
	const result = spawnSync(command, args, {env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 120_000});
	return {ms: performance.now() - started, stdout: result.stdout ?? '', stderr: result.stderr ?? '', status: result.status ?? -1};
}

function rakkess(log: Log): {file?: string; skipped?: string} {
	const bin = path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'kubehop-bench', 'bin');
	const file = path.join(bin, 'rakkess');
	if (fs.existsSync(file)) return {file};
	log('building rakkess from source (one-time, cached): go install github.com/corneliusweig/rakkess@v0.5.0');
	const built = spawnSync('go', ['install', 'github.com/corneliusweig/rakkess@v0.5.0'], {cwd: os.tmpdir(), env: {...process.env, GOBIN: bin}, encoding: 'utf8', timeout: 600_000});
	if (built.status === 0 && fs.existsSync(file)) return {file};
	const why = (built.stderr || built.error?.message || `exit ${built.status}`).trim().split('\n').find((line) => /403|404|error|failed/i.test(line)) ?? 'failed';
	return {skipped: `go install github.com/corneliusweig/rakkess@v0.5.0 failed: ${why.trim()}`};
}

/** First paint of a pane in the TUI: from the Tabs that open it to `painted` on screen. */
async function tuiFirstPaint(cli: string, env: NodeJS.ProcessEnv, tabs = '\t\t\t', painted = 'RESOURCE'): Promise<number> {
	const child = spawn('script', ['-qfec', `stty cols 120 rows 40; exec ${process.execPath} ${cli}`, '/dev/null'], {env: {...env, TERM: 'xterm-256color', NO_COLOR: '1'}, stdio: ['pipe', 'pipe', 'ignore']});
	let screen = '';
	const waitFor = (text: string) =>
		new Promise<number>((resolve, reject) => {
			const timer = setTimeout(() => reject(new Error(`timed out waiting for ${text}: ${screen.slice(-500)}`)), 30_000);
			const check = () => {
				if (!screen.includes(text)) return;
				clearTimeout(timer);
				child.stdout.off('data', onData);
				resolve(performance.now());
			};
			const onData = (chunk: Buffer) => ((screen += chunk.toString('utf8')), check());
			child.stdout.on('data', onData);
			check();
		});
	try {
		await waitFor('Contexts');
		await waitFor('/3');
		screen = '';
		const sent = performance.now();
		child.stdin.write(tabs);
		return (await waitFor(painted)) - sent;
	} finally {
		child.stdin.write('\u0003');
		setTimeout(() => child.kill('SIGKILL'), 2000).unref();
	}
}

export async function runAccessBench({cli, runs, log}: {cli: string; runs: number; log: Log}): Promise<{markdown: string; json: unknown}> {
	log('access: starting the local control plane (kube-apiserver and etcd; the first build takes minutes)');
	const binaries = resolveBinaries();
	const cluster = await startControlPlane(binaries);
	try {
		const env = {PATH: process.env.PATH, HOME: cluster.home, KUBECONFIG: cluster.kubeconfig} as NodeJS.ProcessEnv;
		const kubectl = binaries.kubectl;
		const identities = [
			{name: 'jane', context: cluster.contexts.jane},
			{name: 'admin (system:masters)', context: cluster.contexts.admin},
		];
		const rows: Row[] = [];
		const rakkessTool = rakkess(log);
		for (const identity of identities) {
			for (const namespaces of [['default'], seeded]) {
				const label = namespaces.length === 1 ? namespaces[0]! : `all ${namespaces.length} seeded`;
				const measure = (name: string, command: string, args: string[], requestsOf?: (stdout: string) => number | string, note?: string) => {
					const times: number[] = [];
					let last;
					for (let run = 0; run < runs; run++) {
						last = timed(command, args, env);
						if (last.status !== 0) {
							rows.push({who: identity.name, tool: name, label: `${identity.name}: ${name}`, namespaces: label, skipped: `exit ${last.status}: ${last.stderr.trim().split('\n')[0]}`});
							return;
						}

						times.push(last.ms);
					}

					rows.push({who: identity.name, tool: name, label: `${identity.name}: ${name}`, namespaces: label, medianMs: median(times), requests: requestsOf ? requestsOf(last!.stdout) : 'n/a', note});
				};

				measure('kubehop can-i', process.execPath, [cli, 'can-i', '--context', identity.context, '--json', '-n', namespaces.join(',')], (stdout) => (JSON.parse(stdout) as {requests: number}).requests);
				measure(
					'one access review per resource and verb (how rakkess asks)',
					process.execPath,
					[path.join(path.dirname(cli), '..', 'node_modules', '.cache', 'kubehop-ssar-fanout.mjs'), identity.context, namespaces.join(',')],
					(stdout) => (JSON.parse(stdout) as {requests: number}).requests,
				);
				if (rakkessTool.file) measure('rakkess', rakkessTool.file, ['--context', identity.context, ...(namespaces.length === 1 ? ['-n', namespaces[0]!] : [])], undefined, 'rakkess checks one namespace per run');
				else rows.push({who: identity.name, tool: 'rakkess', label: `${identity.name}: rakkess v0.5.0`, namespaces: label, skipped: rakkessTool.skipped});
				if (namespaces.length === 1) measure('kubectl auth can-i --list', kubectl, ['--context', identity.context, 'auth', 'can-i', '--list', '-n', namespaces[0]!], () => 1, 'a list of rules, not a matrix');
			}
		}

		let firstPaint: number | string;
		try {
			const paints: number[] = [];
			for (let run = 0; run < Math.max(3, Math.min(runs, 5)); run++) paints.push(await tuiFirstPaint(cli, {...env, XDG_CACHE_HOME: path.join(cluster.home, '.cache')}));
			firstPaint = median(paints);
		} catch (error) {
			firstPaint = `error: ${(error as Error).message.split('\n')[0]}`;
		}

		// Discovery: `kubehop api` against `kubectl api-resources` with a cold cache (a fresh --cache-dir
		// each run), requests counted from each tool's own report: kubehop's JSON, and kubectl's -v=6 request
		// log in an untimed first run (its logging is not timed). The two take turns, so that the machine's
		// drift over the runs weighs on both.
		const discoveryRows: Array<{label: string; ms: number; requests: string}> = [];
		{
			const kubehopTimes: number[] = [];
			const kubectlTimes: number[] = [];
			let kubehopRequests = '';
			let kubectlRequests = 0;
			const kubehopApi = () => {
				const result = timed(process.execPath, [cli, 'api', '--json', '--context', cluster.contexts.admin], env);
				const json = JSON.parse(result.stdout) as {discoveryRequests: number; requests: number};
				kubehopRequests = `${json.discoveryRequests} discovery + ${json.requests - json.discoveryRequests} APIServices`;
				return result.ms;
			};
			const kubectlApiResources = (countRequests = false) => {
				const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'kubehop-bench-kubectl-cache-'));
				const result = timed(kubectl, ['--context', cluster.contexts.admin, '--cache-dir', cache, ...(countRequests ? ['-v=6'] : []), 'api-resources', '-o', 'wide'], env);
				fs.rmSync(cache, {recursive: true, force: true});
				if (countRequests) kubectlRequests = result.stderr.split('\n').filter((line) => /"Response" verb="GET"|GET https?:\/\//.test(line)).length;
				return result.ms;
			};

			kubehopApi();
			kubectlApiResources(true);
			for (let run = 0; run < runs; run++) {
				kubehopTimes.push(kubehopApi());
				kubectlTimes.push(kubectlApiResources());
			}

			discoveryRows.push({label: '`kubehop api` (groups, versions, resources)', ms: median(kubehopTimes), requests: kubehopRequests});
			discoveryRows.push({label: '`kubectl api-resources -o wide`, cold cache', ms: median(kubectlTimes), requests: String(kubectlRequests)});
		}

		let apiPaint: number | string;
		try {
			const paints: number[] = [];
			for (let run = 0; run < Math.max(3, Math.min(runs, 5)); run++) paints.push(await tuiFirstPaint(cli, {...env, XDG_CACHE_HOME: path.join(cluster.home, '.cache')}, '\t\t\t\t\t', 'aggregated discovery'));
			apiPaint = median(paints);
		} catch (error) {
			apiPaint = `error: ${(error as Error).message.split('\n')[0]}`;
		}

		const lines = [
			'',
			`### Access: the can-i matrix (${runs} runs each, median; real kube-apiserver on loopback)`,
			'',
			'| command | namespaces | median | HTTP requests | kubehop is faster by |',
			'| --- | --- | ---: | ---: | ---: |',
			...rows.map((row) => {
				if (row.skipped) return `| ${row.label} | ${row.namespaces} | skipped: ${row.skipped} | | |`;
				const kubehop = rows.find((candidate) => candidate.namespaces === row.namespaces && candidate.who === row.who && candidate.tool === 'kubehop can-i');
				const ratio = kubehop?.medianMs && row.medianMs && row !== kubehop ? `${(row.medianMs / kubehop.medianMs).toFixed(1)}×` : '';
				return `| ${row.label}${row.note ? ` (${row.note})` : ''} | ${row.namespaces} | ${row.medianMs!.toFixed(0)} ms | ${row.requests} | ${ratio} |`;
			}),
			'',
			`TUI: from the Tab that opens the Access pane to the painted matrix (the kubeconfig's current context, admin): ${typeof firstPaint === 'number' ? `${firstPaint.toFixed(0)} ms median` : firstPaint}.`,
			'',
			`### API discovery (${runs} runs each, median)`,
			'',
			'| command | median | HTTP requests |',
			'| --- | ---: | ---: |',
			...discoveryRows.map((row) => `| ${row.label} | ${row.ms.toFixed(0)} ms | ${row.requests} |`),
			'',
			`TUI: from the Tabs that open the API pane (starting its proxy) to the painted group tree: ${typeof apiPaint === 'number' ? `${apiPaint.toFixed(0)} ms median` : apiPaint}.`,
			'',
		];
		return {markdown: lines.join('\n'), json: {rows, tuiFirstPaintMs: firstPaint, discovery: discoveryRows, apiPaneFirstPaintMs: apiPaint}};
	} finally {
		await cluster.stop();
	}
}
