// kubectl proxy's request filter (k8s.io/kubectl/pkg/proxy FilterServer), as a pure function: the
// method, the decoded path and the Host header (port stripped with Go's net.SplitHostPort) are matched
// against comma-separated lists of regular expressions. A rejected request gets Go's
// http.Error(w, "Forbidden", 403): a text/plain body "Forbidden\n".

export const defaultAcceptHosts = String.raw`^localhost$,^127\.0\.0\.1$,^\[::1\]$`;
export const defaultAcceptPaths = '^.*';
export const defaultRejectPaths = '^/api/.*/pods/.*/exec,^/api/.*/pods/.*/attach';
export const defaultRejectMethods = '^$';

export type FilterOptions = {acceptHosts?: string; acceptPaths?: string; rejectPaths?: string; rejectMethods?: string};

export type RequestFilter = {
	/** kubectl's FilterServer.accept: reject paths, then reject methods, then accept paths and hosts. */
	accepts(method: string, path: string, host: string): boolean;
};

export class FilterPatternError extends Error {
	constructor(
		readonly flag: string,
		readonly pattern: string,
		detail: string,
	) {
		super(`error compiling regular expression ${JSON.stringify(pattern)} of ${flag}: ${detail}`);
		this.name = 'FilterPatternError';
	}
}

export function createFilter(options: FilterOptions = {}): RequestFilter {
	const acceptHosts = makeRegexpArray(options.acceptHosts ?? defaultAcceptHosts, '--accept-hosts');
	const acceptPaths = makeRegexpArray(options.acceptPaths ?? defaultAcceptPaths, '--accept-paths');
	const rejectPaths = makeRegexpArray(options.rejectPaths ?? defaultRejectPaths, '--reject-paths');
	const rejectMethods = makeRegexpArray(options.rejectMethods ?? defaultRejectMethods, '--reject-methods');
	return {
		accepts(method, path, host) {
			if (matches(path, rejectPaths)) return false;
			if (matches(method, rejectMethods)) return false;
			return matches(path, acceptPaths) && matches(host, acceptHosts);
		},
	};
}

/** The request filter applied to a raw Host header value, as kubectl's FilterServer.ServeHTTP does. */
export function acceptsRequest(filter: RequestFilter, method: string, path: string, hostHeader: string): boolean {
	return filter.accepts(method, path, extractHost(hostHeader));
}

const matches = (text: string, patterns: readonly RegExp[]) => patterns.some((pattern) => pattern.test(text));

/** kubectl's MakeRegexpArray: an empty string is no patterns at all; otherwise split on every comma. */
export function makeRegexpArray(text: string, flag = 'pattern'): RegExp[] {
	if (text === '') return [];
	return text.split(',').map((pattern) => goRegexp(pattern, flag));
}

/**
 * A Go (RE2) regular expression as a JavaScript one, unanchored like Go's MatchString. The RE2 syntax
 * people put in these flags is shared with JavaScript; the few spellings that are not are translated:
 * leading flags `(?i)`, `(?s)`, `(?m)`, `\A`, `\z` and `(?P<name>`. A pattern JavaScript refuses is an error.
 */
export function goRegexp(pattern: string, flag = 'pattern'): RegExp {
	let source = pattern;
	let flags = '';
	const leading = /^\(\?([imsU]+)\)/.exec(source);
	if (leading) {
		if (leading[1]!.includes('U')) throw new FilterPatternError(flag, pattern, 'the ungreedy flag (?U) is not supported');
		flags = [...new Set(leading[1]!)].join('');
		source = source.slice(leading[0].length);
	}

	let translated = '';
	for (let index = 0; index < source.length; index++) {
		const char = source[index]!;
		if (char === '\\' && index + 1 < source.length) {
			const next = source[++index]!;
			translated += next === 'A' ? '^' : next === 'z' ? '$' : `\\${next}`;
		} else if (source.startsWith('(?P<', index)) {
			translated += '(?<';
			index += 3;
		} else {
			translated += char;
		}
	}

	try {
		return new RegExp(translated, flags);
	} catch (error) {
		throw new FilterPatternError(flag, pattern, (error as Error).message);
	}
}

/** Go's net.SplitHostPort: the host without brackets and the port, or undefined where Go errs. */
export function splitHostPort(hostport: string): {host: string; port: string} | undefined {
	const colon = hostport.lastIndexOf(':');
	if (colon < 0) return undefined; // missing port in address
	let host: string;
	let [j, k] = [0, 0];
	if (hostport.startsWith('[')) {
		const end = hostport.indexOf(']');
		if (end < 0) return undefined; // missing ']' in address
		if (end + 1 === hostport.length) return undefined; // missing port in address
		if (end + 1 !== colon) return undefined; // too many colons, or missing port
		host = hostport.slice(1, end);
		[j, k] = [1, end + 1];
	} else {
		host = hostport.slice(0, colon);
		if (host.includes(':')) return undefined; // too many colons in address
	}

	if (hostport.slice(j).includes('[')) return undefined;
	if (hostport.slice(k).includes(']')) return undefined;
	return {host, port: hostport.slice(colon + 1)};
}

/**
 * kubectl's extractHost: the host of "localhost:8001" is "localhost", but a header Go cannot split is
 * kept whole. So "[::1]" stays "[::1]" (and matches the default `^\[::1\]$`), while "[::1]:8001"
 * becomes "::1" (and does not): kubectl proxy's behaviour, kept as it is.
 */
export function extractHost(header: string): string {
	return splitHostPort(header)?.host ?? header;
}
