import {execFile} from 'node:child_process';
import http from 'node:http';
import type {AddressInfo} from 'node:net';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {connectThroughProxy} from '../../source/cluster/api-client.ts';
import {ClusterError} from '../../source/cluster/cluster-error.ts';
import {run} from '../../source/commands/run.ts';
import {stabilityOf} from '../../source/discovery/api-groups.ts';
import {aggregatedAccept, discover, preferredResources} from '../../source/discovery/discovery.ts';
import {controlPlane, itWithCluster} from '../support/control-plane.ts';
import {byKey, fromKubehop, parseApiResources, parseApiVersions, comparable} from '../support/kubectl-tables.ts';
import {tempTree} from '../support/temp-tree.ts';
import type {ApiJson} from '../../source/commands/api.ts';

// Discovery against a plain-HTTP stand-in for the API server: the classic walk (an old server, or one
// that ignores the aggregated Accept), aggregated discovery v2, a group version whose aggregated API
// server is down in each, and a server that is not there at all. The real-server oracle is
// discovery.oracle.test.ts; where the control plane's kubectl is at hand, it reads the same stand-ins too.

type Route = {status?: number; type?: string; body: unknown};
type Seen = {path: string; accept: string};

const servers: http.Server[] = [];
afterEach(async () => {
	await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

async function serve(routes: Record<string, Route>): Promise<{url: string; seen: Seen[]}> {
	const seen: Seen[] = [];
	const server = http.createServer((request, response) => {
		// kubectl adds ?timeout=32s; the routes are paths.
		const pathname = new URL(request.url ?? '/', 'http://stand-in').pathname;
		seen.push({path: pathname, accept: String(request.headers.accept ?? '')});
		const route = routes[pathname] ?? {status: 404, body: {kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'the server could not find the requested resource', reason: 'NotFound', code: 404}};
		response.writeHead(route.status ?? 200, {'content-type': route.type ?? 'application/json'});
		response.end(JSON.stringify(route.body));
	});
	servers.push(server);
	server.keepAliveTimeout = 100;
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen};
}

/** kubectl against a stand-in in this process: asynchronous, so the stand-in can answer it. */
function kubectl(kubeconfig: string, args: string[]): Promise<{status: number; stdout: string; stderr: string}> {
	return new Promise((resolve) => {
		execFile(controlPlane()!.kubectl, ['--kubeconfig', kubeconfig, ...args], {encoding: 'utf8', env: {PATH: process.env.PATH, HOME: path.dirname(path.dirname(kubeconfig))}, timeout: 60_000}, (error, stdout, stderr) =>
			resolve({status: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr}),
		);
	});
}

const kubeconfigFor = (server: string) =>
	`apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    server: ${server}\n  name: c\ncontexts:\n- context:\n    cluster: c\n    user: u\n  name: dev\ncurrent-context: dev\nusers:\n- name: u\n  user:\n    token: secret-token\n`;

async function kubehopApi(server: string, argv: string[] = []) {
	const tree = tempTree({'home/.kube/config': kubeconfigFor(server)});
	let stdout = '';
	let stderr = '';
	const status = await run({argv: ['api', ...argv], programName: 'kubehop', env: {HOME: tree.home, NO_COLOR: '1'}, cwd: tree.root, stdout: {write: (text: string) => (stdout += text)}, stderr: {write: (text: string) => (stderr += text)}});
	return {status, stdout, stderr, kubeconfig: path.join(tree.home, '.kube', 'config'), json: () => JSON.parse(stdout) as ApiJson};
}


const crud = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const unavailable: Route = {status: 503, body: {kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'the server is currently unable to handle the request', reason: 'ServiceUnavailable', code: 503}};

// An old server: /api and /apis answer APIVersions and APIGroupList as plain JSON, whatever the Accept.
const groupVersion = (group: string, version: string) => ({groupVersion: `${group}/${version}`, version});
const legacyRoutes: Record<string, Route> = {
	'/api': {body: {kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{clientCIDR: '0.0.0.0/0', serverAddress: '10.0.0.1:6443'}]}},
	'/apis': {
		body: {
			kind: 'APIGroupList',
			apiVersion: 'v1',
			groups: [
				{name: 'apps', versions: [groupVersion('apps', 'v1')], preferredVersion: groupVersion('apps', 'v1')},
				// Preferred is v1 though v1beta1 comes first: the server's word counts, not the order.
				{name: 'batch', versions: [groupVersion('batch', 'v1beta1'), groupVersion('batch', 'v1')], preferredVersion: groupVersion('batch', 'v1')},
				{name: 'metrics.k8s.io', versions: [groupVersion('metrics.k8s.io', 'v1beta1')], preferredVersion: groupVersion('metrics.k8s.io', 'v1beta1')},
				{name: 'flights.com', versions: [groupVersion('flights.com', 'v1'), groupVersion('flights.com', 'v2alpha1')], preferredVersion: groupVersion('flights.com', 'v1')},
			],
		},
	},
	'/api/v1': {
		body: {
			kind: 'APIResourceList',
			groupVersion: 'v1',
			resources: [
				{name: 'bindings', singularName: 'binding', namespaced: true, kind: 'Binding', verbs: ['create']},
				{name: 'nodes', singularName: 'node', namespaced: false, kind: 'Node', verbs: crud, shortNames: ['no']},
				{name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs: crud, shortNames: ['po'], categories: ['all']},
				{name: 'pods/exec', singularName: '', namespaced: true, kind: 'PodExecOptions', verbs: ['create', 'get']},
				{name: 'pods/log', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get']},
				{name: 'pods/status', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get', 'patch', 'update']},
				// No verbs: listed by discovery, skipped by kubectl api-resources.
				{name: 'verbless', singularName: 'verbless', namespaced: true, kind: 'Verbless', verbs: []},
			],
		},
	},
	'/apis/apps/v1': {body: {kind: 'APIResourceList', groupVersion: 'apps/v1', resources: [{name: 'deployments', singularName: 'deployment', namespaced: true, kind: 'Deployment', verbs: crud, shortNames: ['deploy'], categories: ['all']}, {name: 'deployments/scale', singularName: '', namespaced: true, kind: 'Scale', verbs: ['get', 'patch', 'update']}]}},
	'/apis/batch/v1': {body: {kind: 'APIResourceList', groupVersion: 'batch/v1', resources: [{name: 'jobs', singularName: 'job', namespaced: true, kind: 'Job', verbs: crud, categories: ['all']}]}},
	'/apis/batch/v1beta1': {body: {kind: 'APIResourceList', groupVersion: 'batch/v1beta1', resources: [{name: 'cronjobs', singularName: 'cronjob', namespaced: true, kind: 'CronJob', verbs: crud, shortNames: ['cj']}]}},
	// The aggregated API server behind metrics.k8s.io is down.
	'/apis/metrics.k8s.io/v1beta1': unavailable,
	'/apis/flights.com/v1': {body: {kind: 'APIResourceList', groupVersion: 'flights.com/v1', resources: [{name: 'flighttickets', singularName: 'flightticket', namespaced: true, kind: 'FlightTicket', verbs: crud, shortNames: ['ft'], categories: ['travel']}]}},
	'/apis/flights.com/v2alpha1': {body: {kind: 'APIResourceList', groupVersion: 'flights.com/v2alpha1', resources: [{name: 'flighttickets', singularName: 'flightticket', namespaced: true, kind: 'FlightTicket', verbs: ['get', 'list']}]}},
};

// A current server: aggregated discovery v2 on /api and /apis.
const aggregatedType = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
type DiscoveryResource = {resource: string; singularResource: string; scope: 'Namespaced' | 'Cluster'; responseKind: {group: string; version: string; kind: string}; verbs: string[]; shortNames?: string[]; categories?: string[]; subresources?: Array<{subresource: string; responseKind: {group: string; version: string; kind: string}; verbs: string[]}>};
const kind = (group: string, version: string, name: string) => ({group, version, kind: name});
const aggregatedRoutes: Record<string, Route> = {
	'/api': {
		type: aggregatedType,
		body: {
			kind: 'APIGroupDiscoveryList',
			apiVersion: 'apidiscovery.k8s.io/v2',
			metadata: {},
			items: [
				{
					metadata: {creationTimestamp: null},
					versions: [
						{
							version: 'v1',
							resources: [
								{resource: 'nodes', singularResource: 'node', scope: 'Cluster', responseKind: kind('', 'v1', 'Node'), verbs: crud, shortNames: ['no']},
								{
									resource: 'pods',
									singularResource: 'pod',
									scope: 'Namespaced',
									responseKind: kind('', 'v1', 'Pod'),
									verbs: crud,
									shortNames: ['po'],
									categories: ['all'],
									subresources: [
										{subresource: 'exec', responseKind: kind('', 'v1', 'PodExecOptions'), verbs: ['create', 'get']},
										{subresource: 'log', responseKind: kind('', 'v1', 'Pod'), verbs: ['get']},
									],
								},
							] satisfies DiscoveryResource[],
							freshness: 'Current',
						},
					],
				},
			],
		},
	},
	'/apis': {
		type: aggregatedType,
		body: {
			kind: 'APIGroupDiscoveryList',
			apiVersion: 'apidiscovery.k8s.io/v2',
			metadata: {},
			items: [
				{metadata: {name: 'apps'}, versions: [{version: 'v1', resources: [{resource: 'deployments', singularResource: 'deployment', scope: 'Namespaced', responseKind: kind('apps', 'v1', 'Deployment'), verbs: crud, shortNames: ['deploy'], categories: ['all'], subresources: [{subresource: 'scale', responseKind: kind('autoscaling', 'v1', 'Scale'), verbs: ['get', 'patch', 'update']}]}], freshness: 'Current'}]},
				{
					metadata: {name: 'metrics.k8s.io'},
					versions: [
						// The server's first choice is stale (its aggregated API server is down): listed and flagged,
						// and the preferred version is the next one, as client-go picks it.
						{version: 'v1beta2', resources: [{resource: 'nodes', singularResource: '', scope: 'Cluster', responseKind: kind('metrics.k8s.io', 'v1beta2', 'NodeMetrics'), verbs: ['get', 'list']}], freshness: 'Stale'},
						{version: 'v1beta1', resources: [{resource: 'pods', singularResource: '', scope: 'Namespaced', responseKind: kind('metrics.k8s.io', 'v1beta1', 'PodMetrics'), verbs: ['get', 'list']}], freshness: 'Current'},
					],
				},
				{metadata: {name: 'flights.com'}, versions: [{version: 'v1', resources: [{resource: 'flighttickets', singularResource: 'flightticket', scope: 'Namespaced', responseKind: kind('flights.com', 'v1', 'FlightTicket'), verbs: crud, shortNames: ['ft'], categories: ['travel']}]}]},
			],
		},
	},
};

const findGroup = (json: ApiJson, name: string) => json.groups.find((group) => group.name === name)!;
const findResource = (json: ApiJson, apiVersion: string, name: string) => json.resources.find((resource) => (resource.group ? `${resource.group}/${resource.version}` : resource.version) === apiVersion && resource.resource === name);

/** The pods resource as discovery should read it from either form of the stand-in. */
const podSubresources = [
	{name: 'exec', verbs: ['create', 'get'], kind: 'PodExecOptions'},
	{name: 'log', verbs: ['get'], kind: 'Pod'},
];
const podsAsRead = (subresources: Array<{name: string; verbs: string[]; kind: string}>) => ({group: '', version: 'v1', resource: 'pods', singular: 'pod', kind: 'Pod', namespaced: true, verbs: crud, shortNames: ['po'], categories: ['all'], subresources});

describe('stabilityOf', () => {
	it('reads GA, beta and alpha from the version string, as Kubernetes names versions', () => {
		expect(stabilityOf('v1')).toBe('GA');
		expect(stabilityOf('v10')).toBe('GA');
		expect(stabilityOf('v1beta1')).toBe('beta');
		expect(stabilityOf('v2beta12')).toBe('beta');
		expect(stabilityOf('v2alpha3')).toBe('alpha');
		expect(stabilityOf('v1alpha1')).toBe('alpha');
	});
});

describe('the classic discovery walk', () => {
	it('reads /api and /apis as plain JSON, then each group version, with subresources under their resource', async () => {
		const {url, seen} = await serve(legacyRoutes);
		const client = connectThroughProxy(url);
		try {
			const discovery = await discover(client);
			expect(discovery.aggregated).toBe(false);
			// /api, /apis, then the eight group versions: v1, apps/v1, batch/v1beta1, batch/v1, metrics.k8s.io/v1beta1, flights.com/v1 and v2alpha1.
			expect(discovery.requests).toBe(2 + 7);
			expect(client.requests).toBe(discovery.requests);
			// Discovery asked for the aggregated form on /api and /apis; the content type that came back chose the parser.
			for (const entry of seen.filter((request) => request.path === '/api' || request.path === '/apis')) expect(entry.accept).toBe(aggregatedAccept);
			expect(seen.map((request) => request.path).sort()).toEqual(['/api', '/apis', ...Object.keys(legacyRoutes).filter((route) => route.includes('/v'))].sort());

			const core = discovery.groups.find((group) => group.name === '')!;
			expect(core.versions.map((version) => [version.version, version.preferred, version.stale])).toEqual([['v1', true, false]]);
			const resources = core.versions[0]!.resources;
			expect(resources.map((resource) => resource.resource)).toEqual(['bindings', 'nodes', 'pods', 'verbless']);
			expect(resources.find((resource) => resource.resource === 'pods')).toEqual(podsAsRead([...podSubresources, {name: 'status', verbs: ['get', 'patch', 'update'], kind: 'Pod'}]));
			expect(resources.find((resource) => resource.resource === 'nodes')).toMatchObject({namespaced: false, kind: 'Node', shortNames: ['no'], categories: [], subresources: []});

			const batch = discovery.groups.find((group) => group.name === 'batch')!;
			expect(batch.versions.map((version) => [version.version, version.preferred])).toEqual([['v1beta1', false], ['v1', true]]);
			// What kubectl api-resources lists: each resource once, from the preferred version where it is served
			// there (flighttickets from v1, not v2alpha1), else from another version (cronjobs, gone from batch/v1),
			// and without verbless resources.
			expect(preferredResources(discovery).map((resource) => `${resource.group}/${resource.version}/${resource.resource}`)).toEqual(['/v1/bindings', '/v1/nodes', '/v1/pods', 'apps/v1/deployments', 'batch/v1/jobs', 'batch/v1beta1/cronjobs', 'flights.com/v1/flighttickets']);
		} finally {
			client.close();
		}
	});

	it('reports a group version answering 503 and marks it stale, listing the rest; kubehop api exits 1 and says which', async () => {
		const {url} = await serve(legacyRoutes);
		const result = await kubehopApi(url, ['--json']);
		expect(result.status).toBe(1);
		const json = result.json();
		expect(json).toMatchObject({context: 'dev', aggregated: false, discoveryRequests: 9});
		expect(json.failures).toHaveLength(1);
		expect(json.failures[0]!.groupVersion).toBe('metrics.k8s.io/v1beta1');
		expect(json.failures[0]!.message).toContain('503');
		expect(json.failures[0]!.message).toContain('the server is currently unable to handle the request');
		expect(result.stderr).toContain('warning: metrics.k8s.io/v1beta1: ');
		expect(result.stderr).toContain('503');

		expect(findGroup(json, 'metrics.k8s.io')).toEqual({name: 'metrics.k8s.io', paths: ['/apis/metrics.k8s.io/v1beta1'], versions: [{version: 'v1beta1', preferred: true, stability: 'beta', stale: true, resources: 0}], origin: 'unknown'});
		expect(findGroup(json, 'flights.com').versions).toEqual([
			{version: 'v1', preferred: true, stability: 'GA', stale: false, resources: 1},
			{version: 'v2alpha1', preferred: false, stability: 'alpha', stale: false, resources: 1},
		]);
		expect(findGroup(json, '')).toMatchObject({paths: ['/api/v1'], origin: 'built-in'});
		expect(json.groups.flatMap((group) => group.versions.filter((version) => version.stale).map((version) => `${group.name}/${version.version}`))).toEqual(['metrics.k8s.io/v1beta1']);
		// The rest is all there.
		expect(json.resources.map((resource) => resource.resource)).toEqual(['bindings', 'nodes', 'pods', 'deployments', 'jobs', 'cronjobs', 'flighttickets']);
		expect(findResource(json, 'apps/v1', 'deployments')!.subresources).toEqual([{name: 'scale', verbs: ['get', 'patch', 'update'], kind: 'Scale'}]);
		expect(findResource(json, 'flights.com/v1', 'flighttickets')).toMatchObject({shortNames: ['ft'], kind: 'FlightTicket', categories: ['travel']});

		// The table says the same, and warns the same way.
		const text = await kubehopApi(url);
		expect(text.status).toBe(1);
		expect(text.stderr).toContain('warning: metrics.k8s.io/v1beta1: ');
		expect(text.stdout).toMatch(/^flighttickets\s+ft\s+flights\.com\/v1\s+true\s+FlightTicket\s/m);
		expect(text.stdout).toMatch(/^metrics\.k8s\.io\s+v1beta1\* beta STALE/m);
		expect(text.stdout).toContain('discovery one group version at a time: 9 requests');
	});

	itWithCluster('agrees with kubectl api-versions and api-resources -o wide on the same server', async () => {
		const {url} = await serve(legacyRoutes);
		const result = await kubehopApi(url, ['--json']);
		const json = result.json();
		const versions = await kubectl(result.kubeconfig, ['api-versions']);
		expect(versions.status, versions.stderr).toBe(0);
		const kubehopVersions = json.groups.flatMap((group) => group.versions.map((version) => (group.name ? `${group.name}/${version.version}` : version.version)));
		expect(new Set(kubehopVersions)).toEqual(new Set(parseApiVersions(versions.stdout)));

		const resources = await kubectl(result.kubeconfig, ['api-resources', '-o', 'wide']);
		// kubectl, too, lists what it could read and fails naming the group version.
		expect(resources.status).toBe(1);
		expect(resources.stderr).toContain('metrics.k8s.io/v1beta1');
		expect(byKey(json.resources.map(fromKubehop))).toEqual(byKey(parseApiResources(resources.stdout).map(comparable)));
	});
});

describe('aggregated discovery', () => {
	it('is read from the content type in two requests, with every field, a Stale version flagged and passed over', async () => {
		const {url, seen} = await serve(aggregatedRoutes);
		const client = connectThroughProxy(url);
		try {
			const discovery = await discover(client);
			expect(discovery.aggregated).toBe(true);
			expect(discovery.requests).toBe(2);
			expect(seen.map((request) => [request.path, request.accept]).sort()).toEqual([
				['/api', aggregatedAccept],
				['/apis', aggregatedAccept],
			]);
			expect(discovery.groups.map((group) => group.name)).toEqual(['', 'apps', 'metrics.k8s.io', 'flights.com']);
			const pods = discovery.groups[0]!.versions[0]!.resources.find((resource) => resource.resource === 'pods');
			expect(pods).toEqual(podsAsRead(podSubresources));
			expect(discovery.groups[0]!.versions[0]!.resources.find((resource) => resource.resource === 'nodes')).toMatchObject({namespaced: false, kind: 'Node', shortNames: ['no'], categories: [], subresources: []});

			const metrics = discovery.groups.find((group) => group.name === 'metrics.k8s.io')!;
			expect(metrics.versions.map((version) => [version.version, version.preferred, version.stale, version.resources.map((resource) => resource.kind)])).toEqual([
				['v1beta2', false, true, ['NodeMetrics']],
				['v1beta1', true, false, ['PodMetrics']],
			]);
			expect(discovery.failures).toEqual([{groupVersion: 'metrics.k8s.io/v1beta2', message: expect.stringContaining('stale')}]);
			expect(preferredResources(discovery).map((resource) => `${resource.group}/${resource.version}/${resource.resource}`)).toEqual(['/v1/nodes', '/v1/pods', 'apps/v1/deployments', 'metrics.k8s.io/v1beta1/pods', 'flights.com/v1/flighttickets']);
		} finally {
			client.close();
		}
	});

	it('gives kubehop api its two-request answer, warning about the stale version', async () => {
		const {url} = await serve(aggregatedRoutes);
		const result = await kubehopApi(url, ['--json']);
		const json = result.json();
		expect(json).toMatchObject({context: 'dev', aggregated: true, discoveryRequests: 2});
		expect(findGroup(json, 'metrics.k8s.io').versions).toEqual([
			{version: 'v1beta2', preferred: false, stability: 'beta', stale: true, resources: 1},
			{version: 'v1beta1', preferred: true, stability: 'beta', stale: false, resources: 1},
		]);
		expect(json.failures.map((failure) => failure.groupVersion)).toEqual(['metrics.k8s.io/v1beta2']);
		expect(result.status).toBe(1);
		expect(result.stderr).toContain('warning: metrics.k8s.io/v1beta2: stale GroupVersion discovery');
		expect(findResource(json, 'metrics.k8s.io/v1beta1', 'pods')).toMatchObject({kind: 'PodMetrics', namespaced: true});
		expect(findResource(json, 'metrics.k8s.io/v1beta2', 'nodes')).toBeUndefined();
		expect(findResource(json, 'flights.com/v1', 'flighttickets')).toMatchObject({singular: 'flightticket', shortNames: ['ft'], kind: 'FlightTicket', categories: ['travel'], namespaced: true});
	});

	itWithCluster('agrees with kubectl api-resources -o wide on the same server; kubectl drops the stale version that kubehop flags', async () => {
		const {url} = await serve(aggregatedRoutes);
		const result = await kubehopApi(url, ['--json']);
		const json = result.json();
		const versions = await kubectl(result.kubeconfig, ['api-versions']);
		const kubehopVersions = json.groups.flatMap((group) => group.versions.map((version) => (group.name ? `${group.name}/${version.version}` : version.version)));
		expect(new Set(parseApiVersions(versions.stdout))).toEqual(new Set(kubehopVersions.filter((version) => version !== 'metrics.k8s.io/v1beta2')));
		const resources = await kubectl(result.kubeconfig, ['api-resources', '-o', 'wide']);
		expect(byKey(json.resources.map(fromKubehop))).toEqual(byKey(parseApiResources(resources.stdout).map(comparable)));
	});
});

describe('a server that is not there', () => {
	it('gives a clear error and exit 1, for the table and for JSON', async () => {
		const server = http.createServer();
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
		await new Promise((resolve) => server.close(resolve));

		for (const argv of [[], ['--json']]) {
			const result = await kubehopApi(url, argv);
			expect(result.status, argv.join(' ')).toBe(1);
			expect(result.stdout).toBe('');
			expect(result.stderr).toContain(`context "dev" (${url}) is unreachable`);
			expect(result.stderr).toContain('ECONNREFUSED');
		}

		// The API pane's client says the same.
		const client = connectThroughProxy(url);
		try {
			const error = await discover(client).catch((caught: unknown) => caught);
			expect(error).toBeInstanceOf(ClusterError);
			// The proxy holds the context: the error names the proxy, not a context called "proxy".
			expect((error as ClusterError).message).toMatch(new RegExp(`^the proxy at ${url.replaceAll('.', '\\.')} is unreachable`));
		} finally {
			client.close();
		}
	});

	it('says which HTTP status refused discovery itself', async () => {
		const {url} = await serve({'/api': {status: 403, body: {kind: 'Status', message: 'forbidden: User "system:anonymous" cannot get path "/api"', code: 403}}, '/apis': legacyRoutes['/apis']!});
		const result = await kubehopApi(url);
		expect(result.status).toBe(1);
		expect(result.stdout).toBe('');
		expect(result.stderr).toContain('discovery failed with HTTP 403');
	});
});
