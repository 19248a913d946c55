import {createHash} from 'node:crypto';
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {sha256Hex} from '../../source/kubeconfig/sha256.ts';

const nodeSha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('sha256Hex', () => {
	it('equals node:crypto at the padding boundaries and on non-ASCII text', () => {
		for (const length of [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1000]) expect(sha256Hex('a'.repeat(length))).toBe(nodeSha256('a'.repeat(length)));
		for (const text of ['/home/jürgen/.kube/config:/etc/kube/prod.yaml', '😀'.repeat(40), 'C:\\Users\\x\\.kube\\config']) expect(sha256Hex(text)).toBe(nodeSha256(text));
	});

	it('equals node:crypto on any string', () => {
		fc.assert(fc.property(fc.string({unit: 'binary', maxLength: 300}), (text) => sha256Hex(text) === nodeSha256(text)), {numRuns: 500});
	});
});
