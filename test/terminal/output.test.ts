import stringWidth from 'string-width';
import {describe, expect, it} from 'vitest';
import {columnsOf, padColumns} from '../../source/terminal/output.ts';

// The command line's tables count columns as the terminal does, without loading string-width on the
// scripted paths: wide scripts take two columns a character.

describe('table cells in terminal columns', () => {
	it('agrees with string-width on the scripts context names are written in', () => {
		for (const text of ['dev', 'arn:aws:eks:us-east-1:123456789012:cluster/prod', '운영-클러스터', '本番-クラスター', '生产集群', 'ｆｕｌｌｗｉｄｔｈ', 'café', 'ääkkönen', '🚀-prod']) {
			expect(columnsOf(text), text).toBe(stringWidth(text));
		}
	});

	it('pads a cell to its column, so the next column lines up', () => {
		expect(padColumns('운영', 6)).toBe('운영  ');
		expect(padColumns('dev', 6)).toBe('dev   ');
		expect(padColumns('운영-클러스터', 4)).toBe('운영-클러스터');
	});
});
