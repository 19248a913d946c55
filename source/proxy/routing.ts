// What Go's net/http does to a request before kubectl proxy's filter sees it, as pure functions, so
// kubehop proxy answers the odd requests as kubectl proxy does: the request line is parsed (bad escapes
// are a 400), the Host header is checked, and the ServeMux that holds the API prefix redirects
// unclean paths (307) and answers paths outside the prefix with a 404. Then the prefix is stripped
// (kubectl's stripLeaveSlash) unless it starts with /api.

export type Reply = {status: number; statusText?: string; headers: Record<string, string>; body: string; close?: boolean};

export type Route =
	| {kind: 'reply'; reply: Reply}
	| {
			kind: 'proxy';
			/** The host the filter checks: the Host header, or the host of an absolute request target. */
			host: string;
			/** The decoded path after the prefix, as the filter sees it (Go's req.URL.Path). */
			path: string;
			/** The path to send upstream, still escaped as the client sent it ("" for the server's root). */
			upstreamPath: string;
			/** The query, without "?" ("" when there is none). */
			query: string;
	  };

export type RequestHead = {method: string; target: string; httpVersion: string; hosts: readonly string[]};

/** Go's http.Error: text/plain, nosniff, the message and a newline. */
export function goError(status: number, message: string): Reply {
	return {status, headers: {'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff'}, body: `${message}\n`};
}

/** The response Go's server writes itself for a request it cannot parse, and closes the connection. */
function badRequest(detail?: string): Reply {
	const text = detail ? `Bad Request: ${detail}` : 'Bad Request';
	return {status: 400, statusText: text, headers: {'Content-Type': 'text/plain; charset=utf-8', Connection: 'close'}, body: `400 ${text}`, close: true};
}

export const forbidden = (): Reply => goError(403, 'Forbidden');

/** kubectl's --api-prefix, completed as kubectl completes it: always ending in a slash. */
export function normalizePrefix(prefix: string): string {
	return prefix.endsWith('/') ? prefix : `${prefix}/`;
}

export function route(request: RequestHead, apiPrefix: string): Route {
	const prefix = normalizePrefix(apiPrefix);
	const {method, target, httpVersion, hosts} = request;
	// Go's readRequest: the Host header checks come before anything looks at the path.
	if (hosts.length === 0 && httpVersion === '1.1' && method !== 'CONNECT') return {kind: 'reply', reply: badRequest('missing required Host header')};
	if (hosts.length > 1) return {kind: 'reply', reply: badRequest('too many Host headers')};
	if (hosts.length === 1 && !validHostHeader(hosts[0]!)) return {kind: 'reply', reply: badRequest('malformed Host header')};
	// "OPTIONS *" is answered by Go's server; any other method with "*" by the ServeMux.
	if (target === '*') return {kind: 'reply', reply: method === 'OPTIONS' ? {status: 200, headers: {'Content-Length': '0'}, body: ''} : {status: 400, headers: {Connection: 'close'}, body: ''}};

	const parsed = parseTarget(target);
	if (!parsed) return {kind: 'reply', reply: badRequest()};
	const host = parsed.host ?? hosts[0] ?? '';
	const {rawPath, query} = parsed;
	const decoded = unescapePath(rawPath);
	if (decoded === undefined) return {kind: 'reply', reply: badRequest()};

	// The ServeMux with the one pattern kubectl registers: the prefix, a subtree.
	const cleaned = cleanPath(rawPath);
	const withQuery = (path: string) => (query ? `${path}?${query}` : path);
	if (!cleaned.startsWith(prefix) && !cleaned.endsWith('/') && `${cleaned}/` === prefix) return {kind: 'reply', reply: redirect(method, withQuery(`${cleaned}/`))};
	if (cleaned !== rawPath) return {kind: 'reply', reply: redirect(method, withQuery(cleaned))};
	if (!cleaned.startsWith(prefix)) return {kind: 'reply', reply: goError(404, '404 page not found')};

	if (prefix.startsWith('/api')) return {kind: 'proxy', host, path: decoded, upstreamPath: rawPath, query};
	// stripLeaveSlash: the prefix goes, an initial slash stays (so the filter's patterns work).
	const strip = (path: string, from: string) => {
		const rest = path.startsWith(from) ? path.slice(from.length) : path;
		return rest.length > 0 && !rest.startsWith('/') ? `/${rest}` : rest;
	};

	if (!decoded.startsWith(prefix)) return {kind: 'reply', reply: goError(404, '404 page not found')};
	return {kind: 'proxy', host, path: strip(decoded, prefix), upstreamPath: strip(rawPath, prefix), query};
}

/** The request target as Go's url.ParseRequestURI splits it: origin form, or absolute form with its host. */
function parseTarget(target: string): {host?: string; rawPath: string; query: string} | undefined {
	let rest = target;
	let host: string | undefined;
	const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:/.exec(rest);
	if (!rest.startsWith('/')) {
		if (!scheme || !rest.slice(scheme[0].length).startsWith('//')) return undefined;
		rest = rest.slice(scheme[0].length + 2);
		const end = rest.search(/[/?]/);
		const authority = end === -1 ? rest : rest.slice(0, end);
		host = authority.slice(authority.lastIndexOf('@') + 1);
		rest = end === -1 ? '' : rest.slice(end);
	}

	const question = rest.indexOf('?');
	return {host, rawPath: question === -1 ? rest : rest.slice(0, question), query: question === -1 ? '' : rest.slice(question + 1)};
}

/** Go's url.PathUnescape: every % starts two hex digits, or the path is refused. */
export function unescapePath(raw: string): string | undefined {
	if (!raw.includes('%')) return raw;
	const bytes: number[] = [];
	for (let index = 0; index < raw.length; index++) {
		const char = raw[index]!;
		if (char === '%') {
			const hex = raw.slice(index + 1, index + 3);
			if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return undefined;
			bytes.push(Number.parseInt(hex, 16));
			index += 2;
		} else {
			bytes.push(...Buffer.from(char, 'utf8'));
		}
	}

	return Buffer.from(bytes).toString('utf8');
}

/** Go's path.Clean. */
export function cleanSlashes(path: string): string {
	if (path === '') return '.';
	const rooted = path.startsWith('/');
	const out: string[] = [];
	for (const segment of path.split('/')) {
		if (segment === '' || segment === '.') continue;
		if (segment === '..') {
			if (out.length > 0 && out.at(-1) !== '..') out.pop();
			else if (!rooted) out.push('..');
		} else {
			out.push(segment);
		}
	}

	const joined = out.join('/');
	return rooted ? `/${joined}` : joined || '.';
}

/** net/http's cleanPath: rooted, path.Clean, and a trailing slash kept. */
export function cleanPath(path: string): string {
	if (path === '') return '/';
	const rooted = path.startsWith('/') ? path : `/${path}`;
	const cleaned = cleanSlashes(rooted);
	return rooted.endsWith('/') && cleaned !== '/' ? `${cleaned}/` : cleaned;
}

/** net/http's RedirectHandler(url, 307): an HTML body for GET, none for the other methods. */
function redirect(method: string, location: string): Reply {
	const headers: Record<string, string> = {Location: location};
	if (method === 'GET' || method === 'HEAD') headers['Content-Type'] = 'text/html; charset=utf-8';
	return {status: 307, headers, body: method === 'GET' ? `<a href="${htmlEscape(location)}">Temporary Redirect</a>.\n\n` : ''};
}

const htmlEscape = (text: string) => text.replace(/[&'<>"]/g, (char) => ({'&': '&amp;', "'": '&#39;', '<': '&lt;', '>': '&gt;', '"': '&#34;'})[char]!);

/** Go's httpguts.ValidHostHeader: only the bytes a host, an IPv6 literal, a zone or a port can hold. */
export function validHostHeader(host: string): boolean {
	return /^[0-9A-Za-z!$%&()*+,\-.:;=[\]'_~]*$/.test(host);
}
