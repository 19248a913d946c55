import {describe, expect, it} from 'vitest';
import {clusterWideNamespace, computeAccessMatrix, type AccessSource} from '../../source/access/matrix.ts';
import type {ResourceAttributes, RulesReview} from '../../source/access/reviews.ts';
import type {ApiResource} from '../../source/discovery/discovery.ts';

const resource = (group: string, name: string, namespaced: boolean, verbs: string[], subresources: Array<[string, string[]]> = []): ApiResource => ({
	group,
	version: 'v1',
	resource: name,
	singular: '',
	kind: name,
	namespaced,
	verbs,
	shortNames: [],
	categories: [],
	subresources: subresources.map(([sub, subVerbs]) => ({name: sub, verbs: subVerbs, kind: ''})),
});

const all = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];
const resources = [resource('', 'pods', true, all, [['log', ['get']], ['exec', ['create', 'get']]]), resource('', 'nodes', false, all), resource('apps', 'deployments', true, all, [['scale', ['get', 'patch', 'update']]])];

function fakeSource(byNamespace: Record<string, Partial<RulesReview>>, review: (attributes: ResourceAttributes) => boolean = () => false) {
	const asked: ResourceAttributes[] = [];
	const source: AccessSource = {
		async rulesReview(namespace) {
			return {resourceRules: [], nonResourceRules: [], incomplete: false, evaluationError: '', ...byNamespace[namespace]};
		},
		async accessReview(attributes) {
			asked.push(attributes);
			const allowed = review(attributes);
			return {allowed, denied: false, reason: allowed ? 'RBAC: allowed by RoleBinding "x"' : '', evaluationError: ''};
		},
	};
	return {source, asked};
}

describe('the access matrix', () => {
	it('answers every cell from one rules review per scope, with n/a for verbs a resource lacks', async () => {
		const {source, asked} = fakeSource({default: {resourceRules: [{verbs: ['get', 'list'], apiGroups: [''], resources: ['pods', 'pods/log', 'nodes']}]}, [clusterWideNamespace]: {}});
		const matrix = await computeAccessMatrix(source, resources, {namespace: 'default'});
		const cell = (row: string, verb: string) => matrix.rows.find((candidate) => candidate.name === row)!.cells[verb]!.state;
		expect(cell('pods', 'list')).toBe('allowed');
		expect(cell('pods', 'delete')).toBe('denied');
		expect(cell('pods/log', 'get')).toBe('allowed');
		expect(cell('pods/log', 'list')).toBe('n/a');
		expect(cell('pods/exec', 'create')).toBe('denied');
		expect(cell('deployments.apps/scale', 'patch')).toBe('denied');
		// A namespace's RoleBinding does not reach cluster-scoped nodes: the cluster-wide review decides.
		expect(cell('nodes', 'list')).toBe('denied');
		expect(asked).toEqual([]);
		expect(matrix.verbs).toEqual(all);
	});

	it('asks the server, a few at a time, only for cells an incomplete review could not allow', async () => {
		const {source, asked} = fakeSource({default: {incomplete: true, resourceRules: [{verbs: ['*'], apiGroups: [''], resources: ['pods']}]}, [clusterWideNamespace]: {}}, (attributes) => attributes.resource === 'deployments' && attributes.verb === 'get');
		const matrix = await computeAccessMatrix(source, resources, {namespace: 'default', concurrency: 3});
		const row = (name: string) => matrix.rows.find((candidate) => candidate.name === name)!;
		expect(row('pods').cells.get).toMatchObject({state: 'allowed', source: 'rules'});
		expect(row('deployments.apps').cells.get).toMatchObject({state: 'allowed', source: 'review', why: 'RBAC: allowed by RoleBinding "x"'});
		expect(row('deployments.apps').cells.list).toMatchObject({state: 'denied', source: 'review'});
		expect(asked.every((attributes) => attributes.resource !== 'pods' || attributes.subresource)).toBe(true);
		expect(matrix.accessReviews).toBe(asked.length);
		expect(matrix.incomplete).toBe(true);
	});

	it('answers get, update, patch and delete of the namespaces rows for the namespace itself, as the API server authorizes GET /api/v1/namespaces/NS', async () => {
		const namespaces = resource('', 'namespaces', false, ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], [['status', ['get', 'patch', 'update']], ['finalize', ['update']]]);
		// A RoleBinding in dev to get and list namespaces; a ClusterRoleBinding to patch the namespace prod only.
		const patchProd = {verbs: ['patch'], apiGroups: [''], resources: ['namespaces'], resourceNames: ['prod']};
		const byNamespace = {dev: {resourceRules: [{verbs: ['get', 'list'], apiGroups: [''], resources: ['namespaces']}, patchProd]}, prod: {resourceRules: [patchProd]}, [clusterWideNamespace]: {resourceRules: [patchProd]}};
		const {source, asked} = fakeSource(byNamespace);
		const cells = async (namespace: string, name = 'namespaces') => (await computeAccessMatrix(source, [namespaces], {namespace})).rows.find((row) => row.name === name)!.cells;
		const dev = await cells('dev');
		expect(dev.get).toMatchObject({state: 'allowed', name: 'dev', why: expect.stringMatching(/^rule: get,list namespaces/)});
		// A list names no namespace: only cluster-wide rules count.
		expect(dev.list).toMatchObject({state: 'denied'});
		expect(dev.list!.name).toBeUndefined();
		expect(dev.patch).toMatchObject({state: 'denied', name: 'dev'});
		expect((await cells('prod')).patch).toMatchObject({state: 'allowed', name: 'prod'});
		expect((await cells('prod')).get).toMatchObject({state: 'denied', name: 'prod'});
		expect((await cells('dev', 'namespaces/status')).get).toMatchObject({state: 'denied', name: 'dev'});
		expect(asked).toEqual([]);

		// An incomplete review asks the server the question `kubectl auth can-i get namespaces/dev -n dev` sends.
		const incomplete = fakeSource({dev: {incomplete: true}, [clusterWideNamespace]: {incomplete: true}}, (attributes) => attributes.verb === 'get' && attributes.namespace === 'dev' && attributes.name === 'dev');
		const matrix = await computeAccessMatrix(incomplete.source, [namespaces], {namespace: 'dev', verbs: ['get', 'list']});
		expect(matrix.rows[0]!.cells.get).toMatchObject({state: 'allowed', source: 'review', name: 'dev'});
		expect(incomplete.asked).toEqual(
			expect.arrayContaining([
				{namespace: 'dev', verb: 'get', group: '', resource: 'namespaces', subresource: undefined, name: 'dev'},
				{namespace: '', verb: 'list', group: '', resource: 'namespaces', subresource: undefined},
				{namespace: 'dev', verb: 'get', group: '', resource: 'namespaces', subresource: 'status', name: 'dev'},
			]),
		);
	});

	it('shows special verbs only where a rule grants them, and keeps partial results when reviews fail', async () => {
		const source: AccessSource = {
			async rulesReview(namespace) {
				if (namespace === clusterWideNamespace) throw new Error('connection dropped');
				return {resourceRules: [{verbs: ['get', 'bind'], apiGroups: [''], resources: ['pods']}], nonResourceRules: [], incomplete: false, evaluationError: ''};
			},
			async accessReview() {
				throw new Error('connection dropped');
			},
		};
		const matrix = await computeAccessMatrix(source, resources, {namespace: 'default'});
		expect(matrix.verbs).toContain('bind');
		const pods = matrix.rows.find((row) => row.name === 'pods')!;
		expect(pods.cells.get?.state).toBe('allowed');
		expect(pods.cells.bind?.state).toBe('allowed');
		expect(matrix.rows.find((row) => row.name === 'nodes')!.cells.get?.state).toBe('error');
		expect(matrix.problem).toMatch(/connection dropped/);
	});
});
