/**
 * SIGKILL a writer at random moments in a loop, on a ~10 MB kubeconfig where a write takes a while.
 *
 * kubehop writes a temp file, fsyncs and renames it over the real file, so after a kill the file must be
 * byte-for-byte the old version or the new one, never anything else. A killed writer may leave its
 * kubectl-compatible `<file>.lock` (kubectl does the same) and its `.<file>.kubehop-*.tmp`; nothing else.
 * The same is done to kubectl, which truncates and rewrites in place; whether it leaves a half file is
 * only recorded, to show why kubehop writes atomically.
 */
import fs from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {filesMatching, KUBEHOP_TEMP, makeTempHome, run, start, type TempHome} from '../support/temp-home.ts';

const CONTEXTS = 2000;
const KUBEHOP_ITERATIONS = 40;
const KUBECTL_ITERATIONS = 4;
const VERIFY_WITH_KUBECTL_EVERY = 20;
const FIRST = 'ctx-0000';
const SECOND = 'ctx-0001';
type Target = typeof FIRST | typeof SECOND;

/** Deterministic pseudo-random base64, so a failure reproduces with the same bytes. */
function certificateLike(length: number, seed: number): string {
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
	let state = seed;
	let text = '';
	for (let index = 0; index < length; index++) {
		state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
		text += alphabet[state % 64];
	}

	return `LS0tLS1CRUdJTiBD${text}`;
}

function largeKubeconfig(): string {
	const ca = certificateLike(3200, 7);
	const cert = certificateLike(1200, 11);
	const lines = ['# generated: 2,000 contexts with embedded certificates', 'apiVersion: v1', 'kind: Config', `current-context: ${FIRST}`, 'contexts:'];
	for (let index = 0; index < CONTEXTS; index++) {
		const id = String(index).padStart(4, '0');
		lines.push(`- name: ctx-${id}`, '  context:', `    cluster: cluster-${id}`, `    user: user-${id}`, `    namespace: team-${index % 37}`);
	}

	lines.push('clusters:');
	for (let index = 0; index < CONTEXTS; index++) {
		const id = String(index).padStart(4, '0');
		lines.push(`- name: cluster-${id}`, '  cluster:', `    server: https://127.0.${index >> 8}.${index & 255}:6443`, `    certificate-authority-data: ${ca}`);
	}

	lines.push('users:');
	for (let index = 0; index < CONTEXTS; index++) {
		const id = String(index).padStart(4, '0');
		lines.push(`- name: user-${id}`, '  user:', `    client-certificate-data: ${cert}`, `    client-key-data: ${cert.slice(0, 600)}`);
	}

	return `${lines.join('\n')}\n`;
}

/** The file with only its top-level current-context value changed: what both tools produce from it. */
function withCurrentContext(bytes: Buffer, from: string, to: string): Buffer {
	const text = bytes.toString('utf8');
	const line = `\ncurrent-context: ${from}\n`;
	expect(text.split(line)).toHaveLength(2);
	return Buffer.from(text.replace(line, `\ncurrent-context: ${to}\n`));
}

/**
 * Counts the changes made in `directory` (a lock, a temp file, its writes, the rename), from before the
 * writer starts: a kill then follows the writer's own progress, not the clock, and lands in each window
 * of its write on a loaded machine as on an idle one. Any moment is valid; the assertions hold for all.
 */
function changesIn(directory: string): {reached(count: number, done: Promise<unknown>): Promise<unknown>; close(): void} {
	const watcher = fs.watch(directory);
	let seen = 0;
	let waiting: {count: number; resolve: () => void} | undefined;
	watcher.on('change', () => {
		seen++;
		if (waiting && seen >= waiting.count) waiting.resolve();
	});
	return {
		reached: (count, done) => Promise.race([new Promise<void>((resolve) => (seen >= count ? resolve() : (waiting = {count, resolve}))), done]),
		close: () => watcher.close(),
	};
}

/** Which change to kill at: 0 is at once (before the writer touches anything), beyond its last is after it ended. */
const killPoint = () => Math.floor(Math.random() * 10);

/** Resolves when `file` is written (its mtime moves past `before`), or when the writer has ended. */
async function fileChangedOrDone(file: string, before: bigint, done: Promise<unknown>): Promise<void> {
	const watcher = fs.watch(file);
	try {
		const changed = new Promise<void>((resolve) => {
			const check = () => fs.statSync(file, {bigint: true}).mtimeNs !== before && resolve();
			watcher.on('change', check);
			check();
		});
		await Promise.race([changed, done]);
	} finally {
		watcher.close();
	}
}
const other = (name: Target): Target => (name === FIRST ? SECOND : FIRST);

describe('SIGKILL a writer at random moments in a loop', () => {
	let temp: TempHome;
	let file: string;
	let env: NodeJS.ProcessEnv;

	beforeAll(() => {
		temp = makeTempHome('crash');
		file = path.join(temp.kubeDir, 'config');
		env = temp.env(file);
		fs.writeFileSync(file, largeKubeconfig(), {mode: 0o600});
	});

	afterAll(() => temp.cleanup());

	/** Whatever a killed writer left next to the file, removed after checking it is only what is allowed. */
	function clearLeftovers(allowTemp: RegExp): {lock: boolean; temps: number} {
		const entries = fs.readdirSync(temp.kubeDir).filter((name) => name !== 'config');
		const lock = entries.includes('config.lock');
		const strays = entries.filter((name) => name !== 'config.lock');
		expect(strays.filter((name) => !allowTemp.test(name)), 'only the lock and kubehop temp files may be left').toEqual([]);
		for (const name of entries) fs.rmSync(path.join(temp.kubeDir, name), {force: true});
		return {lock, temps: strays.length};
	}

	async function expectKubectlLoads(): Promise<void> {
		const names = await run('kubectl', ['config', 'get-contexts', '-o', 'name'], env, temp.root);
		expect(names.code, names.stderr).toBe(0);
		expect(names.stdout.trim().split('\n')).toHaveLength(CONTEXTS);
	}

	it('leaves kubehop\'s file exactly old or exactly new, with only a lock or temp file left over', async () => {
		await expectKubectlLoads();
		// Measure a full run, and check that the "expected new bytes" model matches what kubehop really writes.
		let current: Target = FIRST;
		let bytes = fs.readFileSync(file);
		const durations: number[] = [];
		for (let index = 0; index < 3; index++) {
			const target = other(current);
			const expected = withCurrentContext(bytes, current, target);
			const result = await run('kubehop', ['ctx', target], env, temp.root);
			expect(result.code, result.stderr).toBe(0);
			bytes = fs.readFileSync(file);
			expect(bytes.equals(expected)).toBe(true);
			durations.push(result.ms);
			current = target;
		}

		const typical = durations.sort((a, b) => a - b)[1]!;
		const tally = {old: 0, new: 0, locks: 0, temps: 0};
		for (let iteration = 0; iteration < KUBEHOP_ITERATIONS; iteration++) {
			const target = other(current);
			const expected = withCurrentContext(bytes, current, target);
			const changes = changesIn(temp.kubeDir);
			const writer = start('kubehop', ['ctx', target], env, temp.root);
			await changes.reached(killPoint(), writer.done);
			changes.close();
			writer.child.kill('SIGKILL');
			const result = await writer.done;
			expect(result.stderr, 'a kubehop that ran to the end must have succeeded').not.toMatch(/error/i);

			const after = fs.readFileSync(file);
			const isOld = after.equals(bytes);
			expect(isOld || after.equals(expected), `iteration ${iteration}: file is neither the old nor the new version (${after.length} bytes)`).toBe(true);
			const left = clearLeftovers(KUBEHOP_TEMP);
			tally.locks += Number(left.lock);
			tally.temps += left.temps;
			if (isOld) {
				tally.old++;
			} else {
				tally.new++;
				bytes = after;
				current = target;
			}

			// Byte equality is the real property; kubectl (slow on 10 MB) double-checks now and then, and at the end.
			if ((iteration + 1) % VERIFY_WITH_KUBECTL_EVERY === 0 || iteration === KUBEHOP_ITERATIONS - 1) await expectKubectlLoads();
		}

		const history = path.join(temp.home, '.config', 'kubehop', 'history.json');
		expect(() => JSON.parse(fs.readFileSync(history, 'utf8')) as unknown).not.toThrow();
		console.log(
			`crash-safety kubehop: ${KUBEHOP_ITERATIONS} kills (${(bytes.length / 1e6).toFixed(1)} MB, run ~${Math.round(typical)} ms): ` +
				`old ${tally.old}, new ${tally.new}, torn 0; stale locks ${tally.locks}, temp files ${tally.temps}`,
		);
	});

	it('records what a SIGKILLed kubectl leaves (not asserted)', async () => {
		// One complete kubectl write gives its re-encoded form; from then on only current-context changes.
		const full = await run('kubectl', ['config', 'use-context', SECOND], env, temp.root);
		expect(full.code, full.stderr).toBe(0);
		const second = fs.readFileSync(file);
		const versions: Record<Target, Buffer> = {[SECOND]: second, [FIRST]: withCurrentContext(second, SECOND, FIRST)};
		const typical = full.ms;

		const outcomes: string[] = [];
		for (let iteration = 0; iteration < KUBECTL_ITERATIONS; iteration++) {
			const from: Target = iteration % 2 === 0 ? FIRST : SECOND;
			const target = other(from);
			fs.writeFileSync(file, versions[from]);
			const before = fs.statSync(file, {bigint: true}).mtimeNs;
			const changes = changesIn(temp.kubeDir);
			const writer = start('kubectl', ['config', 'use-context', target], env, temp.root);
			// Odd iterations: a random point of its progress. Even ones: as soon as kubectl has truncated the file (mid-write).
			const aimed = iteration % 2 === 0;
			await (aimed ? fileChangedOrDone(file, before, writer.done) : changes.reached(killPoint(), writer.done));
			changes.close();
			writer.child.kill('SIGKILL');
			await writer.done;
			const after = fs.readFileSync(file);
			const state = after.equals(versions[from]) ? 'old' : after.equals(versions[target]) ? 'new' : `TORN(${after.length} of ${versions[target].length} bytes)`;
			const left = clearLeftovers(/$^/);
			outcomes.push(`${aimed ? 'mid-write' : 'random'}: ${state}${left.lock ? ' +stale lock' : ''}`);
		}

		console.log(`crash-safety kubectl: ${KUBECTL_ITERATIONS} kills (run ~${Math.round(typical)} ms): ${outcomes.join(', ')}`);
	});
});
