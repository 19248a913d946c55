import {describe, expect, it} from 'vitest';
import {evaluate, nonResourceAllowed, resourceMatches, type ResourceRule} from '../../source/access/rules.ts';

const rule = (verbs: string[], apiGroups: string[], resources: string[], resourceNames?: string[]): ResourceRule => ({verbs, apiGroups, resources, resourceNames});

describe('RBAC rule evaluation', () => {
	it('matches resources as the RBAC authorizer does', () => {
		expect(resourceMatches(rule([], [], ['*']), 'pods', 'log')).toBe(true);
		expect(resourceMatches(rule([], [], ['pods']), 'pods')).toBe(true);
		expect(resourceMatches(rule([], [], ['pods']), 'pods', 'log')).toBe(false);
		expect(resourceMatches(rule([], [], ['pods/log']), 'pods', 'log')).toBe(true);
		expect(resourceMatches(rule([], [], ['*/scale']), 'deployments', 'scale')).toBe(true);
		expect(resourceMatches(rule([], [], ['*/scale']), 'deployments')).toBe(false);
		// `pods/*` is not a wildcard to RBAC.
		expect(resourceMatches(rule([], [], ['pods/*']), 'pods', 'exec')).toBe(false);
	});

	it('needs verb, group and resource to match, with * for any', () => {
		const rules = [rule(['get', 'list'], [''], ['pods']), rule(['*'], ['apps'], ['deployments'])];
		expect(evaluate(rules, {verb: 'list', group: '', resource: 'pods'}).state).toBe('allowed');
		expect(evaluate(rules, {verb: 'delete', group: '', resource: 'pods'}).state).toBe('denied');
		expect(evaluate(rules, {verb: 'list', group: 'apps', resource: 'pods'}).state).toBe('denied');
		expect(evaluate(rules, {verb: 'patch', group: 'apps', resource: 'deployments'}).state).toBe('allowed');
		expect(evaluate([rule(['get'], ['*'], ['*'])], {verb: 'get', group: 'flights.com', resource: 'flighttickets'}).state).toBe('allowed');
	});

	it('calls rules with resourceNames limited, unless another rule allows everything', () => {
		const named = rule(['get'], [''], ['configmaps'], ['app-config', 'feature-flags']);
		expect(evaluate([named], {verb: 'get', group: '', resource: 'configmaps'})).toMatchObject({state: 'limited', names: ['app-config', 'feature-flags']});
		expect(evaluate([named, rule(['get'], [''], ['configmaps'])], {verb: 'get', group: '', resource: 'configmaps'}).state).toBe('allowed');
	});

	it('allows a request on one named object when a rule names it, and denies it otherwise', () => {
		const named = rule(['get'], [''], ['namespaces'], ['dev']);
		expect(evaluate([named], {verb: 'get', group: '', resource: 'namespaces', name: 'dev'})).toMatchObject({state: 'allowed', rule: named});
		expect(evaluate([named], {verb: 'get', group: '', resource: 'namespaces', name: 'prod'}).state).toBe('denied');
		expect(evaluate([rule(['get'], [''], ['namespaces'])], {verb: 'get', group: '', resource: 'namespaces', name: 'prod'}).state).toBe('allowed');
	});

	it('matches non-resource URLs exactly or by a trailing *', () => {
		const rules = [{verbs: ['get'], nonResourceURLs: ['/healthz', '/api/*']}];
		expect(nonResourceAllowed(rules, 'get', '/healthz')).toBeDefined();
		expect(nonResourceAllowed(rules, 'get', '/api/v1')).toBeDefined();
		expect(nonResourceAllowed(rules, 'post', '/healthz')).toBeUndefined();
		expect(nonResourceAllowed(rules, 'get', '/version')).toBeUndefined();
	});
});
