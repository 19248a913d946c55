import {spawnSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {resolveBinaries} from './control-plane/binaries.ts';
import {startControlPlane} from './control-plane/control-plane.ts';
import {repositoryPath} from './control-plane/repository.ts';

// `npm run demo`: a real local control plane and kubehop pointed at it, in a HOME of its own so the
// user's ~/.kube is never read or written. The control plane stops when the session ends.

const cli = repositoryPath('dist/cli.js');

function hasKubeconfig(env: NodeJS.ProcessEnv): boolean {
	const files = env.KUBECONFIG ? env.KUBECONFIG.split(path.delimiter).filter(Boolean) : [path.join(env.HOME ?? os.homedir(), '.kube', 'config')];
	return files.some((file) => fs.existsSync(file));
}

async function main(argv: string[]): Promise<number> {
	const onlyWithoutKubeconfig = argv[0] === '--only-without-kubeconfig';
	const kubehopArgs = onlyWithoutKubeconfig ? argv.slice(1) : argv;
	if (onlyWithoutKubeconfig && hasKubeconfig(process.env)) {
		return spawnSync(process.execPath, [cli, ...(kubehopArgs.length > 0 ? kubehopArgs : ['ctx'])], {stdio: 'inherit'}).status ?? 1;
	}

	if (onlyWithoutKubeconfig) console.error('No kubeconfig found, so kubehop starts a real local demo cluster (kube-apiserver and etcd).');
	console.error('Building or reusing kube-apiserver, etcd and kubectl v1.37.2 (the first build takes several minutes)...');
	const binaries = resolveBinaries();
	console.error('Starting the control plane...');
	const cluster = await startControlPlane(binaries);
	try {
		const bin = path.join(cluster.home, 'bin');
		fs.mkdirSync(bin, {recursive: true});
		for (const name of ['kubehop', 'kubectx', 'kubens']) fs.symlinkSync(cli, path.join(bin, name));
		fs.symlinkSync(binaries.kubectl, path.join(bin, 'kubectl'));
		const env = {...process.env, HOME: cluster.home, KUBECONFIG: cluster.kubeconfig, PATH: `${bin}${path.delimiter}${process.env.PATH}`, XDG_CONFIG_HOME: '', XDG_CACHE_HOME: ''};
		console.error(`\nkubehop demo: ${cluster.server}, contexts ${Object.values(cluster.contexts).join(', ')}.`);
		if (!process.stdin.isTTY) {
			for (const args of [['ctx'], ['ns'], ...(kubehopArgs.length > 0 ? [kubehopArgs] : [])]) spawnSync(process.execPath, [cli, ...args], {stdio: 'inherit', env});
			return 0;
		}

		console.error('Try: kubehop ctx, kubehop ctx jane@kubehop-local, kubehop ns, kubehop ctx -, kubehop history, kubectl get ft.');
		console.error('Leave the shell (exit or Ctrl-D) to stop the cluster.\n');
		const shell = process.env.SHELL && fs.existsSync(process.env.SHELL) ? process.env.SHELL : '/bin/sh';
		// Ctrl-C in the shell reaches this process too (same process group); only leaving the shell ends the demo.
		const ignore = () => {};
		process.on('SIGINT', ignore);
		const status = spawnSync(shell, [], {stdio: 'inherit', env: {...env, PS1: '(kubehop demo) \\w \\$ '}}).status ?? 0;
		process.off('SIGINT', ignore);
		return status;
	} finally {
		await cluster.stop();
		console.error('Control plane stopped.');
	}
}

process.exitCode = await main(process.argv.slice(2));
