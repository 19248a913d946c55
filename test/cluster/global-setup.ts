import type {TestProject} from 'vitest/node';
import {resolveBinaries, MissingToolchainError} from './control-plane/binaries.ts';
import {startControlPlane, type ControlPlane, type ControlPlaneInfo} from './control-plane/control-plane.ts';

// One real control plane for the whole run. Tests read its details with inject('controlPlane').
// Under CI a cluster that cannot be built or started fails the run; elsewhere, a machine without Go
// gets a clear message and the cluster tests are skipped.

declare module 'vitest' {
	export interface ProvidedContext {
		controlPlane: ControlPlaneInfo | {unavailable: string};
	}
}

let controlPlane: ControlPlane | undefined;

export async function setup(project: TestProject): Promise<void> {
	if (process.env.KUBEHOP_SKIP_CLUSTER === '1' && process.env.CI !== 'true') {
		project.provide('controlPlane', {unavailable: 'KUBEHOP_SKIP_CLUSTER=1'});
		return;
	}

	try {
		const binaries = resolveBinaries();
		const started = Date.now();
		controlPlane = await startControlPlane(binaries);
		console.log(`control plane ready at ${controlPlane.server} in ${((Date.now() - started) / 1000).toFixed(1)}s (binaries: ${binaries.directory})`);
		const {stop, ...info} = controlPlane;
		project.provide('controlPlane', info);
	} catch (error) {
		if (process.env.CI === 'true' || !(error instanceof MissingToolchainError)) throw error;
		console.warn(`cluster tests skipped: ${error.message}`);
		project.provide('controlPlane', {unavailable: error.message});
	}
}

export async function teardown(): Promise<void> {
	await controlPlane?.stop();
}
