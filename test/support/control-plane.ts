import {spawnSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {inject, it} from 'vitest';
import type {ControlPlaneInfo} from '../cluster/control-plane/control-plane.ts';
import {tempTree} from './temp-tree.ts';

// Access to the run's shared control plane (see test/cluster/global-setup.ts).

export function controlPlane(): ControlPlaneInfo | undefined {
	const provided = inject('controlPlane');
	return 'unavailable' in provided ? undefined : provided;
}

/** `it` when the control plane is up; otherwise a skipped test that says why. */
export const itWithCluster = controlPlane() ? it : it.skip;

/** A private copy of the cluster's kubeconfig in its own HOME, with one context current. */
export function homeFor(context: string): {home: string; kubeconfig: string; env: Record<string, string>} {
	const cluster = controlPlane()!;
	const tree = tempTree();
	const kubeconfig = path.join(tree.home, '.kube', 'config');
	fs.writeFileSync(kubeconfig, fs.readFileSync(cluster.kubeconfig, 'utf8').replace(/^current-context: .*$/m, `current-context: ${context}`), {mode: 0o600});
	return {home: tree.home, kubeconfig, env: {HOME: tree.home}};
}

/** The version-matched kubectl against a kubeconfig: the oracle. */
export function kubectl(kubeconfig: string, args: string[]): {status: number; stdout: string; stderr: string} {
	const result = spawnSync(controlPlane()!.kubectl, ['--kubeconfig', kubeconfig, ...args], {encoding: 'utf8', env: {PATH: process.env.PATH, HOME: path.dirname(path.dirname(kubeconfig))}, timeout: 60_000});
	return {status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr};
}
