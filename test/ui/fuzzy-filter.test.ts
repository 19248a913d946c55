import fc from 'fast-check';
import fuzzysort from 'fuzzysort';
import {describe, expect, it} from 'vitest';
import {fuzzyFilter, highlightedIndexes, narrows} from '../../source/ui/fuzzy-filter.ts';

const entry = (...search: string[]) => ({search});

describe('the fuzzy filter', () => {
	it('matches what fuzzysort matches, field by field, the label ranking first', () => {
		const items = [entry('staging', 'eks-prod'), entry('prod-eu', 'gke'), entry('dev', 'kind')];
		expect(fuzzyFilter('prod', items).map((item) => item.search[0])).toEqual(['prod-eu', 'staging']);
		expect(fuzzyFilter('zzz', items)).toEqual([]);
	});

	it('needs every word somewhere, each inside one field, as fzf does', () => {
		const items = [entry('prod-eu', 'eks', 'config'), entry('prod-us', 'gke', 'work.yaml'), entry('staging', 'eks', 'config')];
		expect(fuzzyFilter('prod eks', items).map((item) => item.search[0])).toEqual(['prod-eu']);
		expect(fuzzyFilter('prod work', items).map((item) => item.search[0])).toEqual(['prod-us']);
	});

	it('keeps the given order for equal scores, so recent entries stay first', () => {
		const items = ['ctx-b', 'ctx-a', 'ctx-c'].map((name) => entry(name));
		expect(fuzzyFilter('ctx', items).map((item) => item.search[0])).toEqual(['ctx-b', 'ctx-a', 'ctx-c']);
	});

	it('gives the same answer narrowing from the previous matches as searching everything', () => {
		const field = fc.stringMatching(/^[a-e0-9 -]{0,12}$/);
		fc.assert(
			fc.property(fc.array(fc.array(field, {minLength: 1, maxLength: 3}), {maxLength: 40}), fc.stringMatching(/^[a-e0-9 -]{1,4}$/), fc.stringMatching(/^[a-e0-9 -]{1,2}$/), (fields, query, more) => {
				const items = fields.map((search) => ({search}));
				const before = fuzzyFilter(query, items);
				expect(narrows(query, query + more) || query.trim() === '').toBe(true);
				const narrowed = query.trim() === '' ? items : before;
				expect(fuzzyFilter(query + more, items, narrowed)).toEqual(fuzzyFilter(query + more, items));
				for (const item of before) expect(query.split(' ').filter(Boolean).every((word) => item.search.some((text) => fuzzysort.single(word, text)))).toBe(true);
			}),
		);
	});

	it('highlights the label characters each word matched', () => {
		expect(highlightedIndexes('pe', 'prod-eu')).toEqual([0, 5]);
		expect(highlightedIndexes('prod eu', 'prod-eu')).toEqual([0, 1, 2, 3, 5, 6]);
		expect(highlightedIndexes('zz', 'prod-eu')).toEqual([]);
	});
});
