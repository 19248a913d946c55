import {describe, expect, it} from 'vitest';
import {createListState, listReducer, prepareForFiltering, selectedItem, visibleMatches, type ListAction, type ListState} from '../../source/ui/list-state.ts';
import {truncateMiddle, looksLikeProduction} from '../../source/ui/truncate.ts';
import {appReducer, contextItems, createAppState} from '../../source/ui/app-state.ts';

const items = Array.from({length: 100}, (_, index) => ({key: `ctx-${index}`, label: `ctx-${index}`, search: [`ctx-${index}`, `cluster-${index % 7}`]}));
const run = (state: ListState, ...actions: ListAction[]) => actions.reduce(listReducer, state);

describe('the list reducer', () => {
	it('keeps the selection inside a window of the given height', () => {
		const state = run(createListState(items, 10), {type: 'move', by: 15});
		expect(state.selected).toBe(15);
		expect(state.offset).toBe(6);
		expect(visibleMatches(state)).toHaveLength(10);
		expect(run(state, {type: 'page', by: 20}).selected).toBe(99);
		expect(run(state, {type: 'move', by: -100})).toMatchObject({selected: 0, offset: 0});
	});

	it('filters fuzzily as the query grows, over extra search text, and highlights only label characters', () => {
		const state = run(createListState(items, 10), {type: 'type', text: 'ctx-4'}, {type: 'type', text: '2'});
		expect(selectedItem(state)?.key).toBe('ctx-42');
		expect(visibleMatches(state)[0]!.indexes).toEqual([0, 1, 2, 3, 4, 5]);
		expect(run(createListState(items, 10), {type: 'type', text: 'cluster-3'}).matches.every((item) => item.search.includes('cluster-3'))).toBe(true);
		// A query must fit inside one field: "x4c" would only match across the name and the cluster.
		expect(run(createListState(items, 10), {type: 'type', text: 'x4c'}).matches).toHaveLength(0);
		expect(run(state, {type: 'backspace'}, {type: 'backspace'}).query).toBe('ctx-');
		expect(run(state, {type: 'clear'}).matches).toHaveLength(100);
	});

	it('keeps the selected entry when the items are replaced, and follows a resize', () => {
		const state = run(createListState(items, 10, 'ctx-50'), {type: 'items', items: [...items].reverse()});
		expect(selectedItem(state)?.key).toBe('ctx-50');
		expect(run(state, {type: 'resize', height: 3}).offset).toBeGreaterThanOrEqual(state.selected - 2);
	});

	it('takes a resize to the height it has as no change, in the list and in the app, so nothing renders again', () => {
		const state = createListState(items, 10);
		expect(run(state, {type: 'resize', height: 10})).toBe(state);
		const app = appReducer(createAppState(24), {type: 'loaded', list: {names: ['a', 'b'], current: 'a', recent: []}});
		expect(appReducer(app, {type: 'resize', height: 24})).toBe(app);
		expect(appReducer(app, {type: 'resize', height: 12}).lists.contexts.height).toBe(12);
	});
});

describe('names on screen', () => {
	it('cut in the middle, keeping both ends of EKS and GKE names', () => {
		expect(truncateMiddle('arn:aws:eks:us-east-1:123456789012:cluster/payments-prod', 30)).toBe('arn:aws:eks:us-…/payments-prod');
		expect(truncateMiddle('short', 30)).toBe('short');
		expect([...truncateMiddle('ääääääääää', 5)]).toHaveLength(5);
	});

	it('flag production-looking names', () => {
		expect(['prod', 'eu-prd-1', 'gke_x_production', 'arn:…/payments-prod'].every(looksLikeProduction)).toBe(true);
		expect(['product-catalog', 'staging', 'produce'].some(looksLikeProduction)).toBe(false);
	});
});

describe('preparing a list for matching', () => {
	it('goes in slices, can stop, and changes no answer', async () => {
		const prepared = items.map((item) => ({...item, search: [...item.search, 'Café-Prod']}));
		let pauses = 0;
		await prepareForFiltering(prepared, async () => void pauses++, () => false);
		expect(pauses).toBeGreaterThan(0);
		let stopped = 0;
		await prepareForFiltering(items, async () => void stopped++, () => stopped > 0);
		expect(stopped).toBe(1);
		for (const query of ['c', 'cafe', 'ctx-1 cl-3', 'prod']) {
			const fresh = prepared.map((item) => ({...item, search: [...item.search]}));
			expect(run(createListState(prepared, 10), {type: 'type', text: query}).matches.map((item) => item.key)).toEqual(run(createListState(fresh, 10), {type: 'type', text: query}).matches.map((item) => item.key));
		}
	});
});

describe('the contexts list', () => {
	it('puts history-ranked contexts first, then the rest in natural order', () => {
		const items = contextItems({names: ['b-10', 'b-9', 'gone-from-history', 'a'], current: 'b-9', recent: ['b-9', 'vanished', 'a']});
		expect(items.map((item) => item.key)).toEqual(['b-9', 'a', 'b-10', 'gone-from-history']);
	});
});
