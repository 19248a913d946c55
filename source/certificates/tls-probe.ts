import net from 'node:net';
import tls from 'node:tls';
import {X509Certificate} from 'node:crypto';
import {describeCertificate, distinguishedName, pemCertificates, subjectAltNames, type CertificateInfo} from './certificate.ts';
import {certificatePool, chainError, goCertificate, validityError, type GoCertificate} from './go-verify.ts';
import {tlsHandshakeLimitMs} from '../cluster/cluster-error.ts';

// The live API-server certificate: one TLS handshake to the `server` URL, then the same three checks
// Go's crypto/x509 makes for kubectl, in its order (leaf validity, then the name, then the chain), so
// the error predicted is the one kubectl would print.

export type ProbeTarget = {server: string; caPem?: string; tlsServerName?: string; insecureSkipTlsVerify?: boolean};

export type ProbeResult =
	| {kind: 'unreachable'; message: string}
	| {
			kind: 'probed';
			chain: CertificateInfo[];
			/** Does the chain verify against the kubeconfig's CA (the system's when it has none), as Go builds it: signatures, the parents' own validity, the server-auth key usage? */
			trusted: boolean;
			/** Do the SANs cover the host or IP kubectl checks? */
			nameCovered: boolean;
			checkedName: string;
			validNow: boolean;
			/** Server clock minus ours, from the HTTP Date header, when the server sent one. */
			skewMs: number | undefined;
			/** What kubectl would say, word for word after "tls: failed to verify certificate: "; undefined when it would connect. */
			predictedError: string | undefined;
	  };

export async function probeServer(target: ProbeTarget, {now, timeoutMs = 3000}: {now: Date; timeoutMs?: number}): Promise<ProbeResult> {
	let url: URL;
	try {
		url = new URL(target.server);
	} catch {
		return {kind: 'unreachable', message: `"${target.server}" is not a URL`};
	}

	if (url.protocol !== 'https:') return {kind: 'unreachable', message: `${target.server} is not HTTPS: there is no certificate to check`};
	const host = url.hostname.replace(/^\[|\]$/g, '');
	const port = Number(url.port || 443);
	const checkedName = target.tlsServerName || host;
	let handshake: {raw: Buffer[]; dateHeader: string | undefined};
	try {
		handshake = await handshakeWith(host, port, target.tlsServerName || (isIpAddress(host) ? undefined : host), timeoutMs);
	} catch (error) {
		return {kind: 'unreachable', message: (error as Error).message};
	}

	try {
		return checkChain(target, handshake, checkedName, now);
	} catch (error) {
		// A certificate Node accepted in the handshake but that cannot be read here: said, not thrown.
		return {kind: 'unreachable', message: `${host}:${port} sent a certificate kubehop cannot read: ${(error as Error).message}`};
	}
}

function checkChain(target: ProbeTarget, handshake: {raw: Buffer[]; dateHeader: string | undefined}, checkedName: string, now: Date): ProbeResult {
	const chain = handshake.raw.map((der) => describeCertificate(new X509Certificate(der), now));
	const {validityProblem, nameProblem, chainProblem} = serverChecks(handshake.raw, chain[0]!, target.caPem, checkedName, now);
	const date = handshake.dateHeader ? Date.parse(handshake.dateHeader) : Number.NaN;
	const predictedError = target.insecureSkipTlsVerify ? undefined : (validityProblem ?? nameProblem ?? chainProblem);
	return {kind: 'probed', chain, trusted: chainProblem === undefined, nameCovered: !nameProblem, checkedName, validNow: validityProblem === undefined, skewMs: Number.isNaN(date) ? undefined : date - Date.now(), predictedError};
}

/**
 * Go's three checks of a server's chain (crypto/x509 Certificate.Verify) against the kubeconfig's CA
 * bundle (the system's when it has none): the leaf's validity, its names, then the chain (parents'
 * signatures and validity, then the extended key usage). Each is Go's error text, or undefined.
 */
function serverChecks(raw: readonly Buffer[], leaf: Pick<CertificateInfo, 'dnsNames' | 'ipAddresses' | 'commonName'>, caPem: string | undefined, checkedName: string, now: Date, leafCertificate = goCertificate(raw[0]!)) {
	const roots = caPem ? certificatePool(pemCertificates(caPem)) : systemRoots();
	const chainProblem = chainError(leafCertificate, certificatePool(raw.slice(1)), roots, now);
	const hasSanExtension = leafCertificate.structure.extensions.some(({oid}) => oid === '2.5.29.17');
	const nameProblem = hostnameProblem({dnsNames: leaf.dnsNames, ipAddresses: leaf.ipAddresses, commonName: hasSanExtension ? undefined : leaf.commonName}, checkedName);
	return {validityProblem: validityError(leafCertificate.x509, now), nameProblem, chainProblem};
}

/**
 * What kubectl would say of the chain a server sent, in Go's order and words, or undefined when it
 * would connect. kubehop's own connections are verified by this, not by OpenSSL: see api-client.ts.
 */
export function kubectlVerificationError(raw: readonly Buffer[], caPem: string | undefined, checkedName: string, now: Date): string | undefined {
	if (raw.length === 0) return 'x509: the server sent no certificate';
	// Only the leaf's names are wanted, and its X509Certificate is made for the chain anyway.
	const leafCertificate = goCertificate(raw[0]!);
	const {dns, ip} = subjectAltNames(leafCertificate.x509.subjectAltName ?? '');
	const commonName = distinguishedName(leafCertificate.x509.subject).find(([key]) => key === 'CN')?.[1] ?? '';
	const {validityProblem, nameProblem, chainProblem} = serverChecks(raw, {dnsNames: dns, ipAddresses: ip, commonName}, caPem, checkedName, now, leafCertificate);
	return validityProblem ?? nameProblem ?? chainProblem;
}


let systemPool: GoCertificate[] | undefined;
/** Node's bundled roots stand in for the system's, which Go reads when the kubeconfig has no CA. */
const systemRoots = () => (systemPool ??= certificatePool(tls.rootCertificates));

/**
 * Go's VerifyHostname and HostnameError: SANs only (no Common Name since Go 1.15), IPs against IP
 * SANs. Pass `commonName` only for a certificate without a SAN extension: Go then blames the legacy
 * Common Name when it would have matched.
 */
export function hostnameProblem(leaf: Pick<CertificateInfo, 'dnsNames' | 'ipAddresses'> & {commonName?: string}, name: string): string | undefined {
	const bracketless = name.length >= 3 && name.startsWith('[') && name.endsWith(']') ? name.slice(1, -1) : name;
	const isIp = isIpAddress(bracketless);
	if (isIp) {
		const wanted = normaliseIp(bracketless);
		if (leaf.ipAddresses.some((address) => normaliseIp(address) === wanted)) return undefined;
	} else {
		const lower = name.toLowerCase().replace(/\.$/, '');
		if (leaf.dnsNames.some((pattern) => dnsMatches(pattern.toLowerCase(), lower))) return undefined;
	}

	const host = isIp ? bracketless : name;
	if (leaf.commonName && dnsMatches(leaf.commonName.toLowerCase(), host.toLowerCase().replace(/\.$/, ''))) return 'x509: certificate relies on legacy Common Name field, use SANs instead';
	if (isIp) {
		if (leaf.ipAddresses.length === 0) return `x509: cannot validate certificate for ${host} because it doesn't contain any IP SANs`;
		if (leaf.ipAddresses.length >= 100) return `x509: certificate is valid for ${leaf.ipAddresses.length} IP SANs, but none matched ${host}`;
		return `x509: certificate is valid for ${leaf.ipAddresses.map(goIp).join(', ')}, not ${host}`;
	}

	if (leaf.dnsNames.length >= 100) return `x509: certificate is valid for ${leaf.dnsNames.length} names, but none matched ${host}`;
	if (leaf.dnsNames.length === 0) return `x509: certificate is not valid for any names, but wanted to match ${host}`;
	return `x509: certificate is valid for ${leaf.dnsNames.join(', ')}, not ${host}`;
}

/** Go's matchHostnames: the same number of labels, `*` allowed as the whole leftmost label only. */
function dnsMatches(pattern: string, host: string): boolean {
	if (pattern === '' || host === '') return false;
	const patternLabels = pattern.replace(/\.$/, '').split('.');
	const hostLabels = host.split('.');
	if (patternLabels.length !== hostLabels.length) return false;
	return patternLabels.every((label, index) => (index === 0 && label === '*') || label === hostLabels[index]);
}

/** net.isIP, without building its IPv6 expression (~5 ms, once) for host names, which have no colon. */
const isIpAddress = (text: string) => net.isIPv4(text) || (text.includes(':') && net.isIPv6(text));

// Only IP addresses come here: a colon tells IPv6.
const normaliseIp = (address: string) => (address.includes(':') ? new net.SocketAddress({address, family: 'ipv6'}).address : address);

/** net.IP.String(): IPv6 compressed and lower case, an IPv4-mapped address as IPv4. Node (like openssl) writes IPv6 SANs in full. */
function goIp(address: string): string {
	const normal = normaliseIp(address);
	const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(normal);
	return mapped ? mapped[1]! : normal;
}

function handshakeWith(host: string, port: number, servername: string | undefined, timeoutMs: number): Promise<{raw: Buffer[]; dateHeader: string | undefined}> {
	return new Promise((resolve, reject) => {
		// `ca: []`: nothing is verified here, and an empty trust store spares Node 20 reading its 144 bundled roots (~20 ms).
		const socket = tls.connect({host, port, servername, ca: [], rejectUnauthorized: false, ALPNProtocols: ['http/1.1']});
		let raw: Buffer[] = [];
		let response = '';
		// 0, kubectl's "no request timeout", still leaves client-go's handshake limit: a probe never waits forever.
		const limitMs = timeoutMs > 0 ? timeoutMs : tlsHandshakeLimitMs;
		const timer = setTimeout(() => {
			socket.destroy();
			if (raw.length > 0) resolve({raw, dateHeader: undefined});
			else reject(new Error(`${host}:${port} did not complete a TLS handshake within ${limitMs / 1000}s`));
		}, limitMs);
		const finish = () => {
			clearTimeout(timer);
			socket.destroy();
			// Closed before the handshake finished: there is no certificate to describe.
			if (raw.length === 0) reject(new Error(`${host}:${port} closed the connection during the TLS handshake`));
			else resolve({raw, dateHeader: /^date:\s*(.+)$/im.exec(response)?.[1]?.trim()});
		};

		socket.once('secureConnect', () => {
			raw = chainOf(socket.getPeerCertificate(true));
			// The Date header estimates the server's clock: a skewed clock is a common "not yet valid".
			socket.write(`GET /version HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
		});
		socket.on('data', (chunk: Buffer) => {
			response += chunk.toString('latin1');
			if (response.includes('\r\n\r\n')) finish();
		});
		socket.once('end', finish);
		socket.once('error', (error: NodeJS.ErrnoException) => {
			clearTimeout(timer);
			if (raw.length > 0) return resolve({raw, dateHeader: undefined});
			reject(new Error(error.code === 'ECONNREFUSED' ? `${host}:${port} refused the connection` : `${host}:${port}: ${error.message}`));
		});
	});
}

/** The certificates a server sent, leaf first, from Node's linked peer certificate. */
export function chainOf(peer: tls.DetailedPeerCertificate): Buffer[] {
	const chain: Buffer[] = [];
	let current: tls.DetailedPeerCertificate | undefined = peer;
	while (current?.raw && !chain.some((known) => known.equals(current!.raw))) {
		chain.push(current.raw);
		current = current.issuerCertificate;
	}

	return chain;
}
