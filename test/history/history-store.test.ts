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
