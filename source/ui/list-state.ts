import {fuzzyFilter, highlightedIndexes, narrows, normaliseTargets} from './fuzzy-filter.ts';

// A filterable, scrollable list as a reducer: what the Contexts, Namespaces and History panes share.
// Only the window [offset, offset + height) is ever rendered.

/**
 * `search` holds what the filter matches, field by field, the label first: a query must fit inside one
 * field, so letters scattered across a cluster name and a file name do not make a match.
 */
export type ListItem = {key: string; label: string; search: readonly string[]; dim?: boolean; note?: string};

export type Match = {item: ListItem; indexes: readonly number[]};

export type ListState = {
	items: readonly ListItem[];
	query: string;
	/** Every item the query matches, best first. */
	matches: readonly ListItem[];
	/** The same, as positions in `items`: what a longer query narrows from. */
	matched: Int32Array;
	selected: number;
	offset: number;
	height: number;
};

export type ListAction =
	| {type: 'items'; items: readonly ListItem[]; keepKey?: string}
	| {type: 'type'; text: string}
	| {type: 'backspace'}
	| {type: 'clear'}
	| {type: 'move'; by: number}
	| {type: 'page'; by: number}
	| {type: 'resize'; height: number};

export function createListState(items: readonly ListItem[], height: number, selectedKey?: string): ListState {
	return select({items, query: '', ...filtered('', items), selected: 0, offset: 0, height: Math.max(1, height)}, selectedKey);
}

export function listReducer(state: ListState, action: ListAction): ListState {
	switch (action.type) {
		case 'items':
			return select({...state, items: action.items, ...filtered(state.query, action.items)}, action.keepKey ?? selectedItem(state)?.key);
		case 'type': {
			// A longer query only narrows: search the previous matches, not everything again.
			const query = state.query + action.text;
			return scrollTo({...state, query, ...filtered(query, state.items, narrows(state.query, query) ? state.matched : undefined)}, 0);
		}

		case 'backspace': {
			if (state.query === '') return state;
			const query = [...state.query].slice(0, -1).join('');
			return scrollTo({...state, query, ...filtered(query, state.items)}, 0);
		}

		case 'clear':
			return scrollTo({...state, query: '', ...filtered('', state.items)}, 0);
		case 'move':
			return scrollTo(state, state.selected + action.by);
		case 'page':
			return scrollTo(state, state.selected + action.by * state.height);
		case 'resize': {
			const height = Math.max(1, action.height);
			return height === state.height ? state : scrollTo({...state, height}, state.selected);
		}
	}
}

function filtered(query: string, items: readonly ListItem[], candidates?: Int32Array): Pick<ListState, 'matches' | 'matched'> {
	const matched = fuzzyFilter(query, items, candidates);
	if (query.trim() === '') return {matched, matches: items};
	const matches = new Array<ListItem>(matched.length);
	for (let index = 0; index < matched.length; index++) matches[index] = items[matched[index]!]!;
	return {matched, matches};
}

/**
 * Prepares every item's fields for matching, `pause` between slices so that keys are read meanwhile; a
 * key that comes first finds what is ready and does the rest. Stops early when `cancelled` says so.
 */
export async function prepareForFiltering(items: readonly ListItem[], pause: () => Promise<void>, cancelled: () => boolean): Promise<void> {
	// Not in the effect that starts it, and in slices of ~1 ms at 10,000 contexts: a key waits for one slice at most.
	await pause();
	let next: number | undefined = 0;
	while (next !== undefined && !cancelled()) {
		next = normaliseTargets(items, next, 1000);
		await pause();
	}
}

function select(state: ListState, key: string | undefined): ListState {
	const index = key === undefined ? 0 : state.matches.findIndex((item) => item.key === key);
	return scrollTo(state, Math.max(0, index));
}

function scrollTo(state: ListState, wanted: number): ListState {
	const last = state.matches.length - 1;
	const selected = last < 0 ? 0 : Math.min(Math.max(wanted, 0), last);
	let {offset} = state;
	if (selected < offset) offset = selected;
	if (selected >= offset + state.height) offset = selected - state.height + 1;
	offset = Math.max(0, Math.min(offset, Math.max(0, state.matches.length - state.height)));
	return {...state, selected, offset};
}

/** The rows on screen, with the label characters the query matched. */
export function visibleMatches(state: ListState): readonly Match[] {
	return state.matches.slice(state.offset, state.offset + state.height).map((item) => ({item, indexes: state.query ? highlightedIndexes(state.query, item.label) : []}));
}

export function selectedItem(state: ListState): ListItem | undefined {
	return state.matches[state.selected];
}
