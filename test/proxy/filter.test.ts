import {describe, expect, it} from 'vitest';
import {acceptsRequest, createFilter, defaultAcceptHosts, defaultRejectPaths, extractHost, FilterPatternError, goRegexp, makeRegexpArray, splitHostPort} from '../../source/proxy/filter.ts';

// kubectl proxy's FilterServer, case by case. The side-by-side test against the real kubectl proxy is
// test/proxy/proxy.test.ts; these pin the rules themselves.

describe('the Host header', () => {
	it("is split as Go's net.SplitHostPort splits it", () => {
		expect(splitHostPort('localhost:8001')).toEqual({host: 'localhost', port: '8001'});
		expect(splitHostPort('127.0.0.1:80')).toEqual({host: '127.0.0.1', port: '80'});
		expect(splitHostPort('[::1]:8001')).toEqual({host: '::1', port: '8001'});
		expect(splitHostPort('localhost:')).toEqual({host: 'localhost', port: ''});
		expect(splitHostPort('[fe80::1%25eth0]:1')).toEqual({host: 'fe80::1%25eth0', port: '1'});
		// Go's errors: missing port, too many colons, stray brackets.
		for (const bad of ['localhost', '[::1]', '::1', 'a:b:c', '[::1', '[::1]x:1', '[::1]]:1', 'a]:1', 'a[:1', '[::1]:1:2']) expect(splitHostPort(bad), bad).toBeUndefined();
	});

	it('loses its port; a header Go cannot split is kept whole', () => {
		expect(extractHost('localhost:8001')).toBe('localhost');
		expect(extractHost('localhost')).toBe('localhost');
		expect(extractHost('[::1]')).toBe('[::1]');
		// kubectl's quirk, kept: with a port, the brackets go too, and the default ^\[::1\]$ no longer matches.
		expect(extractHost('[::1]:8001')).toBe('::1');
		expect(extractHost('')).toBe('');
	});

	it('is accepted for localhost, 127.0.0.1 and [::1] by default, with or without a port', () => {
		const filter = createFilter();
		for (const host of ['localhost', 'localhost:8001', '127.0.0.1', '127.0.0.1:8001', '[::1]']) expect(acceptsRequest(filter, 'GET', '/api', host), host).toBe(true);
		for (const host of ['[::1]:8001', 'evil.com', 'evil.com:8001', 'localhost.evil.com', 'evil.localhost', '127.0.0.2', '127.0.0.1.nip.io', '0.0.0.0', '', 'LOCALHOST']) {
			expect(acceptsRequest(filter, 'GET', '/api', host), host).toBe(false);
		}
	});

	it('follows --accept-hosts, whose patterns are unanchored unless they say so', () => {
		const filter = createFilter({acceptHosts: String.raw`\.internal$,^10\.`});
		expect(acceptsRequest(filter, 'GET', '/api', 'proxy.internal:8001')).toBe(true);
		expect(acceptsRequest(filter, 'GET', '/api', '10.0.0.5')).toBe(true);
		expect(acceptsRequest(filter, 'GET', '/api', 'localhost')).toBe(false);
		expect(acceptsRequest(createFilter({acceptHosts: 'local'}), 'GET', '/api', 'notlocalhost.example')).toBe(true);
		// An empty list accepts no host at all.
		expect(acceptsRequest(createFilter({acceptHosts: ''}), 'GET', '/api', 'localhost')).toBe(false);
	});
});

describe('paths', () => {
	it('refuses exec and attach on pods by default, and nothing else', () => {
		const filter = createFilter();
		const ok = (path: string) => filter.accepts('GET', path, 'localhost');
		for (const path of ['/api/v1/namespaces/default/pods/web/exec', '/api/v1/namespaces/default/pods/web/exec/', '/api/v1/namespaces/default/pods/web/attach', '/api/v1/namespaces/a/pods/b/attach?stdin=true', '/api/v1/namespaces/default/pods/web/execute', '/api/v1/pods/x/exec']) {
			expect(ok(path), path).toBe(false);
		}

		for (const path of ['/api/v1/namespaces/default/pods/web', '/api/v1/namespaces/default/pods/web/log', '/api/v1/namespaces/default/pods/web/portforward', '/apis/apps/v1/namespaces/default/deployments/exec', '/api', '/apis', '/version', '/', '', '/apis/flights.com/v1/namespaces/default/flighttickets']) {
			expect(ok(path), path).toBe(true);
		}
	});

	it('checks the reject list before the accept list', () => {
		const filter = createFilter({acceptPaths: '^/api/', rejectPaths: '^/api/v1/secrets'});
		expect(filter.accepts('GET', '/api/v1/pods', 'localhost')).toBe(true);
		expect(filter.accepts('GET', '/api/v1/secrets', 'localhost')).toBe(false);
		expect(filter.accepts('GET', '/apis/apps/v1', 'localhost')).toBe(false);
		// An empty reject list refuses nothing: exec is then allowed, as kubectl warns.
		expect(createFilter({rejectPaths: ''}).accepts('POST', '/api/v1/namespaces/d/pods/p/exec', 'localhost')).toBe(true);
	});
});

describe('methods', () => {
	it('refuses none by default: ^$ matches only an empty method', () => {
		const filter = createFilter();
		for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']) expect(filter.accepts(method, '/api/v1/namespaces', 'localhost'), method).toBe(true);
		expect(filter.accepts('', '/api', 'localhost')).toBe(false);
	});

	it('refuses what --reject-methods names, as unanchored patterns', () => {
		const onlyPost = createFilter({rejectMethods: '^POST$'});
		expect(onlyPost.accepts('POST', '/api/v1/namespaces', 'localhost')).toBe(false);
		expect(onlyPost.accepts('GET', '/api/v1/namespaces', 'localhost')).toBe(true);
		expect(onlyPost.accepts('PUT', '/api/v1/namespaces', 'localhost')).toBe(true);
		// kubectl's own example, --reject-methods='POST,PUT,PATCH': three patterns.
		const writes = createFilter({rejectMethods: 'POST,PUT,PATCH'});
		for (const method of ['POST', 'PUT', 'PATCH']) expect(writes.accepts(method, '/api', 'localhost'), method).toBe(false);
		expect(writes.accepts('DELETE', '/api', 'localhost')).toBe(true);
		// Unanchored: "T" is in GET, POST and PUT.
		expect(createFilter({rejectMethods: 'T'}).accepts('GET', '/api', 'localhost')).toBe(false);
		expect(createFilter({rejectMethods: 'T'}).accepts('HEAD', '/api', 'localhost')).toBe(true);
	});
});

describe('patterns', () => {
	it("are kubectl's lists: split on every comma, nothing for an empty string", () => {
		expect(makeRegexpArray('')).toEqual([]);
		expect(makeRegexpArray(defaultAcceptHosts).map(String)).toEqual([String.raw`/^localhost$/`, String.raw`/^127\.0\.0\.1$/`, String.raw`/^\[::1\]$/`]);
		expect(makeRegexpArray(defaultRejectPaths)).toHaveLength(2);
		// A trailing comma adds an empty pattern, which matches everything, in Go as here.
		expect(makeRegexpArray('^a$,').map((pattern) => pattern.test('zzz'))).toEqual([false, true]);
	});

	it("take Go's spellings", () => {
		expect(goRegexp('(?i)^localhost$').test('LocalHost')).toBe(true);
		expect(goRegexp(String.raw`\Alocalhost\z`).test('localhost')).toBe(true);
		expect(goRegexp(String.raw`\Alocalhost\z`).test('localhost.evil')).toBe(false);
		expect(goRegexp('^(?P<verb>exec|attach)$').exec('attach')?.groups?.verb).toBe('attach');
		expect(goRegexp(String.raw`^a\\z$`).test(String.raw`a\z`)).toBe(true);
	});

	it('refuse what does not compile, naming the flag', () => {
		expect(() => createFilter({rejectPaths: '^/api/(unclosed'})).toThrow(FilterPatternError);
		expect(() => createFilter({rejectPaths: '^/api/(unclosed'})).toThrow(/--reject-paths/);
		expect(() => createFilter({acceptHosts: '(?U)a*'})).toThrow(/--accept-hosts/);
	});
});
