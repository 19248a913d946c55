import {describe, expect, it} from 'vitest';
import {defaultFile, selectKubeconfigFiles} from '../../source/kubeconfig/paths.ts';

const select = (env: Record<string, string | undefined>, flag?: string) => selectKubeconfigFiles({flag, env: {HOME: '/home/me', ...env}, cwd: '/work'});

describe('choosing kubeconfig files like client-go', () => {
	it('prefers --kubeconfig, without splitting it on ":"', () => {
		expect(select({KUBECONFIG: '/a'}, '/x:/y').precedence).toEqual(['/x:/y']);
	});

	it('splits KUBECONFIG, drops exact duplicates and keeps empty entries', () => {
		expect(select({KUBECONFIG: '/a::/b:/a:./c'}).precedence).toEqual(['/a', '', '/b', './c']);
	});

	it('treats an empty KUBECONFIG as unset, but not ":"', () => {
		expect(select({KUBECONFIG: ''}).precedence).toEqual(['/home/me/.kube/config']);
		expect(select({KUBECONFIG: ':'}).precedence).toEqual(['']);
	});

	it('uses only HOME, relative to the working directory when unset', () => {
		expect(selectKubeconfigFiles({env: {}, cwd: '/work'}).precedence).toEqual(['.kube/config']);
	});

	it('writes current-context where kubectl does (R11)', () => {
		const existing = new Set(['/b', '/c']);
		const exists = (file: string) => existing.has(file);
		expect(defaultFile(select({}, '/flag'), exists)).toBe('/flag');
		expect(defaultFile(select({KUBECONFIG: '/missing'}), exists)).toBe('/missing');
		expect(defaultFile(select({KUBECONFIG: '/a:/b:/c'}), exists)).toBe('/b');
		expect(defaultFile(select({KUBECONFIG: '/x:/y'}), exists)).toBe('/y');
		expect(defaultFile(select({}), exists)).toBe('/home/me/.kube/config');
	});
});
