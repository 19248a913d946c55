import fs from 'node:fs';
import {describe, expect, it} from 'vitest';
import {acquireKubeconfigLocks} from '../../source/kubeconfig/lock.ts';
import {tempTree} from '../support/temp-tree.ts';

// kubectl's lock protocol, and what kubehop says when a lock is in the way. The black-box cases against
// kubectl are in differential.test.ts; these are the ones only one process can set up.

describe('kubeconfig locks', () => {
	it('a lock this process holds for another change is never called stale', () => {
		const tree = tempTree({'k/config': ''});
		const file = tree.file('k/config');
		const first = acquireKubeconfigLocks([file]);
		try {
			expect(() => acquireKubeconfigLocks([file])).toThrow(expect.objectContaining({message: expect.stringContaining('held by this kubehop'), hint: 'try again'}));
			expect(fs.existsSync(`${file}.lock`)).toBe(true);
		} finally {
			first.release();
		}

		expect(fs.existsSync(`${file}.lock`)).toBe(false);
	});

	it('a lock another process left says which file to remove', () => {
		const tree = tempTree({'k/config': '', 'k/config.lock': ''});
		const file = tree.file('k/config');
		expect(() => acquireKubeconfigLocks([file])).toThrow(expect.objectContaining({hint: expect.stringContaining(`rm ${file}.lock`)}));
		expect(fs.existsSync(`${file}.lock`)).toBe(true);
	});

	it('the same file under two spellings names both, and leaves no lock behind', () => {
		const tree = tempTree({'k/config': ''});
		const file = tree.file('k/config');
		const other = `${tree.root}/k/./config`;
		expect(() => acquireKubeconfigLocks([file, other])).toThrow(expect.objectContaining({message: expect.stringContaining(`the same file twice, as ${file} and ${other};`), hint: 'list the file only once in KUBECONFIG'}));
		expect(fs.readdirSync(tree.file('k'))).toEqual(['config']);
	});
});
