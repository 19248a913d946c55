import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {describe, expect} from 'vitest';
import {resolveBinaries} from './control-plane/binaries.ts';
import {startControlPlane} from './control-plane/control-plane.ts';
import {controlPlane, homeFor, itWithCluster, kubectl} from '../support/control-plane.ts';

describe('the local control plane', () => {
	itWithCluster('serves the seed objects to the right identities', () => {
		const {kubeconfig} = homeFor(controlPlane()!.contexts.admin);
		expect(kubectl(kubeconfig, ['get', 'ns', 'dev', 'staging', 'prod', '-o', 'name']).stdout).toBe('namespace/dev\nnamespace/staging\nnamespace/prod\n');
		expect(kubectl(kubeconfig, ['get', 'ft', 'my-ticket', '-o', 'jsonpath={.spec.destination}']).stdout).toBe('New York');
		const jane = homeFor(controlPlane()!.contexts.jane);
		expect(kubectl(jane.kubeconfig, ['auth', 'can-i', 'create', 'pods']).stdout.trim()).toBe('yes');
		expect(kubectl(jane.kubeconfig, ['auth', 'can-i', 'delete', 'pods']).stdout.trim()).toBe('no');
		const sa = homeFor(controlPlane()!.contexts.serviceAccount);
		expect(kubectl(sa.kubeconfig, ['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}']).stdout).toBe('system:serviceaccount:default:my-monitoring-sa');
		expect(kubectl(sa.kubeconfig, ['auth', 'can-i', 'list', 'pods', '--all-namespaces']).stdout.trim()).toBe('yes');
		expect(kubectl(kubeconfig, ['version', '-o', 'json']).stdout).toMatch(/"gitVersion": "v1\.37\.2"/);
	});

	itWithCluster('serves the API-server certificate the seed describes', () => {
		const cluster = controlPlane()!;
		const port = new URL(cluster.server).port;
		const text = execFileSync('bash', ['-c', `openssl s_client -connect 127.0.0.1:${port} -CAfile ${cluster.caFile} </dev/null 2>/dev/null | openssl x509 -noout -issuer -ext subjectAltName`], {encoding: 'utf8'});
		expect(text).toContain('CN = KUBERNETES-CA');
		for (const name of ['kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local', 'localhost', 'IP Address:127.0.0.1']) expect(text).toContain(name);
	});

	itWithCluster('starts and stops a second instance without leaving a process or a directory behind', async () => {
		const second = await startControlPlane(resolveBinaries());
		// Its own directory (HOME, PKI, etcd data, logs): other clusters (a demo, another test run) may come and go meanwhile.
		const root = path.dirname(second.home);
		expect(path.basename(root)).toMatch(/^kubehop-cluster-/);
		expect(fs.existsSync(root)).toBe(true);
		const pids = execFileSync('pgrep', ['-f', second.server.split(':').at(-1)!], {encoding: 'utf8'}).trim();
		expect(pids).not.toBe('');
		await second.stop();
		expect(fs.existsSync(root)).toBe(false);
		expect(() => process.kill(second.apiserverPid, 0)).toThrow();
	});
});
