import {X509Certificate} from 'node:crypto';

// One certificate as a person reads `openssl x509 -text`: who it names, who signed it, when it is
// valid, for which names, with which key and for what. The clock is passed in, never read here.

export type CertificateInfo = {
	subject: string;
	issuer: string;
	commonName: string;
	/** O= values: the groups the API server sees for a client certificate. */
	organizations: string[];
	serial: string;
	notBefore: Date;
	notAfter: Date;
	/** Whole days left (negative once expired). */
	daysRemaining: number;
	validity: 'valid' | 'expired' | 'not-yet-valid';
	keyType: string;
	keyUsages: string[];
	extendedKeyUsages: string[];
	dnsNames: string[];
	ipAddresses: string[];
	isCa: boolean;
	selfSigned: boolean;
	fingerprint256: string;
	/** The PEM text, for chain checks; never printed. */
	pem: string;
};

const day = 86_400_000;

/** Every certificate in a PEM bundle, in order; other blocks (keys) are skipped. */
export function pemCertificates(text: string): string[] {
	return text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
}

export function parseCertificates(text: string, now: Date): CertificateInfo[] {
	return pemCertificates(text).map((pem) => describeCertificate(new X509Certificate(pem), now));
}

/** `CN=admin\nO=system:masters` as ordered pairs; values may repeat (several O=). */
export function distinguishedName(text: string): Array<[string, string]> {
	return text
		.split('\n')
		.filter(Boolean)
		.map((line) => {
			const equals = line.indexOf('=');
			return [line.slice(0, equals), line.slice(equals + 1)] as [string, string];
		});
}

export function describeCertificate(certificate: X509Certificate, now: Date): CertificateInfo {
	const subject = distinguishedName(certificate.subject);
	const notBefore = new Date(certificate.validFrom);
	const notAfter = new Date(certificate.validTo);
	const names = subjectAltNames(certificate.subjectAltName ?? '');
	const key = certificate.publicKey;
	const details = key.asymmetricKeyDetails ?? {};
	const keyType = key.asymmetricKeyType === 'rsa' ? `RSA ${details.modulusLength ?? '?'} bits` : key.asymmetricKeyType === 'ec' ? `ECDSA ${details.namedCurve ?? ''}`.trim() : (key.asymmetricKeyType ?? 'unknown').toUpperCase();
	return {
		subject: oneLine(certificate.subject),
		issuer: oneLine(certificate.issuer),
		commonName: subject.find(([key]) => key === 'CN')?.[1] ?? '',
		organizations: subject.filter(([key]) => key === 'O').map(([, value]) => value),
		serial: certificate.serialNumber,
		notBefore,
		notAfter,
		daysRemaining: Math.floor((notAfter.getTime() - now.getTime()) / day),
		validity: now < notBefore ? 'not-yet-valid' : now > notAfter ? 'expired' : 'valid',
		keyType,
		keyUsages: keyUsageOf(certificate.raw),
		extendedKeyUsages: (certificate.keyUsage ?? []).map((oid) => extendedKeyUsageNames[oid] ?? oid),
		dnsNames: names.dns,
		ipAddresses: names.ip,
		isCa: certificate.ca,
		selfSigned: certificate.checkIssued(certificate) && certificate.verify(certificate.publicKey),
		fingerprint256: certificate.fingerprint256,
		pem: certificate.toString(),
	};
}

/** `CN=admin, O=system:masters`, in the certificate's own order. */
const oneLine = (name: string) => name.split('\n').filter(Boolean).join(', ');

/** Node writes SANs as `DNS:a, IP Address:127.0.0.1`; values with a comma come quoted. */
export function subjectAltNames(text: string): {dns: string[]; ip: string[]} {
	const dns: string[] = [];
	const ip: string[] = [];
	for (const match of text.matchAll(/(DNS|IP Address):("(?:[^"\\]|\\.)*"|[^,]*)/g)) {
		const value = match[2]!.startsWith('"') ? (JSON.parse(match[2]!) as string) : match[2]!.trim();
		(match[1] === 'DNS' ? dns : ip).push(value);
	}

	return {dns, ip};
}

const extendedKeyUsageNames: Record<string, string> = {
	'1.3.6.1.5.5.7.3.1': 'server auth',
	'1.3.6.1.5.5.7.3.2': 'client auth',
	'1.3.6.1.5.5.7.3.3': 'code signing',
	'1.3.6.1.5.5.7.3.4': 'email protection',
	'1.3.6.1.5.5.7.3.8': 'time stamping',
	'1.3.6.1.5.5.7.3.9': 'OCSP signing',
};

const keyUsageBits = ['digital signature', 'non repudiation', 'key encipherment', 'data encipherment', 'key agreement', 'certificate sign', 'CRL sign', 'encipher only', 'decipher only'];

/**
 * The KeyUsage extension (2.5.29.15), which Node does not expose: a short walk of the DER down to
 * tbsCertificate's extensions.
 */
export function keyUsageOf(der: Buffer): string[] {
	const read = (at: number) => {
		let length = der[at + 1]!;
		let start = at + 2;
		if (length & 0x80) {
			const bytes = length & 0x7f;
			length = 0;
			for (let index = 0; index < bytes; index++) length = length * 256 + der[at + 2 + index]!;
			start += bytes;
		}

		return {tag: der[at]!, start, end: start + length};
	};

	try {
		const certificate = read(0);
		const tbs = read(certificate.start);
		for (let at = tbs.start; at < tbs.end; ) {
			const field = read(at);
			if (field.tag === 0xa3) {
				const extensions = read(field.start);
				for (let position = extensions.start; position < extensions.end; ) {
					const extension = read(position);
					const oid = read(extension.start);
					if (der.subarray(oid.start, oid.end).equals(Buffer.from([0x55, 0x1d, 0x0f]))) {
						let next = read(oid.end);
						if (next.tag === 0x01) next = read(next.end);
						const bits = read(next.start);
						const unused = der[bits.start]!;
						const usages: string[] = [];
						for (let bit = 0; bit < (bits.end - bits.start - 1) * 8 - unused; bit++) {
							if (der[bits.start + 1 + (bit >> 3)]! & (0x80 >> (bit & 7))) usages.push(keyUsageBits[bit] ?? `bit ${bit}`);
						}

						return usages;
					}

					position = extension.end;
				}
			}

			at = field.end;
		}
	} catch {
		// A certificate Node parsed but this walk cannot: no key usages shown.
	}

	return [];
}

/** Whether `certificate` chains, through `intermediates`, to one of `roots` (by signature, not by clock). */
export function chainsTo(certificate: string, intermediates: readonly string[], roots: readonly string[]): boolean {
	const parsed = (pem: string) => new X509Certificate(pem);
	const rootCertificates = roots.map(parsed);
	const pool = intermediates.map(parsed);
	let current = parsed(certificate);
	for (let depth = 0; depth < 10; depth++) {
		if (rootCertificates.some((root) => root.fingerprint256 === current.fingerprint256 || (current.checkIssued(root) && current.verify(root.publicKey)))) return true;
		const issuer = pool.find((candidate) => candidate.fingerprint256 !== current.fingerprint256 && current.checkIssued(candidate) && current.verify(candidate.publicKey));
		if (!issuer) return false;
		current = issuer;
	}

	return false;
}
