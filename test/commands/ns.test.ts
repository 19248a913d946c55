import fs from 'node:fs';
import net from 'node:net';
import {describe, expect, it} from 'vitest';
import {parseArguments} from '../../source/commands/arguments.ts';
import {createCommandContext} from '../../source/commands/command-context.ts';
import {namespacesOfCurrentContext} from '../../source/commands/ns.ts';
import {createOutput} from '../../source/terminal/output.ts';
import {kubehop} from '../support/kubehop-binary.ts';
import {tempTree} from '../support/temp-tree.ts';
import {controlPlane, homeFor, itWithCluster, kubectl} from '../support/control-plane.ts';

// kubens against a real kube-apiserver, with the version-matched kubectl as the oracle.

const names = (text: string) => text.trim().split('\n').map((line) => line.replace(/^namespace\//, '')).sort();

describe.sequential('kubehop ns against the real control plane', () => {
	itWithCluster.each(['admin', 'jane', 'serviceAccount'] as const)('lists namespaces as %s exactly where kubectl may', (identity) => {
		const {kubeconfig, env} = homeFor(controlPlane()!.contexts[identity]);
		const oracle = kubectl(kubeconfig, ['get', 'namespaces', '-o', 'name']);
		const listed = kubehop(['ns', '--json'], {env});
		expect(listed.status, listed.stderr).toBe(0);
		const entries = JSON.parse(listed.stdout) as Array<{name: string; verified: boolean}>;
		if (oracle.status === 0) {
			expect(entries.map((entry) => entry.name).sort()).toEqual(names(oracle.stdout));
			expect(entries.every((entry) => entry.verified)).toBe(true);
		} else {
			expect(oracle.stderr).toContain('forbidden');
			expect(listed.stderr).toContain('listing namespaces is forbidden');
			expect(entries.every((entry) => !entry.verified)).toBe(true);
			expect(entries.map((entry) => entry.name)).toContain('default');
		}
	});

	itWithCluster('the admin lists every seeded namespace', () => {
		const {env} = homeFor(controlPlane()!.contexts.admin);
		expect(kubehop(['ns'], {env}).stdout.split('\n')).toEqual(expect.arrayContaining(['default', 'dev', 'staging', 'prod', 'kube-system']));
	});

	itWithCluster('switches after checking the namespace exists, and writes what kubectl then reports', () => {
		const {kubeconfig, env} = homeFor(controlPlane()!.contexts.admin);
		expect(kubehop(['ns', 'staging'], {env}).stderr).toBe('Active namespace is "staging".\n');
		expect(kubectl(kubeconfig, ['config', 'view', '--minify', '-o', 'jsonpath={..namespace}']).stdout).toBe('staging');
		expect(kubehop(['ns', '-'], {env}).stderr).toBe('Active namespace is "default".\n');
		const before = fs.readFileSync(kubeconfig, 'utf8');
		const missing = kubehop(['ns', 'no-such-namespace'], {env});
		expect(missing.status).toBe(1);
		expect(missing.stderr).toContain('no namespace exists with name "no-such-namespace" in context "admin@kubehop-local"');
		expect(fs.readFileSync(kubeconfig, 'utf8')).toBe(before);
	});

	itWithCluster('says a forbidden check is forbidden, and --force switches anyway', () => {
		const {kubeconfig, env} = homeFor(controlPlane()!.contexts.jane);
		expect(kubectl(kubeconfig, ['get', 'namespace', 'dev']).stderr).toContain('forbidden');
		const checked = kubehop(['ns', 'dev'], {env});
		expect(checked.status).toBe(1);
		expect(checked.stderr).toMatch(/checking namespace "dev" is forbidden.*\n.*kubehop ns dev --force/);
		expect(kubehop(['ns', 'dev', '--force'], {env}).status).toBe(0);
		expect(kubectl(kubeconfig, ['config', 'view', '--minify', '-o', 'jsonpath={..namespace}']).stdout).toBe('dev');
	});

	itWithCluster('--request-timeout 0 means no timeout, as in kubectl', () => {
		const {kubeconfig, env} = homeFor(controlPlane()!.contexts.admin);
		const result = kubehop(['ns', 'dev', '--request-timeout', '0'], {env});
		expect(result.status, result.stderr).toBe(0);
		expect(kubectl(kubeconfig, ['config', 'view', '--minify', '-o', 'jsonpath={..namespace}']).stdout).toBe('dev');
		for (const command of [['can-i', '--request-timeout', '0'], ['api', '--request-timeout', '0'], ['certs', '--request-timeout', '0']]) {
			const answer = kubehop(command, {env});
			expect(answer.stderr, command.join(' ')).not.toMatch(/within 0s/);
			expect(answer.status, `${command.join(' ')}: ${answer.stderr}`).toBe(0);
		}
	});

	itWithCluster('times out on a stopped API server with one line naming the context and server, writing nothing', () => {
		const cluster = controlPlane()!;
		const {kubeconfig, env} = homeFor(cluster.contexts.admin);
		const before = fs.readFileSync(kubeconfig, 'utf8');
		process.kill(cluster.apiserverPid, 'SIGSTOP');
		try {
			const result = kubehop(['ns', 'dev', '--request-timeout', '1s'], {env});
			expect(result.status).toBe(1);
			expect(result.stderr).toBe(`error: context "admin@kubehop-local" (${cluster.server}) did not answer within 1s\nhint: check the server is up, or raise the limit with --request-timeout; or switch without the check: kubehop ns dev --force\n`);
		} finally {
			process.kill(cluster.apiserverPid, 'SIGCONT');
		}

		expect(fs.readFileSync(kubeconfig, 'utf8')).toBe(before);
	});
});

describe('kubehop ns when the server cannot be asked', () => {
	it('says so, offers --force, writes nothing, and --force switches', async () => {
		// A port nothing listens on: taken, then given back.
		const server = net.createServer();
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const {port} = server.address() as net.AddressInfo;
		await new Promise((resolve) => server.close(resolve));
		const tree = tempTree({
			'home/.kube/config': `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://127.0.0.1:${port}\ncontexts:\n- name: off-vpn\n  context: {cluster: c, user: u}\nusers:\n- name: u\n  user: {token: t}\ncurrent-context: off-vpn\n`,
		});
		const env = {HOME: tree.home};
		const before = tree.read('home/.kube/config');
		const checked = kubehop(['ns', 'team-a'], {env});
		expect(checked.status).toBe(1);
		expect(checked.stderr).toBe(`error: context "off-vpn" (https://127.0.0.1:${port}) is unreachable: connect ECONNREFUSED 127.0.0.1:${port}\nhint: switch without the check: kubehop ns team-a --force\n`);
		expect(tree.read('home/.kube/config')).toBe(before);
		expect(kubehop(['ns', 'team-a', '--force'], {env}).stderr).toBe('Active namespace is "team-a".\n');
		expect(tree.read('home/.kube/config')).toContain('namespace: team-a');
	});

	it('with --request-timeout 0 still gives a TLS handshake kubectl\'s 10 s, in its words, against a server that never answers', async () => {
		const sockets: net.Socket[] = [];
		const server = net.createServer((socket) => void sockets.push(socket));
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const {port} = server.address() as net.AddressInfo;
		try {
			const tree = tempTree({'home/.kube/config': `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://127.0.0.1:${port}\ncontexts:\n- name: silent\n  context: {cluster: c, user: u}\nusers:\n- name: u\n  user: {token: t}\ncurrent-context: silent\n`});
			const checked = kubehop(['ns', 'team-a', '--request-timeout', '0'], {env: {HOME: tree.home}});
			expect(checked.status).toBe(1);
			expect(checked.stderr).toContain(`context "silent" (https://127.0.0.1:${port}) is unreachable: net/http: TLS handshake timeout`);
		} finally {
			for (const socket of sockets) socket.destroy();
			server.close();
		}
	}, 30_000);

	it('offers --force too when the credentials cannot be read, and only a broken kubeconfig stops it', async () => {
		const config = `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://127.0.0.1:1\ncontexts:\n- name: a\n  context: {cluster: c, user: u}\nusers:\n- name: u\n  user:\n    client-certificate: missing.crt\n    client-key: missing.key\ncurrent-context: a\n`;
		const tree = tempTree({'home/.kube/config': config});
		const env = {HOME: tree.home};
		const checked = kubehop(['ns', 'team-a'], {env});
		expect(checked.status).toBe(1);
		expect(checked.stderr).toMatch(/^error: cannot read a credential file of this context: ENOENT.*missing\.crt'\nhint: switch without the check: kubehop ns team-a --force\n$/);
		expect(tree.read('home/.kube/config')).toBe(config);
		expect(kubehop(['ns', 'team-a', '--force'], {env}).status).toBe(0);
		// The app's Namespaces pane offers the namespaces it knows, as for a server that cannot be asked.
		const output = createOutput({write: () => {}}, {write: () => {}}, env, true);
		const listing = await namespacesOfCurrentContext(createCommandContext(env, tree.root, output, parseArguments(['ns']).flags), {knownWhenUnreachable: true});
		expect(listing).toMatchObject({names: ['default', 'team-a'], current: 'team-a', verified: false, note: expect.stringContaining('cannot read a credential file of this context')});
		// A kubeconfig kubectl would refuse: no hint to force, as the switch cannot be written either.
		tree.file('home/.kube/config', config.replace('current-context: a', 'current-context: yes'));
		const broken = kubehop(['ns', 'team-a'], {env});
		expect(broken.status).toBe(1);
		expect(broken.stderr).not.toContain('--force');
		await expect(namespacesOfCurrentContext(createCommandContext(env, tree.root, output, parseArguments(['ns']).flags), {knownWhenUnreachable: true})).rejects.toThrow(/current-context, line \d+/);
	});
});
