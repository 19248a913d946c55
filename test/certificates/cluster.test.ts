import {execFileSync} from 'node:child_process';
import {X509Certificate} from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {describe, expect} from 'vitest';
import {run} from '../../source/commands/run.ts';
import {contextNames} from '../cluster/control-plane/control-plane.ts';
import {controlPlane, homeFor, itWithCluster, kubectl} from '../support/control-plane.ts';

// `kubehop certs` against the real kube-apiserver of the test cluster (certificates made with openssl
// by test/cluster/control-plane/pki.ts), with the version-matched kubectl as the oracle.

type Report = {
	contexts: Array<{context: string; server: string; auth: string; probe: {kind: string; trusted?: boolean; nameCovered?: boolean; checkedName?: string; validNow?: boolean; predictedError?: string | null; skewMs?: number | null} | null}>;
	rows: Array<{context: string; role: string; severity: string; expires: string | null; summary: string; notes: string[]; certificate: {commonName: string; organizations: string[]; fingerprint256: string; dnsNames: string[]; ipAddresses: string[]; isCa: boolean} | null}>;
};

async function kubehopCerts(home: string, argv: string[]): Promise<{status: number; report: Report; stdout: string}> {
	let stdout = '';
	let stderr = '';
	const status = await run({argv: ['certs', '--json', ...argv], programName: 'kubehop', env: {HOME: home, NO_COLOR: '1'}, cwd: home, stdout: {write: (text: string) => (stdout += text)}, stderr: {write: (text: string) => (stderr += text)}});
	expect(stderr).toBe('');
	return {status, report: JSON.parse(stdout) as Report, stdout};
}

/** The claims of the token in the kubeconfig, decoded here independently of kubehop. */
function tokenExpiry(kubeconfig: string): Date {
	const token = /^\s+token: (\S+)$/m.exec(fs.readFileSync(kubeconfig, 'utf8'))![1]!;
	const payload = token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/');
	return new Date((JSON.parse(Buffer.from(payload, 'base64').toString('utf8')) as {exp: number}).exp * 1000);
}

describe('kubehop certs against the real API server', () => {
	itWithCluster('reports the chain trusted and the name covered, flags admin as system:masters, and reads the SA token\'s exp', async () => {
		const cluster = controlPlane()!;
		const {home, kubeconfig} = homeFor(contextNames.admin);
		const {status, report, stdout} = await kubehopCerts(home, ['-A']);

		expect(report.contexts.map((entry) => entry.context).sort()).toEqual(Object.values(contextNames).sort());
		for (const entry of report.contexts) {
			expect(entry.server).toBe(cluster.server);
			expect(entry.probe).toMatchObject({kind: 'probed', trusted: true, nameCovered: true, checkedName: new URL(cluster.server).hostname, validNow: true, predictedError: null});
		}

		// The certificate served is the one pki.ts made, and the kubeconfig's CA is pki.ts's CA.
		const served = report.rows.find((row) => row.context === contextNames.admin && row.role === 'server certificate')!;
		const apiserverCertificate = new X509Certificate(fs.readFileSync(path.join(path.dirname(cluster.caFile), 'apiserver.crt')));
		expect(served.certificate).toMatchObject({commonName: 'kube-apiserver', fingerprint256: apiserverCertificate.fingerprint256, isCa: false});
		expect(served.certificate!.dnsNames).toContain('kubernetes.default.svc');
		expect(served.certificate!.ipAddresses).toContain('127.0.0.1');
		expect(served.severity).toBe('ok');
		const ca = report.rows.find((row) => row.context === contextNames.admin && row.role === 'cluster CA')!;
		expect(ca.certificate).toMatchObject({commonName: 'KUBERNETES-CA', isCa: true, fingerprint256: new X509Certificate(fs.readFileSync(cluster.caFile)).fingerprint256});

		const adminRow = report.rows.find((row) => row.context === contextNames.admin && row.role === 'client certificate')!;
		expect(adminRow.certificate).toMatchObject({commonName: 'admin', organizations: ['system:masters']});
		expect(adminRow.notes).toContain('O=system:masters: bypasses RBAC, and a certificate cannot be revoked');
		const janeRow = report.rows.find((row) => row.context === contextNames.jane && row.role === 'client certificate')!;
		expect(janeRow.notes).toEqual(['user "jane"']);

		// The SA token was made with `kubectl create token --duration=24h`: its exp is read, it is under 7 days away.
		const tokenRow = report.rows.find((row) => row.context === contextNames.serviceAccount && row.role === 'token')!;
		const expiry = tokenExpiry(kubeconfig);
		expect(tokenRow).toMatchObject({severity: 'critical', expires: expiry.toISOString(), summary: `sub system:serviceaccount:default:my-monitoring-sa, exp ${expiry.toISOString()}`});
		expect(expiry.getTime() - Date.now()).toBeGreaterThan(0);
		expect(expiry.getTime() - Date.now()).toBeLessThanOrEqual(24 * 3_600_000 + 60_000);
		expect(report.contexts.find((entry) => entry.context === contextNames.serviceAccount)!.auth).toBe('token');
		// So the run needs attention: exit 1, from the token alone.
		expect(status).toBe(1);
		expect(report.rows.filter((row) => ['expired', 'critical', 'warning', 'error'].includes(row.severity)).map((row) => row.role)).toEqual(['token']);

		// Nothing secret in the output.
		expect(stdout).not.toContain('PRIVATE KEY');
		expect(stdout).not.toContain(/^\s+token: (\S+)$/m.exec(fs.readFileSync(kubeconfig, 'utf8'))![1]!);
		expect(stdout).not.toContain(/client-key-data: (\S+)/.exec(fs.readFileSync(kubeconfig, 'utf8'))![1]!);

		// And kubectl agrees there is nothing to fail.
		expect(kubectl(kubeconfig, ['get', '--raw', '/version'])).toMatchObject({status: 0});
	});

	itWithCluster('predicts the errors kubectl gets from the real server: a wrong name, and a look-alike CA', async () => {
		const {home, kubeconfig} = homeFor(contextNames.admin);
		const original = fs.readFileSync(kubeconfig, 'utf8');
		const expectSame = async (text: string, expected: string) => {
			fs.writeFileSync(kubeconfig, text);
			const {status, report} = await kubehopCerts(home, []);
			expect(report.contexts[0]!.probe!.predictedError).toBe(expected);
			expect(status).toBe(1);
			const oracle = kubectl(kubeconfig, ['get', '--raw', '/version']);
			expect(oracle.status).not.toBe(0);
			expect(/x509: .*/.exec(oracle.stderr)?.[0]).toBe(expected);
		};

		// tls-server-name that the apiserver certificate does not list.
		await expectSame(original.replace(/^(\s+)server: (.*)$/m, '$1server: $2\n$1tls-server-name: wrong.example'), 'x509: certificate is valid for kubernetes, kubernetes.default, kubernetes.default.svc, kubernetes.default.svc.cluster.local, localhost, not wrong.example');

		// A CA with the same name (KUBERNETES-CA) but its own key, as after a cluster is rebuilt.
		const directory = path.dirname(kubeconfig);
		fs.writeFileSync(path.join(directory, 'ca.cnf'), '[req]\ndistinguished_name = dn\n[dn]\n[ext]\nbasicConstraints = critical, CA:TRUE\nkeyUsage = critical, keyCertSign, cRLSign\nsubjectKeyIdentifier = hash\n');
		execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'lookalike.key', '-out', 'lookalike.crt', '-subj', '/CN=KUBERNETES-CA', '-days', '30', '-config', 'ca.cnf', '-extensions', 'ext'], {cwd: directory, stdio: 'ignore'});
		const lookalike = fs.readFileSync(path.join(directory, 'lookalike.crt')).toString('base64');
		await expectSame(
			original.replace(/certificate-authority-data: \S+/, `certificate-authority-data: ${lookalike}`),
			'x509: certificate signed by unknown authority (possibly because of "crypto/rsa: verification error" while trying to verify candidate authority certificate "KUBERNETES-CA")',
		);
	});
});
