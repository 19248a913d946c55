import {execFileSync, spawnSync} from 'node:child_process';
import {X509Certificate} from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import type {AddressInfo} from 'node:net';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {clientNotes, contextCertificates, defaultThresholds, jwtClaims, needsAttention, severityOf, sortRows, timeLeft, type FleetRow} from '../../source/certificates/fleet.ts';
import {parseArguments} from '../../source/commands/arguments.ts';
import {runCerts} from '../../source/commands/certs.ts';
import {createCommandContext} from '../../source/commands/command-context.ts';
import {run} from '../../source/commands/run.ts';
import {loadKubeconfig} from '../../source/kubeconfig/load.ts';
import {selectKubeconfigFiles} from '../../source/kubeconfig/paths.ts';
import {columnsOf, createOutput} from '../../source/terminal/output.ts';
import {makeOpensslFixtures, type OpensslFixtures} from '../support/openssl-fixtures.ts';
import {tempTree, type TempTree} from '../support/temp-tree.ts';

// The fleet view from the kubeconfig alone, with the clock injected: thresholds exactly at their
// boundaries, what a client certificate's subject means to the API server, token expiry, files that
// cannot be read, relative paths, and `kubehop certs` output that never carries key or token material.

let fixtures: OpensslFixtures;
beforeAll(() => {
	fixtures = makeOpensslFixtures();
});
afterAll(() => fixtures?.cleanup());

const day = 86_400_000;
const hour = 3_600_000;
const b64 = (text: string) => Buffer.from(text).toString('base64');
const notAfter = (pem: string) => new Date(new X509Certificate(pem).validTo);

/** An unsigned JWT ("alg": "none"), as a projected service-account token looks once its signature is ignored. */
const jwt = (claims: Record<string, unknown>) => `${Buffer.from(JSON.stringify({alg: 'none', typ: 'JWT'})).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;

type Stanza = Record<string, unknown>;

/** A kubeconfig as JSON (which is YAML): one context per user, all on `cluster`. */
function kubeconfig(users: Record<string, Stanza>, cluster: Stanza = {server: 'https://127.0.0.1:1', 'certificate-authority-data': b64(fixtures.ca.pem)}, current = Object.keys(users)[0]): string {
	return JSON.stringify({
		apiVersion: 'v1',
		kind: 'Config',
		clusters: [{name: 'c', cluster}],
		users: Object.entries(users).map(([name, user]) => ({name, user})),
		contexts: Object.keys(users).map((name) => ({name, context: {cluster: 'c', user: name}})),
		'current-context': current,
	});
}

async function configIn(tree: TempTree, file = 'home/.kube/config') {
	return loadKubeconfig(selectKubeconfigFiles({flag: tree.file(file), env: {HOME: tree.home}, cwd: tree.root}));
}

/** `kubehop certs ARGS` in-process with the clock injected (runCerts), as run() would call it. */
async function certs(tree: TempTree, argv: string[], now: Date) {
	let stdout = '';
	let stderr = '';
	const env = {HOME: tree.home, NO_COLOR: '1'};
	const {flags, operands} = parseArguments(['certs', ...argv]);
	const output = createOutput({write: (text: string) => (stdout += text)}, {write: (text: string) => (stderr += text)}, env, flags.noColor);
	const status = await runCerts(operands.slice(1), createCommandContext(env, tree.root, output, flags), now);
	return {status, stdout, stderr};
}

const admin = () => ({'client-certificate-data': b64(fixtures.admin.pem), 'client-key-data': b64(fs.readFileSync(fixtures.admin.key, 'utf8'))});

describe('severity thresholds, with the clock injected', () => {
	it('expired / critical (< 7 days) / warning (< 30 days) / ok, exactly at the boundaries', () => {
		const end = notAfter(fixtures.admin.pem);
		const at = (left: number) => severityOf({validity: left < 0 ? 'expired' : 'valid', notAfter: end}, new Date(end.getTime() - left), defaultThresholds);
		expect(at(-1)).toBe('expired');
		expect(at(0)).toBe('critical');
		expect(at(7 * day - 1)).toBe('critical');
		expect(at(7 * day)).toBe('warning');
		expect(at(30 * day - 1)).toBe('warning');
		expect(at(30 * day)).toBe('ok');
		expect(severityOf({validity: 'not-yet-valid', notAfter: end}, new Date(0), defaultThresholds)).toBe('not-yet-valid');
	});

	it('rows from a kubeconfig take the same boundaries, for the CA and the client certificate alike', async () => {
		const tree = tempTree();
		tree.file('home/.kube/config', kubeconfig({admin: admin()}));
		const config = await configIn(tree);
		const end = notAfter(fixtures.admin.pem);
		const severities = (left: number) => contextCertificates(config, 'admin', new Date(end.getTime() - left)).rows.find((row) => row.role === 'client certificate')!.severity;
		expect([severities(-1), severities(0), severities(7 * day - 1), severities(7 * day), severities(30 * day - 1), severities(30 * day)]).toEqual(['expired', 'critical', 'critical', 'warning', 'warning', 'ok']);
		const caRow = contextCertificates(config, 'admin', new Date(notAfter(fixtures.ca.pem).getTime() + 1)).rows.find((row) => row.role === 'cluster CA')!;
		expect(caRow).toMatchObject({severity: 'expired', summary: 'CN=kubehop-fixture-ca'});
		expect(caRow.certificate!.daysRemaining).toBe(-1);
	});

	it('kubehop certs: --warn-days and --critical-days move the boundaries, and the exit code follows', async () => {
		const tree = tempTree();
		tree.file('home/.kube/config', kubeconfig({admin: admin()}));
		const end = notAfter(fixtures.admin.pem).getTime();
		const severity = async (left: number, flags: string[] = []) => {
			const result = await certs(tree, ['--offline', '--json', ...flags], new Date(end - left));
			const row = (JSON.parse(result.stdout) as {rows: Array<{role: string; severity: string}>}).rows.find((candidate) => candidate.role === 'client certificate')!;
			return [row.severity, result.status];
		};

		expect(await severity(30 * day)).toEqual(['ok', 0]);
		expect(await severity(30 * day - 1)).toEqual(['warning', 1]);
		expect(await severity(7 * day)).toEqual(['warning', 1]);
		expect(await severity(7 * day - 1)).toEqual(['critical', 1]);
		expect(await severity(-1)).toEqual(['expired', 1]);
		expect(await severity(30 * day, ['--warn-days', '31'])).toEqual(['warning', 1]);
		expect(await severity(60 * day, ['--warn-days=60'])).toEqual(['ok', 0]);
		expect(await severity(10 * day, ['--warn-days', '5'])).toEqual(['ok', 0]);
		expect(await severity(5 * day - 1, ['--warn-days', '5'])).toEqual(['critical', 1]);
		expect(await severity(10 * day, ['--critical-days', '14'])).toEqual(['critical', 1]);
		// The critical window never exceeds the warning window.
		expect(await severity(4 * day, ['--warn-days', '3', '--critical-days', '14'])).toEqual(['ok', 0]);
	});

	it('the table counts days from the injected clock too', async () => {
		const tree = tempTree();
		tree.file('home/.kube/config', kubeconfig({admin: admin()}));
		const end = notAfter(fixtures.admin.pem).getTime();
		const result = await certs(tree, ['--offline'], new Date(end - 6.5 * day));
		expect(result.status).toBe(1);
		expect(result.stdout).toMatch(/^CRITICAL +admin +client certificate +\d{4}-\d\d-\d\d \(6d\) +CN=admin, O=system:masters$/m);
		expect(result.stdout).toContain('(offline: the servers were not contacted)');
	});

	it('sizes the EXPIRES column to its widest cell: "2026-10-15 (45d ago)" keeps its gap before SUBJECT', async () => {
		const tree = tempTree();
		tree.file('home/.kube/config', kubeconfig({admin: admin()}));
		const end = notAfter(fixtures.admin.pem).getTime();
		const result = await certs(tree, ['--offline'], new Date(end + 45 * day + hour));
		const [header, ...rows] = result.stdout.split('\n');
		const client = rows.find((line) => line.includes('client certificate'))!;
		expect(client).toMatch(/ \d{4}-\d\d-\d\d \(45d ago\) {2}CN=admin, O=system:masters$/);
		expect(client.indexOf('CN=')).toBe(header!.indexOf('SUBJECT'));
		expect(client.indexOf('(45d ago)') - 11).toBe(header!.indexOf('EXPIRES'));
	});

	it('says when the client key is missing, unreadable or not the certificate\'s, with kubectl\'s own words', async () => {
		const tree = tempTree();
		const key = (fixture: {key: string}) => fs.readFileSync(fixture.key, 'utf8');
		// The same keys in the other encodings openssl writes: PKCS#1 for RSA, SEC1 for EC (the fixtures' are PKCS#8).
		const converted = (command: string[], name: string) => (execFileSync('openssl', [...command, '-out', tree.file(name)], {stdio: 'pipe'}), fs.readFileSync(tree.file(name), 'utf8'));
		const caPkcs1 = converted(['rsa', '-in', fixtures.ca.key, '-traditional'], 'ca-pkcs1.key');
		const adminSec1 = converted(['ec', '-in', fixtures.admin.key], 'admin-sec1.key');
		const adminCompressed = converted(['ec', '-in', fixtures.admin.key, '-conv_form', 'compressed'], 'admin-compressed.key');
		const adminCompressedPkcs8 = converted(['pkcs8', '-topk8', '-nocrypt', '-in', tree.file('admin-compressed.key')], 'admin-compressed-pkcs8.key');
		expect(caPkcs1).toContain('BEGIN RSA PRIVATE KEY');
		expect(adminSec1).toContain('BEGIN EC PRIVATE KEY');
		const pair = (certificate: {pem: string}, keyPem?: string) => ({'client-certificate-data': b64(certificate.pem), ...(keyPem === undefined ? {} : {'client-key-data': b64(keyPem)})});
		tree.file('home/.kube/config', kubeconfig({
			'ec-pkcs8': pair(fixtures.admin, key(fixtures.admin)),
			'ec-sec1': pair(fixtures.admin, adminSec1),
			'ec-compressed': pair(fixtures.admin, adminCompressed),
			'ec-compressed-pkcs8': pair(fixtures.admin, adminCompressedPkcs8),
			'certificate-as-key': pair(fixtures.admin, fixtures.admin.pem),
			'rsa-pkcs8': pair(fixtures.ca, key(fixtures.ca)),
			'rsa-pkcs1': pair(fixtures.ca, caPkcs1),
			'ec-other-key': pair(fixtures.admin, key(fixtures.jane)),
			'rsa-with-ec-key': pair(fixtures.ca, adminSec1),
			'no-key': pair(fixtures.admin),
			'key-file-gone': {'client-certificate-data': b64(fixtures.admin.pem), 'client-key': path.join(tree.root, 'gone.key')},
		}));
		const result = await certs(tree, ['-A', '--offline', '--json'], new Date());
		expect(result.status).toBe(1);
		const problems = Object.fromEntries((JSON.parse(result.stdout) as {rows: Array<{context: string; role: string; summary: string}>}).rows.filter((row) => row.role === 'client key').map((row) => [row.context, row.summary]));
		expect(problems).toEqual({
			'ec-other-key': 'tls: private key does not match public key',
			'rsa-with-ec-key': 'tls: private key type does not match public key type',
			'certificate-as-key': 'tls: found a certificate rather than a key in the PEM for the private key',
			'no-key': 'client-key-data or client-key must be specified for no-key to use the clientCert authentication method.',
			'key-file-gone': `unable to read client-key ${path.join(tree.root, 'gone.key')} for key-file-gone due to open ${path.join(tree.root, 'gone.key')}: no such file or directory`,
		});
		expect(result.stdout).not.toContain('PRIVATE KEY');
		// kubectl's own words, before it dials anything.
		for (const context of ['ec-pkcs8', 'ec-sec1', 'ec-compressed', 'ec-compressed-pkcs8', 'rsa-pkcs8', 'rsa-pkcs1', ...Object.keys(problems)]) {
			const kubectl = spawnSync('kubectl', ['--kubeconfig', tree.file('home/.kube/config'), '--context', context, 'get', '--raw', '/version'], {env: {PATH: process.env.PATH, HOME: tree.home}, encoding: 'utf8'});
			// Where kubehop sees no problem, kubectl loads the pair and fails only at the dial (nothing listens on port 1).
			if (problems[context]) expect(kubectl.stderr, context).toContain(problems[context]!);
			else expect(kubectl.stderr, context).toMatch(/connection refused|127\.0\.0\.1:1/);
		}
	});

	it('calls a certificate not yet valid so, with when it will be, and fails the run', async () => {
		const tree = tempTree();
		tree.file('home/.kube/config', kubeconfig({admin: {'client-certificate-data': b64(fixtures.notYetValid.pem), 'client-key-data': b64(fs.readFileSync(fixtures.notYetValid.key, 'utf8'))}}));
		const from = new X509Certificate(fixtures.notYetValid.pem).validFrom;
		const result = await certs(tree, ['--offline', '--json'], new Date());
		expect(result.status).toBe(1);
		const row = (JSON.parse(result.stdout) as {rows: Array<{role: string; severity: string}>}).rows.find((candidate) => candidate.role === 'client certificate');
		expect(row?.severity).toBe('not-yet-valid');
		const table = await certs(tree, ['--offline'], new Date());
		const [header, ...lines] = table.stdout.split('\n');
		const client = lines.find((line) => line.includes('client certificate'))!;
		expect(client).toMatch(new RegExp(`^NOT YET VALID +admin +client certificate +valid from ${new Date(from).toISOString().slice(0, 10)} \\(in \\d+d\\) +CN=future-server`));
		expect(client.indexOf('CN=')).toBe(header!.indexOf('SUBJECT'));
	});

	it('below a day, the time left is in hours or minutes, as a short-lived token needs', async () => {
		const now = new Date(Date.UTC(2030, 5, 1));
		const at = (ms: number) => timeLeft(new Date(now.getTime() + ms), now);
		expect([at(day), at(day - 1), at(hour), at(hour - 1), at(59_999), at(0)]).toEqual(['1d', '23h', '1h', '59m', '0m', '0m']);
		expect([at(-1), at(-hour), at(-day - 1), at(-3 * day)]).toEqual(['0m ago', '1h ago', '1d ago', '3d ago']);
		// A service-account token from `kubectl create token` lives an hour by default.
		const tree = tempTree();
		const exp = now.getTime() / 1000 + 3600;
		tree.file('home/.kube/config', kubeconfig({sa: {token: jwt({sub: 'system:serviceaccount:ci:deployer', exp})}}));
		const result = await certs(tree, ['--offline'], new Date(now.getTime() + 20 * 60_000));
		expect(result.stdout).toMatch(/^CRITICAL +sa +token +2030-06-01 \(40m\) +sub system:serviceaccount:ci:deployer/m);
	});

	it('lines its columns up in terminal columns when a context name is in Hangul', async () => {
		const tree = tempTree();
		tree.file('home/.kube/config', kubeconfig({'운영-클러스터': {token: 'opaque-a'}, dev: {token: 'opaque-b'}}));
		const result = await certs(tree, ['--offline', '-A'], new Date());
		const rows = result.stdout.split('\n').filter((line) => line.includes('token  '));
		expect(rows).toHaveLength(2);
		const roleColumn = (line: string) => columnsOf(line.slice(0, line.indexOf('token')));
		expect(new Set(rows.map(roleColumn)).size).toBe(1);
		expect(roleColumn(result.stdout.split('\n')[0]!.replace('ROLE', 'token'))).toBe(roleColumn(rows[0]!));
	});

	it('sorts what needs attention first, then by what expires first', () => {
		const row = (context: string, severity: FleetRow['severity'], expires?: number): FleetRow => ({context, role: 'r', severity, summary: '', notes: [], ...(expires === undefined ? {} : {expires: new Date(expires)})});
		const sorted = sortRows([row('a', 'ok', 5), row('b', 'info'), row('c', 'expired', 9), row('d', 'warning', 3), row('e', 'critical', 4), row('f', 'expired', 1), row('g', 'error')]);
		expect(sorted.map((entry) => entry.context)).toEqual(['f', 'c', 'g', 'e', 'd', 'a', 'b']);
		// Equal otherwise, contexts go in natural order.
		expect(sortRows([row('ctx-10', 'ok', 5), row('ctx-9', 'ok', 5), row('Ctx-1', 'ok', 5)]).map((entry) => entry.context)).toEqual(['Ctx-1', 'ctx-9', 'ctx-10']);
		expect(needsAttention([row('x', 'ok'), row('y', 'info')])).toBe(false);
		expect(needsAttention([row('x', 'error')])).toBe(false);
		expect(needsAttention([{...row('x', 'error'), notes: ['kubectl will fail: x509: certificate signed by unknown authority']}])).toBe(true);
	});
});

describe('what the API server makes of a client certificate', () => {
	it('flags O=system:masters and checks the node naming convention', async () => {
		const tree = tempTree();
		const data = (fixture: {pem: string}) => ({'client-certificate-data': b64(fixture.pem)});
		tree.file('home/.kube/config', kubeconfig({admin: data(fixtures.admin), jane: data(fixtures.jane), node01: data(fixtures.node01), node02: data(fixtures.nodeWithoutGroup)}));
		const config = await configIn(tree);
		const notes = (context: string) => contextCertificates(config, context, new Date()).rows.find((row) => row.role === 'client certificate')!.notes;
		expect(notes('admin')).toEqual(['user "admin", groups system:masters', 'O=system:masters: bypasses RBAC, and a certificate cannot be revoked']);
		expect(notes('jane')).toEqual(['user "jane", groups developers']);
		expect(notes('node01')).toEqual(['user "system:node:node01", groups system:nodes']);
		expect(notes('node02')).toEqual(['user "system:node:node02"', 'CN=system:node:<name> without O=system:nodes: the Node authorizer will not treat it as a node']);
		expect(clientNotes({commonName: 'kubelet', organizations: ['system:nodes']})).toContain('O=system:nodes without CN=system:node:<name>: not a valid node identity');
		const entry = contextCertificates(config, 'admin', new Date());
		expect(entry).toMatchObject({auth: 'client certificate', cluster: 'c', user: 'admin', server: 'https://127.0.0.1:1'});
		expect(entry.probeTarget).toEqual({server: 'https://127.0.0.1:1', caPem: fixtures.ca.pem, tlsServerName: undefined, insecureSkipTlsVerify: false});
	});

	it('reads every certificate of a client bundle and of a CA bundle', async () => {
		const tree = tempTree();
		tree.file('home/.kube/config', kubeconfig({bundle: {'client-certificate-data': b64(fixtures.jane.pem + fixtures.intermediateCa.pem), 'client-key-data': b64(fs.readFileSync(fixtures.jane.key, 'utf8'))}}, {server: 'https://127.0.0.1:1', 'certificate-authority': fixtures.caBundle}));
		const rows = contextCertificates(await configIn(tree), 'bundle', new Date()).rows;
		expect(rows.map((row) => [row.role, row.certificate?.commonName])).toEqual([
			['cluster CA 1/3', 'other-ca'],
			['cluster CA 2/3', 'kubehop-fixture-ca'],
			['cluster CA 3/3', 'third-ca'],
			['client certificate 1/2', 'jane'],
			['client certificate 2/2', 'kubehop-fixture-intermediate'],
		]);
	});
});

describe('tokens, exec plugins, OIDC and basic auth', () => {
	it('reads a JWT token\'s exp, never the token, and an opaque token has no expiry', async () => {
		const tree = tempTree();
		const exp = Date.UTC(2031, 0, 2, 3, 4, 5) / 1000;
		const token = jwt({iss: 'https://kubernetes.default.svc', sub: 'system:serviceaccount:default:my-sa', exp, iat: exp - 3600});
		tree.file('home/.kube/config', kubeconfig({sa: {token}, opaque: {token: 'opaque-secret-value'}, both: {...admin(), token}}));
		const config = await configIn(tree);
		const row = (context: string, now: Date) => contextCertificates(config, context, now).rows.find((candidate) => candidate.role === 'token')!;
		const expires = new Date(exp * 1000);
		expect(row('sa', new Date(exp * 1000 - 40 * day))).toMatchObject({severity: 'ok', expires, summary: 'sub system:serviceaccount:default:my-sa, exp 2031-01-02T03:04:05.000Z', notes: ['issuer https://kubernetes.default.svc']});
		expect(row('sa', new Date(exp * 1000 - 7 * day + 1)).severity).toBe('critical');
		expect(row('sa', new Date(exp * 1000)).severity).toBe('critical');
		expect(row('sa', new Date(exp * 1000 + 1)).severity).toBe('expired');
		expect(row('opaque', new Date())).toMatchObject({severity: 'info', summary: 'an opaque token: no expiry to read'});
		expect(contextCertificates(config, 'both', new Date()).auth).toBe('client certificate + token');
		expect(jwtClaims(jwt({exp: 'soon'}))).toEqual({exp: undefined, iat: undefined, iss: undefined, sub: undefined});
		expect(jwtClaims('a.b')).toBeUndefined();
		expect(jwtClaims('a.!!!notjson.c')).toBeUndefined();
		// Neither token, nor any part of the JWT (a certificate's base64 may well contain "eyJ" by chance).
		for (const context of ['sa', 'opaque', 'both']) {
			const shown = JSON.stringify(contextCertificates(config, context, new Date()).rows);
			for (const secret of ['opaque-secret-value', ...token.split('.').filter(Boolean)]) expect(shown).not.toContain(secret);
		}
	});

	it('a tokenFile, relative to its kubeconfig, is read the same way', async () => {
		const tree = tempTree();
		const exp = Date.UTC(2032, 5, 1) / 1000;
		tree.file('configs/team/tokens/sa.jwt', `${jwt({sub: 'system:serviceaccount:ci:deployer', exp})}\n`);
		tree.file('configs/team/config', kubeconfig({sa: {tokenFile: 'tokens/sa.jwt'}}));
		const rows = contextCertificates(await configIn(tree, 'configs/team/config'), 'sa', new Date(Date.UTC(2032, 0, 1))).rows;
		expect(rows.find((row) => row.role === 'token')).toMatchObject({severity: 'ok', summary: 'sub system:serviceaccount:ci:deployer, exp 2032-06-01T00:00:00.000Z'});
	});

	it('exec plugins, OIDC id-tokens and basic auth are listed as such', async () => {
		const tree = tempTree();
		const idToken = jwt({iss: 'https://dex.example.com', sub: 'jane@example.com', exp: 2_000_000_000});
		tree.file(
			'home/.kube/config',
			kubeconfig({
				exec: {exec: {apiVersion: 'client.authentication.k8s.io/v1', command: 'aws', args: ['eks', 'get-token']}},
				oidc: {'auth-provider': {name: 'oidc', config: {'id-token': idToken, 'refresh-token': 'refresh-secret', 'client-secret': 'client-secret-value'}}},
				oidcEmpty: {'auth-provider': {name: 'oidc', config: {}}},
				basic: {username: 'bob', password: 'hunter2'},
				none: {},
			}),
		);
		const config = await configIn(tree);
		const entry = (context: string) => contextCertificates(config, context, new Date(1_900_000_000_000));
		expect(entry('exec')).toMatchObject({auth: 'exec plugin (aws)', rows: [{role: 'cluster CA'}, {role: 'exec plugin', severity: 'info'}]});
		// Once kubehop has run the plugin, the expiry of the credential it got is shown, and never alarmed on.
		const expiry = {expirationTimestamp: new Date(1_900_000_600_000), recordedAt: new Date(1_899_999_700_000)};
		const {execRecordKey} = await import('../../source/cluster/exec-expiry.ts');
		const key = execRecordKey('exec', {command: 'aws', args: ['eks', 'get-token']});
		const recorded = contextCertificates(config, 'exec', new Date(1_900_000_000_000), defaultThresholds, (recordKey) => (recordKey === key ? expiry : undefined), {execRecordKey});
		expect(recorded.rows[1]).toMatchObject({role: 'exec credential', severity: 'info', expires: expiry.expirationTimestamp, summary: 'from aws, expires 2030-03-17T17:56:40.000Z'});
		expect(contextCertificates(config, 'exec', new Date(1_900_001_000_000), defaultThresholds, () => expiry, {execRecordKey}).rows[1]!.summary).toBe('from aws, expired 2030-03-17T17:56:40.000Z');
		// Without a way to name the plugin's record, none is looked up.
		expect(contextCertificates(config, 'exec', new Date(1_900_000_000_000), defaultThresholds, () => expiry).rows[1]!.role).toBe('exec plugin');
		expect(entry('oidc')).toMatchObject({auth: 'OIDC'});
		expect(entry('oidc').rows[1]).toMatchObject({role: 'OIDC id-token', severity: 'ok', summary: 'sub jane@example.com, exp 2033-05-18T03:33:20.000Z'});
		expect(entry('oidcEmpty').rows[1]).toMatchObject({severity: 'info', summary: 'no cached id-token'});
		expect(entry('basic')).toMatchObject({auth: 'basic', rows: [{role: 'cluster CA'}, {role: 'basic auth', summary: 'user "bob" (removed from Kubernetes 1.19 servers)'}]});
		expect(entry('none').auth).toBe('none');
		const shown = JSON.stringify(['exec', 'oidc', 'basic'].map(entry));
		for (const secret of ['hunter2', 'refresh-secret', 'client-secret-value', ...idToken.split('.').filter(Boolean)]) expect(shown).not.toContain(secret);
	});
});

describe('a plain-HTTP server', () => {
	it('has no credentials to check: kubectl sends none over http://, and its expired certificate and CA are not its problem', async () => {
		const tree = tempTree();
		tree.file('home/.kube/config', kubeconfig({plain: {'client-certificate-data': b64(fixtures.expired.pem), token: 'opaque-secret-value'}}, {server: 'HTTP://127.0.0.1:1', 'certificate-authority-data': b64(fixtures.expiredCa.pem)}));
		const entry = contextCertificates(await configIn(tree), 'plain', new Date());
		expect(entry).toMatchObject({auth: 'none', probeTarget: undefined, rows: [{role: 'plain HTTP', severity: 'info', summary: 'no TLS, and no credentials: kubectl sends none to an http:// server'}]});
	});
});

describe('kubehop certs and exec plugins', () => {
	it('shows the expiry kubehop recorded when it last ran the plugin', async () => {
		const tree = tempTree();
		const exec = {apiVersion: 'client.authentication.k8s.io/v1', command: 'aws', args: ['eks', 'get-token']};
		tree.file('home/.kube/config', kubeconfig({plugin: {exec}, certificate: admin()}));
		const {execRecordKey, recordExpiry} = await import('../../source/cluster/exec-expiry.ts');
		recordExpiry({HOME: tree.home}, execRecordKey('plugin', exec), '2030-03-17T17:56:40Z');
		const {status, stdout} = await certs(tree, ['-A', '--offline', '--json'], new Date());
		expect(status).toBe(0);
		const rows = (JSON.parse(stdout) as {rows: Array<{context: string; role: string; summary: string}>}).rows;
		expect(rows.find((row) => row.context === 'plugin' && row.role === 'exec credential')?.summary).toBe('from aws, expires 2030-03-17T17:56:40.000Z');
	});
});

describe('files', () => {
	it('a file that cannot be read is an error row, not a crash', async () => {
		const tree = tempTree();
		tree.file('garbage.pem', 'this is not PEM at all\n');
		tree.file('broken.pem', '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n');
		tree.file(
			'home/.kube/config',
			kubeconfig(
				{
					missing: {'client-certificate': path.join(tree.root, 'nope', 'client.crt'), 'client-key': path.join(tree.root, 'nope', 'client.key')},
					directory: {'client-certificate': tree.root},
					garbage: {'client-certificate': path.join(tree.root, 'garbage.pem')},
					broken: {'client-certificate-data': b64(fs.readFileSync(path.join(tree.root, 'broken.pem'), 'utf8'))},
					missingToken: {tokenFile: path.join(tree.root, 'nope', 'token')},
				},
				{server: 'https://127.0.0.1:1', 'certificate-authority': path.join(tree.root, 'nope', 'ca.crt')},
			),
		);
		const config = await configIn(tree);
		const rows = (context: string) => contextCertificates(config, context, new Date()).rows.map((row) => [row.role, row.severity, row.summary]);
		const caError = ['cluster CA', 'error', `cannot read ${path.join(tree.root, 'nope', 'ca.crt')}: ENOENT`];
		expect(rows('missing')).toEqual([caError, ['client certificate', 'error', `cannot read ${path.join(tree.root, 'nope', 'client.crt')}: ENOENT`]]);
		expect(rows('directory')).toEqual([caError, ['client certificate', 'error', `cannot read ${tree.root}: EISDIR`]]);
		expect(rows('garbage')).toEqual([caError, ['client certificate', 'error', 'no certificate in the PEM data']]);
		expect(rows('broken')[1]).toEqual(['client certificate', 'error', expect.stringMatching(/^not a readable certificate: /)]);
		// kubectl stops at a tokenFile it cannot read (open …: no such file or directory), when there is no other token.
		expect(rows('missingToken')).toEqual([caError, ['token', 'error', `open ${path.join(tree.root, 'nope', 'token')}: no such file or directory`]]);
		const result = await certs(tree, ['--offline', '-A', '--json'], new Date());
		expect(JSON.parse(result.stdout).rows.filter((row: {severity: string}) => row.severity === 'error')).toHaveLength(10);
		// A CA or client certificate kubectl cannot load fails every request: cron and CI must hear of it.
		expect(contextCertificates(config, 'garbage', new Date()).rows.every((row) => row.notes.some((note) => note.startsWith('kubectl will fail')))).toBe(true);
		expect(result.status).toBe(1);
	});

	it('relative certificate paths resolve against the kubeconfig file that names them, whatever the working directory', async () => {
		const tree = tempTree();
		fs.mkdirSync(path.join(tree.root, 'configs', 'team', 'certs'), {recursive: true});
		fs.copyFileSync(fixtures.jane.cert, path.join(tree.root, 'configs', 'team', 'certs', 'jane.crt'));
		fs.copyFileSync(fixtures.jane.key, path.join(tree.root, 'configs', 'team', 'certs', 'jane.key'));
		fs.copyFileSync(fixtures.ca.cert, path.join(tree.root, 'configs', 'ca.crt'));
		tree.file('configs/team/config', kubeconfig({jane: {'client-certificate': 'certs/jane.crt', 'client-key': 'certs/jane.key'}}, {server: 'https://127.0.0.1:1', 'certificate-authority': '../ca.crt'}));
		const rows = contextCertificates(await configIn(tree, 'configs/team/config'), 'jane', new Date()).rows;
		expect(rows.map((row) => [row.role, row.severity, row.certificate?.commonName])).toEqual([
			['cluster CA', 'ok', 'kubehop-fixture-ca'],
			['client certificate', 'ok', 'jane'],
		]);

		// The same through KUBECONFIG with two files: each stanza resolves against its own file.
		tree.file('other/place/config', JSON.stringify({apiVersion: 'v1', kind: 'Config', users: [{name: 'admin', user: {'client-certificate': '../../configs/team/certs/jane.crt', 'client-key': '../../configs/team/certs/jane.key'}}], contexts: [{name: 'mixed', context: {cluster: 'c', user: 'admin'}}]}));
		let stdout = '';
		const status = await run({
			argv: ['certs', '--offline', '--json', '--context', 'mixed'],
			programName: 'kubehop',
			env: {HOME: tree.home, NO_COLOR: '1', KUBECONFIG: [tree.file('configs/team/config'), tree.file('other/place/config')].join(path.delimiter)},
			cwd: tree.home,
			stdout: {write: (text: string) => (stdout += text)},
			stderr: {write: () => undefined},
		});
		expect(status).toBe(0);
		// Sorted by what expires first: jane's year before the CA's ten.
		expect(JSON.parse(stdout).rows.map((row: {role: string; certificate: {commonName: string}}) => [row.role, row.certificate.commonName])).toEqual([
			['client certificate', 'jane'],
			['cluster CA', 'kubehop-fixture-ca'],
		]);
	});
});

describe('kubehop certs output', () => {
	const servers: https.Server[] = [];
	afterAll(async () => {
		await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
	});

	async function serve(certificate: {pem: string; key: string}): Promise<string> {
		const server = https.createServer({cert: certificate.pem, key: fs.readFileSync(certificate.key)}, (_request, response) => response.end('{}'));
		servers.push(server);
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		return `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
	}

	it('never prints key or token material, in JSON or in the table', async () => {
		const tree = tempTree();
		const keyText = fs.readFileSync(fixtures.admin.key, 'utf8');
		const token = jwt({sub: 'system:serviceaccount:default:sa', exp: 2_000_000_000});
		const secrets = [keyText, b64(keyText), token, token.split('.')[1]!, 'opaque-secret-value', 'hunter2', 'refresh-secret'];
		tree.file(
			'home/.kube/config',
			kubeconfig({
				admin: {...admin(), 'client-certificate-data': b64(fixtures.admin.pem + keyText)},
				sa: {token},
				opaque: {token: 'opaque-secret-value'},
				basic: {username: 'bob', password: 'hunter2'},
				oidc: {'auth-provider': {name: 'oidc', config: {'id-token': token, 'refresh-token': 'refresh-secret'}}},
			}),
		);
		for (const argv of [['-A', '--offline', '--json'], ['-A', '--offline']]) {
			const result = await certs(tree, argv, new Date());
			expect(result.stdout).toContain('admin');
			expect(result.stdout).not.toContain('PRIVATE KEY');
			expect(result.stdout).not.toContain('BEGIN');
			for (const secret of secrets) expect(result.stdout).not.toContain(secret.trim());
			expect(result.stderr).toBe('');
		}
	});

	it('exit 0 when all is well, 1 when the live server will fail TLS, 0 for a server that cannot be reached', async () => {
		const tree = tempTree();
		const good = await serve(fixtures.serverGood);
		const wrong = await serve(fixtures.wrongCa);
		const caData = b64(fixtures.ca.pem);
		tree.file(
			'home/.kube/config',
			JSON.stringify({
				apiVersion: 'v1',
				kind: 'Config',
				clusters: [
					{name: 'good', cluster: {server: good, 'certificate-authority-data': caData}},
					{name: 'wrong', cluster: {server: wrong, 'certificate-authority-data': caData}},
					{name: 'down', cluster: {server: 'https://127.0.0.1:1', 'certificate-authority-data': caData}},
				],
				users: [{name: 'jane', user: {'client-certificate-data': b64(fixtures.jane.pem), 'client-key-data': b64(fs.readFileSync(fixtures.jane.key, 'utf8'))}}],
				contexts: ['good', 'wrong', 'down'].map((name) => ({name, context: {cluster: name, user: 'jane'}})),
				'current-context': 'good',
			}),
		);
		const invoke = async (argv: string[]) => {
			let stdout = '';
			const status = await run({argv: ['certs', ...argv], programName: 'kubehop', env: {HOME: tree.home, NO_COLOR: '1'}, cwd: tree.root, stdout: {write: (text: string) => (stdout += text)}, stderr: {write: () => undefined}});
			return {status, stdout};
		};

		const ok = await invoke(['--json']);
		expect(ok.status).toBe(0);
		const report = JSON.parse(ok.stdout);
		expect(report.contexts).toEqual([{context: 'good', server: good, cluster: 'good', user: 'jane', auth: 'client certificate', probe: {kind: 'probed', trusted: true, nameCovered: true, checkedName: '127.0.0.1', validNow: true, skewMs: expect.any(Number), predictedError: null}}]);
		expect(report.rows.map((row: {role: string; severity: string}) => [row.role, row.severity])).toEqual([
			['client certificate', 'ok'],
			['server certificate', 'ok'],
			['cluster CA', 'ok'],
		]);

		const failing = await invoke(['--context', 'wrong']);
		expect(failing.status).toBe(1);
		expect(failing.stdout).toMatch(/^ERROR +wrong +server certificate .* CN=wrong-ca-server$/m);
		expect(failing.stdout).toContain('kubectl will fail: x509: certificate signed by unknown authority');

		const down = await invoke(['--context', 'down', '--json', '--request-timeout', '2s']);
		expect(down.status).toBe(0);
		expect(JSON.parse(down.stdout).contexts[0].probe).toEqual({kind: 'unreachable', message: '127.0.0.1:1 refused the connection'});

		const all = await invoke(['-A', '--json']);
		expect(all.status).toBe(1);
		expect(JSON.parse(all.stdout).rows[0]).toMatchObject({context: 'wrong', role: 'server certificate', severity: 'error'});
	});

	it('usage errors exit 2', async () => {
		const tree = tempTree();
		tree.file('home/.kube/config', kubeconfig({admin: admin()}));
		for (const argv of [['--warn-days', 'soon'], ['--warn-days'], ['--bogus'], ['--critical-days=-1']]) {
			let stderr = '';
			const status = await run({argv: ['certs', ...argv], programName: 'kubehop', env: {HOME: tree.home, NO_COLOR: '1'}, cwd: tree.root, stdout: {write: () => undefined}, stderr: {write: (text: string) => (stderr += text)}});
			expect(status, argv.join(' ')).toBe(2);
			expect(stderr).not.toBe('');
		}
	});
});
