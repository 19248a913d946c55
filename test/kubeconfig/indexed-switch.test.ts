import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {FileIndexCache} from '../../source/kubeconfig/file-index.ts';
import {contextOverview, loadKubeconfigIndex, pacedContextOverview, peekKubeconfigIndex, switchContextIndexed} from '../../source/kubeconfig/indexed-switch.ts';
import {loadKubeconfig} from '../../source/kubeconfig/load.ts';
import {useContext} from '../../source/kubeconfig/operations.ts';
import {selectKubeconfigFiles} from '../../source/kubeconfig/paths.ts';
import {kubeconfigText} from '../support/kubeconfig-arbitrary.ts';
import {tempTree} from '../support/temp-tree.ts';

/** Two copies of the same files: one switched by the general path, one by the indexed path. */
function twins(files: Record<string, string>, list: string[]) {
	const tree = tempTree(Object.fromEntries(Object.entries(files).flatMap(([name, text]) => [[`general/${name}`, text], [`indexed/${name}`, text]])));
	const side = (name: string) => selectKubeconfigFiles({env: {KUBECONFIG: list.map((file) => path.join(tree.root, name, file)).join(':')}, cwd: tree.root});
	const cache = new FileIndexCache(path.join(tree.root, 'cache'));
	const read = (name: string) => Object.fromEntries(Object.keys(files).map((file) => [file, fs.readFileSync(path.join(tree.root, name, file), 'utf8')]));
	return {
		tree,
		cache,
		general: side('general'),
		indexed: side('indexed'),
		same: () => expect(read('indexed')).toEqual(read('general')),
	};
}

const file = (current: string | undefined, names: string[]) =>
	`apiVersion: v1\nkind: Config\ncontexts:\n${names.map((name) => `- context:\n    cluster: c\n  name: ${name === 'yes' ? '"yes"' : name}\n`).join('')}${current === undefined ? '' : `current-context: ${current}\n`}`;

describe('the indexed switch', () => {
	it('writes exactly what the general path writes, on a miss and on hits', async () => {
		const {general, indexed, cache, same} = twins({'a.yaml': file('x', ['x', 'dev', 'yes', 'z'])}, ['a.yaml']);
		for (const name of ['dev', 'yes', 'z', 'z', 'x']) {
			await useContext(general, name);
			await useContext(general, name);
			await switchContextIndexed(indexed, cache, () => name);
			same();
		}
	});

	it('writes current-context where kubectl would across several files, inserting the key when missing', async () => {
		const files = {'a.yaml': file(undefined, ['a1']), 'b.yaml': file('b1', ['b1', 'a1'])};
		const {general, indexed, cache, same} = twins(files, ['missing.yaml', 'a.yaml', 'b.yaml']);
		for (const name of ['a1', 'b1', 'a1']) {
			await useContext(general, name);
			await switchContextIndexed(indexed, cache, () => name);
			same();
		}
	});

	it('ignores a cache entry whose bytes no longer match', async () => {
		const {general, indexed, cache, tree, same} = twins({'a.yaml': file('x', ['x', 'dev'])}, ['a.yaml']);
		await switchContextIndexed(indexed, cache, () => 'dev');
		await useContext(general, 'dev');
		// Someone else rewrites the file: same length, different bytes.
		for (const side of ['general', 'indexed']) {
			const target = path.join(tree.root, side, 'a.yaml');
			fs.writeFileSync(target, fs.readFileSync(target, 'utf8').replace('name: x', 'name: w'));
		}

		await expect(switchContextIndexed(indexed, cache, () => 'x')).rejects.toThrow('no context exists with the name: "x"');
		await switchContextIndexed(indexed, cache, () => 'w');
		await useContext(general, 'w');
		same();
	});

	it('reports a bad name before a held lock, like kubectl, and a held lock otherwise', async () => {
		const {indexed, cache, tree} = twins({'a.yaml': file('x', ['x', 'dev'])}, ['a.yaml']);
		fs.writeFileSync(path.join(tree.root, 'indexed', 'a.yaml.lock'), '');
		await expect(switchContextIndexed(indexed, cache, () => 'nope')).rejects.toThrow('no context exists with the name: "nope"');
		await expect(switchContextIndexed(indexed, cache, () => 'dev')).rejects.toThrow(/a\.yaml\.lock exists/);
		expect(fs.existsSync(path.join(tree.root, 'indexed', 'a.yaml.lock'))).toBe(true);
	});

	it('agrees with the general path on generated kubeconfigs', async () => {
		await fc.assert(
			fc.asyncProperty(kubeconfigText(), fc.array(fc.nat(), {minLength: 1, maxLength: 4}), async (text, picks) => {
				const {general, indexed, cache, same} = twins({'config': text}, ['config']);
				const names = [...(await loadKubeconfig(general)).contexts.keys()];
				if (names.length === 0) return;
				for (const pick of picks) {
					const name = names[pick % names.length]!;
					await useContext(general, name);
					await switchContextIndexed(indexed, cache, () => name);
					same();
				}
			}),
			{numRuns: 100},
		);
	});
});

/** Waits until the file was last changed long enough ago for its stat to be trusted. */
async function settle(file: string) {
	const changed = Number(fs.statSync(file, {bigint: true}).ctimeNs / 1_000_000n);
	while (Date.now() - changed < 150) await new Promise((resolve) => setImmediate(resolve));
}

describe('the index by stat, for what is only shown', () => {
	it('is used once a settled file was read in full, and dropped by any change, even to bytes of the same length', async () => {
		const tree = tempTree({'a.yaml': `${file('x', ['x', 'dev'])}clusters:\n- cluster:\n    server: https://c.example:6443\n  name: c\n`});
		const target = path.join(tree.root, 'a.yaml');
		const selection = selectKubeconfigFiles({env: {KUBECONFIG: target}, cwd: tree.root});
		const cache = new FileIndexCache(path.join(tree.root, 'cache'));
		await loadKubeconfigIndex(selection, cache);
		// Read too soon after its last change: the stat is not trusted yet.
		expect(peekKubeconfigIndex(selection, cache)).toBeUndefined();
		await settle(target);
		await loadKubeconfigIndex(selection, cache);
		const peeked = peekKubeconfigIndex(selection, cache);
		expect(peeked).toMatchObject({currentContext: 'x', contexts: new Set(['x', 'dev'])});
		// The preview's details, kept as text in the cache, read back as the file has them.
		expect(contextOverview(peeked!).get('dev')?.server).toBe('https://c.example:6443');
		// Worked out in slices for the UI, the overview is the same.
		let pauses = 0;
		expect(await pacedContextOverview(peeked!, async () => void pauses++, 1)).toEqual(contextOverview(peeked!));
		// One pause after each of the three details, then one per context.
		expect(pauses).toBe(5);
		expect(contextOverview(peeked!)).toEqual(contextOverview(await loadKubeconfigIndex(selection, new FileIndexCache(path.join(tree.root, 'fresh')))));

		fs.writeFileSync(target, fs.readFileSync(target, 'utf8').replace('name: dev', 'name: qa_'));
		expect(peekKubeconfigIndex(selection, cache)).toBeUndefined();
		await settle(target);
		expect((await loadKubeconfigIndex(selection, cache)).contexts).toEqual(new Set(['x', 'qa_']));
		expect(peekKubeconfigIndex(selection, cache)?.contexts).toEqual(new Set(['x', 'qa_']));
		// kubehop's own switch replaces the file: a new inode, so the old stat no longer holds.
		await switchContextIndexed(selection, cache, () => 'qa_');
		expect(peekKubeconfigIndex(selection, cache)).toBeUndefined();
		// The entry the switch wrote from a cached index carries that index's details on.
		await settle(target);
		await loadKubeconfigIndex(selection, cache);
		expect(contextOverview(peekKubeconfigIndex(selection, cache)!)).toEqual(contextOverview(await loadKubeconfigIndex(selection, new FileIndexCache(path.join(tree.root, 'fresh-after-switch')))));
	});

	it('is not learnt by a switch, which replaces the cache entry anyway: one write of it per switch', async () => {
		const tree = tempTree({'a.yaml': file('x', ['x', 'dev'])});
		const target = path.join(tree.root, 'a.yaml');
		const selection = selectKubeconfigFiles({env: {KUBECONFIG: target}, cwd: tree.root});
		const cache = new FileIndexCache(path.join(tree.root, 'cache'));
		await loadKubeconfigIndex(selection, cache);
		const stored: string[] = [];
		const store = cache.store.bind(cache);
		cache.store = (...args) => (stored.push(args[0]), store(...args));
		// Settled and not yet learnt: a read for the screen learns the stat...
		await settle(target);
		await loadKubeconfigIndex(selection, cache);
		expect(stored).toEqual([target]);
		// ...and after an edit by someone else, a switch only writes the entry for the bytes it wrote.
		fs.writeFileSync(target, fs.readFileSync(target, 'utf8').replace('name: dev', 'name: qa_'));
		await loadKubeconfigIndex(selection, cache);
		await settle(target);
		stored.length = 0;
		await switchContextIndexed(selection, cache, () => 'qa_');
		expect(stored).toEqual([target]);
		expect((await loadKubeconfigIndex(selection, cache)).currentContext).toBe('qa_');
	});

	it('never stands in for a file that cannot be read', async () => {
		const tree = tempTree({'a.yaml': file('x', ['x'])});
		const target = path.join(tree.root, 'a.yaml');
		const selection = selectKubeconfigFiles({env: {KUBECONFIG: target}, cwd: tree.root});
		const cache = new FileIndexCache(path.join(tree.root, 'cache'));
		await settle(target);
		await loadKubeconfigIndex(selection, cache);
		expect(peekKubeconfigIndex(selection, cache)).toBeDefined();
		// A change of mode is a change of ctime, so the entry no longer holds whoever runs this.
		fs.chmodSync(target, 0o000);
		expect(peekKubeconfigIndex(selection, cache)).toBeUndefined();
		fs.chmodSync(target, 0o600);
	});
});

