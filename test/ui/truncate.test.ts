import stringWidth from 'string-width';
import {describe, expect, it} from 'vitest';
import {truncateResource} from '../../source/ui/access-layout.ts';
import {padTo, textWidth, truncateEnd, truncateMiddle, truncateStart} from '../../source/ui/truncate.ts';

// Widths are terminal columns: a Korean, Chinese or Japanese character takes two. Cut or padded by
// characters, a name in Hangul ran its row into the next line and garbled the pane.

const korean = '운영-클러스터-서울-리전-프로덕션';

describe('names in terminal columns', () => {
	it('measures wide characters as two columns, as the terminal and Ink do', () => {
		expect(textWidth('dev')).toBe(3);
		expect(textWidth(korean)).toBe(stringWidth(korean));
		expect(textWidth('클러스터')).toBe(8);
		expect(padTo('클러스터', 10)).toBe('클러스터  ');
		expect(padTo('dev', 2)).toBe('dev');
	});

	it('never cuts to more columns than asked, whatever the characters', () => {
		for (const text of [korean, `arn:aws:eks:${korean}`, 'ääääääääää', 'a클b러c스d터e']) {
			for (let width = 0; width <= textWidth(text) + 2; width++) {
				for (const cut of [truncateMiddle, truncateEnd, truncateStart]) {
					const shown = cut(text, width);
					expect(textWidth(shown), `${cut.name}(${text}, ${width})`).toBeLessThanOrEqual(width);
					// At most one column short: a wide character that would not fit is left out whole.
					if (textWidth(text) > width && width > 1) expect(textWidth(shown)).toBeGreaterThanOrEqual(width - 1);
				}
			}
		}

		expect(truncateMiddle(korean, 12)).toBe('운영-클…덕션');
		expect(truncateEnd(korean, 9)).toBe('운영-클…');
		expect(truncateStart(korean, 9)).toBe('…프로덕션');
		expect(truncateResource('클러스터들.example.com/상태', 16)).toBe('클러스터들…/상태');
	});
});
