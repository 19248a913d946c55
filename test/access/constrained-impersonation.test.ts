import {describe, expect, it} from 'vitest';
import {constrainedChecks, withImpersonatorLimits} from '../../source/access/constrained-impersonation.ts';
import type {AccessMatrix, AccessSource, MatrixRow} from '../../source/access/matrix.ts';
import type {ResourceAttributes} from '../../source/access/reviews.ts';
import type {ResourceRule} from '../../source/access/rules.ts';

// The rules engine alone, with the real user's reviews stood in for; the real API server's answers are
// in can-i.oracle.test.ts.

const row = (resource: string, cells: MatrixRow['cells']): MatrixRow => ({name: resource, group: '', resource, subresource: '', kind: resource, namespaced: true, shortNames: [], cells});
const matrix = (rows: MatrixRow[]): AccessMatrix => ({namespace: 'dev', verbs: ['get', 'list'], rows, nonResourceRules: [], incomplete: false, evaluationErrors: [], accessReviews: 0});

function impersonator(resourceRules: ResourceRule[], {incomplete = false, allowedByServer = [] as string[]} = {}): AccessSource & {asked: ResourceAttributes[]} {
	const asked: ResourceAttributes[] = [];
	return {
		asked,
		rulesReview: async () => ({resourceRules: [...resourceRules], nonResourceRules: [], incomplete, evaluationError: ''}),
		async accessReview(attributes) {
			asked.push(attributes);
			const allowed = allowedByServer.includes(`${attributes.verb} ${attributes.resource}`);
			return {allowed, denied: false, reason: '', evaluationError: ''};
		},
	};
}

describe('constrained impersonation', () => {
	it('names the mode and identity checks as the API server asks them', () => {
		expect(constrainedChecks({user: 'dora', groups: ['team'], uid: '7'})).toMatchObject({mode: 'user-info', checks: [{attributes: {verb: 'impersonate:user-info', resource: 'users', name: 'dora'}}, {attributes: {resource: 'groups', name: 'team'}}, {attributes: {resource: 'uids', name: '7'}}]});
		expect(constrainedChecks({user: 'system:serviceaccount:ops:bot'})).toMatchObject({mode: 'serviceaccount', checks: [{attributes: {verb: 'impersonate:serviceaccount', group: 'authentication.k8s.io', namespace: 'ops', name: 'bot'}}]});
		expect(constrainedChecks({user: 'system:node:n1'})).toMatchObject({mode: 'arbitrary-node', checks: [{attributes: {resource: 'nodes', name: 'n1'}}]});
		// With groups, a service account or node has no constrained mode: only the impersonate verb.
		expect(constrainedChecks({user: 'system:serviceaccount:ops:bot', groups: ['x']})).toBeUndefined();
		expect(constrainedChecks({groups: ['x']})).toBeUndefined();
		// Extra keys as the server reads them from header names, lowercased; what it never allows in user-info
		// mode, whatever the rules say (each seen refused by a 1.37 API server): system:masters, a key with no
		// domain, an empty value.
		expect(constrainedChecks({user: 'dora', extra: {'Example.com/Reason': ['x']}})?.checks[1]).toMatchObject({attributes: {resource: 'userextras', subresource: 'example.com/reason', name: 'x'}});
		expect(constrainedChecks({user: 'dora', groups: ['system:masters']})).toBeUndefined();
		expect(constrainedChecks({user: 'dora', extra: {reason: ['x']}})).toBeUndefined();
		expect(constrainedChecks({user: 'dora', extra: {'example.com/reason': ['']}})).toBeUndefined();
	});

	it("keeps a yes only where the real user's impersonate-on allows the request too, names intersected", async () => {
		const own = matrix([
			row('pods', {get: {state: 'allowed'}, list: {state: 'allowed'}}),
			row('configmaps', {get: {state: 'allowed'}, list: {state: 'denied'}}),
			row('secrets', {get: {state: 'limited', names: ['a', 'b']}, list: {state: 'allowed'}}),
		]);
		const limited = await withImpersonatorLimits(
			own,
			impersonator([
				{verbs: ['impersonate-on:user-info:get', 'impersonate-on:user-info:list'], apiGroups: [''], resources: ['pods']},
				{verbs: ['impersonate-on:user-info:get'], apiGroups: [''], resources: ['secrets'], resourceNames: ['b', 'c']},
			]),
			'user-info',
		);
		const states = Object.fromEntries(limited.rows.map((entry) => [entry.name, Object.fromEntries(Object.entries(entry.cells).map(([verb, cell]) => [verb, cell.state === 'limited' ? `limited ${cell.names!.join(',')}` : cell.state]))]));
		expect(states).toEqual({pods: {get: 'allowed', list: 'allowed'}, configmaps: {get: 'denied', list: 'denied'}, secrets: {get: 'limited b', list: 'denied'}});
		expect(limited.rows[1]!.cells.get!.why).toBe('constrained impersonation: you lack impersonate-on:user-info:get on it');
		// The matrix it was given is left as it was.
		expect(own.rows[1]!.cells.get!.state).toBe('allowed');
	});

	it('leaves bind, escalate and the other special verbs alone: no request of their own needs impersonate-on', async () => {
		const own = matrix([row('roles', {get: {state: 'allowed'}, bind: {state: 'allowed'}, escalate: {state: 'allowed'}})]);
		const limited = await withImpersonatorLimits(own, impersonator([]), 'user-info');
		expect(Object.fromEntries(Object.entries(limited.rows[0]!.cells).map(([verb, cell]) => [verb, cell.state]))).toEqual({get: 'denied', bind: 'allowed', escalate: 'allowed'});
	});

	it('asks for the real user\'s cluster-wide rules once for all the namespaces of a report', async () => {
		const asked: string[] = [];
		const source = impersonator([]);
		const counting: AccessSource = {...source, rulesReview: async (namespace) => (asked.push(namespace), source.rulesReview(namespace))};
		const clusterRow = {...row('nodes', {get: {state: 'allowed'}}), namespaced: false};
		const shared = new Map();
		for (const namespace of ['dev', 'prod']) await withImpersonatorLimits({...matrix([clusterRow, row('pods', {get: {state: 'allowed'}})]), namespace}, counting, 'user-info', shared);
		expect(asked.sort()).toEqual(['KUBEHOP-CLUSTER-WIDE', 'dev', 'prod']);
	});

	it('asks the server where the real user\'s rules review is incomplete', async () => {
		const source = impersonator([], {incomplete: true, allowedByServer: ['impersonate-on:serviceaccount:list pods']});
		const limited = await withImpersonatorLimits(matrix([row('pods', {get: {state: 'allowed'}, list: {state: 'allowed'}})]), source, 'serviceaccount');
		expect(Object.values(limited.rows[0]!.cells).map((cell) => cell.state)).toEqual(['denied', 'allowed']);
		expect(source.asked.map((attributes) => attributes.verb).sort()).toEqual(['impersonate-on:serviceaccount:get', 'impersonate-on:serviceaccount:list']);
	});
});
