import {execFile} from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {goRfc3339} from '../../source/certificates/go-verify.ts';
import {connect} from '../../source/cluster/api-client.ts';
import {loadKubeconfig} from '../../source/kubeconfig/load.ts';
import {selectKubeconfigFiles} from '../../source/kubeconfig/paths.ts';
import {hostnameProblem, probeServer, type ProbeResult, type ProbeTarget} from '../../source/certificates/tls-probe.ts';
import {controlPlane} from '../support/control-plane.ts';
import {chainPem, expiredWindow, futureWindow, makeOpensslFixtures, type FixtureCertificate, type OpensslFixtures} from '../support/openssl-fixtures.ts';

// kubehop predicts, from one handshake, the x509 error kubectl will print. Each case serves openssl-made
// certificates on loopback with Node's https server, asks probeServer, then runs the real kubectl
// (`get --raw /version`) against the same server with a kubeconfig pointing at it: kubectl's x509
// message must be the predicted one, word for word (the current time aside), and kubectl must connect
// when no error is predicted. kubehop's own client, which verifies servers by the same rules instead
// of OpenSSL's, must connect exactly when kubectl does, fail with kubectl's message when it does not,
// and then have sent the server nothing at all.

let fixtures: OpensslFixtures;
let scratch: string;
const cleanups: Array<() => void | Promise<void>> = [];

beforeAll(() => {
	fixtures = makeOpensslFixtures();
	scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'kubehop-tls-probe-'));
	fs.mkdirSync(path.join(scratch, 'home'));
});

afterAll(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
	fixtures?.cleanup();
	if (scratch) fs.rmSync(scratch, {recursive: true, force: true});
});

const versionBody = JSON.stringify({major: '1', minor: '99', gitVersion: 'v1.99.0-kubehop-fixture', platform: 'linux/amd64'});

/** Requests with credentials each served URL received: kubectl's and kubehop's (the probe sends none). */
const requestsSeen = new Map<string, number>();

/** An HTTPS server on loopback that answers like an API server's /version. */
async function serve(certificates: FixtureCertificate[], host = '127.0.0.1'): Promise<string> {
	let url = '';
	const server = https.createServer({cert: chainPem(...certificates), key: fs.readFileSync(certificates[0]!.key)}, (request, response) => {
		if (request.headers.authorization) requestsSeen.set(url, (requestsSeen.get(url) ?? 0) + 1);
		// kubectl adds ?timeout= for --request-timeout.
		const version = new URL(request.url ?? '/', 'https://x').pathname === '/version';
		response.writeHead(version ? 200 : 404, {'content-type': 'application/json'});
		response.end(version ? versionBody : '{}');
	});
	await new Promise<void>((resolve) => server.listen(0, host, resolve));
	cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
	const {port} = server.address() as net.AddressInfo;
	url = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
	return url;
}

let kubeconfigCount = 0;

/** A kubeconfig for `target`, as kubehop's probe sees it. */
function kubeconfigFor(target: ProbeTarget): string {
	const cluster = [
		`    server: ${target.server}`,
		...(target.caPem ? [`    certificate-authority-data: ${Buffer.from(target.caPem).toString('base64')}`] : []),
		...(target.tlsServerName ? [`    tls-server-name: ${target.tlsServerName}`] : []),
		...(target.insecureSkipTlsVerify ? ['    insecure-skip-tls-verify: true'] : []),
	];
	const file = path.join(scratch, `kubeconfig-${++kubeconfigCount}`);
	fs.writeFileSync(file, ['apiVersion: v1', 'kind: Config', 'clusters:', '- name: c', '  cluster:', ...cluster, 'users:', '- name: u', '  user:', '    token: not-a-real-token', 'contexts:', '- name: x', '  context: {cluster: c, user: u}', 'current-context: x', ''].join('\n'), {mode: 0o600});
	return file;
}

type KubectlResult = {status: number; stdout: string; stderr: string; ms: number};

/** kubectl, asynchronously: the https servers live in this process and must keep answering. */
function kubectl(kubeconfig: string, timeout = '5s', env: Record<string, string> = {}): Promise<KubectlResult> {
	const binary = controlPlane()?.kubectl ?? 'kubectl';
	const started = performance.now();
	return new Promise((resolve) => {
		execFile(binary, ['--kubeconfig', kubeconfig, 'get', '--raw', '/version', `--request-timeout=${timeout}`], {env: {PATH: process.env.PATH, HOME: path.join(scratch, 'home'), ...(process.env.TZ ? {TZ: process.env.TZ} : {}), ...env}, timeout: 30_000}, (error, stdout, stderr) => {
			resolve({status: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr, ms: performance.now() - started});
		});
	});
}

/** The x509 message in kubectl's stderr ("Unable to connect to the server: tls: failed to verify certificate: x509: …"). */
const x509Message = (stderr: string) => /x509: .*/.exec(stderr)?.[0]?.trim();

const currentTime = /current time (\S+) is/;

/** The prediction and kubectl's message, equal once the current time (seconds apart) is set aside. */
function expectSameMessage(predicted: string | undefined, actual: string | undefined): void {
	expect(predicted).toBeDefined();
	expect(actual, 'kubectl printed no x509 error').toBeDefined();
	const predictedTime = currentTime.exec(predicted!)?.[1];
	const actualTime = currentTime.exec(actual!)?.[1];
	if (predictedTime || actualTime) {
		// Compare the prefix up to "current time" and everything after the time exactly; the times themselves within a minute.
		expect(actual!.replace(currentTime, 'current time <now> is')).toBe(predicted!.replace(currentTime, 'current time <now> is'));
		expect(Math.abs(Date.parse(actualTime!) - Date.parse(predictedTime!))).toBeLessThan(60_000);
	} else expect(actual).toBe(predicted);
}

/** kubehop's own API client on the same kubeconfig: /version, or the error it failed with. */
async function kubehopGet(kubeconfig: string): Promise<{version?: string; error?: string}> {
	const config = await loadKubeconfig(selectKubeconfigFiles({env: {KUBECONFIG: kubeconfig}, cwd: scratch}));
	const client = await connect(config, 'x', {timeoutMs: 3000});
	try {
		return {version: (await client.getJson<{gitVersion: string}>('/version')).gitVersion};
	} catch (error) {
		return {error: (error as Error).message};
	} finally {
		client.close();
	}
}

async function predictAndRun(target: ProbeTarget): Promise<{probe: Extract<ProbeResult, {kind: 'probed'}>; kube: KubectlResult; hop: {version?: string; error?: string}}> {
	const kubeconfig = kubeconfigFor(target);
	const [probe, kube, hop] = await Promise.all([probeServer(target, {now: new Date(), timeoutMs: 3000}), kubectl(kubeconfig), kubehopGet(kubeconfig)]);
	if (probe.kind !== 'probed') throw new Error(`probe: ${probe.message}`);
	return {probe, kube, hop};
}

/** kubehop predicts `message` and kubectl fails with exactly that; or kubehop predicts nothing and kubectl gets /version. */
async function expectPrediction(target: ProbeTarget, message: string | RegExp | undefined) {
	const before = requestsSeen.get(target.server) ?? 0;
	const {probe, kube, hop} = await predictAndRun(target);
	const requests = (requestsSeen.get(target.server) ?? 0) - before;
	if (message === undefined) {
		expect(probe.predictedError).toBeUndefined();
		expect(kube.stderr).not.toContain('x509');
		expect(kube.status, kube.stderr).toBe(0);
		expect(JSON.parse(kube.stdout)).toMatchObject({gitVersion: 'v1.99.0-kubehop-fixture'});
		expect(hop).toEqual({version: 'v1.99.0-kubehop-fixture'});
		expect(requests).toBe(2);
	} else {
		if (typeof message === 'string') expect(probe.predictedError).toBe(message);
		else expect(probe.predictedError).toMatch(message);
		expect(kube.status).not.toBe(0);
		expectSameMessage(probe.predictedError, x509Message(kube.stderr));
		expect(hop.error).toContain('tls: failed to verify certificate: x509: ');
		expectSameMessage(x509Message(kube.stderr), x509Message(hop.error!));
		// Refused before HTTP: neither kubectl nor kubehop wrote a request, so no token went out.
		expect(requests).toBe(0);
	}

	return probe;
}

describe('probeServer predicts what kubectl says (kubectl get --raw /version is the oracle)', () => {
	it('(a) a good certificate: trusted, name covered, valid, no error', async () => {
		const server = await serve([fixtures.serverGood]);
		const probe = await expectPrediction({server, caPem: fixtures.ca.pem}, undefined);
		expect(probe).toMatchObject({trusted: true, nameCovered: true, validNow: true, checkedName: '127.0.0.1'});
		expect(probe.chain.map((certificate) => certificate.commonName)).toEqual(['kube-apiserver']);
		expect(probe.skewMs).toBeDefined();
		expect(Math.abs(probe.skewMs!)).toBeLessThan(5_000);
	});

	it('(b) no IP SAN, served on 127.0.0.1: "doesn\'t contain any IP SANs"', async () => {
		const server = await serve([fixtures.serverNoIpSan]);
		const probe = await expectPrediction({server, caPem: fixtures.ca.pem}, "x509: cannot validate certificate for 127.0.0.1 because it doesn't contain any IP SANs");
		expect(probe).toMatchObject({trusted: true, nameCovered: false, validNow: true});
	});

	it('(c) signed by another CA: "signed by unknown authority"', async () => {
		const server = await serve([fixtures.wrongCa]);
		const probe = await expectPrediction({server, caPem: fixtures.ca.pem}, 'x509: certificate signed by unknown authority');
		expect(probe).toMatchObject({trusted: false, nameCovered: true, validNow: true});
	});

	it('(d) expired: "has expired or is not yet valid: current time … is after …"', async () => {
		const server = await serve([fixtures.expired]);
		const probe = await expectPrediction({server, caPem: fixtures.ca.pem}, /^x509: certificate has expired or is not yet valid: current time \S+ is after 2021-01-01T00:00:00Z$/);
		expect(probe).toMatchObject({validNow: false, trusted: true, nameCovered: true});
		expect(probe.chain[0]!.notAfter).toEqual(expiredWindow.notAfter);
	});

	it('(e) tls-server-name=localhost makes the no-IP-SAN certificate fine', async () => {
		const server = await serve([fixtures.serverNoIpSan]);
		const probe = await expectPrediction({server, caPem: fixtures.ca.pem, tlsServerName: 'localhost'}, undefined);
		expect(probe).toMatchObject({checkedName: 'localhost', nameCovered: true});
	});

	it('(f) insecure-skip-tls-verify: no prediction, though the chain is still described', async () => {
		const server = await serve([fixtures.wrongCa]);
		const probe = await expectPrediction({server, insecureSkipTlsVerify: true}, undefined);
		expect(probe.trusted).toBe(false);
		const expired = await expectPrediction({server: await serve([fixtures.expired]), insecureSkipTlsVerify: true}, undefined);
		expect(expired.validNow).toBe(false);
	});

	it('(g) a closed port: unreachable, at once; kubectl fails without any x509 error', async () => {
		const closed = net.createServer();
		await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
		const {port} = closed.address() as net.AddressInfo;
		await new Promise((resolve) => closed.close(resolve));
		const target = {server: `https://127.0.0.1:${port}`, caPem: fixtures.ca.pem};
		const started = performance.now();
		const probe = await probeServer(target, {now: new Date(), timeoutMs: 3000});
		expect(performance.now() - started).toBeLessThan(1000);
		expect(probe).toEqual({kind: 'unreachable', message: `127.0.0.1:${port} refused the connection`});
		const kube = await kubectl(kubeconfigFor(target));
		expect(kube.status).not.toBe(0);
		expect(kube.stderr).toMatch(/refused/);
		expect(kube.stderr).not.toContain('x509');
	});

	it('(h) a server that accepts TCP but never speaks TLS: unreachable within the timeout', async () => {
		const sockets = new Set<net.Socket>();
		const silent = net.createServer((socket) => {
			sockets.add(socket);
			socket.on('error', () => {});
		});
		await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
		cleanups.push(() => {
			for (const socket of sockets) socket.destroy();
			return new Promise<void>((resolve) => silent.close(() => resolve()));
		});
		const target = {server: `https://127.0.0.1:${(silent.address() as net.AddressInfo).port}`, caPem: fixtures.ca.pem};
		const started = performance.now();
		const [probe, kube] = await Promise.all([probeServer(target, {now: new Date(), timeoutMs: 400}), kubectl(kubeconfigFor(target), '1s')]);
		const elapsed = performance.now() - started;
		expect(probe).toMatchObject({kind: 'unreachable', message: expect.stringContaining('did not complete a TLS handshake within 0.4s')});
		expect(kube.status).not.toBe(0);
		expect(kube.stderr).not.toContain('x509');
		expect(elapsed).toBeLessThan(5_000);
		const alone = performance.now();
		await probeServer(target, {now: new Date(), timeoutMs: 400});
		expect(performance.now() - alone).toBeGreaterThanOrEqual(380);
		expect(performance.now() - alone).toBeLessThan(1_500);
	});
});

describe('the rest of Go\'s chain and name rules, against kubectl', () => {
	it('not yet valid: "current time … is before …"', async () => {
		const server = await serve([fixtures.notYetValid]);
		const probe = await expectPrediction({server, caPem: fixtures.ca.pem}, /^x509: certificate has expired or is not yet valid: current time \S+ is before 2090-01-01T00:00:00Z$/);
		expect(probe.chain[0]!.notBefore).toEqual(futureWindow.notBefore);
	});

	it('validity comes before the chain: an expired certificate from an unknown CA gets the expiry message', async () => {
		const server = await serve([fixtures.expired]);
		await expectPrediction({server, caPem: fixtures.otherCa.pem}, /is after 2021-01-01T00:00:00Z$/);
	});

	it('the name comes before the chain: no IP SAN and an unknown CA gets the IP SAN message', async () => {
		const server = await serve([fixtures.serverNoIpSan]);
		await expectPrediction({server, caPem: fixtures.otherCa.pem}, /doesn't contain any IP SANs$/);
	});

	it('a DNS name the certificate does not cover: "certificate is valid for …, not …"', async () => {
		const server = await serve([fixtures.serverNoIpSan]);
		await expectPrediction({server, caPem: fixtures.ca.pem, tlsServerName: 'kubernetes.default'}, 'x509: certificate is valid for localhost, not kubernetes.default');
	});

	it('no SAN extension and a matching Common Name: Go blames the legacy Common Name field', async () => {
		const server = await serve([fixtures.jane]);
		await expectPrediction({server, caPem: fixtures.ca.pem, tlsServerName: 'jane'}, 'x509: certificate relies on legacy Common Name field, use SANs instead');
	});

	it('IPv6: the IP SANs are listed the way Go prints them', async () => {
		expect(hostnameProblem({dnsNames: [], ipAddresses: ['0:0:0:0:0:0:0:1', 'FE80:0:0:0:1:0:0:5']}, '10.0.0.1')).toBe('x509: certificate is valid for ::1, fe80::1:0:0:5, not 10.0.0.1');
		const loopback6 = await new Promise<boolean>((resolve) => {
			const probe = net.createServer().once('error', () => resolve(false));
			probe.listen(0, '::1', () => probe.close(() => resolve(true)));
		});
		if (!loopback6) return; // no IPv6 loopback on this machine: the message check above still ran
		const good = await serve([fixtures.serverGood], '::1');
		await expectPrediction({server: good, caPem: fixtures.ca.pem}, undefined);
		const server = await serve([fixtures.wrongCa], '::1');
		await expectPrediction({server, caPem: fixtures.otherCa.pem}, 'x509: certificate is valid for 127.0.0.1, not ::1');
	});

	it('a CA with the same name but another key: unknown authority, with Go\'s hint', async () => {
		const server = await serve([fixtures.impostorSigned]);
		await expectPrediction(
			{server, caPem: fixtures.ca.pem},
			'x509: certificate signed by unknown authority (possibly because of "x509: signature algorithm specifies an ECDSA public key, but have public key of type *rsa.PublicKey" while trying to verify candidate authority certificate "kubehop-fixture-ca")',
		);
		// The real CA and its impostor in one bundle: Go finds the right one.
		await expectPrediction({server, caPem: fixtures.ca.pem + fixtures.impostorCa.pem}, undefined);
		// The other way round: an RSA-signed certificate against an EC CA of that name.
		const good = await serve([fixtures.serverGood]);
		await expectPrediction(
			{server: good, caPem: fixtures.impostorCa.pem},
			'x509: certificate signed by unknown authority (possibly because of "x509: signature algorithm specifies an RSA public key, but have public key of type *ecdsa.PublicKey" while trying to verify candidate authority certificate "kubehop-fixture-ca")',
		);
		// Two EC keys under one name: the signature itself fails.
		await expectPrediction(
			{server, caPem: fixtures.twinCa.pem},
			'x509: certificate signed by unknown authority (possibly because of "x509: ECDSA verification failure" while trying to verify candidate authority certificate "kubehop-fixture-ca")',
		);
	});

	it('a CA that has itself expired: Go reports the CA\'s expiry, not an unknown authority', async () => {
		const server = await serve([fixtures.signedByExpiredCa]);
		const probe = await expectPrediction({server, caPem: fixtures.expiredCa.pem}, /^x509: certificate has expired or is not yet valid: current time \S+ is after 2021-01-01T00:00:00Z$/);
		expect(probe).toMatchObject({validNow: true, trusted: false});
	});

	it('an intermediate sent by the server chains to the root; without it, unknown authority', async () => {
		const withIntermediate = await serve([fixtures.serverViaIntermediate, fixtures.intermediateCa]);
		const probe = await expectPrediction({server: withIntermediate, caPem: fixtures.ca.pem}, undefined);
		expect(probe.chain.map((certificate) => certificate.commonName)).toEqual(['intermediate-server', 'kubehop-fixture-intermediate']);
		const leafOnly = await serve([fixtures.serverViaIntermediate]);
		await expectPrediction({server: leafOnly, caPem: fixtures.ca.pem}, 'x509: certificate signed by unknown authority');
	});

	it('a bundle of several CAs: the one that signed is found wherever it is', async () => {
		const server = await serve([fixtures.serverGood]);
		await expectPrediction({server, caPem: fs.readFileSync(fixtures.caBundle, 'utf8')}, undefined);
	});

	it('a certificate for client auth only: "specifies an incompatible key usage"', async () => {
		const server = await serve([fixtures.clientAuthOnly]);
		const probe = await expectPrediction({server, caPem: fixtures.ca.pem}, 'x509: certificate specifies an incompatible key usage');
		expect(probe).toMatchObject({nameCovered: true, validNow: true});
	});

	it('Go prints the current time in kubectl\'s local zone', async () => {
		expect(goRfc3339(new Date('2024-05-06T07:08:09.999Z'), 'utc')).toBe('2024-05-06T07:08:09Z');
		if (!fs.existsSync('/usr/share/zoneinfo/Asia/Kolkata')) return;
		const previous = process.env.TZ;
		process.env.TZ = 'Asia/Kolkata';
		try {
			expect(goRfc3339(new Date('2024-05-06T07:08:09Z'), 'local')).toBe('2024-05-06T12:38:09+05:30');
			const server = await serve([fixtures.expired]);
			const target = {server, caPem: fixtures.ca.pem};
			const [probe, kube] = await Promise.all([probeServer(target, {now: new Date(), timeoutMs: 3000}), kubectl(kubeconfigFor(target), '5s', {TZ: 'Asia/Kolkata'})]);
			expect(probe.kind === 'probed' && probe.predictedError).toMatch(/current time \S+\+05:30 is after 2021-01-01T00:00:00Z$/);
			expectSameMessage(probe.kind === 'probed' ? probe.predictedError : undefined, x509Message(kube.stderr));
		} finally {
			if (previous === undefined) delete process.env.TZ;
			else process.env.TZ = previous;
		}
	});
});
