import net from 'node:net';
import tls from 'node:tls';
import {chainsTo, describeCertificate, type CertificateInfo} from './certificate.ts';
import {X509Certificate} from 'node:crypto';

// The live API-server certificate: one TLS handshake to the `server` URL, then the same three checks
// Go's crypto/x509 makes for kubectl, in its order (leaf validity, then the name, then the chain), so
// the error predicted is the one kubectl would print.

export type ProbeTarget = {server: string; caPem?: string; tlsServerName?: string; insecureSkipTlsVerify?: boolean};

export type ProbeResult =
	| {kind: 'unreachable'; message: string}
	| {
			kind: 'probed';
			chain: CertificateInfo[];
			/** Does the chain verify against the kubeconfig's CA (the system's when it has none)? */
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
		handshake = await handshakeWith(host, port, target.tlsServerName || (net.isIP(host) ? undefined : host), timeoutMs);
	} catch (error) {
		return {kind: 'unreachable', message: (error as Error).message};
	}

	const chain = handshake.raw.map((der) => describeCertificate(new X509Certificate(der), now));
	const leaf = chain[0]!;
	const roots = target.caPem ? target.caPem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [] : [...tls.rootCertificates];
	const trusted = chainsTo(leaf.pem, chain.slice(1).map((certificate) => certificate.pem), roots);
	const nameProblem = hostnameProblem(leaf, checkedName);
	const validNow = leaf.validity === 'valid';
	const date = handshake.dateHeader ? Date.parse(handshake.dateHeader) : Number.NaN;
	let predictedError: string | undefined;
	if (!target.insecureSkipTlsVerify) {
		if (!validNow) {
			const bound = leaf.validity === 'expired' ? `is after ${goTime(leaf.notAfter)}` : `is before ${goTime(leaf.notBefore)}`;
			predictedError = `x509: certificate has expired or is not yet valid: current time ${goTime(now)} ${bound}`;
		} else if (nameProblem) predictedError = nameProblem;
		else if (!trusted) predictedError = 'x509: certificate signed by unknown authority';
	}

	return {kind: 'probed', chain, trusted, nameCovered: !nameProblem, checkedName, validNow, skewMs: Number.isNaN(date) ? undefined : date - Date.now(), predictedError};
}

/** RFC 3339 in UTC without fractions, as Go prints times in these errors. */
const goTime = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Go's VerifyHostname: SANs only (no Common Name since Go 1.15), IPs against IP SANs. */
export function hostnameProblem(leaf: Pick<CertificateInfo, 'dnsNames' | 'ipAddresses'>, name: string): string | undefined {
	if (net.isIP(name)) {
		if (leaf.ipAddresses.length === 0) return `x509: cannot validate certificate for ${name} because it doesn't contain any IP SANs`;
		const wanted = normaliseIp(name);
		if (leaf.ipAddresses.some((address) => normaliseIp(address) === wanted)) return undefined;
		return `x509: certificate is valid for ${leaf.ipAddresses.join(', ')}, not ${name}`;
	}

	const lower = name.toLowerCase().replace(/\.$/, '');
	if (leaf.dnsNames.some((pattern) => dnsMatches(pattern.toLowerCase(), lower))) return undefined;
	if (leaf.dnsNames.length === 0) return `x509: certificate is not valid for any names, but wanted to match ${name}`;
	return `x509: certificate is valid for ${leaf.dnsNames.join(', ')}, not ${name}`;
}

function dnsMatches(pattern: string, host: string): boolean {
	if (pattern === host) return true;
	if (!pattern.startsWith('*.')) return false;
	const dot = host.indexOf('.');
	return dot > 0 && host.slice(dot) === pattern.slice(1);
}

const normaliseIp = (address: string) => (net.isIPv6(address) ? new net.SocketAddress({address, family: 'ipv6'}).address : address);

function handshakeWith(host: string, port: number, servername: string | undefined, timeoutMs: number): Promise<{raw: Buffer[]; dateHeader: string | undefined}> {
	return new Promise((resolve, reject) => {
		const socket = tls.connect({host, port, servername, rejectUnauthorized: false, ALPNProtocols: ['http/1.1']});
		let raw: Buffer[] = [];
		let response = '';
		const timer = setTimeout(() => {
			socket.destroy();
			if (raw.length > 0) resolve({raw, dateHeader: undefined});
			else reject(new Error(`${host}:${port} did not complete a TLS handshake within ${timeoutMs / 1000}s`));
		}, timeoutMs);
		const finish = () => {
			clearTimeout(timer);
			socket.destroy();
			resolve({raw, dateHeader: /^date:\s*(.+)$/im.exec(response)?.[1]?.trim()});
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

function chainOf(peer: tls.DetailedPeerCertificate): Buffer[] {
	const chain: Buffer[] = [];
	let current: tls.DetailedPeerCertificate | undefined = peer;
	while (current?.raw && !chain.some((known) => known.equals(current!.raw))) {
		chain.push(current.raw);
		current = current.issuerCertificate;
	}

	return chain;
}
