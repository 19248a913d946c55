import {spawn, type ChildProcess} from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import {isDeepStrictEqual} from 'node:util';
import {afterEach, describe, expect} from 'vitest';
import {loadKubeconfig} from '../../source/kubeconfig/load.ts';
import {selectKubeconfigFiles} from '../../source/kubeconfig/paths.ts';
import {startProxy} from '../../source/proxy/server.ts';
import {contextNames} from '../cluster/control-plane/control-plane.ts';
import {stopManaged} from '../cluster/control-plane/processes.ts';
import {controlPlane, homeFor, itWithCluster, kubectl} from '../support/control-plane.ts';
import {cliPath} from '../support/kubehop-binary.ts';

// kubehop proxy and the real kubectl proxy, side by side on the same kubeconfig and context: the same
// answers for allowed requests, the same refusals (foreign Host, exec and attach, rejected methods), the
// server's errors passed through, watches streamed, loopback only. Run `npm run build` first.

type Which = 'kubectl' | 'kubehop';
type Running = {which: Which; child: ChildProcess; address: string; port?: number; socketPath?: string; stderr: () => string; exit: Promise<{code: number | null; signal: NodeJS.Signals | null}>};
type Home = ReturnType<typeof homeFor>;

const running: Running[] = [];

afterEach(async () => {
	await Promise.all(running.splice(0).map(stop));
});

const stop = (proxy: Running) => stopManaged({child: proxy.child, exited: proxy.exit});

/** Starts one proxy and waits for its "Starting to serve on" line (or its exit, which fails the test). */
async function start(which: Which, home: Home, args: string[] = []): Promise<Running> {
	if (which === 'kubehop' && !fs.existsSync(cliPath)) throw new Error(`${cliPath} is missing: run npm run build first`);
	const [command, argv] = which === 'kubectl' ? [controlPlane()!.kubectl, ['--kubeconfig', home.kubeconfig, 'proxy', '--port', '0', ...args]] : [process.execPath, [cliPath, 'proxy', '--port', '0', ...args]];
	// --unix-socket refuses a --port other than the default.
	if (args.includes('--unix-socket')) argv.splice(argv.indexOf('--port'), 2);
	const child = spawn(command, argv, {env: {PATH: process.env.PATH, NO_COLOR: '1', ...home.env}, stdio: ['ignore', 'pipe', 'pipe']});
	const exit = new Promise<{code: number | null; signal: NodeJS.Signals | null}>((resolve) => child.once('exit', (code, signal) => resolve({code, signal})));
	let stdout = '';
	let stderr = '';
	child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
	const proxy: Running = {which, child, address: '', stderr: () => stderr, exit};
	running.push(proxy);
	proxy.address = await new Promise<string>((resolve, reject) => {
		child.stdout!.on('data', (chunk: Buffer) => {
			stdout += chunk.toString();
			const match = /^Starting to serve on (\S+)$/m.exec(stdout);
			if (match) resolve(match[1]!);
		});
		void exit.then(({code, signal}) => reject(new Error(`${which} proxy exited (${code ?? signal}) before serving:\n${stdout}${stderr}`)));
	});
	const port = /:(\d+)$/.exec(proxy.address);
	if (port) proxy.port = Number(port[1]);
	else proxy.socketPath = proxy.address;
	return proxy;
}

const startBoth = async (home: Home, args: string[] = []) => {
	const [kubectlProxy, kubehopProxy] = await Promise.all([start('kubectl', home, args), start('kubehop', home, args)]);
	return {kubectl: kubectlProxy, kubehop: kubehopProxy};
};

type Answer = {status: number; headers: http.IncomingHttpHeaders; body: string};
type Ask = {method?: string; headers?: Record<string, string>; body?: string; noHost?: boolean};

/** One request on a fresh connection, with the path sent exactly as given (no client-side cleaning). */
function ask(proxy: Running, target: string, {method = 'GET', headers = {}, body, noHost = false}: Ask = {}): Promise<Answer> {
	return new Promise((resolve, reject) => {
		const where = proxy.socketPath ? {socketPath: proxy.socketPath} : {host: '127.0.0.1', port: proxy.port};
		const request = http.request({...where, agent: false, method, path: target, headers: noHost ? headers : {Host: proxy.socketPath ? 'localhost' : `127.0.0.1:${proxy.port}`, ...headers}, setHost: false}, (response) => {
			const chunks: Buffer[] = [];
			response.on('data', (chunk: Buffer) => chunks.push(chunk));
			response.on('end', () => resolve({status: response.statusCode!, headers: response.headers, body: Buffer.concat(chunks).toString('utf8')}));
			response.on('error', reject);
		});
		request.on('error', reject);
		request.end(body);
	});
}

// Headers that legitimately differ between two servers: the moment, the request's audit id, and how
// the body is framed (Go and Node choose chunked or a length differently; the bodies are compared).
const unstableHeaders = new Set(['date', 'audit-id', 'connection', 'keep-alive', 'transfer-encoding', 'content-length']);

/** What a client can tell apart: the status, the headers that matter, and the body (parsed when JSON). */
function view(answer: Answer) {
	const headers = Object.fromEntries(Object.entries(answer.headers).filter(([name]) => !unstableHeaders.has(name)));
	let body: unknown = answer.body;
	if (String(answer.headers['content-type']).startsWith('application/json')) {
		try {
			body = JSON.parse(answer.body);
		} catch {}
	}

	return {status: answer.status, headers, body};
}

/**
 * The same request through both; the answers must match. Other test files share the cluster, so a
 * list may change between the two requests: a mismatch is asked again (up to three times) before it counts.
 */
async function sameAnswer(pair: {kubectl: Running; kubehop: Running}, target: string, options: Ask = {}): Promise<Answer> {
	for (let attempt = 1; ; attempt++) {
		const expected = await ask(pair.kubectl, target, options);
		const actual = await ask(pair.kubehop, target, options);
		if (isDeepStrictEqual(view(actual), view(expected)) || attempt === 3) {
			expect(view(actual), `${options.method ?? 'GET'} ${target} ${JSON.stringify(options.headers ?? {})}`).toEqual(view(expected));
			return actual;
		}
	}
}

/** The local addresses listening on a TCP port, from /proc/net/tcp and tcp6 (IPv6 ones reported as such). */
function listeningAddresses(port: number): string[] {
	const found: string[] = [];
	for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
		if (!fs.existsSync(file)) continue;
		for (const line of fs.readFileSync(file, 'utf8').trim().split('\n').slice(1)) {
			const [, local, , state] = line.trim().split(/\s+/);
			const [hex, portHex] = local!.split(':');
			if (state !== '0A' || Number.parseInt(portHex!, 16) !== port) continue;
			found.push(hex!.length === 8 ? hex!.match(/../g)!.reverse().map((byte) => Number.parseInt(byte, 16)).join('.') : `tcp6 ${hex}`);
		}
	}

	return found;
}

describe('kubehop proxy beside kubectl proxy', () => {
	itWithCluster('gives the same answers for allowed requests, and binds to loopback only', async () => {
		const pair = await startBoth(homeFor(contextNames.admin));
		for (const proxy of [pair.kubectl, pair.kubehop]) {
			expect(proxy.address, proxy.which).toMatch(/^127\.0\.0\.1:\d+$/);
			expect(listeningAddresses(proxy.port!), proxy.which).toEqual(['127.0.0.1']);
		}

		for (const target of ['/api', '/apis', '/api/v1/namespaces', '/apis/flights.com/v1/namespaces/default/flighttickets', '/version', '/apis/flights.com/v1', '/api/v1/namespaces/default?pretty=false']) {
			const answer = await sameAnswer(pair, target);
			expect(answer.status, target).toBe(200);
		}

		// Also with the client's own Accept: aggregated discovery, which the API pane asks for.
		const aggregated = await sameAnswer(pair, '/apis', {headers: {Accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json'}});
		expect(aggregated.headers['content-type']).toContain('apidiscovery.k8s.io');
		expect(JSON.parse(aggregated.body).items.map((group: {metadata: {name: string}}) => group.metadata.name)).toContain('flights.com');
		expect(JSON.parse((await ask(pair.kubehop, '/apis/flights.com/v1/namespaces/default/flighttickets')).body).items.map((item: {metadata: {name: string}}) => item.metadata.name).length).toBeGreaterThan(0);
	});

	itWithCluster('refuses a foreign Host header as kubectl does: 403 "Forbidden"', async () => {
		const pair = await startBoth(homeFor(contextNames.admin));
		for (const host of ['evil.com', 'evil.com:8001', 'localhost.evil.com', '127.0.0.2', '0.0.0.0:8001', '[::1]:8001']) {
			const answer = await sameAnswer(pair, '/api', {headers: {Host: host}});
			expect(answer.status, host).toBe(403);
			expect(answer.body).toBe('Forbidden\n');
			expect(answer.headers['content-type']).toBe('text/plain; charset=utf-8');
		}

		// The accepted ones: any port, and [::1] only without one (kubectl's SplitHostPort quirk).
		for (const host of ['localhost', 'localhost:1', '127.0.0.1', '[::1]']) expect((await sameAnswer(pair, '/api', {headers: {Host: host}})).status, host).toBe(200);
		// An absolute request target carries its own host, which Go's server prefers to the Host header.
		expect((await sameAnswer(pair, 'http://evil.com/api', {headers: {Host: 'localhost'}})).status).toBe(403);
		expect((await sameAnswer(pair, 'http://localhost/api', {headers: {Host: 'evil.com'}})).status).toBe(200);
	});

	itWithCluster('refuses exec and attach, however the path is spelled or the request is made', async () => {
		const pair = await startBoth(homeFor(contextNames.admin));
		const upgrade = {Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Protocol': 'v5.channel.k8s.io'};
		const cases: Array<[string, Ask]> = [
			['/api/v1/namespaces/default/pods/web/exec?command=ls&stdout=true', {method: 'POST'}],
			['/api/v1/namespaces/default/pods/web/exec?command=ls&stdout=true', {headers: upgrade}],
			['/api/v1/namespaces/default/pods/web/attach?stdout=true', {method: 'POST'}],
			['/api/v1/namespaces/default/pods/web/attach?stdout=true', {headers: upgrade}],
			['/api/v1/namespaces/default/pods/web/%65xec?command=ls', {method: 'POST'}],
			['/api/v1/namespaces/default/pods/web%2Fexec', {}],
		];
		for (const [target, options] of cases) {
			const answer = await sameAnswer(pair, target, options);
			expect(answer.status, target).toBe(403);
			expect(answer.body).toBe('Forbidden\n');
		}

		// The path is cleaned first (a redirect), so dot segments cannot slip past the filter either.
		expect((await sameAnswer(pair, '/api/v1/namespaces/default/pods/web/./exec', {method: 'POST'})).status).toBe(307);
		// Other upgrades go through to the server, whose answer comes back as it is.
		const portForward = await sameAnswer(pair, '/api/v1/namespaces/default/pods/nope/portforward', {headers: {...upgrade, 'Sec-WebSocket-Protocol': 'portforward.k8s.io'}});
		expect(portForward.status).toBe(404);
	});

	itWithCluster('refuses a rejected method as kubectl does, and lets the others through', async () => {
		const pair = await startBoth(homeFor(contextNames.admin), ['--reject-methods', '^POST$']);
		const post = await sameAnswer(pair, '/api/v1/namespaces/default/configmaps', {method: 'POST', headers: {'Content-Type': 'application/json'}, body: '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"kubehop-proxy-must-not-exist"}}'});
		expect(post.status).toBe(403);
		expect(post.body).toBe('Forbidden\n');
		expect(kubectl(homeFor(contextNames.admin).kubeconfig, ['get', 'configmap', 'kubehop-proxy-must-not-exist', '-n', 'default']).status).not.toBe(0);
		expect((await sameAnswer(pair, '/api/v1/namespaces/default/configmaps?limit=1')).status).toBe(200);
		// A method the server itself does not allow there: its 405 passes through.
		expect((await sameAnswer(pair, '/version', {method: 'DELETE'})).status).toBe(405);
	});

	itWithCluster("passes the server's errors through unchanged: status, headers and body", async () => {
		const admin = await startBoth(homeFor(contextNames.admin));
		const notFound = await sameAnswer(admin, '/api/v1/namespaces/nope');
		expect(notFound.status).toBe(404);
		expect(JSON.parse(notFound.body)).toMatchObject({kind: 'Status', reason: 'NotFound'});
		// A write the server refuses as invalid.
		expect((await sameAnswer(admin, '/api/v1/namespaces/default/configmaps', {method: 'POST', headers: {'Content-Type': 'application/json'}, body: '{"kind":"ConfigMap"}'})).status).toBe(422);

		// jane, through --context: her Role lets her list pods in default, not secrets.
		const jane = await startBoth(homeFor(contextNames.admin), ['--context', contextNames.jane]);
		const secrets = await sameAnswer(jane, '/api/v1/namespaces/default/secrets');
		expect(secrets.status).toBe(403);
		expect(JSON.parse(secrets.body).message).toContain('User "jane" cannot list resource "secrets"');
		expect((await sameAnswer(jane, '/api/v1/namespaces/default/pods')).status).toBe(200);
		expect((await sameAnswer(jane, '/api/v1/namespaces/dev/pods')).status).toBe(403);
	});

	itWithCluster("answers odd requests as Go's server does: unclean paths, bad escapes, a missing Host", async () => {
		const pair = await startBoth(homeFor(contextNames.admin));
		const cases: Array<[string, Ask, number]> = [
			['/api//v1', {}, 307],
			['/api/v1/../v1/namespaces?limit=1', {}, 307],
			['/api/v1/namespaces/%zz', {}, 400],
			['/version', {noHost: true}, 400],
			['/version', {headers: {Host: 'local host'}}, 400],
			['*', {method: 'OPTIONS'}, 200],
			['/', {}, 200],
		];
		for (const [target, options, status] of cases) {
			const expected = await ask(pair.kubectl, target, options);
			const actual = await ask(pair.kubehop, target, options);
			expect(expected.status, `kubectl ${target}`).toBe(status);
			expect({status: actual.status, body: actual.body, location: actual.headers.location, type: actual.headers['content-type']}, target).toEqual({status: expected.status, body: expected.body, location: expected.headers.location, type: expected.headers['content-type']});
		}
	});

	itWithCluster('streams a watch event by event', async () => {
		const {kubeconfig} = homeFor(contextNames.admin);
		const pair = await startBoth(homeFor(contextNames.admin));
		const name = `kubehop-proxy-watch-${process.pid}-${Date.now()}`;
		const watch = (proxy: Running) => {
			const events: Array<{type: string; object: {metadata: {name: string; uid: string}}}> = [];
			let buffered = '';
			let ended = false;
			const opened = new Promise<http.IncomingMessage>((resolve, reject) => {
				const request = http.get({host: '127.0.0.1', port: proxy.port, agent: false, path: `/api/v1/namespaces/dev/configmaps?watch=true&fieldSelector=metadata.name%3D${name}&timeoutSeconds=60`}, (response) => {
					response.on('data', (chunk: Buffer) => {
						buffered += chunk.toString();
						const lines = buffered.split('\n');
						buffered = lines.pop()!;
						for (const line of lines) if (line.trim()) events.push(JSON.parse(line));
					});
					response.on('end', () => (ended = true));
					response.on('error', () => (ended = true));
					resolve(response);
				});
				request.on('error', reject);
			});
			return {opened, events, ended: () => ended};
		};

		const streams = [watch(pair.kubectl), watch(pair.kubehop)];
		const responses = await Promise.all(streams.map((stream) => stream.opened));
		expect(responses.map((response) => response.statusCode)).toEqual([200, 200]);
		try {
			expect(kubectl(kubeconfig, ['create', 'configmap', name, '-n', 'dev', '--from-literal=a=b']).status).toBe(0);
			await expect.poll(() => streams.map((stream) => stream.events.length), {timeout: 30_000}).toEqual([1, 1]);
			// The event arrived while the response is still open: streamed, not buffered until the end.
			expect(streams.map((stream) => stream.ended())).toEqual([false, false]);
			expect(streams[1]!.events).toEqual(streams[0]!.events);
			expect(streams[1]!.events[0]).toMatchObject({type: 'ADDED', object: {metadata: {name}}});
			expect(kubectl(kubeconfig, ['delete', 'configmap', name, '-n', 'dev']).status).toBe(0);
			await expect.poll(() => streams.map((stream) => stream.events.at(-1)?.type), {timeout: 30_000}).toEqual(['DELETED', 'DELETED']);
		} finally {
			kubectl(kubeconfig, ['delete', 'configmap', name, '-n', 'dev', '--ignore-not-found']);
			for (const response of responses) response.destroy();
		}
	});

	itWithCluster('serves under --api-prefix as kubectl does', async () => {
		const pair = await startBoth(homeFor(contextNames.admin), ['--api-prefix', '/custom']);
		expect((await sameAnswer(pair, '/custom/api')).status).toBe(200);
		expect((await sameAnswer(pair, '/custom/version')).status).toBe(200);
		expect((await sameAnswer(pair, '/custom?x=1')).status).toBe(307);
		expect((await sameAnswer(pair, '/api')).status).toBe(404);
		expect((await sameAnswer(pair, '/custom/api/v1/namespaces/default/pods/web/exec', {method: 'POST'})).status).toBe(403);
	});

	itWithCluster('listens on a Unix socket only the user can open, and stops cleanly on Ctrl-C', async () => {
		const home = homeFor(contextNames.admin);
		const directory = path.dirname(home.kubeconfig);
		const [kubectlSocket, kubehopSocket] = [path.join(directory, 'kubectl.sock'), path.join(directory, 'kubehop.sock')];
		const pair = {kubectl: await start('kubectl', home, ['--unix-socket', kubectlSocket]), kubehop: await start('kubehop', home, ['--unix-socket', kubehopSocket])};
		expect([pair.kubectl.address, pair.kubehop.address]).toEqual([kubectlSocket, kubehopSocket]);
		expect(fs.statSync(kubehopSocket).mode & 0o777).toBe(fs.statSync(kubectlSocket).mode & 0o777);
		expect(fs.statSync(kubehopSocket).mode & 0o077).toBe(0);
		expect((await sameAnswer(pair, '/version')).status).toBe(200);

		pair.kubehop.child.kill('SIGINT');
		expect(await pair.kubehop.exit).toEqual({code: 0, signal: null});
		expect(fs.existsSync(kubehopSocket)).toBe(false);
	});

	itWithCluster('ends open watches and exits 0 on SIGINT and SIGTERM', async () => {
		const home = homeFor(contextNames.admin);
		for (const signal of ['SIGINT', 'SIGTERM'] as const) {
			const proxy = await start('kubehop', home);
			const ended = new Promise<void>((resolve, reject) => {
				http.get({host: '127.0.0.1', port: proxy.port, agent: false, path: '/api/v1/namespaces?watch=true&timeoutSeconds=60'}, (response) => {
					expect(response.statusCode).toBe(200);
					response.resume();
					response.once('close', () => resolve());
					proxy.child.kill(signal);
				}).on('error', reject);
			});
			await ended;
			expect(await proxy.exit, signal).toEqual({code: 0, signal: null});
			expect(proxy.stderr()).toBe('');
		}
	});
});

describe('startProxy, for the API pane', () => {
	itWithCluster('serves on a free loopback port and closes with its streams', async () => {
		const {kubeconfig} = homeFor(contextNames.admin);
		const config = await loadKubeconfig(selectKubeconfigFiles({env: {KUBECONFIG: kubeconfig}, cwd: path.dirname(kubeconfig)}));
		const proxy = await startProxy({config, context: contextNames.jane, port: 0});
		expect(proxy.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
		expect(proxy.target.context).toBe(contextNames.jane);
		const get = (target: string) =>
			new Promise<{status: number; body: string}>((resolve, reject) => {
				http.get(`${proxy.url}${target}`, {agent: false}, (response) => {
					let body = '';
					response.on('data', (chunk: Buffer) => (body += chunk.toString()));
					response.on('end', () => resolve({status: response.statusCode!, body}));
				}).on('error', reject);
			});
		expect((await get('/version')).status).toBe(200);
		expect((await get('/api/v1/namespaces/default/secrets')).status).toBe(403);
		const watchClosed = new Promise<void>((resolve) => {
			http.get(`${proxy.url}/api/v1/namespaces/default/pods?watch=true&timeoutSeconds=60`, {agent: false}, (response) => {
				response.resume();
				response.once('close', () => resolve());
				void proxy.close();
			});
		});
		await watchClosed;
		await proxy.close();
		await expect(get('/version')).rejects.toThrow(/ECONNREFUSED/);
	});
});
