import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {createPki, type Pki} from './pki.ts';
import {freePort, lastLines, startManaged, stopManaged, tlsStatus, waitFor, type Managed} from './processes.ts';
import {flightTicket, seedManifests} from './seed.ts';

// A real kube-apiserver on a real etcd, on loopback ports chosen at start, with the seed notes' PKI,
// RBAC objects, service account and CRD, and a kubeconfig in a temporary HOME.

export type Binaries = {directory: string; kubeApiserver: string; etcd: string; kubectl: string};

export type ControlPlaneInfo = {
	server: string;
	home: string;
	kubeconfig: string;
	kubectl: string;
	caFile: string;
	apiserverPid: number;
	contexts: {admin: string; jane: string; serviceAccount: string};
};

export type ControlPlane = ControlPlaneInfo & {stop(): Promise<void>};

export const contextNames = {admin: 'admin@kubehop-local', jane: 'jane@kubehop-local', serviceAccount: 'sa@kubehop-local'} as const;

export async function startControlPlane(binaries: Binaries, {readyTimeoutMs = 120_000} = {}): Promise<ControlPlane> {
	const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kubehop-cluster-'));
	const processes: Managed[] = [];
	let stopped = false;
	const stop = async () => {
		if (stopped) return;
		stopped = true;
		process.removeListener('exit', stopNow);
		for (const managed of processes.reverse()) await stopManaged(managed);
		fs.rmSync(root, {recursive: true, force: true});
	};

	// If the run ends without stop() (a crash, Ctrl-C), kill synchronously and remove the directory.
	const stopNow = () => {
		for (const managed of processes) managed.child.kill('SIGKILL');
		fs.rmSync(root, {recursive: true, force: true});
	};

	process.once('exit', stopNow);
	try {
		const pki = createPki(path.join(root, 'pki'));
		const [etcdClientPort, etcdPeerPort, apiserverPort] = [await freePort(), await freePort(), await freePort()];
		const etcdUrl = `https://127.0.0.1:${etcdClientPort}`;
		const etcd = startManaged('etcd', binaries.etcd, [
			'--name=kubehop',
			`--data-dir=${path.join(root, 'etcd')}`,
			`--listen-client-urls=${etcdUrl}`,
			`--advertise-client-urls=${etcdUrl}`,
			`--listen-peer-urls=http://127.0.0.1:${etcdPeerPort}`,
			`--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeerPort}`,
			`--initial-cluster=kubehop=http://127.0.0.1:${etcdPeerPort}`,
			`--cert-file=${pki.etcdServer.cert}`,
			`--key-file=${pki.etcdServer.key}`,
			`--trusted-ca-file=${pki.ca.cert}`,
			'--client-cert-auth',
			// A throwaway test cluster does not need etcd's durability, and fsync dominates its start-up.
			'--unsafe-no-fsync',
			'--log-level=warn',
		], path.join(root, 'etcd.log'));
		processes.push(etcd);
		const etcdClient = {ca: pki.ca.cert, cert: pki.etcdClient.cert, key: pki.etcdClient.key};
		await waitFor('etcd', async () => (await tlsStatus(`${etcdUrl}/health`, etcdClient)) === 200, () => etcd.child.exitCode === null, 60_000, () => lastLines(etcd.log));

		const server = `https://127.0.0.1:${apiserverPort}`;
		const apiserver = startManaged('kube-apiserver', binaries.kubeApiserver, [
			`--etcd-servers=${etcdUrl}`,
			`--etcd-cafile=${pki.ca.cert}`,
			`--etcd-certfile=${pki.etcdClient.cert}`,
			`--etcd-keyfile=${pki.etcdClient.key}`,
			'--bind-address=127.0.0.1',
			'--advertise-address=127.0.0.1',
			// The endpoint reconciler refuses loopback addresses; one server on loopback has nothing to reconcile.
			'--endpoint-reconciler-type=none',
			`--secure-port=${apiserverPort}`,
			`--client-ca-file=${pki.ca.cert}`,
			`--tls-cert-file=${pki.apiserver.cert}`,
			`--tls-private-key-file=${pki.apiserver.key}`,
			'--authorization-mode=Node,RBAC',
			'--service-account-issuer=https://kubernetes.default.svc.cluster.local',
			`--service-account-key-file=${pki.serviceAccountPublicKey}`,
			`--service-account-signing-key-file=${pki.serviceAccountKey}`,
			'--service-cluster-ip-range=10.96.0.0/16',
			`--cert-dir=${path.join(root, 'apiserver')}`,
			'--enable-priority-and-fairness=false',
			'--v=0',
		], path.join(root, 'kube-apiserver.log'));
		processes.push(apiserver);
		const admin = {ca: pki.ca.cert, cert: pki.admin.cert, key: pki.admin.key};
		await waitFor('kube-apiserver', async () => (await tlsStatus(`${server}/readyz`, admin)) === 200, () => apiserver.child.exitCode === null, readyTimeoutMs, () => lastLines(apiserver.log));

		const home = path.join(root, 'home');
		const adminKubeconfig = path.join(root, 'admin.kubeconfig');
		fs.writeFileSync(adminKubeconfig, kubeconfigText(server, pki, undefined, contextNames.admin), {mode: 0o600});
		const kubectl = (args: string[], input?: string) =>
			execFileSync(binaries.kubectl, ['--kubeconfig', adminKubeconfig, ...args], {input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], env: {PATH: process.env.PATH, HOME: home}});
		kubectl(['apply', '-f', '-'], seedManifests);
		kubectl(['wait', '--for=condition=established', '--timeout=60s', 'crd/flighttickets.flights.com']);
		// Established is the CRD's own condition; the API server serves the group a moment later.
		await waitFor('flights.com/v1', async () => (await tlsStatus(`${server}/apis/flights.com/v1`, admin)) === 200, () => apiserver.child.exitCode === null, readyTimeoutMs, () => lastLines(apiserver.log));
		kubectl(['apply', '-f', '-'], flightTicket);
		const token = kubectl(['create', 'token', 'my-monitoring-sa', '--namespace=default', '--duration=24h']).trim();

		const kubeconfig = path.join(home, '.kube', 'config');
		fs.mkdirSync(path.dirname(kubeconfig), {recursive: true, mode: 0o700});
		fs.writeFileSync(kubeconfig, kubeconfigText(server, pki, token, contextNames.admin), {mode: 0o600});
		fs.rmSync(adminKubeconfig);
		return {
			server,
			home,
			kubeconfig,
			kubectl: binaries.kubectl,
			caFile: pki.ca.cert,
			apiserverPid: apiserver.child.pid!,
			contexts: {...contextNames},
			stop,
		};
	} catch (error) {
		await stop();
		throw error;
	}
}

const base64 = (file: string) => fs.readFileSync(file).toString('base64');

function kubeconfigText(server: string, pki: Pki, token: string | undefined, current: string): string {
	const users = [
		`- name: admin\n  user:\n    client-certificate-data: ${base64(pki.admin.cert)}\n    client-key-data: ${base64(pki.admin.key)}`,
		`- name: jane\n  user:\n    client-certificate-data: ${base64(pki.jane.cert)}\n    client-key-data: ${base64(pki.jane.key)}`,
		...(token ? [`- name: my-monitoring-sa\n  user:\n    token: ${token}`] : []),
	];
	const contexts = [
		`- context:\n    cluster: kubehop-local\n    user: admin\n  name: ${contextNames.admin}`,
		`- context:\n    cluster: kubehop-local\n    namespace: default\n    user: jane\n  name: ${contextNames.jane}`,
		...(token ? [`- context:\n    cluster: kubehop-local\n    namespace: default\n    user: my-monitoring-sa\n  name: ${contextNames.serviceAccount}`] : []),
	];
	return [
		'apiVersion: v1',
		'kind: Config',
		'clusters:',
		`- cluster:\n    certificate-authority-data: ${base64(pki.ca.cert)}\n    server: ${server}\n  name: kubehop-local`,
		'contexts:',
		...contexts,
		`current-context: ${current}`,
		'users:',
		...users,
		'',
	].join('\n');
}
