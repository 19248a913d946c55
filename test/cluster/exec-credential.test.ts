import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {execConfigOf, execCredential, type ExecConfig} from '../../source/cluster/exec-credential.ts';
import {execRecordKey, recordedExpiry} from '../../source/cluster/exec-expiry.ts';
import {tempTree} from '../support/temp-tree.ts';

// Exec plugins as client-go runs them: real shell-script plugins, each writing down how it was called.

const v1 = 'client.authentication.k8s.io/v1';

/** A plugin that appends its KUBERNETES_EXEC_INFO and MODE to `calls` and prints `output`. */
function plugin(directory: string, name: string, output: string, exitCode = 0): string {
	const file = path.join(directory, name);
	fs.writeFileSync(file, `#!/bin/sh\nprintf '%s %s\\n' "$MODE" "$KUBERNETES_EXEC_INFO" >> '${directory}/calls-${name}'\necho 'plugin says hello' >&2\nprintf '%s' '${output}'\nexit ${exitCode}\n`, {mode: 0o700});
	return file;
}

const credential = (status: Record<string, unknown>, apiVersion = v1) => JSON.stringify({apiVersion, kind: 'ExecCredential', status});
const calls = (directory: string, name: string) => fs.readFileSync(path.join(directory, `calls-${name}`), 'utf8').trim().split('\n');
const cluster = {server: 'https://127.0.0.1:6443', 'certificate-authority-data': 'Q0E='};

describe('exec plugins', () => {
	it('get the kubeconfig env and KUBERNETES_EXEC_INFO, and their credential is reused until it expires', async () => {
		const tree = tempTree();
		const later = new Date(Date.now() + 3_600_000).toISOString();
		const command = plugin(tree.root, 'fresh', credential({token: 'secret-token', expirationTimestamp: later}));
		const exec: ExecConfig = {command, apiVersion: v1, interactiveMode: 'Never', env: [{name: 'MODE', value: 'from-kubeconfig'}], provideClusterInfo: true};
		const env = {PATH: process.env.PATH, HOME: tree.home};
		const record = execRecordKey('alice', exec);
		expect(await execCredential(exec, {user: 'alice', cluster, env, record})).toEqual({token: 'secret-token', expirationTimestamp: later});
		expect(await execCredential(exec, {user: 'alice', cluster, env, record})).toEqual({token: 'secret-token', expirationTimestamp: later});
		const [call, ...more] = calls(tree.root, 'fresh');
		expect(more).toEqual([]);
		const [mode, info] = [call!.slice(0, call!.indexOf(' ')), JSON.parse(call!.slice(call!.indexOf(' ') + 1)) as unknown];
		expect(mode).toBe('from-kubeconfig');
		expect(info).toEqual({kind: 'ExecCredential', apiVersion: v1, spec: {interactive: false, cluster}});

		// Its expiry is kept for `kubehop certs`, never the credential itself.
		expect(recordedExpiry(env, record)?.expirationTimestamp.toISOString()).toBe(later);
		const files = fs.readdirSync(path.join(tree.home, '.cache', 'kubehop', 'exec'));
		expect(files).toHaveLength(1);
		expect(fs.readFileSync(path.join(tree.home, '.cache', 'kubehop', 'exec', files[0]!), 'utf8')).not.toContain('secret-token');
		expect(fs.statSync(path.join(tree.home, '.cache', 'kubehop', 'exec', files[0]!)).mode & 0o777).toBe(0o600);
	});

	it('run again once the credential has expired, and without a record when not asked for one', async () => {
		const tree = tempTree();
		const command = plugin(tree.root, 'stale', credential({clientCertificateData: 'CERT', clientKeyData: 'KEY', expirationTimestamp: new Date(Date.now() - 1000).toISOString()}, 'client.authentication.k8s.io/v1beta1'));
		const exec: ExecConfig = {command, apiVersion: 'client.authentication.k8s.io/v1beta1'};
		const env = {PATH: process.env.PATH, HOME: tree.home};
		await execCredential(exec, {user: 'bob', cluster, env});
		expect(await execCredential(exec, {user: 'bob', cluster, env})).toMatchObject({clientCertificateData: 'CERT', clientKeyData: 'KEY'});
		expect(calls(tree.root, 'stale')).toHaveLength(2);
		expect(JSON.parse(calls(tree.root, 'stale')[0]!.trim()) as unknown).toEqual({kind: 'ExecCredential', apiVersion: 'client.authentication.k8s.io/v1beta1', spec: {interactive: false}});
		expect(fs.existsSync(path.join(tree.home, '.cache'))).toBe(false);
	});

	it('fail as client-go fails, naming the user and the plugin', async () => {
		const tree = tempTree();
		const env = {PATH: process.env.PATH, HOME: tree.home};
		const run = (output: string, extra: Partial<ExecConfig> = {}, exitCode = 0) => execCredential({command: plugin(tree.root, `p${Math.random().toString(36).slice(2)}`, output, exitCode), apiVersion: v1, interactiveMode: 'Never', ...extra}, {user: 'carol', cluster, env});
		await expect(run(credential({token: 't'}, 'client.authentication.k8s.io/v1beta1'))).rejects.toThrow(/user "carol": exec plugin ".*" is configured to use API version client.authentication.k8s.io\/v1, plugin returned version client.authentication.k8s.io\/v1beta1/);
		await expect(run(JSON.stringify({apiVersion: v1, kind: 'ExecCredential'}))).rejects.toThrow(/didn't return a status field/);
		await expect(run(credential({}))).rejects.toThrow(/didn't return a token or cert\/key pair/);
		await expect(run(credential({clientCertificateData: 'CERT'}))).rejects.toThrow(/only half of a client certificate and key/);
		await expect(run('not json')).rejects.toThrow(/its output is not an ExecCredential/);
		await expect(run(credential({token: 't'}), {}, 3)).rejects.toThrow(/exited with status 3: plugin says hello/);
		await expect(execCredential({command: path.join(tree.root, 'missing-plugin'), apiVersion: v1, interactiveMode: 'Never', installHint: 'brew install missing-plugin'}, {user: 'carol', cluster, env})).rejects.toMatchObject({message: expect.stringMatching(/executable not found/), hint: 'brew install missing-plugin'});
	});

	it('are checked before they run: version, interactive mode, command', () => {
		expect(() => execConfigOf({command: 'x', apiVersion: 'client.authentication.k8s.io/v1alpha1'}, 'dan')).toThrow(/user "dan": exec plugin: invalid apiVersion/);
		expect(() => execConfigOf({command: 'x', apiVersion: v1}, 'dan')).toThrow(/interactiveMode must be specified/);
		expect(() => execConfigOf({command: 'x', apiVersion: v1, interactiveMode: 'Always'}, 'dan')).toThrow(/needs an interactive terminal/);
		expect(() => execConfigOf({apiVersion: v1, interactiveMode: 'Never'}, 'dan')).toThrow(/exec has no command/);
		expect(execConfigOf({command: 'x', apiVersion: 'client.authentication.k8s.io/v1beta1'}, 'dan').command).toBe('x');
	});
});
