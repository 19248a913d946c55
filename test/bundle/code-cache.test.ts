import {spawnSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import {describe, expect, it} from 'vitest';
import {cliPath} from '../support/kubehop-binary.ts';
import {tempTree} from '../support/temp-tree.ts';

// kubehop's own code, in packs of chunks, keeps V8's compiled code in the user's cache, as the UI's
// libraries do: written at the first exit, accepted by V8 on the next start, written again when damaged,
// and never needed.

const chunks = path.join(path.dirname(cliPath), 'chunks');
const suffix = `-${process.version}-${process.arch}.v8`;

describe('the compiled-code cache of kubehop\'s packs', () => {
	it('is written at the first exit, accepted by V8, and replaced when damaged', () => {
		const tree = tempTree({'home/.kube/config': 'apiVersion: v1\nkind: Config\ncontexts:\n- context: {cluster: c}\n  name: first\n- context: {cluster: c}\n  name: second\ncurrent-context: first\n'});
		const directory = path.join(tree.home, '.cache', 'kubehop', 'chunk-code');
		const run = () => {
			const result = spawnSync(process.execPath, [cliPath, 'ctx'], {env: {PATH: process.env.PATH, HOME: tree.home, NO_COLOR: '1'}, encoding: 'utf8'});
			expect(result.status, result.stderr).toBe(0);
			expect(result.stdout).toBe('first\nsecond\n');
		};

		run();
		const written = fs.readdirSync(directory).filter((name) => name.endsWith(suffix));
		expect(written.length).toBeGreaterThan(0);
		for (const name of written) {
			const file = path.join(directory, name);
			expect(fs.statSync(file).mode & 0o777).toBe(0o600);
			const pack = path.join(chunks, name.slice(0, -suffix.length));
			expect(new vm.Script(fs.readFileSync(pack, 'utf8'), {filename: pack, cachedData: fs.readFileSync(file)}).cachedDataRejected, name).toBe(false);
		}

		// Accepted caches are not written again; a damaged one is, and the run still works.
		const first = path.join(directory, written[0]!);
		const unchanged = path.join(directory, written[1] ?? written[0]!);
		const before = fs.statSync(unchanged).mtimeMs;
		fs.writeFileSync(first, 'not a code cache');
		run();
		expect(fs.readFileSync(first).toString()).not.toBe('not a code cache');
		if (unchanged !== first) expect(fs.statSync(unchanged).mtimeMs).toBe(before);
	});
});
