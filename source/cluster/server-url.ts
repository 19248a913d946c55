// A cluster's `server` as kubectl reads it: a bare `host:port`, or anything else without a scheme and a
// host, is plain HTTP. client-go decides whether the transport is TLS (rest.DefaultServerURL) before
// it has merged the cluster's CA or insecure-skip-tls-verify into the config, so even a cluster with
// a CA gets http://, and so no credentials.

const hasSchemeAndHost = (server: string) => {
	try {
		return new URL(server).host !== '';
	} catch {
		return false;
	}
};

// A URL's scheme is case-insensitive (Go's url.Parse and WHATWG URL both lower it): `HTTP://` is plain HTTP.
export const plainHttp = (server: string) => /^http:/i.test(server);
export const httpsServer = (server: string) => /^https:/i.test(server);

export function serverWithScheme(server: string): string {
	if (server === '' || /^https?:\/\/[^/]/i.test(server) || hasSchemeAndHost(server)) return server;
	return `http://${server}`;
}
