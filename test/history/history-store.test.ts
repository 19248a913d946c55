import {createHash} from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {HistoryStore} from '../../source/history/history-store.ts';
import {tempTree} from '../support/temp-tree.ts';

describe('the history store', () => {
	it('keeps one history per set of files, in a 0600 file under the config directory', async () => {
		const tree = tempTree();
		const env = {HOME: tree.home};
		const first = new HistoryStore({env}, '/a/config');
		const second = new HistoryStore({env}, '/b/config');
		await first.recordContext('one', 'two');
		await second.recordContext('x', 'y');
		expect((await first.contextStack('two')).map((entry) => entry.name)).toEqual(['two', 'one']);
		expect((await second.contextStack('y')).map((entry) => entry.name)).toEqual(['y', 'x']);
		const file = path.join(tree.home, '.config', 'kubehop', 'history.json');
		expect(fs.statSync(file).mode & 0o777).toBe(0o600);
	});

	it("imports kubectx's previous context on first use", async () => {
		const tree = tempTree({'home/.kube/kubectx': 'staging\n'});
		const store = new HistoryStore({env: {HOME: tree.home}}, '/a/config');
		expect((await store.contextStack('prod')).map((entry) => entry.name)).toEqual(['prod', 'staging']);
	});

	it('reads kubectx state from XDG_CACHE_HOME when set, and kubens state per context', async () => {
		const tree = tempTree({'cache/kubectx': 'old', 'cache/kubens/prod': 'kube-system'});
		const store = new HistoryStore({env: {HOME: tree.home, XDG_CACHE_HOME: path.join(tree.root, 'cache')}}, '/a/config');
		expect((await store.contextStack('prod')).map((entry) => entry.name)).toEqual(['prod', 'old']);
		expect((await store.namespaceStack('prod', 'default')).map((entry) => entry.name)).toEqual(['default', 'kube-system']);
	});

	it('records a switch seen in the files once, even when another kubehop recorded it already', async () => {
		const tree = tempTree();
		const store = new HistoryStore({env: {HOME: tree.home}}, '/a/config');
		await store.recordContext('a', 'b');
		const recorded = await store.read();
		// Another kubehop made it: the history has b on top already, and nothing changes.
		await store.recordObservedContext('a', 'b');
		expect(await store.read()).toEqual(recorded);
		// kubectl made it: recorded, so that `-` leads back to b.
		await store.recordObservedContext('b', 'c');
		expect((await store.read()).contexts.map((entry) => [entry.name, entry.uses])).toEqual([['c', 1], ['b', 1], ['a', 1]]);
		await store.recordObservedNamespace('c', 'default', 'dev');
		await store.recordObservedNamespace('c', 'default', 'dev');
		expect((await store.read()).namespaces.c?.map((entry) => [entry.name, entry.uses])).toEqual([['dev', 1], ['default', 1]]);
	});

	it('takes the changes of one process in turn: the lock\'s wait would block the holder itself', async () => {
		const tree = tempTree();
		const store = new HistoryStore({env: {HOME: tree.home}}, '/a/config');
		// Without the turn, the second spins on the lock the first holds across an await, until its 10 s deadline.
		await Promise.all([store.recordContext('a', 'b'), store.recordObservedContext('b', 'c'), store.recordNamespace('c', 'default', 'dev')]);
		const history = await store.read();
		expect(history.contexts.map((entry) => entry.name)).toEqual(['c', 'b', 'a']);
		expect(history.namespaces.c?.map((entry) => entry.name)).toEqual(['dev', 'default']);
	}, 5000);

	it('renames and forgets contexts together with their namespace history', async () => {
		const tree = tempTree();
		const store = new HistoryStore({env: {HOME: tree.home}}, '/a/config');
		await store.recordContext('a', 'b');
		await store.recordNamespace('a', 'default', 'dev');
		await store.renameContext('a', 'c');
		expect((await store.read()).namespaces.c?.map((entry) => entry.name)).toEqual(['dev', 'default']);
		await store.deleteContext('c');
		const history = await store.read();
		expect(history.contexts.map((entry) => entry.name)).toEqual(['b']);
		expect(history.namespaces.c).toBeUndefined();
	});
});

describe('reading the history without conf', () => {
	it('reads what conf wrote, and treats a missing or damaged file as empty, as conf does', async () => {
		const tree = tempTree();
		const store = new HistoryStore({env: {HOME: tree.home}}, '/a/config');
		expect((await store.read()).contexts).toEqual([]);
		await store.recordContext('one', 'two');
		expect((await store.read()).contexts.map((entry) => entry.name)).toEqual(['two', 'one']);
		const file = path.join(tree.home, '.config', 'kubehop', 'history.json');
		for (const damaged of ['{"sets": ', 'null', '"text"', '[]']) {
			fs.writeFileSync(file, damaged);
			expect((await store.read()).contexts).toEqual([]);
			// conf, which still does every write, recovers the same file the same way.
			await store.recordContext('one', 'two');
			expect((await store.read()).contexts.map((entry) => entry.name)).toEqual(['two', 'one']);
		}
	});

	it('keys each file set as earlier releases did, so existing history is still found', async () => {
		const tree = tempTree();
		const directory = path.join(tree.home, '.config', 'kubehop');
		fs.mkdirSync(directory, {recursive: true});
		const key = createHash('sha256').update('/a/config:/b/config').digest('hex').slice(0, 16);
		fs.writeFileSync(path.join(directory, 'history.json'), JSON.stringify({sets: {[key]: {files: '/a/config:/b/config', contexts: [{name: 'prod', at: '2026-01-01T00:00:00.000Z'}], namespaces: {}}}}));
		const store = new HistoryStore({env: {HOME: tree.home}}, '/a/config:/b/config');
		expect((await store.read()).contexts.map((entry) => entry.name)).toEqual(['prod']);
	});
});
