import {execFileSync} from 'node:child_process';
import {X509Certificate} from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {readCertificate} from '../../source/certificates/certificate-reader.ts';
import {describeCertificate, parseCertificates} from '../../source/certificates/certificate.ts';
import {makeOpensslFixtures, type OpensslFixtures} from '../support/openssl-fixtures.ts';

// The DER reader against describeCertificate (X509Certificate, itself held to `openssl x509` in
// certificate.test.ts): equal field by field wherever the reader answers, on the fixtures and on
// certificates openssl makes from random subjects, alternative names, keys and extensions.

let fixtures: OpensslFixtures;
let directory: string;
beforeAll(() => {
	fixtures = makeOpensslFixtures();
	directory = fs.mkdtempSync(path.join(os.tmpdir(), 'kubehop-reader-'));
});
afterAll(() => {
	fixtures?.cleanup();
	fs.rmSync(directory, {recursive: true, force: true});
});

const derOf = (pem: string) => new X509Certificate(pem).raw;

describe('readCertificate', () => {
	it('reads every fixture, and says what X509Certificate says', () => {
		const now = new Date();
		for (const fixture of fixtures.all) {
			const read = readCertificate(derOf(fixture.pem), now);
			expect(read, fixture.name).toBeDefined();
			expect(read, fixture.name).toEqual(describeCertificate(new X509Certificate(fixture.pem), now));
		}
	});

	it('leaves to X509Certificate what it does not know, and parseCertificates still answers', () => {
		const now = new Date();
		const der = Buffer.from(derOf(fixtures.jane.pem));
		// The subject's CN as a BMPString: valid DER, outside the reader's string types.
		const cn = der.indexOf(Buffer.from([0x06, 0x03, 0x55, 0x04, 0x03, 0x0c]), der.indexOf(Buffer.from('jane')) - 40);
		expect(cn).toBeGreaterThan(0);
		const changed = Buffer.from(der);
		changed[cn + 5] = 0x1e;
		expect(readCertificate(changed, now)).toBeUndefined();
		expect(readCertificate(der.subarray(0, der.length - 1), now)).toBeUndefined();
		expect(readCertificate(Buffer.concat([der, Buffer.from([0])]), now)).toBeUndefined();
		const pem = `-----BEGIN CERTIFICATE-----\n${changed.toString('base64')}\n-----END CERTIFICATE-----\n`;
		let expected: unknown;
		try {
			expected = describeCertificate(new X509Certificate(pem), now);
		} catch (error) {
			expected = error;
		}

		if (expected instanceof Error) expect(() => parseCertificates(pem, now)).toThrow();
		else expect(parseCertificates(pem, now)).toEqual([expected]);
	});

	it('agrees with X509Certificate on random certificates made by openssl', () => {
		const character = fc.constantFrom('a', 'Z', '0', ' ', ',', '+', '"', '\\', '<', '>', ';', '#', '=', '-', '.', ':', 'é', 'Ü', '日', '\'');
		const value = fc.array(character, {minLength: 1, maxLength: 8}).map((characters) => characters.join(''));
		const attribute = fc.tuple(fc.constantFrom('CN', 'O', 'OU', 'L', 'ST', 'DC', 'emailAddress', 'serialNumber', 'title', 'C'), value);
		const rdn = fc.array(attribute, {minLength: 1, maxLength: 2});
		const subject = fc.array(rdn, {minLength: 1, maxLength: 4});
		const altName = fc.oneof(
			fc.stringMatching(/^[a-z0-9*][a-z0-9.-]{0,12}$/).map((name) => `DNS:${name}`),
			fc.ipV4().map((ip) => `IP:${ip}`),
			fc.ipV6().map((ip) => `IP:${ip}`),
			fc.constantFrom('email:a@b.example', 'URI:spiffe://cluster/ns/default', 'URI:https://example/DNS:x'),
		);
		const keyUsage = fc.subarray(['digitalSignature', 'keyEncipherment', 'keyCertSign', 'cRLSign', 'nonRepudiation', 'keyAgreement']);
		const extendedKeyUsage = fc.subarray(['serverAuth', 'clientAuth', 'codeSigning', 'OCSPSigning']);
		const key = fc.constantFrom(['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'], ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384'], ['-newkey', 'ed25519'], ['-newkey', 'rsa:1024']);
		const now = new Date();
		let read = 0;
		let versionOneRead = 0;
		let generalizedTimeRead = 0;
		let made = 0;
		let runs = 0;
		fc.assert(
			// 20,000 days ends after 2049: notAfter is then a GeneralizedTime, not a UTCTime.
			fc.property(subject, fc.array(altName, {maxLength: 4}), keyUsage, extendedKeyUsage, fc.boolean(), key, fc.boolean(), fc.boolean(), fc.constantFrom('30', '20000'), (rdns, altNames, usages, extended, ca, keyArguments, withSubjectKeyId, versionOne, days) => {
				runs++;
				// openssl -subj: `/` between RDNs, `+` inside one, `\` before either in a value.
				const escape = (text: string) => text.replace(/[\\/+]/g, '\\$&');
				// C and serialNumber are PrintableStrings and emailAddress an IA5String: openssl refuses other characters there.
				const fit = (name: string, text: string) =>
					name === 'C' ? text.replace(/[^A-Za-z]/g, '').slice(0, 2).padEnd(2, 'X') : name === 'serialNumber' ? text.replace(/[^A-Za-z\d '()+,\-./:=?]/g, '') || '1' : name === 'emailAddress' ? text.replace(/[^\u0020-\u007e]/g, '') || 'a' : text;
				const subjectText = rdns.map((entries) => entries.map(([name, text]) => `${name}=${escape(fit(name, text))}`).join('+')).join('/');
				const extensions = [
					...(altNames.length > 0 ? [`subjectAltName=${altNames.join(',')}`] : []),
					...(usages.length > 0 ? [`keyUsage=${usages.join(',')}`] : []),
					...(extended.length > 0 ? [`extendedKeyUsage=${extended.join(',')}`] : []),
					`basicConstraints=${ca ? 'critical,CA:TRUE' : 'CA:FALSE'}`,
					`subjectKeyIdentifier=${withSubjectKeyId ? 'hash' : 'none'}`,
				];
				const file = path.join(directory, `random-${runs}.crt`);
				try {
					const quiet: {stdio: Array<'ignore' | 'pipe'>} = {stdio: ['ignore', 'ignore', 'pipe']};
					const key = path.join(directory, 'random.key');
					if (versionOne) {
						// `openssl x509 -req` without extensions, as the seed notes make certificates: version 1.
						const request = path.join(directory, 'random.csr');
						execFileSync('openssl', ['req', '-new', '-utf8', '-multivalue-rdn', '-nodes', ...keyArguments, '-keyout', key, '-out', request, '-subj', `/${subjectText}`], quiet);
						execFileSync('openssl', ['x509', '-req', '-in', request, '-signkey', key, '-out', file, '-days', days], quiet);
					} else {
						execFileSync('openssl', ['req', '-x509', '-utf8', '-multivalue-rdn', '-nodes', ...keyArguments, '-keyout', key, '-out', file, '-subj', `/${subjectText}`, '-days', days, ...extensions.flatMap((extension) => ['-addext', extension])], quiet);
					}
				} catch {
					// A subject or extension openssl refuses (an empty value after escaping, say): nothing to compare.
					return;
				}

				made++;
				const pem = fs.readFileSync(file, 'utf8');
				const answer = readCertificate(derOf(pem), now);
				if (answer === undefined) return;
				read++;
				if (versionOne) versionOneRead++;
				if (days === '20000') generalizedTimeRead++;
				expect(answer).toEqual(describeCertificate(new X509Certificate(pem), now));
			}),
			{numRuns: 60},
		);
		// Not vacuous: most of what openssl made is in the reader's reach.
		expect(made).toBeGreaterThan(20);
		expect(read).toBeGreaterThan(made * 0.7);
		expect(versionOneRead).toBeGreaterThan(0);
		expect(generalizedTimeRead).toBeGreaterThan(0);
	});
});
