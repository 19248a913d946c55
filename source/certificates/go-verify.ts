import type {X509Certificate} from 'node:crypto';
import {nodeCrypto} from '../kubeconfig/node-crypto.ts';
import {certificateStructure, derElement, keyUsageBitsOf, type CertificateStructure} from './certificate.ts';

// The chain part of Go's crypto/x509 Certificate.Verify, as kubectl runs it against the server's
// certificate: candidate parents by issuer name (roots first, then the intermediates the server sent),
// CheckSignatureFrom, then each parent's own validity, then the extended key usage. The error is
// Go's text, hint included ("… (possibly because of … while trying to verify candidate authority
// certificate …)"), so that kubehop can print what kubectl will print. The leaf's own validity and
// name are checked before this, by the caller, in Go's order.

export type GoCertificate = {
	x509: X509Certificate;
	structure: CertificateStructure;
	basicConstraintsValid: boolean;
	isCa: boolean;
	/** -1 when the extension has no pathLenConstraint, as Go. */
	maxPathLen: number;
	keyUsage: boolean[] | undefined;
	subjectKeyId: Buffer;
	authorityKeyId: Buffer;
	spki: Buffer;
};

export function goCertificate(source: string | Buffer | X509Certificate): GoCertificate {
	const {X509Certificate: Certificate} = nodeCrypto();
	const x509 = source instanceof Certificate ? source : new Certificate(source);
	const structure = certificateStructure(x509.raw);
	const extension = (oid: string) => structure.extensions.find((candidate) => candidate.oid === oid);
	let isCa = false;
	let maxPathLen = -1;
	const basicConstraints = extension('2.5.29.19');
	if (basicConstraints) {
		const sequence = derElement(basicConstraints.value, 0);
		for (let at = sequence.start; at < sequence.end; ) {
			const element = derElement(basicConstraints.value, at);
			if (element.tag === 0x01) isCa = basicConstraints.value[element.start] !== 0;
			if (element.tag === 0x02) maxPathLen = basicConstraints.value.subarray(element.start, element.end).reduce((value, byte) => value * 256 + byte, 0);
			at = element.end;
		}
	}

	let subjectKeyId: Buffer = Buffer.alloc(0);
	const ski = extension('2.5.29.14');
	if (ski) {
		const octets = derElement(ski.value, 0);
		subjectKeyId = ski.value.subarray(octets.start, octets.end);
	}

	let authorityKeyId: Buffer = Buffer.alloc(0);
	const aki = extension('2.5.29.35');
	if (aki) {
		const sequence = derElement(aki.value, 0);
		for (let at = sequence.start; at < sequence.end; ) {
			const element = derElement(aki.value, at);
			if (element.tag === 0x80) authorityKeyId = aki.value.subarray(element.start, element.end);
			at = element.end;
		}
	}

	let spki: Buffer | undefined;
	return {
		x509,
		structure,
		basicConstraintsValid: Boolean(basicConstraints),
		isCa,
		maxPathLen,
		keyUsage: keyUsageBitsOf(structure),
		subjectKeyId,
		authorityKeyId,
		// Only a chain that meets the same subject twice compares keys.
		get spki() {
			return (spki ??= x509.publicKey.export({type: 'spki', format: 'der'}));
		},
	};
}

/** RFC 3339 as Go's time.Format(time.RFC3339): seconds, and the offset of the zone the time is in (Z for UTC). */
export function goRfc3339(date: Date, zone: 'utc' | 'local'): string {
	const offset = zone === 'utc' ? 0 : -date.getTimezoneOffset();
	const shifted = new Date(Math.floor(date.getTime() / 1000) * 1000 + offset * 60_000);
	const stamp = shifted.toISOString().slice(0, 19);
	if (offset === 0) return `${stamp}Z`;
	const hours = String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0');
	const minutes = String(Math.abs(offset) % 60).padStart(2, '0');
	return `${stamp}${offset < 0 ? '-' : '+'}${hours}:${minutes}`;
}

/**
 * Go's isValid time check. Go formats the current time in the local zone of the process (kubectl's),
 * and the certificate's bounds in UTC, as they were parsed.
 */
export function validityError(certificate: X509Certificate, now: Date): string | undefined {
	const notBefore = new Date(certificate.validFrom);
	const notAfter = new Date(certificate.validTo);
	if (now < notBefore) return `x509: certificate has expired or is not yet valid: current time ${goRfc3339(now, 'local')} is before ${goRfc3339(notBefore, 'utc')}`;
	if (now > notAfter) return `x509: certificate has expired or is not yet valid: current time ${goRfc3339(now, 'local')} is after ${goRfc3339(notAfter, 'utc')}`;
	return undefined;
}

const constraintViolation = 'x509: invalid signature: parent certificate cannot sign this kind of certificate';

/** Go's signature algorithms by OID, reduced to the public key algorithm they need. */
const signatureKeyAlgorithm: Record<string, 'RSA' | 'ECDSA' | 'Ed25519'> = {
	'1.2.840.113549.1.1.4': 'RSA',
	'1.2.840.113549.1.1.5': 'RSA',
	'1.2.840.113549.1.1.11': 'RSA',
	'1.2.840.113549.1.1.12': 'RSA',
	'1.2.840.113549.1.1.13': 'RSA',
	'1.2.840.113549.1.1.10': 'RSA',
	'1.2.840.10045.4.1': 'ECDSA',
	'1.2.840.10045.4.3.2': 'ECDSA',
	'1.2.840.10045.4.3.3': 'ECDSA',
	'1.2.840.10045.4.3.4': 'ECDSA',
	'1.3.101.112': 'Ed25519',
};

const goKeyType: Record<string, {algorithm: 'RSA' | 'ECDSA' | 'Ed25519'; type: string; failure: string}> = {
	rsa: {algorithm: 'RSA', type: '*rsa.PublicKey', failure: 'crypto/rsa: verification error'},
	'rsa-pss': {algorithm: 'RSA', type: '*rsa.PublicKey', failure: 'crypto/rsa: verification error'},
	ec: {algorithm: 'ECDSA', type: '*ecdsa.PublicKey', failure: 'x509: ECDSA verification failure'},
	ed25519: {algorithm: 'Ed25519', type: 'ed25519.PublicKey', failure: 'x509: Ed25519 verification failure'},
};

/** Go's Certificate.CheckSignatureFrom(parent). */
export function checkSignatureFrom(child: GoCertificate, parent: GoCertificate): string | undefined {
	if ((parent.structure.version === 3 && !parent.basicConstraintsValid) || (parent.basicConstraintsValid && !parent.isCa)) return constraintViolation;
	if (parent.keyUsage?.some(Boolean) && !parent.keyUsage[5]) return constraintViolation;
	const key = goKeyType[parent.x509.publicKey.asymmetricKeyType ?? ''];
	const wanted = signatureKeyAlgorithm[child.structure.signatureAlgorithm];
	if (!key || !wanted) return 'x509: cannot verify signature: algorithm unimplemented';
	if (key.algorithm !== wanted) return `x509: signature algorithm specifies an ${wanted} public key, but have public key of type ${key.type}`;
	return child.x509.verify(parent.x509.publicKey) ? undefined : key.failure;
}

/** Go's isValid for a parent: its validity, then, for an intermediate, CA:TRUE and the path length. */
function isValidParent(candidate: GoCertificate, kind: 'root' | 'intermediate', chain: readonly GoCertificate[], now: Date): string | undefined {
	const expired = validityError(candidate.x509, now);
	if (expired) return expired;
	if (kind === 'intermediate' && (!candidate.basicConstraintsValid || !candidate.isCa)) return 'x509: certificate is not authorized to sign other certificates';
	if (candidate.basicConstraintsValid && candidate.maxPathLen >= 0 && chain.length - 1 > candidate.maxPathLen) return 'x509: too many intermediates for path length constraint';
	return undefined;
}

/** Go's CertPool.findPotentialParents: same issuer bytes; key ids matching first, then one missing, then mismatched. */
function potentialParents(pool: readonly GoCertificate[], child: GoCertificate): GoCertificate[] {
	const named = pool.filter((candidate) => candidate.structure.rawSubject.equals(child.structure.rawIssuer));
	const matching = named.filter((candidate) => candidate.subjectKeyId.equals(child.authorityKeyId));
	const oneMissing = named.filter((candidate) => !candidate.subjectKeyId.equals(child.authorityKeyId) && (candidate.subjectKeyId.length === 0) !== (child.authorityKeyId.length === 0));
	const rest = named.filter((candidate) => !matching.includes(candidate) && !oneMissing.includes(candidate));
	return [...matching, ...oneMissing, ...rest];
}

const alreadyInChain = (candidate: GoCertificate, chain: readonly GoCertificate[]) =>
	chain.some((certificate) => certificate.structure.rawSubject.equals(candidate.structure.rawSubject) && certificate.spki.equals(candidate.spki) && certificate.x509.subjectAltName === candidate.x509.subjectAltName);

/** UnknownAuthorityError.Error(), with its hint. */
function unknownAuthority(hint: {error: string; certificate: GoCertificate} | undefined): string {
	const message = 'x509: certificate signed by unknown authority';
	if (!hint) return message;
	const names = hint.certificate.x509.subject.split('\n');
	const value = (key: string) => names.find((line) => line.startsWith(`${key}=`))?.slice(key.length + 1);
	const name = value('CN') || value('O') || `serial:${BigInt(`0x${hint.certificate.x509.serialNumber}`).toString()}`;
	return `${message} (possibly because of ${JSON.stringify(hint.error)} while trying to verify candidate authority certificate ${JSON.stringify(name)})`;
}

type Built = {chains: GoCertificate[][]; error: string | undefined};

/** Go's buildChains, with its quirks: a parent's isValid error becomes the error unless another candidate succeeds. */
function buildChains(certificate: GoCertificate, chain: GoCertificate[], roots: readonly GoCertificate[], intermediates: readonly GoCertificate[], now: Date, budget: {signatureChecks: number}): Built {
	let hint: {error: string; certificate: GoCertificate} | undefined;
	let error: string | undefined;
	const chains: GoCertificate[][] = [];
	const consider = (kind: 'root' | 'intermediate', candidate: GoCertificate) => {
		budget.signatureChecks++;
		if (alreadyInChain(candidate, chain)) return;
		const signature = checkSignatureFrom(certificate, candidate);
		if (signature) {
			hint ??= {error: signature, certificate: candidate};
			return;
		}

		error = isValidParent(candidate, kind, chain, now);
		if (error) {
			hint ??= {error, certificate: candidate};
			return;
		}

		if (kind === 'root') chains.push([...chain, candidate]);
		else {
			const built = buildChains(candidate, [...chain, candidate], roots, intermediates, now, budget);
			error = built.error;
			chains.push(...built.chains);
		}
	};

	for (const root of potentialParents(roots, certificate)) {
		if (budget.signatureChecks >= 100) break;
		consider('root', root);
	}

	for (const intermediate of potentialParents(intermediates, certificate)) {
		if (budget.signatureChecks >= 100) break;
		consider('intermediate', intermediate);
	}

	if (chains.length > 0) error = undefined;
	else error ??= unknownAuthority(hint);
	return {chains, error};
}

const serverAuth = '1.3.6.1.5.5.7.3.1';
const anyExtendedKeyUsage = '2.5.29.37.0';

/** Go's checkChainForKeyUsage for ExtKeyUsageServerAuth: every certificate with an EKU must allow it (or any). */
function allowsServerAuth(chain: readonly GoCertificate[]): boolean {
	return chain.every((certificate) => {
		const usages = certificate.x509.keyUsage ?? [];
		return usages.length === 0 || usages.includes(anyExtendedKeyUsage) || usages.includes(serverAuth);
	});
}

/**
 * The chain part of what kubectl's TLS handshake would say about `leaf` with the server's other
 * certificates as intermediates and `roots` (the kubeconfig's CA bundle, else the system's) as the
 * trust anchors: undefined when Go would build a chain. The leaf's validity and name come first in
 * Go and are the caller's.
 */
export function chainError(leaf: GoCertificate, intermediates: readonly GoCertificate[], roots: readonly GoCertificate[], now: Date): string | undefined {
	let chains: GoCertificate[][];
	if (roots.some((root) => root.x509.raw.equals(leaf.x509.raw))) chains = [[leaf]];
	else {
		const built = buildChains(leaf, [leaf], roots, intermediates, now, {signatureChecks: 0});
		if (built.error) return built.error;
		chains = built.chains;
	}

	return chains.some(allowsServerAuth) ? undefined : 'x509: certificate specifies an incompatible key usage';
}

/** A CA bundle as Go's CertPool.AppendCertsFromPEM reads it: every parseable certificate, duplicates once. */
export function certificatePool(pems: ReadonlyArray<string | Buffer>): GoCertificate[] {
	const pool: GoCertificate[] = [];
	for (const pem of pems) {
		try {
			const certificate = goCertificate(pem);
			if (!pool.some((known) => known.x509.raw.equals(certificate.x509.raw))) pool.push(certificate);
		} catch {
			// Go skips what it cannot parse.
		}
	}

	return pool;
}
