import {describe, expect, it} from 'vitest';
import {cleanPath, cleanSlashes, route, unescapePath, validHostHeader, type RequestHead} from '../../source/proxy/routing.ts';

// What Go's net/http does before kubectl proxy's filter: each case here was read off the real kubectl
// proxy (v1.37, Go 1.26); test/proxy/proxy.test.ts replays the odd ones against both side by side.

const head = (target: string, extra: Partial<RequestHead> = {}): RequestHead => ({method: 'GET', target, httpVersion: '1.1', hosts: ['localhost:8001'], ...extra});

describe("Go's path cleaning", () => {
	it('is path.Clean, with the trailing slash kept', () => {
		expect(cleanSlashes('/a/b/../c/./d')).toBe('/a/c/d');
		expect(cleanSlashes('/../a')).toBe('/a');
		expect(cleanSlashes('a/../../b')).toBe('../b');
		expect(cleanSlashes('')).toBe('.');
		expect(cleanPath('')).toBe('/');
		expect(cleanPath('/api//v1')).toBe('/api/v1');
		expect(cleanPath('/api/v1/')).toBe('/api/v1/');
		expect(cleanPath('/api/v1/./')).toBe('/api/v1/');
		expect(cleanPath('/api/..')).toBe('/');
		expect(cleanPath('api')).toBe('/api');
	});

	it('unescapes as url.PathUnescape, refusing a bad escape', () => {
		expect(unescapePath('/a%2Fb')).toBe('/a/b');
		expect(unescapePath('/%65xec')).toBe('/exec');
		expect(unescapePath('/a+b')).toBe('/a+b');
		expect(unescapePath('/caf%C3%A9')).toBe('/café');
		expect(unescapePath('/%zz')).toBeUndefined();
		expect(unescapePath('/%4')).toBeUndefined();
	});
});

describe('routing a request', () => {
	it('passes the decoded path to the filter and the escaped one upstream', () => {
		expect(route(head('/api/v1/namespaces?limit=1'), '/')).toEqual({kind: 'proxy', host: 'localhost:8001', path: '/api/v1/namespaces', upstreamPath: '/api/v1/namespaces', query: 'limit=1'});
		expect(route(head('/api/v1/namespaces/d/pods/p/%65xec'), '/')).toMatchObject({path: '/api/v1/namespaces/d/pods/p/exec', upstreamPath: '/api/v1/namespaces/d/pods/p/%65xec'});
		// The root: stripLeaveSlash leaves an empty path; the upstream request goes to "/".
		expect(route(head('/'), '/')).toMatchObject({kind: 'proxy', path: '', upstreamPath: ''});
	});

	it("redirects unclean paths with a 307, as Go's ServeMux does", () => {
		const answer = route(head('/api/v1/../v1/namespaces?limit=1'), '/');
		expect(answer).toEqual({kind: 'reply', reply: {status: 307, headers: {Location: '/api/v1/namespaces?limit=1', 'Content-Type': 'text/html; charset=utf-8'}, body: '<a href="/api/v1/namespaces?limit=1">Temporary Redirect</a>.\n\n'}});
		expect(route(head('/api//v1', {method: 'POST'}), '/')).toEqual({kind: 'reply', reply: {status: 307, headers: {Location: '/api/v1'}, body: ''}});
		expect(route(head('/a/./b/"<x>'), '/')).toMatchObject({reply: {body: '<a href="/a/b/&#34;&lt;x&gt;">Temporary Redirect</a>.\n\n'}});
	});

	it('answers a bad escape, a missing, doubled or malformed Host as Go does', () => {
		expect(route(head('/api/%zz'), '/')).toMatchObject({reply: {status: 400, body: '400 Bad Request', close: true}});
		expect(route(head('/api', {hosts: []}), '/')).toMatchObject({reply: {status: 400, statusText: 'Bad Request: missing required Host header', body: '400 Bad Request: missing required Host header'}});
		// HTTP/1.0 needs no Host: the empty host then fails the filter instead.
		expect(route(head('/api', {hosts: [], httpVersion: '1.0'}), '/')).toMatchObject({kind: 'proxy', host: ''});
		expect(route(head('/api', {hosts: ['localhost', 'evil']}), '/')).toMatchObject({reply: {status: 400, body: '400 Bad Request: too many Host headers'}});
		expect(route(head('/api', {hosts: ['a b']}), '/')).toMatchObject({reply: {status: 400, body: '400 Bad Request: malformed Host header'}});
		expect(validHostHeader('[fe80::1%25eth0]:8001')).toBe(true);
		expect(validHostHeader('evil.com/x')).toBe(false);
	});

	it('takes the host of an absolute request target over the Host header', () => {
		expect(route(head('http://evil.com/version', {hosts: ['localhost']}), '/')).toMatchObject({kind: 'proxy', host: 'evil.com', path: '/version'});
		expect(route(head('http://user@localhost:8001/version?x=1', {hosts: ['evil.com']}), '/')).toMatchObject({kind: 'proxy', host: 'localhost:8001', path: '/version', query: 'x=1'});
		expect(route(head('http://localhost'), '/')).toMatchObject({reply: {status: 307, headers: {Location: '/'}}});
		expect(route(head('localhost:8001'), '/')).toMatchObject({reply: {status: 400}});
	});

	it('answers OPTIONS * itself', () => {
		expect(route(head('*', {method: 'OPTIONS'}), '/')).toMatchObject({reply: {status: 200, body: ''}});
		expect(route(head('*'), '/')).toMatchObject({reply: {status: 400}});
	});

	it('serves only under --api-prefix, stripped unless it starts with /api', () => {
		expect(route(head('/custom/api/v1'), '/custom/')).toMatchObject({kind: 'proxy', path: '/api/v1', upstreamPath: '/api/v1'});
		expect(route(head('/custom/api/v1'), '/custom')).toMatchObject({kind: 'proxy', path: '/api/v1'});
		expect(route(head('/custom?x=1'), '/custom/')).toMatchObject({reply: {status: 307, headers: {Location: '/custom/?x=1'}}});
		expect(route(head('/custom/'), '/custom/')).toMatchObject({kind: 'proxy', path: '', upstreamPath: ''});
		expect(route(head('/api/v1'), '/custom/')).toMatchObject({reply: {status: 404, body: '404 page not found\n'}});
		expect(route(head('/customer'), '/custom/')).toMatchObject({reply: {status: 404}});
		// A prefix under /api is not stripped: it only narrows what is served.
		expect(route(head('/api/v1/namespaces'), '/api/')).toMatchObject({kind: 'proxy', path: '/api/v1/namespaces', upstreamPath: '/api/v1/namespaces'});
		expect(route(head('/apis/apps/v1'), '/api/')).toMatchObject({reply: {status: 404}});
	});
});
