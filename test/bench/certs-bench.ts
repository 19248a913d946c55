// `kubehop certs` on a fleet of 200 contexts with embedded certificates made by openssl: the local
// part (--offline) against `node -e 0`, against what people script today (`openssl x509 -enddate` per
// certificate), and the live part with unreachable hosts, which the timeout must bound, not their count.
import {execFileSync, spawnSync} from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import https from 'node:https';

type Log = (message: string) => void;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const openssl = (directory: string, args: string[]) => execFileSync('openssl', args, {cwd: directory, stdio: ['ignore', 'pipe', 'pipe']});

function certificates(directory: string, count: number): {ca: string; clients: Array<{cert: string; key: string}>; server: {cert: string; key: string}} {
	openssl(directory, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-subj', '/CN=bench-ca', '-days', '365']);
	const issue = (name: string, subject: string, days: number, extensions?: string) => {
		openssl(directory, ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject]);
		const extra = extensions ? (fs.writeFileSync(path.join(directory, `${name}.ext`), extensions), ['-extfile', `${name}.ext`]) : [];
		openssl(directory, ['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.crt`, '-days', String(days), ...extra]);
		return {cert: fs.readFileSync(path.join(directory, `${name}.crt`), 'utf8'), key: fs.readFileSync(path.join(directory, `${name}.key`), 'utf8')};
	};

	const clients = Array.from({length: count}, (_, index) => issue(`user-${index}`, `/CN=user-${index}/O=team-${index % 5}`, 5 + index * 17));
	const server = issue('server', '/CN=bench-server', 365, 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
	return {ca: fs.readFileSync(path.join(directory, 'ca.crt'), 'utf8'), clients, server};
}

const b64 = (text: string) => Buffer.from(text).toString('base64');

function kubeconfig(file: string, contexts: number, servers: (index: number) => string, pki: ReturnType<typeof certificates>): void {
	const lines = ['apiVersion: v1', 'kind: Config', 'clusters:'];
	for (let index = 0; index < contexts; index++) lines.push(`- name: cluster-${index}`, '  cluster:', `    server: ${servers(index)}`, `    certificate-authority-data: ${b64(pki.ca)}`);
	lines.push('users:');
	for (let index = 0; index < contexts; index++) {
		const client = pki.clients[index % pki.clients.length]!;
		lines.push(`- name: user-${index}`, '  user:', `    client-certificate-data: ${b64(client.cert)}`, `    client-key-data: ${b64(client.key)}`);
	}

	lines.push('contexts:');
	for (let index = 0; index < contexts; index++) lines.push(`- name: ctx-${index}`, '  context:', `    cluster: cluster-${index}`, `    user: user-${index}`);
	lines.push('current-context: ctx-0', '');
	fs.writeFileSync(file, lines.join('\n'), {mode: 0o600});
}

async function listen(server: net.Server): Promise<number> {
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return (server.address() as net.AddressInfo).port;
}

export async function runCertsBench({cli, runs, log, nodeMs}: {cli: string; runs: number; log: Log; nodeMs?: number}): Promise<{markdown: string; json: unknown}> {
	const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'kubehop-certs-bench-'));
	const sockets = new Set<net.Socket>();
	const closers: Array<() => void> = [];
	try {
		log('certs: making 200 client certificates, a CA and a server certificate with openssl (a few seconds)');
		const pki = certificates(directory, 200);
		const live = https.createServer({cert: pki.server.cert, key: pki.server.key}, (request, response) => {
			response.writeHead(200, {'content-type': 'application/json'});
			response.end('{"major":"1","minor":"37"}');
		});
		const livePort = await listen(live);
		closers.push(() => live.close());
		// Accepts TCP and never speaks TLS: only the timeout ends these.
		const silent = net.createServer((socket) => sockets.add(socket));
		const silentPort = await listen(silent);
		closers.push(() => silent.close());
		// A port nothing listens on: taken, then given back.
		const closed = net.createServer();
		const refused = await listen(closed);
		await new Promise((resolve) => closed.close(resolve));
		const home = path.join(directory, 'home');
		fs.mkdirSync(home);
		const env = (file: string) => ({PATH: process.env.PATH, HOME: home, KUBECONFIG: file, XDG_CACHE_HOME: path.join(home, '.cache')});
		// kubehop trusts a file's stat once it is 100 ms old (source/kubeconfig/file-stat.ts); 150 leaves a margin.
		const waitUntilSettled = (file: string) => {
			const changed = fs.statSync(file).ctimeMs;
			while (Date.now() - changed < 150) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
		};

		const time = (args: string[], file: string) => {
			const times: number[] = [];
			for (let run = 0; run < runs; run++) {
				const started = performance.now();
				spawnSync(process.execPath, [cli, ...args], {env: env(file), stdio: 'ignore', timeout: 60_000});
				times.push(performance.now() - started);
			}

			return median(times);
		};

		const offlineFile = path.join(directory, 'offline.yaml');
		kubeconfig(offlineFile, 200, () => `https://127.0.0.1:${livePort}`, pki);
		// Once the new file has settled (kubehop trusts no stat younger than 100 ms), one untimed run fills
		// the report cache; the median is of runs that read it back.
		waitUntilSettled(offlineFile);
		spawnSync(process.execPath, [cli, 'certs', '-A', '--offline'], {env: env(offlineFile), stdio: 'ignore', timeout: 60_000});
		const offline = time(['certs', '-A', '--offline'], offlineFile);
		const reportCache = path.join(home, '.cache', 'kubehop', 'certs');
		const cold: number[] = [];
		const afterSwitch: number[] = [];
		for (let run = 0; run < runs; run++) {
			fs.rmSync(reportCache, {recursive: true, force: true});
			const started = performance.now();
			spawnSync(process.execPath, [cli, 'certs', '-A', '--offline'], {env: env(offlineFile), stdio: 'ignore', timeout: 60_000});
			cold.push(performance.now() - started);
		}

		for (let run = 0; run < runs; run++) {
			spawnSync(process.execPath, [cli, 'certs', '-A', '--offline'], {env: env(offlineFile), stdio: 'ignore', timeout: 60_000});
			spawnSync(process.execPath, [cli, 'ctx', `ctx-${run % 2}`], {env: env(offlineFile), stdio: 'ignore', timeout: 60_000});
			// Until the switched file has settled, kubehop trusts no stat of it, cached or not.
			waitUntilSettled(offlineFile);
			const started = performance.now();
			spawnSync(process.execPath, [cli, 'certs', '-A', '--offline'], {env: env(offlineFile), stdio: 'ignore', timeout: 60_000});
			afterSwitch.push(performance.now() - started);
		}

		// What people script today: every client certificate through openssl.
		const scripted: number[] = [];
		const script = `for c in $(grep client-certificate-data ${offlineFile} | awk '{print $2}'); do echo "$c" | base64 -d | openssl x509 -noout -enddate >/dev/null; done`;
		for (let run = 0; run < Math.min(3, runs); run++) {
			const started = performance.now();
			spawnSync('sh', ['-c', script], {stdio: 'ignore'});
			scripted.push(performance.now() - started);
		}

		const liveRows: Array<{label: string; ms: number}> = [];
		for (const silentHosts of [5, 50]) {
			const file = path.join(directory, `live-${silentHosts}.yaml`);
			// 200 contexts: most on the live server, 10 refused, `silentHosts` distinct servers that never answer.
			kubeconfig(file, 200, (index) => (index < silentHosts ? `https://127.0.0.1:${silentPort}/silent-${index}` : index < silentHosts + 10 ? `https://127.0.0.1:${refused}` : `https://127.0.0.1:${livePort}`), pki);
			liveRows.push({label: `live: 200 contexts, ${silentHosts} silent hosts, 10 refused, 1s timeout`, ms: time(['certs', '-A', '--request-timeout', '1s'], file)});
		}

		// The issue's target, the local part within 2× of `node -e 0`, judged on each of the three local rows.
		const ratio = (ms: number) => (nodeMs ? ` (${(ms / nodeMs).toFixed(1)}× \`node -e 0\`, target ≤ 2×: ${ms / nodeMs <= 2 ? 'PASS' : 'FAIL'})` : '');
		// Bounded by the timeout, not by the count of hosts: ten times the silent hosts, about the same time.
		const [fewSilent, manySilent] = liveRows.map((row) => row.ms);
		const bounded = fewSilent !== undefined && manySilent !== undefined ? ` (${manySilent - fewSilent < 250 && manySilent < 1500 ? 'PASS' : 'FAIL'}: within 1.5 s, and 50 silent hosts within 250 ms of 5)` : '';
		const lines = [
			'',
			`### Certificates: a fleet of 200 contexts with embedded certificates (${runs} runs, median)`,
			'',
			'| command | median |',
			'| --- | ---: |',
			`| \`kubehop certs -A --offline\` (the local part: 200 distinct client certificates, one shared CA), its facts read back from the report cache${ratio(offline)} | ${offline.toFixed(0)} ms |`,
			`| the same, right after \`kubehop ctx\` switched the current context (the cache compares the file without its current-context line)${ratio(median(afterSwitch))} | ${median(afterSwitch).toFixed(0)} ms |`,
			`| the same, the report cache emptied before each run (every kubeconfig and certificate parsed, the cache filled)${ratio(median(cold))} | ${median(cold).toFixed(0)} ms |`,
			`| a shell loop of \`openssl x509 -enddate\` over the 200 client certificates | ${median(scripted).toFixed(0)} ms |`,
			...liveRows.map((row, index) => `| \`kubehop certs -A\` ${row.label}${index === liveRows.length - 1 ? bounded : ''} | ${row.ms.toFixed(0)} ms |`),
			'',
		];
		return {markdown: lines.join('\n'), json: {offlineMs: offline, offlineAfterSwitchMs: median(afterSwitch), offlineColdMs: median(cold), scriptedMs: median(scripted), live: liveRows}};
	} finally {
		for (const socket of sockets) socket.destroy();
		for (const close of closers) close();
		fs.rmSync(directory, {recursive: true, force: true});
	}
}
