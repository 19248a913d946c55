import {spawnSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import {afterEach, describe, expect, it} from 'vitest';
import {changeFlag, restoreFlags, whileChanged, withDefaultFlags} from '../../source/bundle/v8-flags.ts';
import {tempTree} from '../support/temp-tree.ts';

// The app changes V8's flags while it runs; the code caches it writes must still be the ones the next
// start, under V8's defaults, accepts. A fresh Node process says whether V8 accepts a cache: the oracle.

const source = 'function twice(value) { return value * 2; } twice(21);';
const cacheMadeNow = () => new vm.Script(source).createCachedData();

function acceptedByAFreshNode(cachedData: Buffer): boolean {
	const file = path.join(tempTree().root, 'cache.v8');
	fs.writeFileSync(file, cachedData);
	const check = `const vm = require('node:vm'); process.stdout.write(new vm.Script(${JSON.stringify(source)}, {cachedData: require('node:fs').readFileSync(${JSON.stringify(file)})}).cachedDataRejected ? 'refused' : 'accepted');`;
	const result = spawnSync(process.execPath, ['-e', check], {encoding: 'utf8', env: {PATH: process.env.PATH}});
	expect(result.status, result.stderr).toBe(0);
	return result.stdout === 'accepted';
}

afterEach(() => restoreFlags());

describe('V8 flags changed while the app runs', () => {
	it('are set aside while a code cache is made, so the next start accepts it', () => {
		changeFlag('--no-wasm-tier-up --no-wasm-dynamic-tiering', '--wasm-tier-up --wasm-dynamic-tiering');
		changeFlag('--no-opt', '--opt');
		const madeCarelessly = cacheMadeNow();
		const madeUnderDefaults = withDefaultFlags(cacheMadeNow);
		restoreFlags();
		// Not vacuous: made under the changed flags, V8 refuses it.
		expect(acceptedByAFreshNode(madeCarelessly)).toBe(false);
		expect(acceptedByAFreshNode(madeUnderDefaults)).toBe(true);
		// And restored, the flags are V8's defaults again.
		expect(acceptedByAFreshNode(cacheMadeNow())).toBe(true);
	});

	it("are changed for one piece of work only, and an app's own change outlives it", async () => {
		// Under --no-opt, a code cache made carelessly is refused: that tells whether the flag is set.
		const optimisingOff = () => !acceptedByAFreshNode(cacheMadeNow());
		expect(await whileChanged('--no-opt', '--opt', async () => optimisingOff())).toBe(true);
		expect(optimisingOff()).toBe(false);
		changeFlag('--no-opt', '--opt');
		await whileChanged('--no-opt', '--opt', async () => {});
		expect(optimisingOff()).toBe(true);
		// Failing work restores the flag too.
		restoreFlags();
		await expect(whileChanged('--no-opt', '--opt', async () => Promise.reject(new Error('parse failed')))).rejects.toThrow('parse failed');
		expect(optimisingOff()).toBe(false);
	});

	it('cost nothing when nothing was changed', () => {
		expect(withDefaultFlags(() => 42)).toBe(42);
	});
});
