import fs from 'node:fs';
import fc from 'fast-check';
import * as yamlLibrary from 'yaml';
import {describe, expect, it} from 'vitest';
import {loadKubeconfig} from '../../source/kubeconfig/load.ts';
import {deleteContext, renameContext, setContextNamespace, unsetCurrentContext, useContext} from '../../source/kubeconfig/operations.ts';
import {parseWithYamlLibrary} from '../../source/kubeconfig/parse.ts';
import {selectKubeconfigFiles} from '../../source/kubeconfig/paths.ts';
import {contextName, kubeconfigText} from '../support/kubeconfig-arbitrary.ts';
import {lineDiff, tempTree} from '../support/temp-tree.ts';

const original = `# Team kubeconfig: do not reformat.
apiVersion: v1
clusters:
- cluster:
    server: https://prod.example:6443   # the real one
  name: prod
contexts:
- context:
    cluster: prod
    namespace: 'payments'
    user: admin
  name: prod
- context: {cluster: prod, user: admin}
  name: "flow-style"
- context:
    cluster: prod
    namespace:
    user: admin
  name: empty-ns
current-context: prod
kind: Config
users:
- name: admin
  user:
    token: secret
`;

function setup(text = original) {
	const tree = tempTree({'kube/config': text});
	const file = tree.file('kube/config');
	const selection = selectKubeconfigFiles({env: {KUBECONFIG: file, HOME: tree.home}, cwd: tree.root});
	return {tree, file, selection, read: () => fs.readFileSync(file, 'utf8')};
}

describe('surgical edits', () => {
	it('switching changes exactly the current-context line', async () => {
		const {selection, read} = setup();
		await useContext(selection, 'flow-style');
		expect(lineDiff(original, read())).toEqual({removed: ['current-context: prod'], added: ['current-context: flow-style']});
	});

	it('keeps the quoting style of the value it replaces', async () => {
		const {selection, read} = setup();
		await setContextNamespace(selection, 'prod', 'billing');
		expect(lineDiff(original, read())).toEqual({removed: ["    namespace: 'payments'"], added: ["    namespace: 'billing'"]});
	});

	it('fills an empty value, adds a key to a flow mapping, and quotes YAML 1.1 words', async () => {
		const {selection, read} = setup();
		await setContextNamespace(selection, 'empty-ns', 'yes');
		expect(lineDiff(original, read())).toEqual({removed: ['    namespace:'], added: ['    namespace: "yes"']});
		await setContextNamespace(selection, 'flow-style', 'dev');
		expect(read()).toContain('- context: {cluster: prod, user: admin, namespace: dev}');
	});

	it('removes a namespace with its line, and writes nothing when the value is already set', async () => {
		const {selection, read, file} = setup();
		const before = fs.statSync(file);
		await setContextNamespace(selection, 'prod', 'payments');
		await useContext(selection, 'prod');
		const after = fs.statSync(file);
		expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
		await setContextNamespace(selection, 'prod', '');
		expect(lineDiff(original, read())).toEqual({removed: ["    namespace: 'payments'"], added: []});
	});

	it('renames, moving current-context along, and deletes one item', async () => {
		const {selection, read} = setup();
		await renameContext(selection, 'prod', 'production');
		const renamed = read();
		expect(renamed).toContain('  name: production\n- context: {cluster: prod');
		expect(renamed).toContain('current-context: production\n');
		await deleteContext(selection, 'flow-style');
		expect(lineDiff(renamed, read())).toEqual({removed: ['- context: {cluster: prod, user: admin}', '  name: "flow-style"'], added: []});
	});

	it('unsets with an explicit empty value', async () => {
		const {selection, read} = setup();
		await unsetCurrentContext(selection);
		expect(lineDiff(original, read())).toEqual({removed: ['current-context: prod'], added: ['current-context: ""']});
	});

	it('preserves CRLF, a missing final newline and extra documents', async () => {
		const text = 'apiVersion: v1\r\ncontexts:\r\n- context:\r\n    cluster: a\r\n  name: a\r\n- context:\r\n    cluster: a\r\n  name: b\r\ncurrent-context: a\r\n---\r\nkeep: me';
		const {selection, read} = setup(text);
		await useContext(selection, 'b');
		await setContextNamespace(selection, 'b', 'dev');
		expect(read()).toBe(text.replace('current-context: a', 'current-context: b').replace('    cluster: a\r\n  name: b', '    cluster: a\r\n    namespace: dev\r\n  name: b'));
	});

	it('drops a !!null tag instead of producing "!!null ns"', async () => {
		const text = 'contexts:\n- context:\n    cluster: a\n    namespace: !!null ~\n  name: a\ncurrent-context: a\n';
		const {selection, read} = setup(text);
		await setContextNamespace(selection, 'a', 'ns');
		expect(read()).toBe(text.replace('!!null ~', 'ns'));
	});

	it('survives long random sequences of edits with only the intended lines changing', async () => {
		const operation = fc.oneof(
			fc.record({kind: fc.constant('use' as const), name: contextName}),
			fc.record({kind: fc.constant('namespace' as const), name: contextName, value: fc.oneof(contextName, fc.constantFrom('yes', '012', "it's", ''))}),
			fc.record({kind: fc.constant('rename' as const), name: contextName, value: contextName}),
			fc.record({kind: fc.constant('delete' as const), name: contextName}),
			fc.record({kind: fc.constant('unset' as const)}),
		);
		await fc.assert(
			fc.asyncProperty(kubeconfigText(), fc.array(operation, {maxLength: 8}), async (text, operations) => {
				const {selection, read} = setup(text);
				let before = read();
				for (const step of operations) {
					const names = [...(await loadKubeconfig(selection)).contexts.keys()];
					const target = names.length > 0 ? names[Math.abs(hash(step.kind === 'unset' ? '' : step.name)) % names.length]! : '';
					if (step.kind === 'use' && target) await useContext(selection, target);
					if (step.kind === 'namespace' && target) await setContextNamespace(selection, target, step.value);
					if (step.kind === 'rename' && target && !names.includes(step.value)) await renameContext(selection, target, step.value);
					if (step.kind === 'delete' && target) await deleteContext(selection, target);
					if (step.kind === 'unset') await unsetCurrentContext(selection);
					const after = read();
					const {removed, added} = lineDiff(before, after);
					// One scalar, one inserted key, or one removed item (a rename may move current-context too): never a reflow.
					const budget = {use: 2, namespace: 2, unset: 2, rename: 4, delete: 6}[step.kind];
					expect(removed.length + added.length).toBeLessThanOrEqual(budget);
					if (step.kind === 'delete') expect(added).toEqual([]);
					expect(parseWithYamlLibrary(after, yamlLibrary).root).toBeDefined();
					before = after;
				}

				const tail = text.lastIndexOf('\n---');
				if (tail !== -1) expect(read().endsWith(text.slice(tail))).toBe(true);
			}),
			{numRuns: 150},
		);
	});
});

function hash(text: string): number {
	let value = 0;
	for (const char of text) value = (value * 31 + char.codePointAt(0)!) | 0;
	return value;
}
