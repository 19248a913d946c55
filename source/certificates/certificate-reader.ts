import {nodeCrypto} from '../kubeconfig/node-crypto.ts';
import type {CertificateInfo} from './certificate.ts';
import {timing} from './certificate-timing.ts';

export {timing} from './certificate-timing.ts';
import {bitStringBits, byteText, certificateExtensions, derElement, oidText, type CertificateExtension, type DerElement} from './der.ts';

// The certificates kubeconfigs hold, read straight from the DER: a fleet of 200 contexts spent most
// of `kubehop certs --offline` in Node's X509Certificate and KeyObject (~0.15 ms each, plus their
// garbage). The reader takes the shapes that certificates made by openssl, cfssl, kubeadm and the
// clouds have; anything else (a string type, time form, key or name attribute it does not know)
// makes it answer undefined, and the caller asks X509Certificate. Its answers are tested equal to
// describeCertificate's, field by field, on openssl-made certificates.

export const extendedKeyUsageNames: Record<string, string> = {
	'1.3.6.1.5.5.7.3.1': 'server auth',
	'1.3.6.1.5.5.7.3.2': 'client auth',
	'1.3.6.1.5.5.7.3.3': 'code signing',
	'1.3.6.1.5.5.7.3.4': 'email protection',
	'1.3.6.1.5.5.7.3.8': 'time stamping',
	'1.3.6.1.5.5.7.3.9': 'OCSP signing',
};

export const keyUsageNames = ['digital signature', 'non repudiation', 'key encipherment', 'data encipherment', 'key agreement', 'certificate sign', 'CRL sign', 'encipher only', 'decipher only'];

/** Thrown inside the reader for a shape it leaves to X509Certificate. */
class Unsupported extends Error {}

function expect(condition: boolean): asserts condition {
	if (!condition) throw new Unsupported();
}

// OpenSSL's short names, as Node prints them (XN_FLAG_FN_SN).
const attributeNames: Record<string, string> = {
	'2.5.4.3': 'CN',
	'2.5.4.4': 'SN',
	'2.5.4.5': 'serialNumber',
	'2.5.4.6': 'C',
	'2.5.4.7': 'L',
	'2.5.4.8': 'ST',
	'2.5.4.9': 'street',
	'2.5.4.10': 'O',
	'2.5.4.11': 'OU',
	'2.5.4.12': 'title',
	'2.5.4.17': 'postalCode',
	'2.5.4.42': 'GN',
	'2.5.4.43': 'initials',
	'2.5.4.46': 'dnQualifier',
	'1.2.840.113549.1.9.1': 'emailAddress',
	'0.9.2342.19200300.100.1.1': 'UID',
	'0.9.2342.19200300.100.1.25': 'DC',
};

const curveNames: Record<string, string> = {
	'1.2.840.10045.3.1.7': 'prime256v1',
	'1.3.132.0.33': 'secp224r1',
	'1.3.132.0.34': 'secp384r1',
	'1.3.132.0.35': 'secp521r1',
	'1.3.132.0.10': 'secp256k1',
};

const rsaKey = '1.2.840.113549.1.1.1';
const ecKey = '1.2.840.10045.2.1';
const ed25519 = '1.3.101.112';
const ed448 = '1.3.101.113';

/** Which key type signs with each signature algorithm: OpenSSL's issuer check asks for a match. */
const signatureKeyTypes: Record<string, string> = {
	'1.2.840.113549.1.1.5': rsaKey,
	'1.2.840.113549.1.1.11': rsaKey,
	'1.2.840.113549.1.1.12': rsaKey,
	'1.2.840.113549.1.1.13': rsaKey,
	'1.2.840.113549.1.1.14': rsaKey,
	'1.2.840.10045.4.1': ecKey,
	'1.2.840.10045.4.3.1': ecKey,
	'1.2.840.10045.4.3.2': ecKey,
	'1.2.840.10045.4.3.3': ecKey,
	'1.2.840.10045.4.3.4': ecKey,
	[ed25519]: ed25519,
	[ed448]: ed448,
};

const sequence = 0x30;
const set = 0x31;
const utf8String = 0x0c;
const printableString = 0x13;
const ia5String = 0x16;
const utcTime = 0x17;
const generalizedTime = 0x18;

type Name = {
	/** One line per RDN as Node's X509Certificate writes it, joined by ", " as kubehop shows names. */
	text: string;
	pairs: Array<[string, string]>;
	/** OpenSSL compares names by a canonical form: case-folded ASCII, whitespace collapsed. */
	canonical: string;
	empty: boolean;
};

const decoder = new TextDecoder('utf-8', {fatal: true});

function attributeValue(der: Uint8Array, element: DerElement): string {
	if (element.tag === utf8String) return decoder.decode(der.subarray(element.start, element.end));
	expect(element.tag === printableString || element.tag === ia5String);
	for (let index = element.start; index < element.end; index++) expect(der[index]! < 0x80);
	return byteText(der, element.start, element.end);
}

/** RFC 2253 escapes, as OpenSSL applies them with ASN1_STRFLGS_ESC_2253; control characters are left to Node. */
function escapeValue(value: string): string {
	expect(!/[\u0000-\u001f\u007f]/.test(value));
	let escaped = value.replace(/[,+"\\<>;]/g, '\\$&');
	// OpenSSL marks the last character instead of the first in a one-character value: a lone `#` stays bare.
	if (value.endsWith(' ')) escaped = `${escaped.slice(0, -1)}\\ `;
	if (value.length > 1 && (value.startsWith('#') || value.startsWith(' '))) escaped = `\\${escaped}`;
	return escaped;
}

const canonicalValue = (value: string) => value.replace(/[\t\n\v\f\r ]+/g, ' ').trim().replace(/[A-Z]/g, (letter) => letter.toLowerCase());

function readName(der: Uint8Array, name: DerElement): Name {
	expect(name.tag === sequence);
	const lines: string[] = [];
	const pairs: Array<[string, string]> = [];
	const canonical: string[] = [];
	for (let at = name.start; at < name.end; ) {
		const rdn = derElement(der, at);
		expect(rdn.tag === set && rdn.end > rdn.start);
		const attributes: string[] = [];
		const canonicalAttributes: string[] = [];
		for (let inner = rdn.start; inner < rdn.end; ) {
			const attribute = derElement(der, inner);
			expect(attribute.tag === sequence);
			const type = derElement(der, attribute.start);
			expect(type.tag === 0x06);
			const oid = oidText(der, type.start, type.end);
			const short = attributeNames[oid];
			expect(short !== undefined);
			const valueElement = derElement(der, type.end);
			expect(valueElement.end === attribute.end);
			const value = attributeValue(der, valueElement);
			attributes.push(`${short}=${escapeValue(value)}`);
			pairs.push([short!, value]);
			// Control characters cannot occur in either part (escapeValue left such values to X509Certificate), so they separate.
			canonicalAttributes.push(`${oid}\u0000${canonicalValue(value)}`);
			inner = attribute.end;
		}

		lines.push(attributes.join(' + '));
		canonical.push(canonicalAttributes.sort().join('\u0001'));
		at = rdn.end;
	}

	return {text: lines.join(', '), pairs, canonical: canonical.join('\u0002'), empty: lines.length === 0};
}

/** Two or four ASCII digits at `at`, as a number. */
function digits(der: Uint8Array, at: number, count: number): number {
	let value = 0;
	for (let index = at; index < at + count; index++) {
		const digit = der[index]! - 48;
		expect(digit >= 0 && digit <= 9);
		value = value * 10 + digit;
	}

	return value;
}

/** UTCTime `YYMMDDHHMMSSZ` or GeneralizedTime `YYYYMMDDHHMMSSZ`, the only forms RFC 5280 allows. */
function readTime(der: Uint8Array, element: DerElement): Date {
	const yearDigits = element.tag === utcTime ? 2 : element.tag === generalizedTime ? 4 : 0;
	expect(yearDigits !== 0 && element.end - element.start === yearDigits + 11 && der[element.end - 1] === 0x5a);
	const at = element.start + yearDigits;
	const year = digits(der, element.start, yearDigits);
	const [month, day, hour, minute, second] = [digits(der, at, 2), digits(der, at + 2, 2), digits(der, at + 4, 2), digits(der, at + 6, 2), digits(der, at + 8, 2)];
	const fullYear = yearDigits === 2 ? (year < 50 ? 2000 + year : 1900 + year) : year;
	expect(month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour < 24 && minute < 60 && second < 60);
	const date = new Date(Date.UTC(fullYear, month - 1, day, hour, minute, second));
	// Date.UTC maps years 0-99 to 1900-1999, and rolls 31 February into March: neither is in a real certificate.
	expect(date.getUTCFullYear() === fullYear && date.getUTCDate() === day);
	return date;
}

/** The key as Node describes it: `RSA 2048 bits`, `ECDSA prime256v1`, `ED25519`. */
function keyType(der: Uint8Array, spki: DerElement): {algorithm: string; description: string} {
	expect(spki.tag === sequence);
	const algorithm = derElement(der, spki.start);
	const oidElement = derElement(der, algorithm.start);
	const oid = oidText(der, oidElement.start, oidElement.end);
	const key = derElement(der, algorithm.end);
	expect(key.tag === 0x03 && der[key.start] === 0);
	if (oid === rsaKey) {
		const numbers = derElement(der, key.start + 1);
		expect(numbers.tag === sequence);
		const modulus = derElement(der, numbers.start);
		expect(modulus.tag === 0x02);
		let first = modulus.start;
		while (first < modulus.end && der[first] === 0) first++;
		expect(first < modulus.end);
		const bits = (modulus.end - first - 1) * 8 + (32 - Math.clz32(der[first]!));
		return {algorithm: oid, description: `RSA ${bits} bits`};
	}

	if (oid === ecKey) {
		const parameters = derElement(der, oidElement.end);
		expect(parameters.tag === 0x06);
		const curve = curveNames[oidText(der, parameters.start, parameters.end)];
		expect(curve !== undefined);
		return {algorithm: oid, description: `ECDSA ${curve}`};
	}

	expect(oid === ed25519 || oid === ed448);
	return {algorithm: oid, description: oid === ed25519 ? 'ED25519' : 'ED448'};
}

/** The host names Node prints bare (IsSafeAltName); anything it would quote is left to it. */
const bareDnsName = /^[\u0021-\u007e]*$/;

function readAltNames(value: Uint8Array): {dns: string[]; ip: string[]; uri: string[]; email: string[]} {
	const dns: string[] = [];
	const ip: string[] = [];
	const uri: string[] = [];
	const email: string[] = [];
	const list = derElement(value, 0);
	expect(list.tag === sequence && list.end === value.length);
	for (let at = list.start; at < list.end; ) {
		const name = derElement(value, at);
		const bytes = value.subarray(name.start, name.end);
		if (name.tag === 0x82) {
			const text = byteText(value, name.start, name.end);
			expect(bareDnsName.test(text) && !/[",'\\]/.test(text));
			dns.push(text);
		} else if (name.tag === 0x87) {
			expect(bytes.length === 4 || bytes.length === 16);
			if (bytes.length === 4) ip.push(bytes.join('.'));
			else ip.push(Array.from({length: 8}, (_, index) => ((bytes[2 * index]! << 8) | bytes[2 * index + 1]!).toString(16).toUpperCase()).join(':'));
		} else {
			// e-mail and URI names, printed bare as Node prints them; anything it would quote is left to it.
			expect(name.tag === 0x81 || name.tag === 0x86);
			const text = byteText(value, name.start, name.end);
			expect(bareDnsName.test(text) && !/[",'\\]/.test(text));
			(name.tag === 0x81 ? email : uri).push(text);
		}

		at = name.end;
	}

	return {dns, ip, uri, email};
}

function bitString(value: Uint8Array): boolean[] {
	const bits = derElement(value, 0);
	expect(bits.tag === 0x03 && bits.end === value.length && bits.end > bits.start);
	return bitStringBits(value, bits);
}

function octets(value: Uint8Array): string {
	const element = derElement(value, 0);
	expect(element.tag === 0x04 && element.end === value.length);
	return Buffer.from(value.subarray(element.start, element.end)).toString('hex');
}

/** The authority key identifier's keyIdentifier; an issuer name and serial in it are left to X509Certificate. */
function authorityKeyId(value: Uint8Array): string | undefined {
	const list = derElement(value, 0);
	expect(list.tag === sequence && list.end === value.length);
	let keyId: string | undefined;
	for (let at = list.start; at < list.end; ) {
		const field = derElement(value, at);
		expect(field.tag === 0x80);
		keyId = Buffer.from(value.subarray(field.start, field.end)).toString('hex');
		at = field.end;
	}

	return keyId;
}

function basicConstraintsCa(value: Uint8Array): boolean {
	const list = derElement(value, 0);
	expect(list.tag === sequence && list.end === value.length);
	if (list.start === list.end) return false;
	const first = derElement(value, list.start);
	return first.tag === 0x01 && value[first.start] !== 0;
}

function extendedKeyUsages(value: Uint8Array): string[] {
	const list = derElement(value, 0);
	expect(list.tag === sequence && list.end === value.length);
	const usages: string[] = [];
	for (let at = list.start; at < list.end; ) {
		const oid = derElement(value, at);
		expect(oid.tag === 0x06);
		const text = oidText(value, oid.start, oid.end);
		usages.push(extendedKeyUsageNames[text] ?? text);
		at = oid.end;
	}

	return usages;
}

const fingerprint = (der: Uint8Array) =>
	nodeCrypto().createHash('sha256')
		.update(der)
		.digest('hex')
		.toUpperCase()
		.replace(/(..)(?!$)/g, '$1:');

/** Key usage bits by name, as Node's and OpenSSL's tools name them. */
export const keyUsageText = (bits: readonly boolean[]): string[] => bits.flatMap((set, bit) => (set ? [keyUsageNames[bit] ?? `bit ${bit}`] : []));

/** describeCertificate's answer for this DER, or undefined where only X509Certificate can tell. */
export function readCertificate(der: Buffer, now: Date): CertificateInfo | undefined {
	try {
		return read(der, now);
	} catch (error) {
		if (error instanceof Unsupported || error instanceof RangeError || error instanceof TypeError) return undefined;
		throw error;
	}
}

function read(der: Buffer, now: Date): CertificateInfo {
	const certificate = derElement(der, 0);
	expect(certificate.tag === sequence && certificate.begin === 0 && certificate.end === der.length);
	const tbs = derElement(der, certificate.start);
	expect(tbs.tag === sequence);
	let at = tbs.start;
	let field = derElement(der, at);
	let version = 1;
	if (field.tag === 0xa0) {
		const number = derElement(der, field.start);
		expect(number.tag === 0x02 && number.end - number.start === 1);
		version = der[number.start]! + 1;
		field = derElement(der, field.end);
	}

	// Version 1 is what `openssl x509 -req` without extensions makes, as the seed notes do it.
	expect(version === 1 || version === 3);
	const serialElement = field;
	expect(serialElement.tag === 0x02 && serialElement.end > serialElement.start && (der[serialElement.start]! & 0x80) === 0);
	const signature = derElement(der, serialElement.end);
	expect(signature.tag === sequence);
	const signatureOidElement = derElement(der, signature.start);
	const signatureAlgorithm = oidText(der, signatureOidElement.start, signatureOidElement.end);
	const issuerElement = derElement(der, signature.end);
	const validity = derElement(der, issuerElement.end);
	expect(validity.tag === sequence);
	const notBeforeElement = derElement(der, validity.start);
	const notAfterElement = derElement(der, notBeforeElement.end);
	expect(notAfterElement.end === validity.end);
	const subjectElement = derElement(der, validity.end);
	const spki = derElement(der, subjectElement.end);

	const extensions = new Map<string, CertificateExtension>();
	for (at = spki.end; at < tbs.end; at = field.end) {
		field = derElement(der, at);
		if (field.tag !== 0xa3) continue;
		expect(version === 3);
		for (const extension of certificateExtensions(der, field)) {
			// OpenSSL takes a certificate with a repeated extension as invalid.
			expect(!extensions.has(extension.oid));
			extensions.set(extension.oid, extension);
		}
	}

	// Proxy certificates change OpenSSL's issuer check.
	expect(!extensions.has('1.3.6.1.5.5.7.1.14'));

	let serialStart = serialElement.start;
	while (serialStart < serialElement.end - 1 && der[serialStart] === 0) serialStart++;
	const serialBytes = der.subarray(serialStart, serialElement.end);
	expect(!(serialBytes.length === 1 && serialBytes[0] === 0));

	const subject = readName(der, subjectElement);
	const issuer = readName(der, issuerElement);
	expect(!subject.empty && !issuer.empty);
	const notBefore = readTime(der, notBeforeElement);
	const notAfter = readTime(der, notAfterElement);
	const key = keyType(der, spki);

	const keyUsage = extensions.get('2.5.29.15');
	const keyUsageBits = keyUsage ? bitString(keyUsage.value) : undefined;
	const allowsCertificateSigning = !keyUsageBits || keyUsageBits[5] === true;
	const basicConstraints = extensions.get('2.5.29.19');
	const altNames = extensions.get('2.5.29.17');
	const names = altNames ? readAltNames(altNames.value) : {dns: [], ip: [], uri: [], email: []};
	const extendedKeyUsage = extensions.get('2.5.29.37');
	const subjectKeyId = extensions.get('2.5.29.14');
	const authorityKey = extensions.get('2.5.29.35');

	// X509Certificate.checkIssued(itself), as OpenSSL decides it: names equal in canonical form, the
	// authority key id (if both are there) equal to the subject key id, a signature algorithm for this
	// key's type, and a key usage (if any) that allows signing certificates.
	const signatureKey = signatureKeyTypes[signatureAlgorithm];
	expect(signatureKey !== undefined);
	const authorityKeyIdentifier = authorityKey ? authorityKeyId(authorityKey.value) : undefined;
	const subjectKeyIdentifier = subjectKeyId ? octets(subjectKeyId.value) : undefined;
	const selfSigned =
		subject.canonical === issuer.canonical &&
		!(authorityKeyIdentifier !== undefined && subjectKeyIdentifier !== undefined && authorityKeyIdentifier !== subjectKeyIdentifier) &&
		signatureKey === key.algorithm &&
		allowsCertificateSigning;

	let digest: string | undefined;
	return {
		subject: subject.text,
		issuer: issuer.text,
		commonName: subject.pairs.find(([name]) => name === 'CN')?.[1] ?? '',
		organizations: subject.pairs.filter(([name]) => name === 'O').map(([, value]) => value),
		serial: Buffer.from(serialBytes).toString('hex').toUpperCase(),
		notBefore,
		notAfter,
		...timing(notBefore, notAfter, now),
		keyType: key.description,
		keyUsages: keyUsageText(keyUsageBits ?? []),
		extendedKeyUsages: extendedKeyUsage ? extendedKeyUsages(extendedKeyUsage.value) : [],
		dnsNames: names.dns,
		ipAddresses: names.ip,
		uris: names.uri,
		emailAddresses: names.email,
		// X509_check_ca() == 1: basic constraints with cA, and no key usage that forbids signing certificates.
		isCa: allowsCertificateSigning && basicConstraints !== undefined && basicConstraintsCa(basicConstraints.value),
		selfSigned,
		// Only --json reads it: a table of 200 contexts hashes nothing.
		get fingerprint256() {
			return (digest ??= fingerprint(der));
		},
	};
}
