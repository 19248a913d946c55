import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {contentDigest} from '../../source/kubeconfig/content-digest.ts';

// The digest stands in for the file's bytes in the kubeconfig index and the certificate report cache:
// it must change with any byte and with the length, and not depend on how the bytes are split.

const bytes = (length: number, seed: number) => Uint8Array.from({length}, (_, index) => (index * 31 + seed * 17 + (index >> 8)) & 0xff);

describe('contentDigest', () => {
	it('is 128 bits in hex, and the same for the same bytes', () => {
		const text = Buffer.from('apiVersion: v1\nkind: Config\ncurrent-context: a\n');
		expect(contentDigest(text)).toMatch(/^[\da-f]{32}$/);
		expect(contentDigest(text)).toBe(contentDigest(Buffer.from(text)));
		expect(contentDigest()).toBe(contentDigest(new Uint8Array(0)));
	});

	it('does not depend on how the bytes are split into pieces, across its 64 KiB window too', () => {
		fc.assert(
			fc.property(fc.constantFrom(0, 1, 7, 8, 9, 100, 65_535, 65_536, 65_537, 140_000), fc.nat(1000), fc.array(fc.nat(), {maxLength: 4}), (length, seed, cuts) => {
				const whole = bytes(length, seed);
				const points = [...new Set(cuts.map((cut) => cut % (length + 1)))].sort((a, b) => a - b);
				const pieces = [0, ...points].map((start, index) => whole.subarray(start, [...points, length][index]));
				expect(contentDigest(...pieces)).toBe(contentDigest(whole));
			}),
			{numRuns: 200},
		);
	});

	it('changes with any one byte, in any window, and with trailing zero bytes', () => {
		fc.assert(
			fc.property(fc.constantFrom(1, 8, 15, 64, 1000, 65_536, 70_000, 140_000), fc.nat(), fc.integer({min: 1, max: 255}), (length, at, change) => {
				const original = bytes(length, 3);
				const changed = Uint8Array.from(original);
				changed[at % length] = changed[at % length]! ^ change;
				expect(contentDigest(changed)).not.toBe(contentDigest(original));
			}),
			{numRuns: 300},
		);
		for (const text of ['', 'a', 'abcdefg', 'abcdefgh']) {
			expect(contentDigest(Buffer.from(`${text}\0`))).not.toBe(contentDigest(Buffer.from(text)));
		}
	});

	it('gives different digests to many similar files', () => {
		const seen = new Set<string>();
		for (let index = 0; index < 20_000; index++) seen.add(contentDigest(Buffer.from(`current-context: ctx-${index}\n`)));
		expect(seen.size).toBe(20_000);
	});
});
