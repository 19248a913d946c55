import fc from 'fast-check';
import * as yamlLibrary from 'yaml';
import {describe, expect, it} from 'vitest';
import {parseWithYamlLibrary} from '../../source/kubeconfig/parse.ts';
import {scanKubeconfigYaml} from '../../source/kubeconfig/scan.ts';
import type {YamlNode} from '../../source/kubeconfig/tree.ts';
import {kubeconfigText} from '../support/kubeconfig-arbitrary.ts';

/** What a parse means: values, YAML 1.1 types and the exact source span of every scalar. */
function meaning(text: string, node: YamlNode | undefined): unknown {
	if (!node) return null;
	if (node.kind === 'scalar') return {value: node.value, type: node.type, source: text.slice(node.start, node.end)};
	if (node.kind === 'seq') return node.items.map((item) => meaning(text, item));
	return node.entries.map((entry) => [entry.key, meaning(text, entry.value)]);
}

const library = (text: string) => parseWithYamlLibrary(text, yamlLibrary);

describe('fast scanner', () => {
	it('reads the kubeconfig shape kubectl writes', () => {
		const text = 'apiVersion: v1\nclusters:\n- cluster:\n    server: https://x:6443\n  name: a\ncontexts: []\ncurrent-context: "a"\nkind: Config\npreferences: {}\nusers: null\n';
		const scanned = scanKubeconfigYaml(text);
		expect(scanned).toBeDefined();
		expect(meaning(text, scanned!.root)).toEqual(meaning(text, library(text).root));
	});

	it('types plain scalars the way go-yaml v2 does', () => {
		const text = 'a: yes\nb: "yes"\nc: 012\nd: 0x1F\ne: 1e3\nf: ~\ng: 1.2.3\nh: 2001-12-14\ni: On\nj: .inf\n';
		const root = scanKubeconfigYaml(text)!.root;
		const types = root?.kind === 'map' ? root.entries.map((entry) => (entry.value?.kind === 'scalar' ? entry.value.type : '')) : [];
		expect(types).toEqual(['bool', 'string', 'int', 'int', 'float', 'null', 'string', 'string', 'bool', 'float']);
	});

	it('keeps CRLF and stops at the second document', () => {
		const text = 'current-context: a\r\nkind: Config\r\n---\r\nother: doc\r\n';
		const scanned = scanKubeconfigYaml(text)!;
		expect(scanned.lineBreak).toBe('\r\n');
		expect(text.slice(scanned.documentEnd)).toBe('---\r\nother: doc\r\n');
		expect(meaning(text, scanned.root)).toEqual(meaning(text, library(text).root));
	});

	it.each([
		['flow mapping', 'a: {b: c}\n'],
		['anchor', 'a: &x b\nc: *x\n'],
		['block scalar', 'a: |\n  text\n'],
		['tag', 'a: !!str yes\n'],
		['multi-line plain', 'a: one\n  two\n'],
		['tab indentation', 'a:\n\tb: c\n'],
		['quoted key', '"a": b\n'],
	])('hands %s to the full parser', (_name, text) => {
		expect(scanKubeconfigYaml(text)).toBeUndefined();
	});

	it('never disagrees with the yaml library on generated kubeconfigs', () => {
		fc.assert(
			fc.property(kubeconfigText(), (text) => {
				const scanned = scanKubeconfigYaml(text);
				if (!scanned) return;
				const full = library(text);
				expect(meaning(text, scanned.root)).toEqual(meaning(text, full.root));
				expect(scanned.documentEnd).toBe(full.documentEnd);
			}),
			{numRuns: 400},
		);
	});

	it('takes the fast path for the generated shapes most of the time', () => {
		const samples = fc.sample(kubeconfigText(), 200);
		const scanned = samples.filter((text) => scanKubeconfigYaml(text)).length;
		expect(scanned / samples.length).toBeGreaterThan(0.5);
	});
});
