import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// Certificates for the certificate tests, made with the `openssl` CLI the way the seed notes teach it
// (a key, a CSR with -subj "/CN=user/O=group", then `openssl x509 -req -CA … -CAkey … -CAcreateserial
// -days N`), in a fresh temporary directory per run. The OpenSSL here is 3.0, whose `x509` has no
// -not_before/-not_after (3.4+), so the certificates outside their validity window are signed with
// `openssl ca -startdate/-enddate` and a minimal CA configuration instead. Keys are EC P-256 for speed,
// except the main CA, which is RSA 2048 so the key type and size are exercised too.

export type FixtureCertificate = {
	/** A short name for test titles. */
	name: string;
	/** Path of the PEM certificate. */
	cert: string;
	/** Path of its private key (PEM). */
	key: string;
	/** The PEM text of the certificate. */
	pem: string;
};

export type OpensslFixtures = {
	directory: string;
	/** CN=kubehop-fixture-ca, RSA 2048, self-signed, CA:TRUE. */
	ca: FixtureCertificate;
	/** A second, unrelated CA (CN=other-ca). */
	otherCa: FixtureCertificate;
	/** A third CA, EC, only in the bundle. */
	thirdCa: FixtureCertificate;
	/** A CA with the very same subject as `ca` but its own key: a rebuilt cluster's CA. */
	impostorCa: FixtureCertificate;
	/** Yet another CA with that subject, EC like `impostorCa`. */
	twinCa: FixtureCertificate;
	/** An intermediate CA signed by `ca`. */
	intermediateCa: FixtureCertificate;
	/** A CA whose own validity ended in 2021 (self-signed with `openssl ca -selfsign`). */
	expiredCa: FixtureCertificate;
	/** CN=admin, O=system:masters. */
	admin: FixtureCertificate;
	/** CN=jane, O=developers. */
	jane: FixtureCertificate;
	/** CN=system:node:node01, O=system:nodes. */
	node01: FixtureCertificate;
	/** CN=system:node:node02 without O=system:nodes: breaks the node convention. */
	nodeWithoutGroup: FixtureCertificate;
	/** A subject with UTF-8, a comma, a plus sign and a multi-valued RDN; a URI (SPIFFE ID) and an e-mail SAN. */
	tricky: FixtureCertificate;
	/** Server certificate (DNS:localhost, IP:127.0.0.1) valid 2020-01-01 to 2021-01-01, signed by `ca`. */
	expired: FixtureCertificate;
	/** Server certificate (DNS:localhost, IP:127.0.0.1) valid from 2090-01-01, signed by `ca`. */
	notYetValid: FixtureCertificate;
	/** Server certificate (DNS:localhost, IP:127.0.0.1) signed by `otherCa`. */
	wrongCa: FixtureCertificate;
	/** Server certificate (DNS:localhost, IP:127.0.0.1) signed by `impostorCa`, the same-named CA. */
	impostorSigned: FixtureCertificate;
	/** Server certificate (DNS:localhost, IP:127.0.0.1) signed by `expiredCa`, itself valid. */
	signedByExpiredCa: FixtureCertificate;
	/** Server certificate with only DNS:localhost: no IP SAN, to be served on 127.0.0.1. */
	serverNoIpSan: FixtureCertificate;
	/** Server certificate with DNS:localhost, IP:127.0.0.1 and IP:::1. */
	serverGood: FixtureCertificate;
	/** Server certificate (DNS:localhost, IP:127.0.0.1) signed by `intermediateCa`. */
	serverViaIntermediate: FixtureCertificate;
	/** DNS:localhost, IP:127.0.0.1 but extendedKeyUsage clientAuth only: Go refuses it for a server. */
	clientAuthOnly: FixtureCertificate;
	/** Several CAs in one PEM: otherCa, ca, thirdCa, in that order. */
	caBundle: string;
	/** Every single certificate above (not the bundle). */
	all: FixtureCertificate[];
	cleanup(): void;
};

export const expiredWindow = {notBefore: new Date('2020-01-01T00:00:00Z'), notAfter: new Date('2021-01-01T00:00:00Z')};
export const futureWindow = {notBefore: new Date('2090-01-01T00:00:00Z'), notAfter: new Date('2091-01-01T00:00:00Z')};

const caExtensions = '[ext]\nbasicConstraints = critical, CA:TRUE\nkeyUsage = critical, keyCertSign, cRLSign, digitalSignature\nsubjectKeyIdentifier = hash\n';
const intermediateExtensions = `${caExtensions}authorityKeyIdentifier = keyid\n`;
const clientExtensions = '[ext]\nbasicConstraints = CA:FALSE\nkeyUsage = critical, digitalSignature, keyEncipherment\nextendedKeyUsage = clientAuth\nauthorityKeyIdentifier = keyid\n';
const serverExtensions = (names: string) => `[ext]\nbasicConstraints = CA:FALSE\nkeyUsage = critical, digitalSignature, keyEncipherment\nextendedKeyUsage = serverAuth\nsubjectAltName = ${names}\nauthorityKeyIdentifier = keyid\n`;
const localhostNames = 'DNS:localhost, IP:127.0.0.1';

/** The openssl date format `openssl ca -startdate/-enddate` takes: YYYYMMDDHHMMSSZ. */
const opensslDate = (date: Date) => date.toISOString().replace(/[-:T]|\.\d{3}/g, '');

/** The seed's openssl steps, run in `directory`. */
function workshop(directory: string) {
	const openssl = (...args: string[]) => execFileSync('openssl', args, {cwd: directory, stdio: ['ignore', 'pipe', 'pipe']});
	const file = (name: string) => path.join(directory, name);
	const made = (name: string): FixtureCertificate => ({name, cert: file(`${name}.crt`), key: file(`${name}.key`), pem: fs.readFileSync(file(`${name}.crt`), 'utf8')});
	const ecKey = (name: string) => openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}.key`);
	const request = (name: string, subject: string) => openssl('req', '-new', '-utf8', '-key', `${name}.key`, '-subj', subject, '-out', `${name}.csr`);
	const extensions = (name: string, text: string) => {
		fs.writeFileSync(file(`${name}.ext`), text);
		return `${name}.ext`;
	};

	/** A self-signed CA, as the seed does it (`x509 -req -signkey`), with CA:TRUE added. */
	const selfSigned = (name: string, subject: string, rsa = false) => {
		if (rsa) openssl('genrsa', '-out', `${name}.key`, '2048');
		else ecKey(name);
		request(name, subject);
		openssl('x509', '-req', '-in', `${name}.csr`, '-signkey', `${name}.key`, '-out', `${name}.crt`, '-days', '3650', '-extfile', extensions(name, caExtensions), '-extensions', 'ext');
		return made(name);
	};

	/** The seed's way: `openssl x509 -req -CA ca.crt -CAkey ca.key -CAcreateserial -days N`. */
	const signed = (name: string, subject: string, by: FixtureCertificate, extensionText: string, days = 365) => {
		ecKey(name);
		request(name, subject);
		openssl('x509', '-req', '-in', `${name}.csr`, '-CA', by.cert, '-CAkey', by.key, '-CAcreateserial', '-out', `${name}.crt`, '-days', String(days), '-extfile', extensions(name, extensionText), '-extensions', 'ext');
		return made(name);
	};

	/** `openssl ca` with explicit dates, for what openssl 3.0's `x509` cannot make. */
	const caConfig = (by: FixtureCertificate | undefined, name: string) => {
		const database = file(`${name}.index`);
		fs.writeFileSync(database, '');
		fs.writeFileSync(file(`${name}.serial`), `${(0x1000 + Math.floor(Math.random() * 0xefff)).toString(16)}\n`);
		const config = [
			'[ca]',
			'default_ca = fixture',
			'[fixture]',
			`database = ${database}`,
			`new_certs_dir = ${directory}`,
			`serial = ${file(`${name}.serial`)}`,
			...(by ? [`certificate = ${by.cert}`, `private_key = ${by.key}`] : []),
			'default_md = sha256',
			'policy = anything',
			'unique_subject = no',
			'[anything]',
			'commonName = supplied',
			'organizationName = optional',
			'',
		].join('\n');
		fs.writeFileSync(file(`${name}.ca.cnf`), config);
		return `${name}.ca.cnf`;
	};

	const dated = (name: string, subject: string, by: FixtureCertificate | 'self', extensionText: string, window: {notBefore: Date; notAfter: Date}) => {
		ecKey(name);
		request(name, subject);
		const config = caConfig(by === 'self' ? undefined : by, name);
		const signer = by === 'self' ? ['-selfsign', '-keyfile', `${name}.key`] : [];
		openssl('ca', '-batch', '-notext', '-preserveDN', '-config', config, ...signer, '-in', `${name}.csr`, '-out', `${name}.crt`, '-startdate', opensslDate(window.notBefore), '-enddate', opensslDate(window.notAfter), '-extfile', extensions(name, extensionText), '-extensions', 'ext');
		return made(name);
	};

	return {file, selfSigned, signed, dated};
}

/** Runs `make` in a fresh temporary directory, removed again if openssl fails, with openssl's stderr in the error. */
function inFreshDirectory<T>(make: (directory: string) => T): T {
	const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'kubehop-openssl-'));
	try {
		return make(directory);
	} catch (error) {
		fs.rmSync(directory, {recursive: true, force: true});
		const stderr = (error as {stderr?: Buffer}).stderr?.toString() ?? '';
		throw new Error(`openssl fixtures: ${(error as Error).message}\n${stderr}`);
	}
}

/** A CA and a server certificate for 127.0.0.1 and localhost that it signed: enough to serve a stand-in API server over TLS. */
export function makeServingCertificates(): {ca: FixtureCertificate; server: FixtureCertificate; cleanup: () => void} {
	return inFreshDirectory((directory) => {
		const {selfSigned, signed} = workshop(directory);
		const ca = selfSigned('ca', '/CN=stand-in-ca');
		return {ca, server: signed('server', '/CN=stand-in-server', ca, serverExtensions(localhostNames)), cleanup: () => fs.rmSync(directory, {recursive: true, force: true})};
	});
}

export function makeOpensslFixtures(): OpensslFixtures {
	return inFreshDirectory((directory) => {
		const {file, selfSigned, signed, dated} = workshop(directory);
		const ca = selfSigned('ca', '/CN=kubehop-fixture-ca', true);
		const otherCa = selfSigned('other-ca', '/CN=other-ca/O=elsewhere');
		const thirdCa = selfSigned('third-ca', '/CN=third-ca');
		const impostorCa = selfSigned('impostor-ca', '/CN=kubehop-fixture-ca');
		const twinCa = selfSigned('twin-ca', '/CN=kubehop-fixture-ca');
		const intermediateCa = signed('intermediate-ca', '/CN=kubehop-fixture-intermediate', ca, intermediateExtensions, 1825);
		const expiredCa = dated('expired-ca', '/CN=expired-ca', 'self', caExtensions, expiredWindow);
		const fixtures = {
			directory,
			ca,
			otherCa,
			thirdCa,
			impostorCa,
			twinCa,
			intermediateCa,
			expiredCa,
			admin: signed('admin', '/CN=admin/O=system:masters', ca, clientExtensions),
			jane: signed('jane', '/CN=jane/O=developers', ca, clientExtensions),
			node01: signed('node01', '/CN=system:node:node01/O=system:nodes', ca, clientExtensions),
			nodeWithoutGroup: signed('node02', '/CN=system:node:node02', ca, clientExtensions),
			tricky: signed('tricky', '/CN=José Ü/O=dev, ops/O=a\\+b/OU=u1+OU=u2', ca, `${clientExtensions}subjectAltName = URI:spiffe://cluster.local/ns/dev/sa/jose, email:jose@example.com\n`),
			expired: dated('expired', '/CN=expired-server', ca, serverExtensions(localhostNames), expiredWindow),
			notYetValid: dated('not-yet-valid', '/CN=future-server', ca, serverExtensions(localhostNames), futureWindow),
			wrongCa: signed('wrong-ca', '/CN=wrong-ca-server', otherCa, serverExtensions(localhostNames)),
			impostorSigned: signed('impostor-signed', '/CN=impostor-server', impostorCa, serverExtensions(localhostNames)),
			signedByExpiredCa: signed('signed-by-expired-ca', '/CN=server-of-expired-ca', expiredCa, serverExtensions(localhostNames)),
			serverNoIpSan: signed('server-no-ip-san', '/CN=localhost-only', ca, serverExtensions('DNS:localhost')),
			serverGood: signed('server-good', '/CN=kube-apiserver', ca, serverExtensions('DNS:localhost, DNS:kubernetes.default.svc, IP:127.0.0.1, IP:::1')),
			serverViaIntermediate: signed('server-via-intermediate', '/CN=intermediate-server', intermediateCa, serverExtensions(localhostNames)),
			clientAuthOnly: signed('client-auth-only', '/CN=client-auth-only', ca, serverExtensions(localhostNames).replace('serverAuth', 'clientAuth')),
		};
		const caBundle = file('ca-bundle.crt');
		fs.writeFileSync(caBundle, [otherCa.pem, ca.pem, thirdCa.pem].join(''));
		const all = Object.values(fixtures).filter((value): value is FixtureCertificate => typeof value === 'object');
		return {...fixtures, caBundle, all, cleanup: () => fs.rmSync(directory, {recursive: true, force: true})};
	});
}

/** `cert` then the chain up to (not including) the root, as a server presents it. */
export const chainPem = (...certificates: FixtureCertificate[]) => certificates.map((certificate) => certificate.pem).join('');
