import {execFile} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {isDeepStrictEqual} from 'node:util';
import {describe, expect} from 'vitest';
import {connect, connectThroughProxy, type ApiClient} from '../../source/cluster/api-client.ts';
import {groupOrigins} from '../../source/discovery/api-groups.ts';
import {discover, type Discovery} from '../../source/discovery/discovery.ts';
import {loadKubeconfig} from '../../source/kubeconfig/load.ts';
import {selectKubeconfigFiles} from '../../source/kubeconfig/paths.ts';
import {startProxy, type RunningProxy} from '../../source/proxy/server.ts';
import {consoleLines} from '../../source/ui/api-state.ts';
import {contextNames} from '../cluster/control-plane/control-plane.ts';
import {controlPlane, homeFor, itWithCluster} from '../support/control-plane.ts';
import {cliPath} from '../support/kubehop-binary.ts';
import {byKey, comparable, fromKubehop, parseApiResources, parseApiVersions, parseTable} from '../support/kubectl-tables.ts';
import type {ApiJson} from '../../source/commands/api.ts';

// `kubehop api` and the API pane's reads against a real kube-apiserver, with the version-matched kubectl
// as the oracle: the group versions (`kubectl api-versions`), the resources (`kubectl api-resources -o
// wide`), a CRD created mid-test, and the raw console's bodies and errors (`kubectl get --raw`), read
// through the proxy as the pane reads them. Run `npm run build` first.

type Result = {status: number; stdout: string; stderr: string};
type Home = ReturnType<typeof homeFor>;

const spawned = (command: string, args: string[], env: Record<string, string | undefined>) =>
	new Promise<Result>((resolve) => {
		execFile(command, args, {encoding: 'utf8', env, timeout: 60_000, maxBuffer: 1 << 26}, (error, stdout, stderr) => resolve({status: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr}));
	});

/** The oracle, asynchronous so kubehop and kubectl run side by side. */
const kubectl = (home: Home, args: string[]) => spawned(controlPlane()!.kubectl, ['--kubeconfig', home.kubeconfig, ...args], {PATH: process.env.PATH, HOME: home.home});

function kubehop(home: Home, args: string[]): Promise<Result> {
	if (!fs.existsSync(cliPath)) throw new Error(`${cliPath} is missing: run npm run build first`);
	return spawned(process.execPath, [cliPath, ...args], {PATH: process.env.PATH, NO_COLOR: '1', ...home.env});
}

const loadConfig = (home: Home) => loadKubeconfig(selectKubeconfigFiles({env: {KUBECONFIG: home.kubeconfig}, cwd: path.dirname(home.kubeconfig)}));
const groupVersionOf = (group: string, version: string) => (group ? `${group}/${version}` : version);
const groupVersions = (json: ApiJson) => json.groups.flatMap((group) => group.versions.map((version) => groupVersionOf(group.name, version.version)));

/** Stability as Kubernetes' version grammar (v<major>[(alpha|beta)<minor>]) reads it, kept apart from stabilityOf. */
function kubeStability(version: string): string {
	const match = /^v[1-9]\d*(?:(alpha|beta)[1-9]\d*)?$/.exec(version);
	if (!match) throw new Error(`${version} is not a Kubernetes version string`);
	return match[1] ?? 'GA';
}

/**
 * `kubehop api --json --origins` beside `kubectl api-versions` and `kubectl api-resources -o wide`: the
 * same group versions, and the same resources with the same short names, kind, scope, verbs and categories.
 */
async function compareWithKubectl(home: Home): Promise<ApiJson> {
	const [api, versions, resources] = await Promise.all([kubehop(home, ['api', '--json', '--origins']), kubectl(home, ['api-versions']), kubectl(home, ['api-resources', '-o', 'wide'])]);
	expect(api.status, api.stderr).toBe(0);
	expect(api.stderr).toBe('');
	expect(versions.status, versions.stderr).toBe(0);
	expect(resources.status, resources.stderr).toBe(0);
	const json = JSON.parse(api.stdout) as ApiJson;
	expect(json.failures).toEqual([]);
	expect(groupVersions(json).sort()).toEqual(parseApiVersions(versions.stdout).sort());
	expect(byKey(json.resources.map(fromKubehop))).toEqual(byKey(parseApiResources(resources.stdout).map(comparable)));
	return json;
}

/**
 * Asks again until the condition holds, or fails after the deadline saying what it waited for. Each
 * probe runs kubehop or kubectl, which paces the asking; there is no pause of its own.
 */
async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await probe();
		if (value !== undefined) return value;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
	}
}

describe('kubehop api beside kubectl api-versions and api-resources', () => {
	for (const who of ['admin', 'jane'] as const) {
		itWithCluster(`lists the same group versions and resources for ${who}, in two discovery requests`, async () => {
			const home = homeFor(contextNames[who]);
			const json = await compareWithKubectl(home);
			expect(json.context).toBe(contextNames[who]);
			expect(json.aggregated).toBe(true);
			expect(json.discoveryRequests).toBe(2);
			// --origins: one more request, for the APIServices.
			expect(json.requests).toBe(3);

			const flightTickets = json.resources.find((resource) => resource.group === 'flights.com' && resource.resource === 'flighttickets');
			expect(flightTickets).toMatchObject({version: 'v1', singular: 'flightticket', shortNames: ['ft'], kind: 'FlightTicket', namespaced: true});
			const pods = json.resources.find((resource) => resource.group === '' && resource.resource === 'pods')!;
			expect(pods.subresources.map((subresource) => subresource.name)).toEqual(expect.arrayContaining(['exec', 'log', 'status']));

			for (const group of json.groups) {
				expect(group.versions.filter((version) => version.preferred), group.name).toHaveLength(1);
				expect(group.paths).toEqual(group.versions.map((version) => (group.name ? `/apis/${group.name}/${version.version}` : `/api/${version.version}`)));
				for (const version of group.versions) {
					expect(version.stability, `${group.name}/${version.version}`).toBe(kubeStability(version.version));
					expect(version.stale).toBe(false);
				}
			}

			// Origins come from the APIServices, which only some identities may list.
			const canList = await kubectl(home, ['auth', 'can-i', 'list', 'apiservices.apiregistration.k8s.io']);
			const origin = (name: string) => json.groups.find((group) => group.name === name)!.origin;
			expect(origin('')).toBe('built-in');
			if (canList.stdout.trim() === 'yes') {
				expect(origin('flights.com')).toBe('CRD');
				expect(origin('apps')).toBe('built-in');
				// The aggregator's own group has no APIService of its own, but it is no less built in.
				expect(origin('apiregistration.k8s.io')).toBe('built-in');
				expect(json.groups.filter((group) => group.origin === 'unknown').map((group) => group.name)).toEqual([]);
			} else {
				expect(canList.stdout.trim()).toBe('no');
				expect(json.groups.filter((group) => group.name !== '').every((group) => group.origin === 'unknown')).toBe(true);
			}
		});
	}

	itWithCluster('prints the resource table as kubectl api-resources -o wide does, verbs and categories as comma lists', async () => {
		const home = homeFor(contextNames.admin);
		const [ours, theirs] = await Promise.all([kubehop(home, ['api', '--no-color']), kubectl(home, ['api-resources', '-o', 'wide'])]);
		const cells = (text: string) => new Map(parseTable(text).map((row) => [`${row.APIVERSION} ${row.NAME}`, [row.VERBS, row.CATEGORIES]]));
		const table = ours.stdout.slice(0, ours.stdout.indexOf('\n\n'));
		expect(cells(table)).toEqual(cells(theirs.stdout));
		expect(cells(table).get('v1 pods')).toEqual(['create,delete,deletecollection,get,list,patch,update,watch', 'all']);
	});

	itWithCluster("asks over the wire client: Node's http and https stay unloaded", async () => {
		const home = homeFor(contextNames.admin);
		const directory = fs.mkdtempSync(path.join(home.home, 'loaded-'));
		const list = path.join(directory, 'modules.json');
		const recorder = path.join(directory, 'record-modules.cjs');
		fs.writeFileSync(recorder, `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(list)}, JSON.stringify(process.moduleLoadList)));\n`);
		const result = await spawned(process.execPath, ['--require', recorder, cliPath, 'api', '--json'], {PATH: process.env.PATH, NO_COLOR: '1', ...home.env});
		expect(result.status, result.stderr).toBe(0);
		const modules = JSON.parse(fs.readFileSync(list, 'utf8')) as string[];
		// Not vacuous: TLS itself is loaded.
		expect(modules).toContain('NativeModule tls');
		expect(modules.filter((name) => /^NativeModule (?:https?|_http_\w+)$/.test(name))).toEqual([]);
	});
});

const widgetCrd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Cluster
  names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wd], categories: [gadgets]}
  versions:
  - {name: v1alpha1, served: true, storage: false, schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}}
  - {name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}}
  - {name: v1beta1, served: true, storage: false, schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}}
`;

const hasWidgets = (discovery: Discovery) => discovery.groups.some((group) => group.name === 'example.com');

/** The same discovery through the proxy as straight to the server (asked again if the cluster moved between the two). */
async function sameDiscovery(throughProxy: ApiClient, direct: ApiClient): Promise<Discovery> {
	for (let attempt = 1; ; attempt++) {
		const [proxied, straight] = await Promise.all([discover(throughProxy), discover(direct)]);
		if (isDeepStrictEqual(proxied, straight) || attempt === 3) {
			expect(proxied).toEqual(straight);
			return proxied;
		}
	}
}

describe('a CRD created during the test', () => {
	itWithCluster('appears in kubehop api and kubectl alike, and through a proxy started before it existed', async () => {
		const admin = homeFor(contextNames.admin);
		const config = await loadConfig(admin);
		const proxy = await startProxy({config, context: contextNames.admin, port: 0});
		const throughProxy = connectThroughProxy(proxy.url);
		const direct = await connect(config, contextNames.admin);
		let created = false;
		try {
			expect(hasWidgets(await sameDiscovery(throughProxy, direct))).toBe(false);

			fs.writeFileSync(path.join(admin.home, 'widgets.yaml'), widgetCrd);
			const applied = await kubectl(admin, ['apply', '-f', path.join(admin.home, 'widgets.yaml')]);
			expect(applied.status, applied.stderr).toBe(0);
			created = true;
			const established = await kubectl(admin, ['wait', '--for=condition=established', '--timeout=30s', 'crd/widgets.example.com']);
			expect(established.status, established.stderr).toBe(0);
			// Discovery and the APIService the autoregister controller adds follow the CRD shortly after.
			await eventually('widgets.example.com in discovery and as an APIService', async () => {
				const [discovery, origins] = await Promise.all([discover(direct), groupOrigins(direct)]);
				return hasWidgets(discovery) && origins?.origins.get('example.com') === 'CRD' ? true : undefined;
			});

			// A fresh kubectl cache, then both sides.
			const json = await compareWithKubectl(homeFor(contextNames.admin));
			const group = json.groups.find((candidate) => candidate.name === 'example.com')!;
			expect(group.origin).toBe('CRD');
			// Served in Kubernetes' version priority, whatever the CRD's own order: GA, then beta, then alpha.
			expect(group.versions).toEqual([
				{version: 'v1', preferred: true, stability: 'GA', stale: false, resources: 1},
				{version: 'v1beta1', preferred: false, stability: 'beta', stale: false, resources: 1},
				{version: 'v1alpha1', preferred: false, stability: 'alpha', stale: false, resources: 1},
			]);
			expect(json.resources.filter((resource) => resource.group === 'example.com')).toEqual([
				{group: 'example.com', version: 'v1', resource: 'widgets', singular: 'widget', kind: 'Widget', namespaced: false, verbs: expect.arrayContaining(['get', 'list', 'create']), shortNames: ['wd'], categories: ['gadgets'], subresources: []},
			]);

			// The proxy started before the CRD existed sees it on the next read, exactly as a direct client does.
			expect(hasWidgets(await sameDiscovery(throughProxy, direct))).toBe(true);

			const deleted = await kubectl(admin, ['delete', 'crd', 'widgets.example.com', '--wait=true']);
			expect(deleted.status, deleted.stderr).toBe(0);
			created = false;
			await eventually('widgets.example.com gone from discovery', async () => (hasWidgets(await discover(throughProxy)) ? undefined : true));
		} finally {
			if (created) await kubectl(admin, ['delete', 'crd', 'widgets.example.com', '--ignore-not-found', '--wait=true']);
			throughProxy.close();
			direct.close();
			await proxy.close();
		}
	});
});

/** GET through the pane's proxy client and `kubectl get --raw`, asked again if the cluster moved between the two. */
async function sameRaw(client: ApiClient, home: Home, target: string) {
	for (let attempt = 1; ; attempt++) {
		const [answer, oracle] = await Promise.all([client.raw('GET', target), kubectl(home, ['get', '--raw', target])]);
		const same = oracle.status === 0 && answer.status === 200 && isDeepStrictEqual(JSON.parse(answer.body), JSON.parse(oracle.stdout));
		if (same || attempt === 3) {
			expect(oracle.status, oracle.stderr).toBe(0);
			expect(answer.status, target).toBe(200);
			expect(answer.contentType).toMatch(/^application\/json/);
			// What the console shows: the body, pretty-printed line by line.
			expect(consoleLines(answer), target).toEqual(JSON.stringify(JSON.parse(oracle.stdout), null, 2).split('\n'));
			return answer;
		}
	}
}

/**
 * An error through the pane's proxy client: the server's answer as it is, and kubectl's own words for it
 * (a Status message, or client-go's generic one for a path nothing serves, which the server answers with
 * a plain-text "404 page not found").
 */
async function sameError(client: ApiClient, direct: ApiClient, home: Home, target: string, status: number, reason: string) {
	const [answer, straight, oracle] = await Promise.all([client.raw('GET', target), direct.raw('GET', target), kubectl(home, ['get', '--raw', target])]);
	expect(answer.status, target).toBe(status);
	// Passed through unchanged: the proxy adds nothing and loses nothing.
	expect(answer.body).toBe(straight.body);
	expect(answer.contentType).toBe(straight.contentType);
	expect(oracle.status).toBe(1);
	if (answer.contentType.startsWith('text/plain')) {
		expect(answer.body).toBe('404 page not found\n');
		expect(oracle.stderr.trim()).toBe(`Error from server (${reason}): the server could not find the requested resource`);
		expect(consoleLines(answer)).toEqual(['404 page not found', '']);
		return;
	}

	expect(answer.contentType).toMatch(/^application\/json/);
	const body = JSON.parse(answer.body) as {kind: string; code: number; reason: string; message: string};
	expect(body).toMatchObject({kind: 'Status', code: status, reason});
	expect(oracle.stderr.trim()).toBe(`Error from server (${reason}): ${body.message}`);
	expect(consoleLines(answer)).toEqual(JSON.stringify(body, null, 2).split('\n'));
}

describe('the raw console, through the proxy', () => {
	itWithCluster('shows the bodies kubectl get --raw shows, and the server errors unchanged', async () => {
		const admin = homeFor(contextNames.admin);
		const jane = homeFor(contextNames.jane);
		const config = await loadConfig(admin);
		const proxies: RunningProxy[] = [];
		const clients: ApiClient[] = [];
		try {
			const [adminProxy, janeProxy] = await Promise.all([startProxy({config, context: contextNames.admin, port: 0}), startProxy({config, context: contextNames.jane, port: 0})]);
			proxies.push(adminProxy, janeProxy);
			const [adminDirect, janeDirect] = await Promise.all([connect(config, contextNames.admin), connect(config, contextNames.jane)]);
			const adminClient = connectThroughProxy(adminProxy.url);
			const janeClient = connectThroughProxy(janeProxy.url);
			clients.push(adminDirect, janeDirect, adminClient, janeClient);

			const namespaces = await sameRaw(adminClient, admin, '/api/v1/namespaces');
			expect((JSON.parse(namespaces.body) as {items: Array<{metadata: {name: string}}>}).items.map((item) => item.metadata.name)).toEqual(expect.arrayContaining(['default', 'dev', 'staging', 'prod']));
			await sameRaw(adminClient, admin, '/apis/apps/v1/deployments');
			const tickets = await sameRaw(adminClient, admin, '/apis/flights.com/v1/flighttickets');
			expect((JSON.parse(tickets.body) as {kind: string; items: unknown[]}).kind).toBe('FlightTicketList');
			expect((JSON.parse(tickets.body) as {items: unknown[]}).items.length).toBeGreaterThan(0);
			// Discovery documents read the same way.
			await sameRaw(adminClient, admin, '/apis/flights.com/v1');

			// Not found: an object (a Status), and a group version the server does not serve (plain text).
			await sameError(adminClient, adminDirect, admin, '/apis/flights.com/v1/namespaces/default/flighttickets/no-such-ticket', 404, 'NotFound');
			await sameError(adminClient, adminDirect, admin, '/api/v1/namespaces/no-such-namespace', 404, 'NotFound');
			await sameError(adminClient, adminDirect, admin, '/apis/no-such-group.example.com/v1', 404, 'NotFound');
			await sameError(adminClient, adminDirect, admin, '/apis/flights.com/v9', 404, 'NotFound');
			// Forbidden: jane's proxy passes the server's refusal on as it came.
			await sameError(janeClient, janeDirect, jane, '/api/v1/namespaces/default/secrets', 403, 'Forbidden');
		} finally {
			for (const client of clients) client.close();
			await Promise.all(proxies.map((proxy) => proxy.close()));
		}
	});
});
