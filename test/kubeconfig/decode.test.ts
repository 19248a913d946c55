import {describe, expect, it} from 'vitest';
import {KubeconfigFileError} from '../../source/errors/kubehop-error.ts';
import {decodeKubeconfig} from '../../source/kubeconfig/decode.ts';
import {scanKubeconfigYaml} from '../../source/kubeconfig/scan.ts';

const decode = (text: string) => decodeKubeconfig(scanKubeconfigYaml(text)!.root, '/home/me/.kube/config');

function errorOf(text: string): KubeconfigFileError {
	try {
		decode(text);
	} catch (error) {
		if (error instanceof KubeconfigFileError) return error;
		throw error;
	}

	throw new Error('expected the file to be refused');
}

const context = (namespace: string) => `contexts:\n- context:\n    cluster: c\n    namespace: ${namespace}\n    user: u\n  name: dev\n`;

describe('decoding like kubectl', () => {
	it.each(['yes', 'on', 'y', 'No', '123', '0x1F', '1e3', '012', 'true'])('refuses an unquoted %s as a namespace, naming the file and field', (value) => {
		const error = errorOf(context(value));
		expect(error.message).toContain('"/home/me/.kube/config"');
		expect(error.message).toContain('contexts[0].context.namespace');
		expect(error.message).toContain('line 4');
	});

	it.each(['"yes"', "'on'", '2001-12-14', 'dev-1', '~'])('accepts %s as a namespace', (value) => {
		expect(() => decode(context(value))).not.toThrow();
	});

	it('refuses a duplicate name inside one file', () => {
		const text = 'contexts:\n- context: {}\n  name: a\n- context: {}\n  name: a\n';
		expect(errorOf(text).message).toMatch(/contexts\[1\]\.name.*duplicate name "a"/);
	});

	it('refuses a string where kubectl wants a boolean, and bad base64', () => {
		expect(errorOf('clusters:\n- cluster:\n    insecure-skip-tls-verify: "true"\n  name: c\n').message).toContain('insecure-skip-tls-verify');
		expect(errorOf('clusters:\n- cluster:\n    certificate-authority-data: not*base64\n  name: c\n').message).toContain('base64');
	});

	it('accepts YAML 1.1 booleans in boolean fields and ignores unknown fields', () => {
		const config = decode('clusters:\n- cluster:\n    insecure-skip-tls-verify: yes\n    x-vendor: 12\n  name: c\n');
		expect(config.sections.clusters.items[0]!.data['insecure-skip-tls-verify']).toBe(true);
	});

	it('treats an explicit empty current-context as unset', () => {
		expect(decode('current-context: ""\n').currentContext).toBe('');
	});

	it('refuses a list at the top level', () => {
		expect(errorOf('- a\n').message).toContain('top level');
	});
});

describe('YAML merge keys, as go-yaml applies them', () => {
	it('fills a context from a merged anchor, with explicit keys winning', async () => {
		const {parseWithYamlLibrary} = await import('../../source/kubeconfig/parse.ts');
		const yaml = await import('yaml');
		const text = 'contexts:\n- name: one\n  context: &base\n    cluster: c1\n    namespace: base\n- name: two\n  context:\n    <<: *base\n    namespace: mine\n';
		const config = decodeKubeconfig(parseWithYamlLibrary(text, yaml).root, 'f');
		expect(config.sections.contexts.items[1]!.data).toEqual({cluster: 'c1', namespace: 'mine'});
	});
});
