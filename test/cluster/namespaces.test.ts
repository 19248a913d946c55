import fs from 'node:fs';
import type http from 'node:http';
import https from 'node:https';
import type {AddressInfo} from 'node:net';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {run} from '../../source/commands/run.ts';
import {makeServingCertificates} from '../support/openssl-fixtures.ts';
import {tempTree} from '../support/temp-tree.ts';

// A fast stand-in for an API server, over TLS with an openssl-made certificate as a real one (kubehop,
// like client-go, sends no token to a plain-HTTP server). The real kube-apiserver oracle lives with the
// cluster harness; this pins the request shapes and every status kubehop must turn into a clear message.

type Handler = (request: http.IncomingMessage, response: http.ServerResponse) => void;

let certificates: ReturnType<typeof makeServingCertificates>;
beforeAll(() => {
	certificates = makeServingCertificates();
});
afterAll(() => certificates.cleanup());

const servers: https.Server[] = [];
afterEach(async () => {
	await Promise.all(
		servers.splice(0).map((server) => {
			server.closeAllConnections();
			return new Promise((resolve) => server.close(resolve));
		}),
	);
});

let seenRequests = 0;

async function serve(handler: Handler): Promise<string> {
	const server = https.createServer({cert: certificates.server.pem, key: fs.readFileSync(certificates.server.key)}, (request, response) => {
		seenRequests++;
		handler(request, response);
	});
	servers.push(server);
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const json = (response: http.ServerResponse, status: number, body: unknown) => {
	response.writeHead(status, {'content-type': 'application/json'});
	response.end(JSON.stringify(body));
};

async function kubehop(server: string, argv: string[], tree = kubeconfigFor(server)) {
	let stdout = '';
	let stderr = '';
	const status = await run({
		argv,
		programName: 'kubehop',
		env: {HOME: tree.home, NO_COLOR: '1'},
		cwd: tree.root,
		stdout: {write: (text: string) => (stdout += text)},
		stderr: {write: (text: string) => (stderr += text)},
	});
	return {status, stdout, stderr, config: () => tree.read('home/.kube/config')};
}

function kubeconfigFor(server: string) {
	return tempTree({
		'home/.kube/config': `apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    server: ${server}\n    certificate-authority-data: ${Buffer.from(certificates.ca.pem).toString('base64')}\n  name: c\ncontexts:\n- context:\n    cluster: c\n    namespace: known-ns\n    user: u\n  name: dev\ncurrent-context: dev\nusers:\n- name: u\n  user:\n    token: secret-token\n`,
	});
}

describe('kubehop ns against an API server', () => {
	it('lists every page of namespaces with the bearer token', async () => {
		const seen: string[] = [];
		const server = await serve((request, response) => {
			seen.push(`${request.url} ${request.headers.authorization}`);
			const page = new URL(request.url!, 'http://x').searchParams.get('continue');
			json(response, 200, page ? {items: [{metadata: {name: 'zeta'}}], metadata: {}} : {items: [{metadata: {name: 'default'}}, {metadata: {name: 'known-ns'}}], metadata: {continue: 'next'}});
		});
		const result = await kubehop(server, ['ns']);
		expect(result).toMatchObject({status: 0, stdout: 'default\nknown-ns\nzeta\n'});
		expect(seen).toEqual(['/api/v1/namespaces?limit=500 Bearer secret-token', '/api/v1/namespaces?limit=500&continue=next Bearer secret-token']);
	});

	it('remembers the namespaces listed, for a Tab to complete without asking the cluster', async () => {
		const server = await serve((_request, response) => json(response, 200, {items: [{metadata: {name: 'default'}}, {metadata: {name: 'payments'}}], metadata: {}}));
		const tree = kubeconfigFor(server);
		expect((await kubehop(server, ['__complete', 'namespaces'], tree)).stdout).toBe('default\nknown-ns\n');
		expect((await kubehop(server, ['ns'], tree)).stdout).toBe('default\npayments\n');
		const requests = seenRequests;
		expect((await kubehop(server, ['__complete', 'namespaces'], tree)).stdout).toBe('default\nknown-ns\npayments\n');
		expect(seenRequests).toBe(requests);
	});

	it('checks a namespace before switching: 200 switches, 404 and 403 refuse and write nothing', async () => {
		const server = await serve((request, response) => {
			if (request.url === '/api/v1/namespaces/prod') json(response, 200, {metadata: {name: 'prod'}});
			else if (request.url === '/api/v1/namespaces/secret') json(response, 403, {message: 'namespaces "secret" is forbidden'});
			else json(response, 404, {message: 'not found'});
		});
		const ok = await kubehop(server, ['ns', 'prod']);
		expect(ok.stderr).toBe('Active namespace is "prod".\n');
		expect(ok.config()).toContain('namespace: prod');
		const missing = await kubehop(server, ['ns', 'nope']);
		expect(missing).toMatchObject({status: 1});
		expect(missing.stderr).toContain('no namespace exists with name "nope" in context "dev"');
		expect(missing.config()).toContain('namespace: known-ns');
		const forbidden = await kubehop(server, ['ns', 'secret']);
		expect(forbidden.stderr).toMatch(/forbidden.*\n.*kubehop ns secret --force/);
	});

	it('falls back to known namespaces when listing is forbidden', async () => {
		const server = await serve((_request, response) => json(response, 403, {message: 'forbidden'}));
		const result = await kubehop(server, ['ns', '--json']);
		expect(result.status).toBe(0);
		expect(JSON.parse(result.stdout)).toEqual([
			{name: 'default', current: false, verified: false},
			{name: 'known-ns', current: true, verified: false},
		]);
		expect(result.stderr).toContain('listing namespaces is forbidden');
	});

	it('times out on a server that never answers, naming the context and server', async () => {
		const server = await serve(() => {});
		const result = await kubehop(server, ['ns', 'prod', '--request-timeout', '300ms']);
		expect(result.status).toBe(1);
		expect(result.stderr).toContain(`context "dev" (${server}) did not answer within 0.3s`);
		expect(result.config()).toContain('namespace: known-ns');
	});

	it('says unreachable for a closed port', async () => {
		const server = await serve(() => {});
		const url = server;
		await new Promise((resolve) => servers.pop()!.close(resolve));
		const result = await kubehop(url, ['ns']);
		expect(result.status).toBe(1);
		expect(result.stderr).toMatch(/is unreachable: .*ECONNREFUSED/);
	});
});
