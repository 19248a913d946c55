import fs from 'node:fs';
import path from 'node:path';
import {describe, expect} from 'vitest';
import {whoAmI} from '../../source/access/access-check.ts';
import {connect} from '../../source/cluster/api-client.ts';
import {loadKubeconfig} from '../../source/kubeconfig/load.ts';
import {selectKubeconfigFiles} from '../../source/kubeconfig/paths.ts';
import {contextNames} from './control-plane/control-plane.ts';
import {homeFor, itWithCluster} from '../support/control-plane.ts';

// Credentials as kubectl applies them, against the real API server: certificates and tokens directly,
// exec plugins through @kubernetes/client-node, and impersonation headers one per group.

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

		// The same token handed out by an exec plugin: client-node runs it.
		const token = (config.users.get('my-monitoring-sa')!.data.token as string).trim();
		const plugin = path.join(path.dirname(kubeconfig), 'token-plugin.sh');
		fs.writeFileSync(plugin, `#!/bin/sh\nprintf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s"}}' '${token}'\n`, {mode: 0o700});
		const text = fs.readFileSync(kubeconfig, 'utf8');
		fs.writeFileSync(
			kubeconfig,
			`${text.trimEnd()}\n`.replace(/^users:\n/m, `users:\n- name: exec-user\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: ${plugin}\n      interactiveMode: Never\n`).replace(/^contexts:\n/m, `contexts:\n- context:\n    cluster: kubehop-local\n    user: exec-user\n  name: exec@kubehop-local\n`),
		);
		const viaExec = await whoAmI(await connect(await configOf(kubeconfig), 'exec@kubehop-local'));
		expect(viaExec.username).toBe('system:serviceaccount:default:my-monitoring-sa');
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
