import {spawn, spawnSync, type ChildProcess} from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import net from 'node:net';

// Child processes that cannot outlive the test run: each is started under `setpriv --pdeathsig KILL`
// where util-linux has it, so even a SIGKILLed test runner takes etcd and the API server with it.

const hasSetpriv = spawnSync('setpriv', ['--help'], {stdio: 'ignore'}).status === 0;

export type Managed = {name: string; child: ChildProcess; log: string; exited: Promise<void>};

export function startManaged(name: string, binary: string, args: string[], log: string): Managed {
	const output = fs.openSync(log, 'a');
	const [command, commandArgs] = hasSetpriv ? ['setpriv', ['--pdeathsig', 'KILL', '--', binary, ...args]] : [binary, args];
	const child = spawn(command, commandArgs, {stdio: ['ignore', output, output]});
	fs.closeSync(output);
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	return {name, child, log, exited};
}

/**
 * SIGKILL, and resolves on the exit event. Everything these processes keep (etcd's data, the logs) is
 * thrown away with their directory, so a graceful stop would only add a wait for nothing.
 */
export async function stopManaged(process: Pick<Managed, 'child'> & {exited: Promise<unknown>}): Promise<void> {
	if (process.child.exitCode !== null || process.child.signalCode !== null) return;
	process.child.kill('SIGKILL');
	await process.exited;
}

export function lastLines(file: string, count = 15): string {
	try {
		return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-count).join('\n');
	} catch {
		return '(no log)';
	}
}

export async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const {port} = server.address() as net.AddressInfo;
			server.close(() => resolve(port));
		});
	});
}

export type TlsClient = {ca: string; cert: string; key: string};

/** GET over TLS with a client certificate; resolves to the status code, or 0 when nothing answered. */
export function tlsStatus(url: string, client: TlsClient, timeoutMs = 2000): Promise<number> {
	return new Promise((resolve) => {
		const request = https.get(url, {ca: fs.readFileSync(client.ca), cert: fs.readFileSync(client.cert), key: fs.readFileSync(client.key), timeout: timeoutMs}, (response) => {
			response.resume();
			resolve(response.statusCode ?? 0);
		});
		request.on('timeout', () => request.destroy());
		request.on('error', () => resolve(0));
	});
}

/**
 * Probes `check` (a health or readiness endpoint) until it passes, the process exits, or the deadline
 * passes. Readiness has no event to wait on, and the servers log nothing in particular when they get
 * there: the 200 ms between probes is their cadence, and a slow machine only takes more of them.
 */
export async function waitFor(what: string, check: () => Promise<boolean>, isAlive: () => boolean, timeoutMs: number, diagnostics: () => string): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (await check()) return;
		if (!isAlive()) throw new Error(`${what}: the process exited\n${diagnostics()}`);
		if (Date.now() > deadline) throw new Error(`${what}: not ready after ${timeoutMs / 1000}s\n${diagnostics()}`);
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
}
