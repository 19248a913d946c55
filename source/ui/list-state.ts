import fuzzysort from 'fuzzysort';

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
	matches: readonly Match[];
	/** How many items match; `matches` keeps only the best `matchLimit` of them. */
	total: number;
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
	return select(filter({items, query: '', matches: [], total: 0, selected: 0, offset: 0, height: Math.max(1, height)}, items), selectedKey);
}

export function listReducer(state: ListState, action: ListAction): ListState {
	switch (action.type) {
		case 'items':
			return select(filter({...state, items: action.items}, action.items), action.keepKey ?? state.matches[state.selected]?.item.key);
		case 'type':
			// A longer query only narrows: search the previous matches (when none were cut off), not everything again.
			return scrollTo(filter({...state, query: state.query + action.text}, state.total > state.matches.length ? state.items : state.matches.map((match) => match.item)), 0);
		case 'backspace':
			return state.query === '' ? state : scrollTo(filter({...state, query: [...state.query].slice(0, -1).join('')}, state.items), 0);
		case 'clear':
			return scrollTo(filter({...state, query: ''}, state.items), 0);
		case 'move':
			return scrollTo(state, state.selected + action.by);
		case 'page':
			return scrollTo(state, state.selected + action.by * state.height);
		case 'resize':
			return scrollTo({...state, height: Math.max(1, action.height)}, state.selected);
	}
}

/** Enough to scroll through; sorting 10,000 fuzzy results on every key would cost more than a frame. */
export const matchLimit = 1000;

const fieldKeys = Array.from({length: 8}, (_, index) => (item: ListItem) => item.search[index] ?? '');

function filter(state: ListState, candidates: readonly ListItem[]): ListState {
	if (state.query === '') return {...state, matches: state.items.map((item) => ({item, indexes: []})), total: state.items.length};
	const fields = Math.max(1, ...candidates.slice(0, 1).map((item) => item.search.length));
	const results = fuzzysort.go(state.query, candidates, {keys: fieldKeys.slice(0, fields), limit: matchLimit});
	return {
		...state,
		matches: results.map((result) => ({item: result.obj, indexes: result[0] && result[0].score > 0 ? [...result[0].indexes] : []})),
		total: results.total,
	};
}

/** Prepares every item's fields for matching, so the first keystroke does not pay for it. */
export function prepareForFiltering(items: readonly ListItem[]): void {
	const fields = Math.max(1, ...items.slice(0, 1).map((item) => item.search.length));
	fuzzysort.go('\u0000', items, {keys: fieldKeys.slice(0, fields), limit: 1});
}

function select(state: ListState, key: string | undefined): ListState {
	const index = key === undefined ? 0 : state.matches.findIndex((match) => match.item.key === key);
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

export function visibleMatches(state: ListState): readonly Match[] {
	return state.matches.slice(state.offset, state.offset + state.height);
}

export function selectedItem(state: ListState): ListItem | undefined {
	return state.matches[state.selected]?.item;
}
