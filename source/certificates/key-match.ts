import {pemCertificates} from './certificate.ts';
import {derElement, oidText, type DerElement} from './der.ts';

// Whether a client key belongs to its certificate, as Go's tls.X509KeyPair decides before kubectl sends
// anything: a pair that does not match fails every request with "tls: private key does not match public
// key". Read from the DER alone, without node:crypto: an RSA key holds its modulus and exponent, and an
// EC key (as openssl writes it) its public point. Where the key does not say (an EC key without its
// point, Ed25519, an encrypted key), nothing is claimed. The key itself is never kept or shown.

const rsaEncryption = '1.2.840.113549.1.1.1';
const ecPublicKey = '1.2.840.10045.2.1';

type PublicKey = {algorithm: string; key: string};

/** kubectl's error for this pair, or undefined when it will load it (or this cannot tell). */
export function clientKeyProblem(certificatePem: string, keyPem: string): string | undefined {
	const key = privateKeyBlock(keyPem);
	if (!key) return /-----BEGIN CERTIFICATE-----/.test(keyPem) ? 'tls: found a certificate rather than a key in the PEM for the private key' : 'tls: failed to find any PEM data in key input';
	try {
		const ofCertificate = certificatePublicKey(firstCertificate(certificatePem));
		const ofKey = key.label === 'ENCRYPTED PRIVATE KEY' ? undefined : privateKeyPublicKey(key.der, key.label);
		if (!ofCertificate || !ofKey) return undefined;
		if (ofCertificate.algorithm !== ofKey.algorithm) return 'tls: private key type does not match public key type';
		return ofCertificate.key === ofKey.key ? undefined : 'tls: private key does not match public key';
	} catch {
		// DER this cannot walk: left to kubectl, which says more than a guess here would.
		return undefined;
	}
}

/** The first PEM block Go's X509KeyPair takes as the key: one labelled PRIVATE KEY, or ending in it. */
function privateKeyBlock(pem: string): {label: string; der: Buffer} | undefined {
	for (const match of pem.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g)) {
		const label = match[1]!;
		if (label === 'PRIVATE KEY' || label.endsWith(' PRIVATE KEY')) return {label, der: Buffer.from(match[2]!.replace(/\s+/g, ''), 'base64')};
	}

	return undefined;
}

/** The first certificate's DER, as X509KeyPair pairs the key with the first one. */
function firstCertificate(pem: string): Buffer {
	const [first] = pemCertificates(pem);
	if (!first) throw new RangeError('no CERTIFICATE block');
	return Buffer.from(first.replace(/-----(?:BEGIN|END) CERTIFICATE-----|\s+/g, ''), 'base64');
}

const children = (der: Uint8Array, parent: DerElement): DerElement[] => {
	const elements: DerElement[] = [];
	for (let at = parent.start; at < parent.end; ) {
		const element = derElement(der, at);
		elements.push(element);
		at = element.end;
	}

	return elements;
};

const contents = (der: Buffer, element: DerElement) => der.toString('hex', element.start, element.end);

/** An RSA key as what both sides of a pair hold: its modulus and exponent, from field `first` of `sequence` on. */
function rsaNumbers(der: Buffer, sequence: DerElement, first: number): string {
	const [modulus, exponent] = children(der, sequence).slice(first, first + 2);
	if (modulus?.tag !== 0x02 || exponent?.tag !== 0x02) throw new RangeError('not an RSA key');
	return `${contents(der, modulus)}:${contents(der, exponent)}`;
}

/** SubjectPublicKeyInfo, the seventh field of TBSCertificate (the sixth without a version). */
function certificatePublicKey(der: Buffer): PublicKey | undefined {
	const tbs = derElement(der, derElement(der, 0).start);
	const fields = children(der, tbs);
	const spki = fields[fields[0]?.tag === 0xa0 ? 6 : 5];
	if (spki?.tag !== 0x30) throw new RangeError('no SubjectPublicKeyInfo');
	const [algorithm, bits] = children(der, spki);
	if (algorithm?.tag !== 0x30 || bits?.tag !== 0x03) throw new RangeError('malformed SubjectPublicKeyInfo');
	const oidElement = derElement(der, algorithm.start);
	const oid = oidText(der, oidElement.start, oidElement.end);
	// The key is the BIT STRING's bytes after its unused-bits count: RSAPublicKey, or an EC point.
	if (oid === rsaEncryption) return {algorithm: oid, key: rsaNumbers(der, derElement(der, bits.start + 1), 0)};
	if (oid === ecPublicKey) return ecKey(der.subarray(bits.start + 1, bits.end));
	return undefined;
}

/**
 * An EC point as X and the parity of Y: what an uncompressed point (04 X Y) and a compressed one (02 or
 * 03, then X) of the same key share. Go works the point out from the private number, so a key written
 * with either form pairs with a certificate holding the other; any other form is not judged.
 */
function ecKey(point: Uint8Array): PublicKey | undefined {
	const form = point[0];
	if (form === 0x04 && point.length % 2 === 1) {
		const size = (point.length - 1) / 2;
		return {algorithm: ecPublicKey, key: `${Buffer.from(point.subarray(1, 1 + size)).toString('hex')}:${point.at(-1)! & 1}`};
	}

	if ((form === 0x02 || form === 0x03) && point.length > 1) return {algorithm: ecPublicKey, key: `${Buffer.from(point.subarray(1)).toString('hex')}:${form & 1}`};
	return undefined;
}

/** PKCS#1 (RSA PRIVATE KEY), SEC1 (EC PRIVATE KEY), or PKCS#8 (PRIVATE KEY) around either. */
function privateKeyPublicKey(der: Buffer, label: string): PublicKey | undefined {
	const outer = derElement(der, 0);
	if (label === 'RSA PRIVATE KEY') return {algorithm: rsaEncryption, key: rsaNumbers(der, outer, 1)};
	if (label === 'EC PRIVATE KEY') return ecPoint(der, outer);
	if (label !== 'PRIVATE KEY') return undefined;
	const [, algorithm, wrapped] = children(der, outer);
	if (algorithm?.tag !== 0x30 || wrapped?.tag !== 0x04) throw new RangeError('malformed PKCS#8');
	const oidElement = derElement(der, algorithm.start);
	const oid = oidText(der, oidElement.start, oidElement.end);
	const inner = der.subarray(wrapped.start, wrapped.end);
	if (oid === rsaEncryption) return {algorithm: oid, key: rsaNumbers(inner, derElement(inner, 0), 1)};
	if (oid === ecPublicKey) return ecPoint(inner, derElement(inner, 0));
	return undefined;
}

/** ECPrivateKey's optional [1] publicKey BIT STRING: the point, when the key carries it. */
function ecPoint(der: Buffer, sequence: DerElement): PublicKey | undefined {
	const tagged = children(der, sequence).find((element) => element.tag === 0xa1);
	if (!tagged) return undefined;
	const bits = derElement(der, tagged.start);
	if (bits.tag !== 0x03) throw new RangeError('malformed EC public key');
	return ecKey(der.subarray(bits.start + 1, bits.end));
}
