import {execFileSync} from 'node:child_process';
import {X509Certificate} from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {describeCertificate, distinguishedName, parseCertificates, pemCertificates, subjectAltNames, type CertificateInfo} from '../../source/certificates/certificate.ts';
import {expiredWindow, futureWindow, makeOpensslFixtures, type OpensslFixtures} from '../support/openssl-fixtures.ts';

// describeCertificate against openssl itself: for every fixture, the subject, issuer, dates, SANs,
// serial, key, key usages and basic constraints equal what `openssl x509 -noout … -ext …` prints.

let fixtures: OpensslFixtures;
beforeAll(() => {
	fixtures = makeOpensslFixtures();
	now = new Date();
});
afterAll(() => fixtures?.cleanup());

type Names = Array<[string, string]>;

/**
 * openssl's default name output (`CN = a, O = "dev, ops", OU = u1 + OU = u2`): values with special
 * characters quoted (with \" and \\ inside), bytes above 0x7f as \XX.
 */
function parseOpensslName(text: string): Names {
	const pairs: Names = [];
	let index = 0;
	while (index < text.length) {
		const equals = text.indexOf(' = ', index);
		const key = text.slice(index, equals);
		index = equals + 3;
		const bytes: number[] = [];
		const quoted = text[index] === '"';
		if (quoted) index++;
		while (index < text.length) {
			const character = text[index]!;
			if (quoted && character === '"') {
				index++;
				break;
			}

			if (!quoted && (text.startsWith(', ', index) || text.startsWith(' + ', index))) break;
			if (character === '\\') {
				const hex = text.slice(index + 1, index + 3);
				if (/^[\dA-F]{2}$/i.test(hex)) {
					bytes.push(Number.parseInt(hex, 16));
					index += 3;
				} else {
					bytes.push(...Buffer.from(text[index + 1]!));
					index += 2;
				}

				continue;
			}

			bytes.push(...Buffer.from(character));
			index++;
		}

		pairs.push([key, Buffer.from(bytes).toString('utf8')]);
		if (text.startsWith(', ', index)) index += 2;
		else if (text.startsWith(' + ', index)) index += 3;
	}

	return pairs;
}

const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `Jan  1 00:00:00 2021 GMT` */
function parseOpensslDate(text: string): Date {
	const match = /^(\w{3}) +(\d+) (\d\d):(\d\d):(\d\d) (\d{4}) GMT$/.exec(text.trim());
	if (!match) throw new Error(`unexpected openssl date "${text}"`);
	return new Date(Date.UTC(Number(match[6]), months.indexOf(match[1]!), Number(match[2]), Number(match[3]), Number(match[4]), Number(match[5])));
}

type OpensslView = {subject: Names; issuer: Names; notBefore: Date; notAfter: Date; serial: string; dns: string[]; ip: string[]; uri: string[]; email: string[]; keyUsage: string[]; extendedKeyUsage: string[]; isCa: boolean; key: string};

function openssl(args: string[], input?: string): string {
	return execFileSync('openssl', args, {encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe']});
}

/** What `openssl x509 -noout -subject -issuer -enddate -ext subjectAltName` (and a little more) says. */
function opensslView(file: string): OpensslView {
	// One run: the fields (at the start of a line) and, for the key, the -text dump (indented).
	const output = openssl(['x509', '-in', file, '-noout', '-subject', '-issuer', '-startdate', '-enddate', '-serial', '-ext', 'subjectAltName,keyUsage,basicConstraints,extendedKeyUsage', '-text']);
	const field = (name: string) => new RegExp(`^${name}=(.*)$`, 'm').exec(output)?.[1] ?? '';
	const extension = (header: string) => new RegExp(`^${header}:.*\\n\\s+(.*)$`, 'm').exec(output)?.[1]?.trim();
	const sans = (extension('X509v3 Subject Alternative Name') ?? '').split(', ').filter(Boolean);
	const bits = /Public-Key: \((\d+) bit\)/.exec(output)?.[1];
	const key = /Public Key Algorithm: rsaEncryption/.test(output) ? `RSA ${bits} bits` : `ECDSA ${/ASN1 OID: (\S+)/.exec(output)?.[1]}`;
	const eku: Record<string, string> = {'TLS Web Server Authentication': 'server auth', 'TLS Web Client Authentication': 'client auth'};
	return {
		subject: parseOpensslName(field('subject')),
		issuer: parseOpensslName(field('issuer')),
		notBefore: parseOpensslDate(field('notBefore')),
		notAfter: parseOpensslDate(field('notAfter')),
		serial: field('serial'),
		dns: sans.filter((name) => name.startsWith('DNS:')).map((name) => name.slice(4)),
		ip: sans.filter((name) => name.startsWith('IP Address:')).map((name) => name.slice(11)),
		uri: sans.filter((name) => name.startsWith('URI:')).map((name) => name.slice(4)),
		email: sans.filter((name) => name.startsWith('email:')).map((name) => name.slice(6)),
		keyUsage: (extension('X509v3 Key Usage') ?? '').split(', ').filter(Boolean),
		extendedKeyUsage: (extension('X509v3 Extended Key Usage') ?? '').split(', ').filter(Boolean).map((usage) => eku[usage] ?? usage),
		isCa: extension('X509v3 Basic Constraints')?.startsWith('CA:TRUE') ?? false,
		key,
	};
}

const normalIp = (address: string) => (net.isIPv6(address) ? new net.SocketAddress({address, family: 'ipv6'}).address : address);

/** kubehop's one-line subject (`CN=x, O=dev\, ops, OU=a + OU=b`) back into pairs. */
function parseDisplayedName(text: string): Names {
	const lines: string[] = [];
	let start = 0;
	for (let index = 0; index < text.length; index++) {
		if (text[index] === '\\') index++;
		else if (text.startsWith(', ', index)) {
			lines.push(text.slice(start, index));
			start = index + 2;
		}
	}

	lines.push(text.slice(start));
	return distinguishedName(lines.join('\n'));
}

const names = ['ca', 'otherCa', 'thirdCa', 'impostorCa', 'twinCa', 'intermediateCa', 'expiredCa', 'admin', 'jane', 'node01', 'nodeWithoutGroup', 'tricky', 'expired', 'notYetValid', 'wrongCa', 'impostorSigned', 'signedByExpiredCa', 'serverNoIpSan', 'serverGood', 'serverViaIntermediate', 'clientAuthOnly'] as const;
const selfSigned = new Set<string>(['ca', 'otherCa', 'thirdCa', 'impostorCa', 'twinCa', 'expiredCa']);
// The fixtures are made just before, valid for a year (CAs ten): the clock after that puts each in its expected state.
let now: Date;

describe('describeCertificate agrees with openssl x509 for every fixture', () => {
	it('covers every fixture', () => {
		expect(new Set(names.map((name) => fixtures[name].cert))).toEqual(new Set(fixtures.all.map((fixture) => fixture.cert)));
	});

	it.each(names)('%s', (name) => {
		const fixture = fixtures[name];
		const x509 = new X509Certificate(fixture.pem);
		const info = describeCertificate(x509, now);
		const expected = opensslView(fixture.cert);

		expect(distinguishedName(x509.subject)).toEqual(expected.subject);
		expect(distinguishedName(x509.issuer)).toEqual(expected.issuer);
		expect(parseDisplayedName(info.subject)).toEqual(expected.subject);
		expect(parseDisplayedName(info.issuer)).toEqual(expected.issuer);
		expect(info.commonName).toBe(expected.subject.find(([key]) => key === 'CN')?.[1] ?? '');
		expect(info.organizations).toEqual(expected.subject.filter(([key]) => key === 'O').map(([, value]) => value));
		expect(info.notBefore).toEqual(expected.notBefore);
		expect(info.notAfter).toEqual(expected.notAfter);
		expect(info.dnsNames).toEqual(expected.dns);
		expect(info.ipAddresses.map(normalIp)).toEqual(expected.ip.map(normalIp));
		expect(info.uris).toEqual(expected.uri);
		expect(info.emailAddresses).toEqual(expected.email);
		expect(info.serial.toUpperCase()).toBe(expected.serial.toUpperCase());
		expect(info.keyType).toBe(expected.key);
		expect(info.keyUsages.map((usage) => usage.toLowerCase())).toEqual(expected.keyUsage.map((usage) => usage.toLowerCase()));
		expect(info.extendedKeyUsages).toEqual(expected.extendedKeyUsage);
		expect(info.isCa).toBe(expected.isCa);
		expect(info.selfSigned).toBe(selfSigned.has(name));
		expect(info.validity).toBe(name === 'expired' || name === 'expiredCa' ? 'expired' : name === 'notYetValid' ? 'not-yet-valid' : 'valid');
		expect(info.fingerprint256).toBe(x509.fingerprint256);
	});

	it('reads the subjects people put in certificates: groups, nodes, UTF-8, commas, plus signs, multi-valued RDNs', () => {
		const info = (name: (typeof names)[number]) => describeCertificate(new X509Certificate(fixtures[name].pem), now);
		expect(info('admin')).toMatchObject({commonName: 'admin', organizations: ['system:masters']});
		expect(info('node01')).toMatchObject({commonName: 'system:node:node01', organizations: ['system:nodes']});
		expect(info('tricky')).toMatchObject({commonName: 'José Ü', organizations: ['dev, ops', 'a+b']});
		expect(distinguishedName(new X509Certificate(fixtures.tricky.pem).subject)).toEqual([
			['CN', 'José Ü'],
			['O', 'dev, ops'],
			['O', 'a+b'],
			['OU', 'u1'],
			['OU', 'u2'],
		]);
		expect(info('ca').keyType).toBe('RSA 2048 bits');
		expect(info('ca').keyUsages).toEqual(['digital signature', 'certificate sign', 'CRL sign']);
		expect(info('jane').keyUsages).toEqual(['digital signature', 'key encipherment']);
	});

	it('validity and days remaining at the exact boundaries of the window', () => {
		const x509 = new X509Certificate(fixtures.expired.pem);
		const at = (time: number) => describeCertificate(x509, new Date(time));
		const {notBefore, notAfter} = expiredWindow;
		expect(at(notBefore.getTime() - 1).validity).toBe('not-yet-valid');
		expect(at(notBefore.getTime()).validity).toBe('valid');
		expect(at(notAfter.getTime()).validity).toBe('valid');
		expect(at(notAfter.getTime() + 1).validity).toBe('expired');
		expect(at(notAfter.getTime() - 86_400_000).daysRemaining).toBe(1);
		expect(at(notAfter.getTime() - 86_400_000 + 1).daysRemaining).toBe(0);
		expect(at(notAfter.getTime()).daysRemaining).toBe(0);
		expect(at(notAfter.getTime() + 1).daysRemaining).toBe(-1);
		expect(describeCertificate(new X509Certificate(fixtures.notYetValid.pem), futureWindow.notBefore).validity).toBe('valid');
	});

	it('a certificate parsed once answers for every clock: timing follows the clock, the rest is the same', () => {
		const {notBefore, notAfter} = expiredWindow;
		const clocks = [notBefore.getTime() - 1, notAfter.getTime() - 86_400_000, notAfter.getTime() + 1, notBefore.getTime() - 1].map((time) => new Date(time));
		const answers = clocks.map((now) => parseCertificates(fixtures.expired.pem, now)[0]!);
		expect(answers.map((answer) => answer.validity)).toEqual(['not-yet-valid', 'valid', 'expired', 'not-yet-valid']);
		for (const [index, answer] of answers.entries()) expect(answer).toEqual(describeCertificate(new X509Certificate(fixtures.expired.pem), clocks[index]!));
	});
});

describe('bundles: every certificate, not only the first', () => {
	/** openssl's own reading of a multi-certificate PEM. */
	function opensslBundle(file: string): Array<{subject: Names; issuer: Names}> {
		const pkcs7 = openssl(['crl2pkcs7', '-nocrl', '-certfile', file]);
		const printed = openssl(['pkcs7', '-print_certs', '-noout'], pkcs7);
		return printed
			.trim()
			.split(/\n\s*\n/)
			.map((block) => ({subject: parseOpensslName(/^subject=(.*)$/m.exec(block)![1]!), issuer: parseOpensslName(/^issuer=(.*)$/m.exec(block)![1]!)}));
	}

	it('a bundle of several CAs is read whole, in order, as openssl reads it', () => {
		const text = fs.readFileSync(fixtures.caBundle, 'utf8');
		const parsed = parseCertificates(text, now);
		const expected = opensslBundle(fixtures.caBundle);
		expect(expected).toHaveLength(3);
		expect(parsed.map((info) => parseDisplayedName(info.subject))).toEqual(expected.map((entry) => entry.subject));
		expect(parsed.map((info) => parseDisplayedName(info.issuer))).toEqual(expected.map((entry) => entry.issuer));
		expect(parsed.map((info) => info.fingerprint256)).toEqual([fixtures.otherCa, fixtures.ca, fixtures.thirdCa].map((fixture) => new X509Certificate(fixture.pem).fingerprint256));
		expect(parsed.every((info) => info.isCa)).toBe(true);
		expect(parsed.map((info) => info.keyType)).toEqual(['ECDSA prime256v1', 'RSA 2048 bits', 'ECDSA prime256v1']);
	});

	it('skips keys, comments and text between blocks, and reads CRLF files', () => {
		const messy = ['# cluster CAs', fixtures.otherCa.pem, 'Certificate:\n    Data: (openssl -text output people paste)\n', fs.readFileSync(fixtures.admin.key, 'utf8'), fixtures.ca.pem].join('\n').replace(/\n/g, '\r\n');
		expect(pemCertificates(messy)).toHaveLength(2);
		expect(parseCertificates(messy, now).map((info) => info.commonName)).toEqual(['other-ca', 'kubehop-fixture-ca']);
		const certificateAndKey = fixtures.admin.pem + fs.readFileSync(fixtures.admin.key, 'utf8');
		expect(parseCertificates(certificateAndKey, now).map((info) => info.commonName)).toEqual(['admin']);
		expect(JSON.stringify(parseCertificates(certificateAndKey, now))).not.toContain('PRIVATE KEY');
	});

	it('a PEM block that is not a certificate is an error, not a crash, for the caller to report', () => {
		expect(() => parseCertificates('-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n', now)).toThrow();
		expect(parseCertificates('no PEM here', now)).toEqual([]);
	});
});

describe('subjectAltNames', () => {
	it('reads Node\'s SAN text, including quoted values and names kubectl ignores', () => {
		expect(subjectAltNames('DNS:localhost, DNS:*.example.com, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, email:a@b.c, URI:spiffe://x/y')).toEqual({dns: ['localhost', '*.example.com'], ip: ['127.0.0.1', '0:0:0:0:0:0:0:1'], uri: ['spiffe://x/y'], email: ['a@b.c']});
		expect(subjectAltNames('DNS:"a, b", DNS:c')).toEqual({dns: ['a, b', 'c'], ip: [], uri: [], email: []});
		// A URI that reads like another name is still one URI.
		expect(subjectAltNames('URI:http://DNS:x/, DNS:y')).toEqual({dns: ['y'], ip: [], uri: ['http://DNS:x/'], email: []});
		expect(subjectAltNames('')).toEqual({dns: [], ip: [], uri: [], email: []});
	});

	it('matches the SANs of the good server certificate', () => {
		const info: CertificateInfo = describeCertificate(new X509Certificate(fixtures.serverGood.pem), now);
		expect(info.dnsNames).toEqual(['localhost', 'kubernetes.default.svc']);
		expect(info.ipAddresses.map(normalIp)).toEqual(['127.0.0.1', '::1']);
	});
});
