import {execFile, spawnSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import http from 'node:http';
import https from 'node:https';
import type {AddressInfo} from 'node:net';
import {describe, expect, it, vi} from 'vitest';
import {whoAmI} from '../../source/access/access-check.ts';
import {contextFacts} from '../../source/certificates/fleet.ts';
import {bearerToken, connect, connectThroughProxy, type Impersonation} from '../../source/cluster/api-client.ts';
import {loadKubeconfig} from '../../source/kubeconfig/load.ts';
import {selectKubeconfigFiles} from '../../source/kubeconfig/paths.ts';
import {contextNames} from './control-plane/control-plane.ts';
import {homeFor, itWithCluster, kubectl} from '../support/control-plane.ts';
import {kubehop} from '../support/kubehop-binary.ts';
import {makeServingCertificates} from '../support/openssl-fixtures.ts';
import {tempTree} from '../support/temp-tree.ts';

// Credentials as kubectl applies them, against the real API server: certificates, tokens and exec
// plugins (run as client-go runs them), and impersonation headers one per group.

async function configOf(kubeconfig: string) {
	return loadKubeconfig(selectKubeconfigFiles({env: {KUBECONFIG: kubeconfig}, cwd: path.dirname(kubeconfig)}));
}

describe('the API client', () => {
	itWithCluster('authenticates with a client certificate, a token and an exec plugin as the server sees them', async () => {
		const {kubeconfig} = homeFor(contextNames.admin);
		const config = await configOf(kubeconfig);
		expect((await whoAmI(await connect(config, contextNames.admin))).username).toBe('admin');
		const sa = await whoAmI(await connect(config, contextNames.serviceAccount));
		expect(sa.serviceAccount).toEqual({namespace: 'default', name: 'my-monitoring-sa'});

		// The same token handed out by an exec plugin, with an expiry; kubectl is the oracle for who that is.
		const token = (config.users.get('my-monitoring-sa')!.data.token as string).trim();
		const plugin = path.join(path.dirname(kubeconfig), 'token-plugin.sh');
		const expires = new Date(Date.now() + 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z');
		fs.writeFileSync(plugin, `#!/bin/sh\nprintf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s","expirationTimestamp":"${expires}"}}' '${token}'\n`, {mode: 0o700});
		const text = fs.readFileSync(kubeconfig, 'utf8');
		fs.writeFileSync(
			kubeconfig,
			`${text.trimEnd()}\n`.replace(/^users:\n/m, `users:\n- name: exec-user\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: ${plugin}\n      interactiveMode: Never\n`).replace(/^contexts:\n/m, `contexts:\n- context:\n    cluster: kubehop-local\n    user: exec-user\n  name: exec@kubehop-local\n`),
		);
		const viaExec = await whoAmI(await connect(await configOf(kubeconfig), 'exec@kubehop-local'));
		expect(viaExec.username).toBe('system:serviceaccount:default:my-monitoring-sa');
		expect(kubectl(kubeconfig, ['--context', 'exec@kubehop-local', 'auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}']).stdout).toBe(viaExec.username);

		// A command records when the credential expires, and kubehop certs shows it; never the token.
		const env = {HOME: path.dirname(path.dirname(kubeconfig)), KUBECONFIG: kubeconfig};
		expect(kubehop(['can-i', '--context', 'exec@kubehop-local', '--json'], {env}).status).toBe(0);
		const certs = kubehop(['certs', '--context', 'exec@kubehop-local', '--offline'], {env});
		expect(certs.stdout).toMatch(new RegExp(`exec credential .*from ${plugin.replaceAll('.', '\\.')}, expires ${expires.replace('Z', '')}`));
		expect(certs.stdout + certs.stderr).not.toContain(token);
	});

	itWithCluster('picks the token as client-go does: a readable tokenFile over an inline token; an unreadable one alone fails, as in kubectl', async () => {
		const {kubeconfig} = homeFor(contextNames.admin);
		const config = await configOf(kubeconfig);
		const token = (config.users.get('my-monitoring-sa')!.data.token as string).trim();
		const directory = path.dirname(kubeconfig);
		fs.writeFileSync(path.join(directory, 'sa-token'), `${token}\n`);
		const users = `users:\n- name: file-over-token\n  user:\n    token: not-a-valid-token\n    tokenFile: sa-token\n- name: missing-file\n  user:\n    tokenFile: missing-token\n- name: token-over-missing-file\n  user:\n    token: ${token}\n    tokenFile: missing-token\n`;
		const contexts = ['file-over-token', 'missing-file', 'token-over-missing-file'].map((user) => `- context:\n    cluster: kubehop-local\n    user: ${user}\n  name: ${user}\n`).join('');
		fs.writeFileSync(kubeconfig, `${fs.readFileSync(kubeconfig, 'utf8').trimEnd()}\n`.replace(/^users:\n/m, users).replace(/^contexts:\n/m, `contexts:\n${contexts}`));
		const read = await configOf(kubeconfig);
		const whoKubectlSays = (context: string) => kubectl(kubeconfig, ['--context', context, 'auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}']);
		for (const context of ['file-over-token', 'token-over-missing-file']) {
			const who = await whoAmI(await connect(read, context));
			expect(who.username, context).toBe('system:serviceaccount:default:my-monitoring-sa');
			expect(whoKubectlSays(context).stdout, context).toBe(who.username);
		}

		const missing = path.join(directory, 'missing-token');
		await expect(connect(read, 'missing-file').then(whoAmI)).rejects.toThrow(`open ${missing}: no such file or directory`);
		expect(whoKubectlSays('missing-file').stderr).toContain(`open ${missing}: no such file or directory`);
		// certs says so too, and fails the run.
		const certs = kubehop(['certs', '--context', 'missing-file', '--offline'], {env: {HOME: path.dirname(directory), KUBECONFIG: kubeconfig}});
		expect(certs.status).toBe(1);
		expect(certs.stdout).toContain(`open ${missing}: no such file or directory`);
	});

	itWithCluster('uses the client certificate an exec plugin hands out, and the cluster CA it is told about', async () => {
		const {kubeconfig} = homeFor(contextNames.admin);
		const config = await configOf(kubeconfig);
		const admin = config.users.get(config.contexts.get(contextNames.admin)!.data.user)!.data;
		const pem = (field: string) => Buffer.from(admin[`${field}-data`] as string, 'base64').toString('utf8');
		const credential = JSON.stringify({apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: {clientCertificateData: pem('client-certificate'), clientKeyData: pem('client-key')}});
		const directory = path.dirname(kubeconfig);
		fs.writeFileSync(path.join(directory, 'credential.json'), credential);
		const plugin = path.join(directory, 'certificate-plugin.sh');
		// The plugin also keeps the CA it was told about (provideClusterInfo), to compare with the kubeconfig's.
		fs.writeFileSync(plugin, `#!/bin/sh\nprintf '%s' "$KUBERNETES_EXEC_INFO" > '${directory}/exec-info.json'\ncat '${directory}/credential.json'\n`, {mode: 0o700});
		const text = fs.readFileSync(kubeconfig, 'utf8');
		fs.writeFileSync(
			kubeconfig,
			`${text.trimEnd()}\n`.replace(/^users:\n/m, `users:\n- name: certificate-plugin-user\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: ${plugin}\n      interactiveMode: Never\n      provideClusterInfo: true\n`).replace(/^contexts:\n/m, `contexts:\n- context:\n    cluster: kubehop-local\n    user: certificate-plugin-user\n  name: certificate-plugin@kubehop-local\n`),
		);
		const client = await connect(await configOf(kubeconfig), 'certificate-plugin@kubehop-local');
		try {
			expect((await whoAmI(client)).username).toBe('admin');
		} finally {
			client.close();
		}

		const told = JSON.parse(fs.readFileSync(path.join(directory, 'exec-info.json'), 'utf8')) as {spec: {cluster: {'certificate-authority-data': string}}};
		expect(told.spec.cluster['certificate-authority-data']).toBe(config.clusters.get('kubehop-local')!.data['certificate-authority-data']);
		expect(kubectl(kubeconfig, ['--context', 'certificate-plugin@kubehop-local', 'auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}']).stdout).toBe('admin');
	});

	itWithCluster("a plugin's renewed client certificate is used at once, not the kept-alive connection of the old one", async () => {
		const {kubeconfig} = homeFor(contextNames.admin);
		const config = await configOf(kubeconfig);
		const certificateOf = (contextName: string) => {
			const user = config.users.get(config.contexts.get(contextName)!.data.user)!.data;
			const pem = (field: string) => Buffer.from(user[`${field}-data`] as string, 'base64').toString('utf8');
			// Already expired, so every request asks the plugin again, as a renewal would.
			return JSON.stringify({apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: {clientCertificateData: pem('client-certificate'), clientKeyData: pem('client-key'), expirationTimestamp: '2000-01-01T00:00:00Z'}});
		};

		const directory = path.dirname(kubeconfig);
		const credential = path.join(directory, 'renewing-credential.json');
		const plugin = path.join(directory, 'renewing-plugin.sh');
		fs.writeFileSync(plugin, `#!/bin/sh\ncat '${credential}'\n`, {mode: 0o700});
		fs.writeFileSync(credential, certificateOf(contextNames.admin));
		const text = fs.readFileSync(kubeconfig, 'utf8');
		fs.writeFileSync(
			kubeconfig,
			`${text.trimEnd()}\n`.replace(/^users:\n/m, `users:\n- name: renewing-user\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: ${plugin}\n      interactiveMode: Never\n`).replace(/^contexts:\n/m, `contexts:\n- context:\n    cluster: kubehop-local\n    user: renewing-user\n  name: renewing@kubehop-local\n`),
		);
		const client = await connect(await configOf(kubeconfig), 'renewing@kubehop-local');
		try {
			expect((await whoAmI(client)).username).toBe('admin');
			fs.writeFileSync(credential, certificateOf(contextNames.jane));
			expect((await whoAmI(client)).username).toBe('jane');
		} finally {
			client.close();
		}
	});

	itWithCluster('sends one Impersonate-Group header per group, so the server sees each group', async () => {
		const {kubeconfig} = homeFor(contextNames.admin);
		const client = await connect(await configOf(kubeconfig), contextNames.admin, {impersonate: {user: 'bob', groups: ['team-a', 'team-b,with-comma']}});
		const identity = await whoAmI(client);
		expect(identity.username).toBe('bob');
		expect(identity.groups).toEqual(expect.arrayContaining(['team-a', 'team-b,with-comma']));
		expect(client.requests).toBe(1);
	});
});

describe('paths', () => {
	it('sends a path that looks like a URL to the same server, as a path, never to the host it names', async () => {
		const seen: Array<{server: string; url: string}> = [];
		const listen = (name: string) =>
			new Promise<http.Server>((resolve) => {
				const server = http.createServer((request, response) => {
					seen.push({server: name, url: request.url ?? ''});
					response.end('{}');
				});
				server.listen(0, '127.0.0.1', () => resolve(server));
			});
		const [proxy, elsewhere] = await Promise.all([listen('proxy'), listen('elsewhere')]);
		const [proxyPort, elsewherePort] = [proxy, elsewhere].map((server) => (server.address() as AddressInfo).port);
		const client = connectThroughProxy(`http://127.0.0.1:${proxyPort}`);
		try {
			for (const typed of [`http://127.0.0.1:${elsewherePort}/x`, `http:127.0.0.1:${elsewherePort}/x`, '/api/v1']) await client.raw('GET', typed);
		} finally {
			client.close();
			proxy.close();
			elsewhere.close();
		}

		expect(seen).toEqual([
			{server: 'proxy', url: `/http://127.0.0.1:${elsewherePort}/x`},
			{server: 'proxy', url: `/http:127.0.0.1:${elsewherePort}/x`},
			{server: 'proxy', url: '/api/v1'},
		]);
	});

	it('refuses a cluster reached through proxy-url, rather than going around the proxy; certs does not dial it either', async () => {
		const kubeconfig = tempTree().file('config', 'apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://127.0.0.1:6443\n    proxy-url: http://proxy.corp:3128\ncontexts:\n- name: behind-proxy\n  context: {cluster: c, user: u}\nusers:\n- name: u\n  user: {token: t}\ncurrent-context: behind-proxy\n');
		const config = await configOf(kubeconfig);
		await expect(connect(config, 'behind-proxy')).rejects.toThrow('context "behind-proxy" reaches its server through proxy-url http://proxy.corp:3128, which kubehop does not support yet; it does not go around it');
		expect(contextFacts(config, 'behind-proxy', new Date()).probeTarget).toBeUndefined();
	});

	it('refuses what kubectl refuses before any request, in its words: a CA with insecure-skip-tls-verify, a token with basic auth', async () => {
		const tree = tempTree();
		const kubeconfig = tree.file('config', `apiVersion: v1\nkind: Config\nclusters:\n- name: both\n  cluster: {server: "https://127.0.0.1:1", certificate-authority-data: ${Buffer.from('not used').toString('base64')}, insecure-skip-tls-verify: true}\n- name: plain\n  cluster: {server: "https://127.0.0.1:1", insecure-skip-tls-verify: true}\nusers:\n- name: tb\n  user: {token: t, username: u, password: p}\n- name: t\n  user: {token: t}\ncontexts:\n- name: insecure-ca\n  context: {cluster: both, user: t}\n- name: token-basic\n  context: {cluster: plain, user: tb}\ncurrent-context: insecure-ca\n`);
		const config = await configOf(kubeconfig);
		for (const context of ['insecure-ca', 'token-basic']) {
			const kubectl = spawnSync('kubectl', ['--kubeconfig', kubeconfig, '--context', context, 'get', '--raw', '/version'], {env: {PATH: process.env.PATH, HOME: tree.home}, encoding: 'utf8'});
			const said = kubectl.stderr.trim().split('\n').at(-1)!.replace(/^error: /, '');
			await expect(connect(config, context), context).rejects.toThrow(said);
		}

		expect(contextFacts(config, 'insecure-ca', new Date()).certificates).toContainEqual({role: 'cluster CA', unusable: 'specifying a root certificates file with the insecure flag is not allowed'});
	});

	it('falls back to the inline token when the tokenFile is empty, and counts only an inline token against basic auth, as client-go does', async () => {
		const tree = tempTree();
		const empty = tree.file('empty-token', '  \n');
		expect(bearerToken({token: 'inline', tokenFile: empty})).toBe('inline');
		const kubeconfig = tree.file('config', `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: "https://127.0.0.1:1", insecure-skip-tls-verify: true}\nusers:\n- name: u\n  user: {password: p, tokenFile: ${empty}}\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\ncurrent-context: x\n`);
		const client = await connect(await configOf(kubeconfig), 'x');
		client.close();
	});

	it('reads a tokenFile again while it runs, as client-go does for rotated service-account tokens: after 50 s, keeping the last token over an empty or missing file', async () => {
		const certificates = makeServingCertificates();
		const seen: Array<string | undefined> = [];
		const server = https.createServer({cert: certificates.server.pem, key: fs.readFileSync(certificates.server.key)}, (request, response) => {
			seen.push(request.headers.authorization);
			response.setHeader('Content-Type', 'application/json');
			response.end('{"major":"1","minor":"37"}');
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		vi.useFakeTimers({toFake: ['Date']});
		let client: Awaited<ReturnType<typeof connect>> | undefined;
		try {
			const tree = tempTree();
			const tokenFile = tree.file('token', 'first\n');
			const ca = Buffer.from(certificates.ca.pem).toString('base64');
			const kubeconfig = tree.file('config', `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: "https://127.0.0.1:${(server.address() as AddressInfo).port}", certificate-authority-data: ${ca}}\nusers:\n- name: u\n  user: {token: inline, tokenFile: ${tokenFile}}\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\ncurrent-context: x\n`);
			client = await connect(await configOf(kubeconfig), 'x');
			const ask = async () => {
				await client!.raw('GET', '/version');
				return seen.at(-1);
			};

			expect(await ask()).toBe('Bearer first');
			fs.writeFileSync(tokenFile, 'second\n');
			vi.setSystemTime(Date.now() + 49_000);
			expect(await ask()).toBe('Bearer first');
			vi.setSystemTime(Date.now() + 1000);
			expect(await ask()).toBe('Bearer second');
			fs.writeFileSync(tokenFile, '\n');
			vi.setSystemTime(Date.now() + 60_000);
			expect(await ask()).toBe('Bearer second');
			fs.rmSync(tokenFile);
			vi.setSystemTime(Date.now() + 60_000);
			expect(await ask()).toBe('Bearer second');
			fs.writeFileSync(tokenFile, 'third');
			expect(await ask()).toBe('Bearer third');
		} finally {
			client?.close();
			vi.useRealTimers();
			server.closeAllConnections();
			server.close();
			certificates.cleanup();
		}
	});

	it('sends no credentials to a plain-HTTP server (HTTP:// too), as kubectl sends none, but keeps the user stanza\'s impersonation, as kubectl does', async () => {
		const seen: Array<{authorization?: string; impersonate?: string | string[]}> = [];
		const server = http.createServer((request, response) => {
			seen.push({authorization: request.headers.authorization, impersonate: request.headers['impersonate-user']});
			response.setHeader('Content-Type', 'application/json');
			response.end('{"major":"1","minor":"37"}');
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		try {
			for (const scheme of ['http', 'HTTP']) {
				seen.length = 0;
				const tree = tempTree();
				const kubeconfig = tree.file('config', `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: "${scheme}://127.0.0.1:${(server.address() as AddressInfo).port}"}\nusers:\n- name: u\n  user: {token: secret-token, as: jane}\ncontexts:\n- name: plain\n  context: {cluster: c, user: u}\ncurrent-context: plain\n`);
				const client = await connect(await configOf(kubeconfig), 'plain');
				await client.raw('GET', '/version');
				client.close();
				const kubehopSent = seen.splice(0);
				await new Promise<void>((resolve, reject) => execFile('kubectl', ['--kubeconfig', kubeconfig, 'get', '--raw', '/version'], {env: {PATH: process.env.PATH, HOME: tree.home}}, (error) => (error ? reject(error) : resolve())));
				// kubectl may ask more than once; every request looks the same.
				expect(seen.length, scheme).toBeGreaterThanOrEqual(1);
				expect(kubehopSent, scheme).toEqual([seen[0]]);
				expect(seen[0], scheme).toEqual({authorization: undefined, impersonate: 'jane'});
			}
		} finally {
			server.close();
		}
	});

	it('impersonates as kubectl merges it: --as, --as-group and --as-uid each over the user stanza\'s, and its as-user-extra, keys escaped', async () => {
		const seen: Array<Record<string, string | string[] | undefined>> = [];
		const server = http.createServer((request, response) => {
			seen.push(Object.fromEntries(Object.entries(request.headers).filter(([name]) => name.startsWith('impersonate-'))));
			response.setHeader('Content-Type', 'application/json');
			response.end('{"major":"1","minor":"37"}');
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		try {
			const tree = tempTree();
			const user = '  user:\n    as: imp-user\n    as-groups: [g1, g2]\n    as-uid: "7"\n    as-user-extra:\n      reason: [qa, two words]\n      "scopes.example.com/x y": [v]\n';
			const kubeconfig = tree.file('config', `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: "http://127.0.0.1:${(server.address() as AddressInfo).port}"}\nusers:\n- name: u\n${user}contexts:\n- name: x\n  context: {cluster: c, user: u}\ncurrent-context: x\n`);
			const config = await configOf(kubeconfig);
			const cases: Array<[string[], Impersonation | undefined]> = [
				[[], undefined],
				[['--as', 'jane'], {user: 'jane'}],
				[['--as', 'jane', '--as-group', 'g9'], {user: 'jane', groups: ['g9']}],
				// Groups alone go with the stanza's user; an empty --as= sets nothing.
				[['--as-group', 'g9'], {groups: ['g9']}],
				[['--as='], {user: ''}],
			];
			for (const [flags, impersonate] of cases) {
				const client = await connect(config, 'x', {impersonate});
				await client.raw('GET', '/version');
				client.close();
				const kubehopSent = seen.splice(0);
				await new Promise<void>((resolve, reject) => execFile('kubectl', ['--kubeconfig', kubeconfig, 'get', '--raw', '/version', ...flags], {env: {PATH: process.env.PATH, HOME: tree.home}}, (error) => (error ? reject(error) : resolve())));
				expect(kubehopSent, flags.join(' ')).toEqual([seen[0]]);
				seen.length = 0;
			}

			// The credential's owner, for asking what it may do: no impersonation at all.
			const real = await connect(config, 'x', {asRealUser: true});
			await real.raw('GET', '/version');
			real.close();
			expect(seen).toEqual([{}]);

			// Groups, a uid or extras without a user to impersonate: refused before any request, in kubectl's words.
			const groupsOnly = tree.file('groups-only', fs.readFileSync(kubeconfig, 'utf8').replace('    as: imp-user\n', ''));
			const refusal = await new Promise<string>((resolve) => execFile('kubectl', ['--kubeconfig', groupsOnly, 'get', '--raw', '/version'], {env: {PATH: process.env.PATH, HOME: tree.home}}, (_error, _stdout, stderr) => resolve(stderr.trim())));
			expect(refusal).toBe('error: requesting uid, groups or user-extra for u without impersonating a user');
			await expect(connect(await configOf(groupsOnly), 'x')).rejects.toThrow(refusal.replace(/^error: /, ''));
			expect(seen).toEqual([{}]);
		} finally {
			server.close();
		}
	});

	it('reads a server without a scheme as kubectl does: plain HTTP, even with a CA, so no credentials', async () => {
		const certificates = makeServingCertificates();
		const seen: Array<string | undefined> = [];
		const server = http.createServer((request, response) => {
			seen.push(request.headers.authorization);
			response.setHeader('Content-Type', 'application/json');
			response.end('{"major":"1","minor":"37"}');
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		try {
			const ca = Buffer.from(certificates.ca.pem).toString('base64');
			const tree = tempTree();
			const kubeconfig = tree.file('config', `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: "127.0.0.1:${(server.address() as AddressInfo).port}", certificate-authority-data: ${ca}}\nusers:\n- name: u\n  user: {token: secret-token}\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\ncurrent-context: x\n`);
			const client = await connect(await configOf(kubeconfig), 'x');
			expect(JSON.parse((await client.raw('GET', '/version')).body)).toEqual({major: '1', minor: '37'});
			client.close();
			await new Promise<void>((resolve, reject) => execFile('kubectl', ['--kubeconfig', kubeconfig, 'get', '--raw', '/version'], {env: {PATH: process.env.PATH, HOME: tree.home}}, (error) => (error ? reject(error) : resolve())));
			// kubehop's request, then kubectl's: both over plain HTTP, neither with the token.
			expect(seen.length).toBeGreaterThanOrEqual(2);
			expect(seen.filter((authorization) => authorization !== undefined)).toEqual([]);
		} finally {
			server.close();
			certificates.cleanup();
		}
	});

	it('verifies an HTTPS:// server as an https:// one, as kubectl does', async () => {
		const trusted = makeServingCertificates();
		const other = makeServingCertificates();
		const seen: Array<string | undefined> = [];
		const server = https.createServer({cert: other.server.pem, key: fs.readFileSync(other.server.key)}, (request, response) => {
			seen.push(request.headers.authorization);
			response.end('{}');
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		try {
			const tree = tempTree();
			const kubeconfig = tree.file('config', `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: "HTTPS://127.0.0.1:${(server.address() as AddressInfo).port}", certificate-authority-data: ${Buffer.from(trusted.ca.pem).toString('base64')}}\nusers:\n- name: u\n  user: {token: secret-token}\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\ncurrent-context: x\n`);
			const client = await connect(await configOf(kubeconfig), 'x');
			await expect(client.raw('GET', '/version')).rejects.toThrow('x509: certificate signed by unknown authority');
			client.close();
			// Asynchronously: this process serves the stand-in.
			const oracle = await new Promise<string>((resolve) => execFile('kubectl', ['--kubeconfig', kubeconfig, 'get', '--raw', '/version'], {env: {PATH: process.env.PATH, HOME: tree.home}}, (_error, _stdout, stderr) => resolve(stderr)));
			expect(oracle).toContain('x509: certificate signed by unknown authority');
			expect(seen).toEqual([]);
		} finally {
			server.close();
			trusted.cleanup();
			other.cleanup();
		}
	});
});
