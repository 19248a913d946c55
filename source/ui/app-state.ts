import {actionFor, type KeyEvent, type Scope} from './keymap.ts';
import {createListState, listReducer, selectedItem, type ListAction, type ListItem, type ListState} from './list-state.ts';
import type {ContextDetails, ContextList} from './services.ts';

// The whole app's state as one reducer: which pane has focus, the overlay, the status line, and each
// pane's list. Adding a pane means a new entry in `panes` and its own slice here.

export const panes = [{id: 'contexts', title: 'Contexts'}] as const;

export type PaneId = (typeof panes)[number]['id'];

/** Work the reducer asks for and the component carries out: IO never happens inside the reducer. */
export type Request = {id: number} & ({kind: 'switch'; name: string} | {kind: 'back'} | {kind: 'quit'});

export type AppState = {
	pane: PaneId;
	request: Request | undefined;
	help: boolean;
	status: {kind: 'info' | 'error'; text: string} | undefined;
	contexts: ListState;
	current: string;
	details: ReadonlyMap<string, ContextDetails> | undefined;
	loading: boolean;
};

export type AppAction =
	| {type: 'loaded'; list: ContextList}
	| {type: 'details'; details: ReadonlyMap<string, ContextDetails>}
	| {type: 'switched'; name: string}
	| {type: 'status'; kind: 'info' | 'error'; text: string}
	| {type: 'help'}
	| {type: 'focus'; by: number}
	| {type: 'list'; action: ListAction}
	| {type: 'key'; key: KeyEvent};

export function createAppState(height: number): AppState {
	return {pane: 'contexts', request: undefined, help: false, status: undefined, contexts: createListState([], height), current: '', details: undefined, loading: true};
}

/** Recent contexts first (the history's order), then the rest in natural order. */
export function contextItems(list: ContextList, details?: ReadonlyMap<string, ContextDetails>): ListItem[] {
	const recent = list.recent.filter((name) => list.names.includes(name));
	const rest = list.names.filter((name) => !recent.includes(name)).sort(naturalOrder);
	return [...recent, ...rest].map((name) => {
		const detail = details?.get(name);
		const extra = detail ? [detail.cluster, detail.user, detail.namespace, hostOf(detail.server), detail.file] : [];
		return {key: name, label: name, search: [name, ...extra].join(' ')};
	});
}

const collator = new Intl.Collator(undefined, {numeric: true});
const naturalOrder = (a: string, b: string) => collator.compare(a, b);

function hostOf(server: string): string {
	try {
		return new URL(server).host;
	} catch {
		return server;
	}
}

export function appReducer(state: AppState, action: AppAction): AppState {
	switch (action.type) {
		case 'loaded':
			return {...state, loading: false, current: action.list.current, contexts: listReducer(state.contexts, {type: 'items', items: contextItems(action.list), keepKey: action.list.current})};
		case 'details': {
			const list = {names: state.contexts.items.map((item) => item.key), current: state.current, recent: []};
			// Keep the order already on screen; only the search text grows.
			const items = state.contexts.items.map((item) => contextItems({...list, names: [item.key], recent: [item.key]}, action.details)[0]!);
			return {...state, details: action.details, contexts: listReducer(state.contexts, {type: 'items', items})};
		}

		case 'switched':
			// The query did its job; an empty filter makes `-` mean "back" again.
			return {...state, current: action.name, status: {kind: 'info', text: `Switched to context "${action.name}".`}, contexts: listReducer(listReducer(state.contexts, {type: 'clear'}), {type: 'items', items: state.contexts.items, keepKey: action.name})};
		case 'status':
			return {...state, status: {kind: action.kind, text: action.text}};
		case 'help':
			return {...state, help: !state.help};
		case 'focus': {
			const index = panes.findIndex((pane) => pane.id === state.pane);
			return {...state, pane: panes[(index + action.by + panes.length) % panes.length]!.id};
		}

		case 'list':
			return {...state, contexts: listReducer(state.contexts, action.action)};
		case 'key':
			return keyReducer(state, action.key);
	}
}

export function scopesOf(state: AppState): Scope[] {
	return ['global', 'list', state.pane];
}

/**
 * Keys are read against the state they arrive in, not the last frame: a fast typist's `-` or `q`
 * mid-query stays part of the query, and Enter takes the entry the query selects by then.
 */
function keyReducer(state: AppState, key: KeyEvent): AppState {
	const list = (listAction: ListAction) => ({...state, contexts: listReducer(state.contexts, listAction)});
	const request = (body: {kind: 'switch'; name: string} | {kind: 'back'} | {kind: 'quit'}): AppState => ({...state, request: {id: (state.request?.id ?? 0) + 1, ...body}});
	const binding = actionFor(key, scopesOf(state), state.contexts.query === '');
	switch (binding?.action) {
		case 'quit':
			return request({kind: 'quit'});
		case 'help':
			return {...state, help: !state.help};
		case 'next-pane':
			return appReducer(state, {type: 'focus', by: 1});
		case 'previous-pane':
			return appReducer(state, {type: 'focus', by: -1});
		case 'up':
			return list({type: 'move', by: -1});
		case 'down':
			return list({type: 'move', by: 1});
		case 'page-up':
			return list({type: 'page', by: -1});
		case 'page-down':
			return list({type: 'page', by: 1});
		case 'select': {
			const item = selectedItem(state.contexts);
			return item ? request({kind: 'switch', name: item.key}) : state;
		}

		case 'previous':
			return request({kind: 'back'});
		case 'clear-filter':
			return list({type: 'clear'});
		case 'rename':
		case 'delete':
			return {...state, status: {kind: 'info', text: `${binding.description}: for now use kubehop ctx ${binding.action === 'rename' ? 'NEW=OLD' : '-d NAME'}`}};
		default:
			if (key.backspace || key.delete) return list({type: 'backspace'});
			// Typing goes to the filter, as in fzf.
			// eslint-disable-next-line no-control-regex
			if (key.input && !key.ctrl && !/[\u0000-\u001F\u007F]/.test(key.input)) return list({type: 'type', text: key.input});
			return state;
	}
}
