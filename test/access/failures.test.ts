import http from 'node:http';
import type {AddressInfo} from 'node:net';
import {afterEach, describe, expect, it} from 'vitest';
import {run} from '../../source/commands/run.ts';
import {tempTree} from '../support/temp-tree.ts';

// `kubehop can-i` against a plain-HTTP stand-in for the API server: the classic discovery walk, and
// every way the reviews can fail. The real-server oracle is can-i.oracle.test.ts.

type Behaviour = {whoami?: number; rules?: number | 'drop'; access?: 'answer' | 'drop' | 403};

const servers: http.Server[] = [];
afterEach(async () => {
	await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

const verbs = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];

async function serve(behaviour: Behaviour): Promise<{url: string; seen: string[]}> {
	const seen: string[] = [];
	const server = http.createServer((request, response) => {
		const json = (status: number, body: unknown) => {
			response.writeHead(status, {'content-type': 'application/json'});
			response.end(JSON.stringify(body));
		};

		let body = '';
		request.on('data', (chunk) => (body += chunk));
		request.on('end', () => {
			const url = request.url ?? '';
			seen.push(`${request.method} ${url}`);
			if (url === '/api') return json(200, {kind: 'APIVersions', versions: ['v1']});
			if (url === '/apis') return json(200, {kind: 'APIGroupList', groups: []});
			if (url === '/api/v1') return json(200, {resources: [{name: 'pods', namespaced: true, kind: 'Pod', verbs}, {name: 'pods/log', namespaced: true, kind: 'Pod', verbs: ['get']}, {name: 'nodes', namespaced: false, kind: 'Node', verbs: ['get', 'list']}]});
			if (url.includes('/selfsubjectreviews')) {
				if (behaviour.whoami) return json(behaviour.whoami, {kind: 'Status', message: 'the server could not find the requested resource'});
				return json(201, {status: {userInfo: {username: 'tester', uid: 'u-1', groups: ['team'], extra: {}}}});
			}

			if (url.includes('/selfsubjectrulesreviews')) {
				if (behaviour.rules === 'drop') return request.socket.destroy();
				if (typeof behaviour.rules === 'number') return json(behaviour.rules, {kind: 'Status', message: 'selfsubjectrulesreviews is forbidden'});
				return json(201, {status: {resourceRules: [{verbs: ['get', 'list'], apiGroups: [''], resources: ['pods']}], nonResourceRules: [], incomplete: false}});
			}

			if (url.includes('/selfsubjectaccessreviews')) {
				if (behaviour.access === 'drop') return request.socket.destroy();
				if (behaviour.access === 403) return json(403, {kind: 'Status', message: 'selfsubjectaccessreviews is forbidden'});
				const attributes = JSON.parse(body).spec.resourceAttributes;
				return json(201, {status: {allowed: attributes.resource === 'pods' && attributes.verb === 'get', reason: 'stand-in'}});
			}

			json(404, {kind: 'Status', message: 'not found'});
		});
	});
	servers.push(server);
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen};
}

async function canI(server: string, argv: string[] = []) {
	const tree = tempTree({
		'home/.kube/config': `apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    server: ${server}\n  name: c\ncontexts:\n- context:\n    cluster: c\n    user: u\n  name: dev\ncurrent-context: dev\nusers:\n- name: u\n  user:\n    token: secret-token\n`,
	});
	let stdout = '';
	let stderr = '';
	const status = await run({argv: ['can-i', ...argv], programName: 'kubehop', env: {HOME: tree.home, NO_COLOR: '1'}, cwd: tree.root, stdout: {write: (text: string) => (stdout += text)}, stderr: {write: (text: string) => (stderr += text)}});
	return {status, stdout, stderr, json: () => JSON.parse(stdout)};
}

describe('kubehop can-i when things go wrong', () => {
	it('reads the matrix through the classic discovery walk, in six requests', async () => {
		const {url, seen} = await serve({});
		const result = await canI(url, ['--json']);
		expect(result.status).toBe(0);
		const [matrix] = result.json().matrices;
		const cell = (row: string, verb: string) => matrix.rows.find((candidate: {name: string}) => candidate.name === row).cells[verb].state;
		expect([cell('pods', 'list'), cell('pods', 'delete'), cell('pods/log', 'get'), cell('pods/log', 'list'), cell('nodes', 'list')]).toEqual(['allowed', 'denied', 'denied', 'n/a', 'denied']);
		expect(seen.filter((line) => line.startsWith('POST')).length).toBe(3);
		expect(seen).toHaveLength(6);
		expect(result.json().requests).toBe(6);
		expect(result.json().identity).toMatchObject({username: 'tester', uid: 'u-1', groups: ['team']});
	});

	it('says plainly when the server serves no review APIs, and writes nothing to stdout', async () => {
		const {url} = await serve({whoami: 404});
		const result = await canI(url);
		expect(result.status).toBe(1);
		expect(result.stderr).toContain('serves no SelfSubjectReview API');
		expect(result.stdout).toBe('');
	});

	it('falls back to one access review per cell when the rules review is forbidden', async () => {
		const {url, seen} = await serve({rules: 403});
		const result = await canI(url, ['--json']);
		const [matrix] = result.json().matrices;
		const pods = matrix.rows.find((row: {name: string}) => row.name === 'pods');
		expect(pods.cells.get).toMatchObject({state: 'allowed', source: 'review', why: 'stand-in'});
		expect(pods.cells.list).toMatchObject({state: 'denied', source: 'review'});
		expect(matrix.incomplete).toBe(true);
		expect(seen.filter((line) => line.includes('selfsubjectaccessreviews')).length).toBe(matrix.accessReviews);
		expect(result.status).toBe(1);
		expect(result.stderr).toContain('the rules review failed');
	});

	it('keeps the cells it has and marks the rest when connections drop', async () => {
		const {url} = await serve({rules: 'drop', access: 'drop'});
		const result = await canI(url, ['--json']);
		const [matrix] = result.json().matrices;
		const states = new Set(matrix.rows.flatMap((row: {cells: Record<string, {state: string}>}) => Object.values(row.cells).map((cell) => cell.state)));
		expect(states).toEqual(new Set(['n/a', 'error']));
		expect(matrix.problem).toMatch(/failed/);
		expect(result.status).toBe(1);
	});
});
