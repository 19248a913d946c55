import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {naturalKey, naturalOrder} from '../../source/terminal/natural-order.ts';

describe('natural order', () => {
	it('ignores case and orders numbers by value, leading zeros aside', () => {
		expect(naturalOrder(['ctx-10', 'ctx-2', 'Ctx-1', 'a', 'ctx-02b'])).toEqual(['a', 'Ctx-1', 'ctx-2', 'ctx-02b', 'ctx-10']);
	});

	it('builds the key the plain definition does: lower case, digit runs without leading zeros padded to 20', () => {
		const definition = (name: string) => name.toLowerCase().replace(/\d+/g, (digits) => digits.replace(/^0+(?=\d)/, '').padStart(20, '0'));
		const piece = fc.oneof(fc.stringMatching(/^\d{1,25}$/), fc.stringMatching(/^0{1,4}\d{0,3}$/), fc.string({maxLength: 4}), fc.constantFrom('é', 'İ', '-', 'ß', '٣'));
		fc.assert(
			fc.property(fc.array(piece, {maxLength: 6}), (pieces) => {
				const name = pieces.join('');
				expect(naturalKey(name)).toBe(definition(name));
			}),
			{numRuns: 2000},
		);
	});
});
