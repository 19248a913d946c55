import {describe, expect, it} from 'vitest';
import {naturalOrder} from '../../source/terminal/natural-order.ts';

describe('natural order', () => {
	it('ignores case and orders numbers by value, leading zeros aside', () => {
		expect(naturalOrder(['ctx-10', 'ctx-2', 'Ctx-1', 'a', 'ctx-02b'])).toEqual(['a', 'Ctx-1', 'ctx-2', 'ctx-02b', 'ctx-10']);
	});
});
