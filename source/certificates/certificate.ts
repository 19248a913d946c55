import type {X509Certificate} from 'node:crypto';
import {nodeCrypto} from '../kubeconfig/node-crypto.ts';
import {bitStringBits, certificateExtensions, derElement, oidText, type CertificateExtension, type DerElement} from './der.ts';
import {extendedKeyUsageNames, keyUsageText, readCertificate} from './certificate-reader.ts';
import {retimed, timing} from './certificate-timing.ts';

export {retimed} from './certificate-timing.ts';

export {derElement, oidText, type DerElement} from './der.ts';

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
	/** URI SANs (a SPIFFE ID, say) and e-mail SANs: shown, never matched against the server's name. */
	uris: string[];
	emailAddresses: string[];
	isCa: boolean;
	selfSigned: boolean;
	fingerprint256: string;
};

/** Every certificate in a PEM bundle, in order; other blocks (keys) are skipped. */
export function pemCertificates(text: string): string[] {
	return text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
}

// Fleets repeat certificates (one CA for many contexts): each distinct PEM is parsed once per process.
const parsed = new Map<string, {info: CertificateInfo; at: number}>();

export function parseCertificates(text: string, now: Date): CertificateInfo[] {
	return pemCertificates(text).map((pem) => {
		let known = parsed.get(pem);
		if (!known) parsed.set(pem, (known = {info: readPem(pem, now) ?? describeCertificate(new (nodeCrypto().X509Certificate)(pem), now), at: now.getTime()}));
		return known.at === now.getTime() ? known.info : retimed(known.info, now);
	});
}


/** The reader's answer for a PEM block whose body is plain base64; X509Certificate judges anything else. */
function readPem(pem: string, now: Date): CertificateInfo | undefined {
	const body = pem.slice('-----BEGIN CERTIFICATE-----'.length, -'-----END CERTIFICATE-----'.length);
	return /^[\sA-Za-z\d+/]*={0,2}\s*$/.test(body) ? readCertificate(Buffer.from(body, 'base64'), now) : undefined;
}


/**
 * `CN=admin\nO=system:masters` (Node's X509Certificate.subject) as ordered pairs; values may repeat
 * (several O=). Node writes one RDN per line, the attributes of a multi-valued RDN joined by ` + `, and
 * escapes values as RFC 2253 does (`O=dev\, ops`, `\+`, `\0A`): the pairs hold the values themselves.
 */
export function distinguishedName(text: string): Array<[string, string]> {
	const pairs: Array<[string, string]> = [];
	for (const line of text.split('\n')) {
		if (!line) continue;
		for (const attribute of line.includes(' + ') ? splitUnescaped(line, ' + ') : [line]) {
			const equals = attribute.indexOf('=');
			pairs.push([attribute.slice(0, equals), unescapeName(attribute.slice(equals + 1))]);
		}
	}

	return pairs;
}

function splitUnescaped(text: string, separator: string): string[] {
	const parts: string[] = [];
	let start = 0;
	for (let index = 0; index < text.length; index++) {
		if (text[index] === '\\') index++;
		else if (text.startsWith(separator, index)) {
			parts.push(text.slice(start, index));
			start = index + separator.length;
			index = start - 1;
		}
	}

	parts.push(text.slice(start));
	return parts;
}

/** RFC 2253 escapes: `\,` is a comma, `\C3\A9` the UTF-8 bytes of "é". */
function unescapeName(value: string): string {
	if (!value.includes('\\')) return value;
	const bytes: number[] = [];
	const characters = Array.from(value);
	for (let index = 0; index < characters.length; index++) {
		let character = characters[index]!;
		if (character === '\\' && index + 1 < characters.length) {
			const hex = `${characters[index + 1]}${characters[index + 2] ?? ''}`;
			if (/^[\dA-Fa-f]{2}$/.test(hex)) {
				bytes.push(Number.parseInt(hex, 16));
				index += 2;
				continue;
			}

			character = characters[++index]!;
		}

		bytes.push(...Buffer.from(character, 'utf8'));
	}

	return Buffer.from(bytes).toString('utf8');
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
		...timing(notBefore, notAfter, now),
		keyType,
		keyUsages: keyUsageOf(certificate.raw),
		extendedKeyUsages: (certificate.keyUsage ?? []).map((oid) => extendedKeyUsageNames[oid] ?? oid),
		dnsNames: names.dns,
		ipAddresses: names.ip,
		uris: names.uri,
		emailAddresses: names.email,
		isCa: certificate.ca,
		// Names and key identifiers only: the chain checks verify signatures where it matters.
		selfSigned: certificate.checkIssued(certificate),
		fingerprint256: certificate.fingerprint256,
	};
}

/** `CN=admin, O=system:masters`, in the certificate's own order. */
const oneLine = (name: string) => name.split('\n').filter(Boolean).join(', ');

/** Node writes SANs as `DNS:a, IP Address:127.0.0.1, URI:spiffe://x, email:a@b`; values with a comma come quoted. */
export function subjectAltNames(text: string): {dns: string[]; ip: string[]; uri: string[]; email: string[]} {
	const names = {dns: [] as string[], ip: [] as string[], uri: [] as string[], email: [] as string[]};
	const kinds: Record<string, keyof typeof names> = {DNS: 'dns', 'IP Address': 'ip', URI: 'uri', email: 'email'};
	for (const match of text.matchAll(/(?:^|, )(DNS|IP Address|URI|email):("(?:[^"\\]|\\.)*"|[^,]*)/g)) {
		const value = match[2]!.startsWith('"') ? (JSON.parse(match[2]!) as string) : match[2]!.trim();
		names[kinds[match[1]!]!].push(value);
	}

	return names;
}


/** What Node's X509Certificate does not expose, read from the DER: for the KeyUsage bits and Go's chain rules. */
export type CertificateStructure = {
	/** 1 or 3, as Go's Certificate.Version. */
	version: number;
	/** The issuer and subject Names exactly as encoded: Go matches a parent by these bytes. */
	rawIssuer: Buffer;
	rawSubject: Buffer;
	/** The outer signatureAlgorithm OID. */
	signatureAlgorithm: string;
	extensions: CertificateExtension[];
};

export function certificateStructure(der: Buffer): CertificateStructure {
	const certificate = derElement(der, 0);
	const tbs = derElement(der, certificate.start);
	let at = tbs.start;
	let version = 1;
	const first = derElement(der, at);
	if (first.tag === 0xa0) {
		const number = derElement(der, first.start);
		version = der[number.end - 1]! + 1;
		at = first.end;
	}

	const fields: DerElement[] = [];
	for (; at < tbs.end; at = fields.at(-1)!.end) fields.push(derElement(der, at));
	// serialNumber, signature, issuer, validity, subject, subjectPublicKeyInfo, then optional [1] [2] [3]
	const [, , issuer, , subject] = fields;
	if (!issuer || !subject) throw new RangeError('not a certificate');
	const container = fields.find((field) => field.tag === 0xa3);
	const extensions = container ? certificateExtensions(der, container) : [];

	const algorithm = derElement(der, tbs.end);
	const algorithmOid = derElement(der, algorithm.start);
	return {
		version,
		rawIssuer: der.subarray(issuer.begin, issuer.end),
		rawSubject: der.subarray(subject.begin, subject.end),
		signatureAlgorithm: oidText(der.subarray(algorithmOid.start, algorithmOid.end)),
		extensions,
	};
}

/** The KeyUsage extension (2.5.29.15) as its bits, bit 0 first (Go's KeyUsage has bit i as 1 << i). */
export function keyUsageBitsOf(structure: CertificateStructure): boolean[] | undefined {
	const extension = structure.extensions.find(({oid}) => oid === '2.5.29.15');
	if (!extension) return undefined;
	return bitStringBits(extension.value);
}

/** The KeyUsage extension (2.5.29.15), which Node does not expose, by name. */
export function keyUsageOf(der: Buffer): string[] {
	try {
		return keyUsageText(keyUsageBitsOf(certificateStructure(der)) ?? []);
	} catch {
		// A certificate Node parsed but this walk cannot: no key usages shown.
		return [];
	}
}
