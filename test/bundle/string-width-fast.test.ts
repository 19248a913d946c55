import {describe, expect, it} from 'vitest';
import stringWidth from 'string-width';
// @ts-expect-error: a plain JavaScript module of the bundle.
import measuredWidth, {narrowSymbols} from '../../source/bundle/string-width-fast.mjs';

describe('the string-width shortcut', () => {
	it('only claims one column for symbols string-width also measures as one', () => {
		for (const symbol of narrowSymbols) expect([symbol, stringWidth(symbol)]).toEqual([symbol, 1]);
	});

	it('measures everything else as string-width does', () => {
		const texts = ['plain ascii', '● ctx-1 …', '日本語', '👩‍💻 dev', '\u001B[31mred\u001B[39m', '\u001B[1m●\u001B[22m ctx', '\u001B[1m日本\u001B[22m', '\u001B]8;;x\u0007link', 'e\u0301', '✔ ok', '', 'tab\there'];
		for (const text of texts) {
			expect([text, measuredWidth(text)]).toEqual([text, stringWidth(text)]);
			for (const options of [{ambiguousIsNarrow: false}, {countAnsiEscapeCodes: true}]) expect([text, options, measuredWidth(text, options)]).toEqual([text, options, stringWidth(text, options)]);
		}
	});
});
