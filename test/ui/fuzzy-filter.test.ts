import fc from 'fast-check';
import fuzzysort from 'fuzzysort';
import {describe, expect, it} from 'vitest';
import {fuzzyFilter, highlightedIndexes, narrows, wordScore} from '../../source/ui/fuzzy-filter.ts';

const entry = (...search: string[]) => ({search});
const labels = (query: string, items: Array<{search: string[]}>) => Array.from(fuzzyFilter(query, items), (position) => items[position]!.search[0]);

describe('the fuzzy filter', () => {
	it('ranks the whole name over a prefix, a prefix over a word start, that over scattered letters', () => {
		const items = ['kube-prod-eu', 'prod-eu', 'prod', 'p-r-o-d', 'staging'].map((name) => entry(name));
		expect(labels('prod', items)).toEqual(['prod', 'prod-eu', 'kube-prod-eu', 'p-r-o-d']);
		expect(labels('zzz', items)).toEqual([]);
		expect(wordScore('pd', 'prod')).toBeGreaterThan(0);
		expect(wordScore('dp', 'prod')).toBe(-1);
	});

	it('ranks a match in the name over one in another field', () => {
		const items = [entry('staging', 'eks-prod'), entry('prod-eu', 'gke'), entry('dev', 'kind')];
		expect(labels('prod', items)).toEqual(['prod-eu', 'staging']);
		// Even an exact match elsewhere (the user jane) ranks below a name that starts with the word, or has it at a word's start.
		const people = [entry('a-only', 'cluster-a', 'jane'), entry('jane@kubehop-local', 'kubehop-local', 'admin'), entry('team-jane-eu', 'c', 'bob')];
		expect(labels('jane', people)).toEqual(['jane@kubehop-local', 'team-jane-eu', 'a-only']);
	});

	it('needs every word somewhere, each inside one field, as fzf does', () => {
		const items = [entry('prod-eu', 'eks', 'config'), entry('prod-us', 'gke', 'work.yaml'), entry('staging', 'eks', 'config')];
		expect(labels('prod eks', items)).toEqual(['prod-eu']);
		expect(labels('prod work', items)).toEqual(['prod-us']);
		expect(labels('PROD Eks', items)).toEqual(['prod-eu']);
	});

	it('keeps the given order for equal scores, so recent entries stay first', () => {
		const items = ['ctx-b', 'ctx-a', 'ctx-c'].map((name) => entry(name));
		expect(labels('ctx', items)).toEqual(['ctx-b', 'ctx-a', 'ctx-c']);
	});

	it('matches exactly what fuzzysort matches, ignoring case and accents', () => {
		expect(labels('cafe', [entry('Café-prod')])).toEqual(['Café-prod']);
		const field = fc.stringMatching(/^[a-eA-E0-9 é._-]{0,12}$/);
		fc.assert(
			fc.property(fc.array(fc.array(field, {minLength: 1, maxLength: 3}), {maxLength: 30}), fc.stringMatching(/^[a-eA-E0-9é._-]{1,4}$/), (fields, word) => {
				const items = fields.map((search) => ({search}));
				const ours = new Set(fuzzyFilter(word, items));
				const theirs = items.flatMap((item, position) => (item.search.some((text) => fuzzysort.single(word, text)) ? [position] : []));
				expect([...ours].sort((a, b) => a - b)).toEqual(theirs);
			}),
		);
	});

	it('gives the same answer narrowing from the previous matches as searching everything', () => {
		const field = fc.stringMatching(/^[a-e0-9 -]{0,12}$/);
		fc.assert(
			fc.property(fc.array(fc.array(field, {minLength: 1, maxLength: 3}), {maxLength: 40}), fc.stringMatching(/^[a-e0-9-][a-e0-9 -]{0,3}$/), fc.stringMatching(/^[a-e0-9 -]{1,2}$/), (fields, query, more) => {
				const items = fields.map((search) => ({search}));
				expect(narrows(query, query + more)).toBe(true);
				expect(fuzzyFilter(query + more, items, fuzzyFilter(query, items))).toEqual(fuzzyFilter(query + more, items));
			}),
		);
	});

	it('answers a list that has seen other queries as it answers a fresh copy of it', () => {
		// Fields repeat from the row above (shared ids) and earlier words are remembered per string.
		const field = fc.constantFrom('', 'dev', 'de', 'default', 'prod-eu', 'eu-dev', 'a-b', 'b.a');
		fc.assert(
			fc.property(fc.array(fc.array(field, {minLength: 1, maxLength: 3}), {maxLength: 30}), fc.array(fc.stringMatching(/^[a-z.-]{1,4}( [a-z]{1,2})?$/), {minLength: 1, maxLength: 6}), (fields, queries) => {
				const items = fields.map((search) => ({search}));
				for (const query of queries) {
					const answer = fuzzyFilter(query, items);
					expect(answer).toEqual(fuzzyFilter(query, items.map((item) => ({search: [...item.search]}))));
					const words = query.split(' ').filter(Boolean);
					const theirs = items.flatMap((item, position) => (words.every((word) => item.search.some((text) => fuzzysort.single(word, text))) ? [position] : []));
					expect([...answer].sort((a, b) => a - b)).toEqual(theirs);
				}
			}),
		);
	});

	it('highlights the label characters each word matched', () => {
		expect(highlightedIndexes('pe', 'prod-eu')).toEqual([0, 5]);
		expect(highlightedIndexes('prod eu', 'prod-eu')).toEqual([0, 1, 2, 3, 5, 6]);
		expect(highlightedIndexes('zz', 'prod-eu')).toEqual([]);
	});
});
