import {spawnSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type {Binaries} from './control-plane.ts';
import {repositoryPath} from './repository.ts';

export class MissingToolchainError extends Error {}

/**
 * kube-apiserver, etcd and kubectl, built once from the official Go modules and cached by version
 * outside the repository (or taken from KUBEBUILDER_ASSETS). A cold build takes minutes; a warm call, a moment.
 */
export function resolveBinaries(env: NodeJS.ProcessEnv = process.env): Binaries {
	const buildScript = repositoryPath('test/cluster/build-binaries.sh');
	const result = spawnSync('bash', [buildScript], {env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24});
	if (result.status === 3) throw new MissingToolchainError(result.stdout.trim() || 'Go is not installed');
	if (result.status !== 0) throw new Error(`${buildScript} failed with exit ${result.status ?? result.signal}`);
	const directory = result.stdout.trim().split('\n').at(-1)!;
	const binaries = {directory, kubeApiserver: path.join(directory, 'kube-apiserver'), etcd: path.join(directory, 'etcd'), kubectl: path.join(directory, 'kubectl')};
	for (const binary of [binaries.kubeApiserver, binaries.etcd, binaries.kubectl]) {
		if (!fs.existsSync(binary)) throw new Error(`${buildScript} reported ${directory}, which has no ${path.basename(binary)}`);
	}

	return binaries;
}
