import {actionFor, type KeyEvent, type Scope} from './keymap.ts';
import {createListState, listReducer, selectedItem, type ListAction, type ListItem, type ListState} from './list-state.ts';
import type {MatrixRow} from '../access/matrix.ts';
import {defaultThresholds, probeRows, sortRows, type ContextCertificates} from '../certificates/fleet-rows.ts';
import type {ProbeResult} from '../certificates/tls-probe.ts';
import {certificateItems, rebuildRows, type CertificatesPane} from './certificates-state.ts';
import {apiEntries, apiItems, consoleLines, entryKey, entryPath, type ApiEntry, type ApiPane, type ApiView, type RawAnswer} from './api-state.ts';
import type {AccessView, CellAddress, ContextDetails, ContextList, HistoryEntry, NamespaceList} from './services.ts';
import {naturalOrder} from '../terminal/natural-order.ts';
import {stepNumbers} from '../history/previous-stack.ts';

// The whole app's state as one reducer: which pane has focus, the overlay, the status line, and each
// pane's list. Adding a pane means an entry in `panes`, a list here, and what Enter and `-` mean in it.

export const panes = [
	{id: 'contexts', title: 'Contexts', short: 'Ctx'},
	{id: 'namespaces', title: 'Namespaces', short: 'Ns'},
	{id: 'history', title: 'History', short: 'Hist'},
	{id: 'access', title: 'Access', short: 'Acc'},
	{id: 'certificates', title: 'Certificates', short: 'Cert'},
	{id: 'api', title: 'API', short: 'API'},
] as const;

export type PaneId = (typeof panes)[number]['id'];

/** Work the reducer asks for and the component carries out: IO never happens inside the reducer. */
export type Request = {id: number} & (
	| {kind: 'switch-context'; name: string}
	| {kind: 'previous-context'}
	| {kind: 'switch-namespace'; name: string}
	| {kind: 'previous-namespace'}
	| {kind: 'rename-context'; from: string; to: string}
	| {kind: 'delete-context'; name: string}
	| {kind: 'explain'; cell: CellAddress; key: string}
	| {kind: 'raw-get'; path: string}
	| {kind: 'quit'}
);

/** A question the app is waiting on: every other key goes to it until it is answered. */
export type Prompt = {kind: 'confirm-delete'; name: string} | {kind: 'rename'; name: string; value: string} | {kind: 'access-namespace'; value: string} | {kind: 'api-path'; value: string};

type RequestBody = Request extends infer R ? (R extends {id: number} ? Omit<R, 'id'> : never) : never;

/** The Access pane: `generation` asks for a fetch; `refresh` bypasses the cache for it. */
export type AccessStatus = {kind: 'loading'} | {kind: 'ready'; view: AccessView} | {kind: 'error'; message: string};

export type AccessPane = {
	status: AccessStatus;
	/** Undefined: the context's own namespace. */
	namespace: string | undefined;
	column: number;
	onlyWithAccess: boolean;
	generation: number;
	refresh: boolean;
	explanation: {key: string; text: string} | undefined;
};

export type NamespaceStatus = {kind: 'loading'} | {kind: 'ready'; verified: boolean; note?: string} | {kind: 'error'; message: string};

export type AppState = {
	pane: PaneId;
	request: Request | undefined;
	prompt: Prompt | undefined;
	help: boolean;
	status: {kind: 'info' | 'error'; text: string} | undefined;
	/** Why the kubeconfig, changed under the app, cannot be read now: what is on screen is from before. */
	kubeconfigProblem?: string;
	lists: Record<PaneId, ListState>;
	current: string;
	currentNamespace: string;
	details: ReadonlyMap<string, ContextDetails> | undefined;
	loading: boolean;
	namespaces: NamespaceStatus;
	/** Bumped on every context switch, so the namespace list is fetched again for the new context. */
	generation: number;
	access: AccessPane;
	certificates: CertificatesPane;
	api: ApiPane;
};

export type AppAction =
	| {type: 'loaded'; list: ContextList}
	| {type: 'details'; details: ReadonlyMap<string, ContextDetails>}
	| {type: 'namespaces'; list: NamespaceList; generation: number}
	| {type: 'namespaces-failed'; message: string; generation: number}
	| {type: 'history'; entries: readonly HistoryEntry[]}
	| {type: 'switched'; name: string}
	/**
	 * After kubehop's own rename or delete of `edited`: `generation` is the state's the files were read for
	 * (a switch since makes them older news, dropped).
	 */
	| {type: 'kubeconfig-changed'; list: ContextList; details: ReadonlyMap<string, ContextDetails>; generation?: number; edited?: string}
	| {type: 'kubeconfig-unreadable'; message: string}
	| {type: 'namespace-switched'; name: string}
	| {type: 'status'; kind: 'info' | 'error'; text: string}
	| {type: 'renamed'; from: string; to: string}
	| {type: 'deleted'; name: string}
	| {type: 'access'; view: AccessView; generation: number}
	| {type: 'access-failed'; message: string; generation: number}
	| {type: 'explained'; key: string; text: string}
	| {type: 'certificates'; contexts: readonly ContextCertificates[]; generation: number}
	| {type: 'certificate-probe'; key: string; probe: ProbeResult; generation: number}
	| {type: 'certificates-failed'; message: string; generation: number}
	| {type: 'api'; view: ApiView; generation: number}
	| {type: 'api-failed'; message: string; generation: number}
	| {type: 'api-answer'; path: string; answer?: RawAnswer; error?: string}
	| {type: 'focus'; by: number}
	| {type: 'resize'; height: number}
	| {type: 'key'; key: KeyEvent};

export function createAppState(height: number, pane: PaneId = 'contexts'): AppState {
	const empty = createListState([], height);
	return {
		pane,
		request: undefined,
		prompt: undefined,
		help: false,
		status: undefined,
		lists: {contexts: empty, namespaces: empty, history: empty, access: createListState([], accessRows(height)), certificates: createListState([], certificateRows(height)), api: createListState([], apiRows(height))},
		current: '',
		currentNamespace: '',
		details: undefined,
		loading: true,
		namespaces: {kind: 'loading'},
		generation: 0,
		access: {status: {kind: 'loading'}, namespace: undefined, column: 0, onlyWithAccess: false, generation: 0, refresh: false, explanation: undefined},
		certificates: {status: {kind: 'loading'}, allContexts: false, contexts: [], probes: new Map(), rows: [], generation: 0, now: new Date(), thresholds: defaultThresholds},
		api: {status: {kind: 'loading'}, generation: 0, refresh: false, console: undefined},
	};
}

/** The API pane keeps its filter line and five lines for the selected entry outside the tree. */
const apiRows = (height: number) => Math.max(1, height - 5);

function reloadApi(state: AppState, refresh: boolean): AppState {
	return {...state, api: {...state.api, refresh, console: undefined, status: {kind: 'loading'}, generation: state.api.generation + 1}};
}

export function selectedApiEntry(state: AppState): ApiEntry | undefined {
	if (state.api.status.kind !== 'ready') return undefined;
	const key = selectedItem(state.lists.api)?.key;
	return apiEntries(state.api.status.view).find((entry) => entryKey(entry) === key);
}

/**
 * The Certificates pane spends its filter, column heads and eight lines of checklist outside the rows;
 * on a short terminal the checklist gives way to one line of verdict (certificateChecklistShown).
 */
const certificateRows = (height: number) => (certificateChecklistShown(height) ? height - 9 : Math.max(1, height - 3));

/** Whether the app's list height leaves the Certificates pane room for its checklist and three rows. */
export const certificateChecklistShown = (height: number) => height >= 12;

function withCertificates(state: AppState, change: Partial<CertificatesPane>): AppState {
	const certificates = {...state.certificates, ...change};
	const rows = rebuildRows(certificates, (context, probe) => probeRows(context, probe, certificates.now, certificates.thresholds), sortRows);
	return withList({...state, certificates: {...certificates, rows}}, 'certificates', {type: 'items', items: certificateItems(rows)});
}

/** How old the Certificates pane's reading may be when the pane is shown again. */
const certificatesMaxAgeMs = 10 * 60_000;

function reloadCertificates(state: AppState, change: Partial<CertificatesPane>): AppState {
	return {...state, certificates: {...state.certificates, ...change, status: {kind: 'loading'}, probes: new Map(), generation: state.certificates.generation + 1, now: new Date()}};
}

/** The Access pane spends five lines on who, the filter, the column heads and the selected cell (two). */
const accessRows = (height: number) => Math.max(1, height - 4);

function accessItems(view: AccessView, onlyWithAccess: boolean): ListItem[] {
	const rows = onlyWithAccess ? view.matrix.rows.filter((row) => Object.values(row.cells).some((cell) => cell.state === 'allowed' || cell.state === 'limited')) : view.matrix.rows;
	return rows.map((row) => ({key: row.name, label: row.name, search: [row.name, row.kind, ...row.shortNames]}));
}

function sameContexts(state: AppState, names: readonly string[], details: ReadonlyMap<string, ContextDetails>): boolean {
	const items = state.lists.contexts.items;
	if (!state.details || items.length !== names.length || state.details.size !== details.size) return false;
	const shown = new Set(items.map((item) => item.key));
	if (!names.every((name) => shown.has(name))) return false;
	for (const [name, detail] of details) {
		const old = state.details.get(name);
		if (!old || (Object.keys(detail) as Array<keyof ContextDetails>).some((key) => String(old[key]) !== String(detail[key]))) return false;
	}

	return true;
}

/**
 * Changed elsewhere (kubectl, kubectx, an editor), or kubehop's own write seen again: what is on screen
 * follows the files, the filter and the order of the list stay as the user left them.
 */
function followKubeconfig(state: AppState, action: Extract<AppAction, {type: 'kubeconfig-changed'}>): AppState {
	const before = state.details?.get(state.current);
	const after = action.details.get(action.list.current);
	// Readable again after an edit that broke it: the error no longer holds.
	if (state.kubeconfigProblem) {
		const status = state.status?.kind === 'error' && state.status.text.endsWith(state.kubeconfigProblem) ? {kind: 'info' as const, text: 'The kubeconfig can be read again.'} : state.status;
		return followKubeconfig({...state, kubeconfigProblem: undefined, status}, action);
	}

	// The same names and places (kubehop's own write seen again, or only credentials changed): the list has
	// nothing to follow, and nothing to filter again (40 ms at 10,000 contexts).
	if (action.list.current === state.current && sameContexts(state, action.list.names, action.details)) return state;
	const {kept, added} = keptAndAdded(state, action.list.names);
	const items = [...kept.map((item) => item.key), ...added].map((name) => contextItem(name, action.details.get(name)));
	const next = withList({...state, details: action.details}, 'contexts', {type: 'items', items, keepKey: selectedItem(state.lists.contexts)?.key});
	if (action.list.current !== state.current) {
		const where = action.list.current ? `now "${action.list.current}"` : 'now none';
		return {...onContext(next, action.list.current), status: {kind: 'info', text: `The current context was changed outside kubehop: ${where}.`}};
	}

	// Before the first details arrived there is nothing to compare with: what they say is no news.
	if (!state.details) return next;
	// The same name may now point elsewhere (or, its definition deleted, at the one it shadowed in a later
	// file): every pane asks again, as after a switch.
	if ((!before && after) || (before && after && (before.cluster !== after.cluster || before.user !== after.user || before.server !== after.server || before.file !== after.file))) {
		return {...onContext(next, action.list.current), status: {kind: 'info', text: `Context "${action.list.current}" was changed outside kubehop.`}};
	}

	const namespace = after?.namespace || 'default';
	if (!after || namespace === state.currentNamespace) return next;
	const moved = {...next, currentNamespace: namespace, status: {kind: 'info' as const, text: `The namespace was changed outside kubehop: now "${namespace}".`}};
	return state.access.namespace === undefined ? reloadAccess(moved, {}) : moved;
}

/** The items listed now that `names` are still there, in their order on screen, and the new names, in natural order. */
function keptAndAdded(state: AppState, names: readonly string[]): {kept: ListItem[]; added: string[]} {
	const known = new Set(names);
	const shown = new Set(state.lists.contexts.items.map((item) => item.key));
	return {kept: state.lists.contexts.items.filter((item) => known.has(item.key)), added: naturalOrder(names.filter((name) => !shown.has(name)))};
}

/** The contexts listed as `names`, each kept where it is, new ones at the end; the details known win over `read`. */
function withContextNames(state: AppState, names: readonly string[], read: ReadonlyMap<string, ContextDetails>): AppState {
	const {kept, added} = keptAndAdded(state, names);
	const items = [...kept, ...added.map((name) => contextItem(name, state.details?.get(name) ?? read.get(name)))];
	return withList(state, 'contexts', {type: 'items', items, keepKey: selectedItem(state.lists.contexts)?.key});
}

/** A context renamed or deleted in one file may have shadowed one of the same name in a later file, which kubectl now uses. */
function withUncovered(state: AppState, {edited, details}: {edited?: string; details: ReadonlyMap<string, ContextDetails>}): AppState {
	const file = edited === undefined ? undefined : details.get(edited)?.file;
	return file ? {...state, status: {kind: 'info', text: `Context "${edited}" is now the one in ${file}, which it shadowed.`}} : state;
}

/** Every pane that depends on the current context asks again, for `name`: a new context has its own namespaces. */
function onContext(state: AppState, name: string): AppState {
	const namespace = state.details?.get(name)?.namespace || 'default';
	// The namespaces listed were the old context's cluster's: none is offered until the new ones arrive.
	const withoutNamespaces = withList(state, 'namespaces', {type: 'items', items: []});
	const switched = reloadAccess({...withoutNamespaces, current: name, currentNamespace: namespace, generation: state.generation + 1, namespaces: {kind: 'loading' as const}}, {namespace: undefined});
	const withCertificates = switched.certificates.allContexts ? switched : reloadCertificates(switched, {});
	// The API pane reads through a proxy for the current context: a new context is a new proxy.
	return withCertificates.api.status.kind === 'loading' && withCertificates.api.generation === 0 ? withCertificates : reloadApi(withCertificates, false);
}

/** Asks for the matrix again: for another namespace, a refresh, or a new context. */
function reloadAccess(state: AppState, change: Partial<AccessPane>): AppState {
	return {...state, access: {...state.access, refresh: false, explanation: undefined, ...change, status: {kind: 'loading'}, generation: state.access.generation + 1}};
}

export function accessRowOf(state: AppState): MatrixRow | undefined {
	const key = selectedItem(state.lists.access)?.key;
	return state.access.status.kind === 'ready' ? state.access.status.view.matrix.rows.find((row) => row.name === key) : undefined;
}

/** The contexts the history ranks (recent and frequent) first, in its order, then the rest in natural order. */
export function contextItems(list: ContextList, details?: ReadonlyMap<string, ContextDetails>): ListItem[] {
	const names = new Set(list.names);
	const recent = list.recent.filter((name) => names.has(name));
	const ranked = new Set(recent);
	const rest = naturalOrder(list.names.filter((name) => !ranked.has(name)));
	return [...recent, ...rest].map((name) => contextItem(name, details?.get(name)));
}

function contextItem(name: string, detail: ContextDetails | undefined): ListItem {
	const extra = detail ? [detail.cluster, detail.user, detail.namespace, hostOf(detail.server), baseName(detail.file)] : [];
	return {key: name, label: name, search: [name, ...extra]};
}

function baseName(file: string): string {
	return file.slice(file.lastIndexOf('/') + 1);
}

/** The host[:port] of a server URL; a regular expression, as 10,000 URL objects would cost a frame. */
function hostOf(server: string): string {
	return /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?([^/?#]*)/i.exec(server)?.[1] ?? server;
}

function historyItems(entries: readonly HistoryEntry[]): ListItem[] {
	return entries.map((entry, index) => ({key: `${index}`, label: entry.name, search: [entry.name], dim: !entry.exists, note: entry.at}));
}

/** Each history item's N, as `kubehop ctx -N` counts: by item key; none for the current context and gone ones. */
export function historySteps(items: readonly ListItem[], current: string): Map<string, number> {
	const gone = new Set(items.filter((item) => item.dim).map((item) => item.label));
	const numbers = stepNumbers(items.map((item) => ({name: item.label, at: ''})), (name) => !gone.has(name), current);
	return new Map(items.flatMap((item, index) => (numbers[index] === undefined ? [] : [[item.key, numbers[index]!] as const])));
}

export function activeList(state: AppState): ListState {
	return state.lists[state.pane];
}

function withList(state: AppState, pane: PaneId, action: ListAction): AppState {
	return {...state, lists: {...state.lists, [pane]: listReducer(state.lists[pane], action)}};
}

export function appReducer(state: AppState, action: AppAction): AppState {
	switch (action.type) {
		case 'loaded':
			return withList({...state, loading: false, current: action.list.current}, 'contexts', {type: 'items', items: contextItems(action.list), keepKey: action.list.current});
		case 'details': {
			// Keep the order already on screen; only the search text grows.
			const items = state.lists.contexts.items.map((item) => contextItem(item.key, action.details.get(item.key)));
			const withDetails = {...state, details: action.details, currentNamespace: action.details.get(state.current)?.namespace || 'default'};
			return withList(withDetails, 'contexts', {type: 'items', items});
		}

		case 'namespaces': {
			if (action.generation !== state.generation) return state;
			const items = action.list.names.map((name) => ({key: name, label: name, search: [name], dim: !action.list.verified}));
			const next = {...state, currentNamespace: action.list.current, namespaces: {kind: 'ready' as const, verified: action.list.verified, note: action.list.note}};
			return withList(next, 'namespaces', {type: 'items', items, keepKey: action.list.current});
		}

		case 'access': {
			if (action.generation !== state.access.generation) return state;
			const next = {...state, access: {...state.access, status: {kind: 'ready' as const, view: action.view}, column: Math.min(state.access.column, action.view.matrix.verbs.length - 1)}};
			return withList(next, 'access', {type: 'items', items: accessItems(action.view, state.access.onlyWithAccess)});
		}

		case 'access-failed':
			return action.generation === state.access.generation ? {...state, access: {...state.access, status: {kind: 'error', message: action.message}}} : state;
		case 'api':
			if (action.generation !== state.api.generation) return state;
			return withList({...state, api: {...state.api, status: {kind: 'ready', view: action.view}}}, 'api', {type: 'items', items: apiItems(action.view)});
		case 'api-failed':
			return action.generation === state.api.generation ? {...state, api: {...state.api, status: {kind: 'error', message: action.message}}} : state;
		case 'api-answer': {
			if (state.api.console?.path !== action.path) return state;
			const lines = action.answer ? consoleLines(action.answer) : [action.error ?? 'no answer'];
			return {...state, api: {...state.api, console: {path: action.path, answer: action.answer, error: action.error, lines, offset: 0}}};
		}

		case 'certificates':
			if (action.generation !== state.certificates.generation) return state;
			return withCertificates(state, {contexts: action.contexts, status: {kind: 'ready'}});
		case 'certificate-probe': {
			if (action.generation !== state.certificates.generation) return state;
			const probes = new Map(state.certificates.probes).set(action.key, action.probe);
			return withCertificates(state, {probes});
		}

		case 'certificates-failed':
			return action.generation === state.certificates.generation ? {...state, certificates: {...state.certificates, status: {kind: 'error', message: action.message}}} : state;
		case 'explained':
			return {...state, access: {...state.access, explanation: {key: action.key, text: action.text}}};
		case 'namespaces-failed':
			return action.generation === state.generation ? {...state, namespaces: {kind: 'error', message: action.message}} : state;
		case 'history':
			return withList(state, 'history', {type: 'items', items: historyItems(action.entries)});
		case 'switched': {
			// The query did its job; an empty filter makes `-` mean "back" again.
			const cleared = withList(state, state.pane, {type: 'clear'});
			return {...withList(onContext(cleared, action.name), 'contexts', {type: 'items', items: state.lists.contexts.items, keepKey: action.name}), status: {kind: 'info', text: `Switched to context "${action.name}".`}};
		}

		case 'kubeconfig-changed': {
			// Read after a rename or delete, but a switch has been made since: older than that switch and whatever
			// followed it (a namespace change), it adds and drops contexts in the list, and changes nothing else.
			if (action.generation !== undefined && action.generation !== state.generation) return withContextNames(state, action.list.names, action.details);
			const followed = withUncovered(followKubeconfig(state, action), action);
			// The Certificates pane's rows come from the files too: context names, and credentials that may
			// have been rotated under the same names. It reads again, unless following the change already
			// did; a read still in flight read the old files, and the new generation drops its answer.
			return followed.certificates !== state.certificates ? followed : reloadCertificates(followed, {});
		}

		case 'kubeconfig-unreadable':
			// kubectl fails on it too: said at once, not at the next switch.
			return {...state, kubeconfigProblem: action.message, status: {kind: 'error', text: `The kubeconfig cannot be read now: ${action.message}`}};
		case 'namespace-switched': {
			const next = {...withList(state, 'namespaces', {type: 'clear'}), currentNamespace: action.name, status: {kind: 'info' as const, text: `Active namespace is "${action.name}".`}};
			// A matrix that follows the context's namespace follows it here too.
			return state.access.namespace === undefined ? reloadAccess(next, {}) : next;
		}
		case 'status':
			return {...state, status: {kind: action.kind, text: action.text}};
		case 'renamed': {
			const items = state.lists.contexts.items.map((item) => (item.key === action.from ? {...item, key: action.to, label: action.to, search: [action.to, ...item.search.slice(1)]} : item));
			// The header and the preview read the context's details by name; the watcher passes over this write.
			const details = state.details && new Map([...state.details].map(([name, detail]) => [name === action.from ? action.to : name, detail]));
			const next = {...state, details, current: state.current === action.from ? action.to : state.current, status: {kind: 'info' as const, text: `Context "${action.from}" renamed to "${action.to}".`}};
			const renamed = withList(next, 'contexts', {type: 'items', items, keepKey: action.to});
			// Certificate rows carry their context's name: every context's, or the current one's.
			return renamed.certificates.allContexts || action.from === state.current ? reloadCertificates(renamed, {}) : renamed;
		}

		case 'deleted': {
			const items = state.lists.contexts.items.filter((item) => item.key !== action.name);
			const details = state.details && new Map([...state.details].filter(([name]) => name !== action.name));
			// As kubectl and kubectx leave it: current-context still names it, and nothing works until a switch.
			const status = action.name === state.current ? {kind: 'error' as const, text: `Deleted context ${action.name}, the current one: pick another before kubectl can work again.`} : {kind: 'info' as const, text: `Deleted context ${action.name}.`};
			return withList({...state, details, status}, 'contexts', {type: 'items', items});
		}

		case 'focus': {
			const index = panes.findIndex((pane) => pane.id === state.pane);
			const next = {...state, pane: panes[(index + action.by + panes.length) % panes.length]!.id};
			// Days left and severities are of the clock the pane was read at: an app left open for a day reads again.
			const stale = next.pane === 'certificates' && state.certificates.status.kind === 'ready' && Date.now() - state.certificates.now.getTime() > certificatesMaxAgeMs;
			return stale ? reloadCertificates(next, {}) : next;
		}

		case 'resize': {
			const lists = {
				contexts: listReducer(state.lists.contexts, {type: 'resize', height: action.height}),
				namespaces: listReducer(state.lists.namespaces, {type: 'resize', height: action.height}),
				history: listReducer(state.lists.history, {type: 'resize', height: action.height}),
				access: listReducer(state.lists.access, {type: 'resize', height: accessRows(action.height)}),
				certificates: listReducer(state.lists.certificates, {type: 'resize', height: certificateRows(action.height)}),
				api: listReducer(state.lists.api, {type: 'resize', height: apiRows(action.height)}),
			};
			// The same height (as on mount) is the same state: no second render of an unchanged frame.
			return (Object.keys(lists) as PaneId[]).every((pane) => lists[pane] === state.lists[pane]) ? state : {...state, lists};
		}
		case 'key':
			return keyReducer(state, action.key);
	}
}

/** The scopes whose keys apply now: with the help open, its own and the global ones (Tab still moves between panes). */
export function scopesOf(state: AppState): Scope[] {
	return state.help ? ['help', 'global'] : paneScopesOf(state);
}

/** The scopes of the pane shown, help or not: what the help lists. */
export function paneScopesOf(state: AppState): Scope[] {
	if (state.pane === 'access') return ['global', 'access', 'list'];
	if (state.pane === 'certificates') return ['global', 'certificates', 'list'];
	if (state.pane === 'api') return state.api.console ? ['global', 'console'] : ['global', 'api', 'list'];
	return state.pane === 'contexts' ? ['global', 'list', 'contexts'] : state.pane === 'history' ? ['global', 'list', 'history'] : ['global', 'list'];
}

/**
 * Keys are read against the state they arrive in, not the last frame: a fast typist's `-` or `q`
 * mid-query stays part of the query, and Enter takes the entry the query selects by then.
 */
function keyReducer(state: AppState, key: KeyEvent): AppState {
	if (state.prompt) return promptReducer(state, state.prompt, key);
	const list = (listAction: ListAction) => withList(state, state.pane, listAction);
	const request = (body: RequestBody): AppState => ({...state, request: {id: (state.request?.id ?? 0) + 1, ...body} as Request});
	// Over the API pane's answer no filter shows: q quits and ? helps, as the footer says, whatever the filter behind holds.
	const answerShown = state.pane === 'api' && state.api.console !== undefined;
	const binding = actionFor(key, scopesOf(state), answerShown || activeList(state).query === '');
	switch (binding?.action) {
		case 'quit':
			return request({kind: 'quit'});
		case 'help':
			return {...state, help: !state.help};
		case 'close-help':
			return {...state, help: false};
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
			const item = selectedItem(activeList(state));
			if (!item) return state;
			if (state.pane === 'namespaces') return request({kind: 'switch-namespace', name: item.key});
			return request({kind: 'switch-context', name: item.label});
		}

		case 'previous':
			return request(state.pane === 'namespaces' ? {kind: 'previous-namespace'} : {kind: 'previous-context'});
		case 'clear-filter':
			return list({type: 'clear'});
		case 'jump': {
			// The digit is the N of `-N` the pane shows, whatever the filter shows of the history.
			const steps = historySteps(state.lists.history.items, state.current);
			const entry = state.lists.history.items.find((item) => steps.get(item.key) === Number(key.input));
			return entry ? request({kind: 'switch-context', name: entry.label}) : state;
		}

		case 'column-left':
		case 'column-right': {
			const columns = state.access.status.kind === 'ready' ? state.access.status.view.matrix.verbs.length : 1;
			const column = Math.min(columns - 1, Math.max(0, state.access.column + (binding.action === 'column-left' ? -1 : 1)));
			return {...state, access: {...state.access, column}};
		}

		case 'explain': {
			const row = accessRowOf(state);
			const verb = state.access.status.kind === 'ready' ? state.access.status.view.matrix.verbs[state.access.column] : undefined;
			if (!row || !verb || state.access.status.kind !== 'ready') return state;
			const key = `${row.name}\u0000${verb}`;
			// Not a question for the server: an access review would only say "not allowed", which misleads.
			if (row.cells[verb]?.state === 'n/a') {
				const served = Object.keys(row.cells).filter((name) => row.cells[name]!.state !== 'n/a');
				return {...state, access: {...state.access, explanation: {key, text: `${verb} does not apply: discovery lists ${served.length > 0 ? `only ${served.join(', ')}` : 'none of these verbs'} for ${row.name}`}}};
			}

			const cell = {group: row.group, resource: row.resource, subresource: row.subresource, namespaced: row.namespaced, verb, namespace: state.access.status.view.matrix.namespace};
			return request({kind: 'explain', cell, key});
		}

		case 'only-with-access': {
			const onlyWithAccess = !state.access.onlyWithAccess;
			const next = {...state, access: {...state.access, onlyWithAccess}};
			return state.access.status.kind === 'ready' ? withList(next, 'access', {type: 'items', items: accessItems(state.access.status.view, onlyWithAccess)}) : next;
		}

		case 'access-namespace':
			return {...state, prompt: {kind: 'access-namespace', value: state.access.namespace ?? (state.access.status.kind === 'ready' ? state.access.status.view.matrix.namespace : state.currentNamespace)}};
		case 'refresh':
			if (state.pane === 'api') return reloadApi(state, true);
			return state.pane === 'certificates' ? reloadCertificates(state, {}) : reloadAccess(state, {refresh: true});
		case 'get-selected': {
			const entry = selectedApiEntry(state);
			if (!entry) return state;
			const path = entryPath(entry, state.currentNamespace || 'default');
			return {...state, api: {...state.api, console: {path, lines: [`GET ${path} …`], offset: 0}}, request: {id: (state.request?.id ?? 0) + 1, kind: 'raw-get', path}};
		}

		case 'raw-get': {
			const entry = selectedApiEntry(state);
			return {...state, prompt: {kind: 'api-path', value: entry ? entryPath(entry, state.currentNamespace || 'default') : '/api'}};
		}

		case 'console-up':
		case 'console-down':
		case 'console-page-up':
		case 'console-page-down': {
			const console = state.api.console;
			if (!console) return state;
			const page = Math.max(1, state.lists.api.height + 4);
			const by = {'console-up': -1, 'console-down': 1, 'console-page-up': -page, 'console-page-down': page}[binding.action];
			const offset = Math.max(0, Math.min(console.lines.length - page, console.offset + by));
			return {...state, api: {...state.api, console: {...console, offset}}};
		}

		case 'console-close':
			return {...state, api: {...state.api, console: undefined}};
		case 'all-contexts':
			return reloadCertificates(state, {allContexts: !state.certificates.allContexts});
		case 'rename':
		case 'delete': {
			// Destructive keys ask first (the keymap marks them dangerous).
			const name = selectedItem(state.lists.contexts)?.key;
			if (!name) return state;
			return {...state, prompt: binding.action === 'delete' ? {kind: 'confirm-delete', name} : {kind: 'rename', name, value: name}};
		}
		default:
			if (answerShown) return state;
			if (key.backspace || key.delete) return list({type: 'backspace'});
			// Typing goes to the filter, as in fzf.
			// eslint-disable-next-line no-control-regex
			if (key.input && !key.ctrl && !/[\u0000-\u001F\u007F]/.test(key.input)) return list({type: 'type', text: key.input});
			return state;
	}
}

function promptReducer(state: AppState, prompt: Prompt, key: KeyEvent): AppState {
	const request = (body: RequestBody): AppState => ({...state, prompt: undefined, request: {id: (state.request?.id ?? 0) + 1, ...body} as Request});
	const cancel = (): AppState => ({...state, prompt: undefined, status: {kind: 'info', text: 'Cancelled.'}});
	if (key.ctrl && key.input === 'c') return request({kind: 'quit'});
	if (prompt.kind === 'confirm-delete') return key.input === 'y' || key.input === 'Y' ? request({kind: 'delete-context', name: prompt.name}) : cancel();
	if (key.escape) return cancel();
	if (key.return && prompt.kind === 'api-path') {
		const path = prompt.value.trim().startsWith('/') ? prompt.value.trim() : `/${prompt.value.trim()}`;
		const next = {...state, prompt: undefined, api: {...state.api, console: {path, lines: [`GET ${path} …`], offset: 0}}};
		return {...next, request: {id: (state.request?.id ?? 0) + 1, kind: 'raw-get', path}};
	}

	if (key.return && prompt.kind === 'access-namespace') return prompt.value.trim() ? reloadAccess({...state, prompt: undefined}, {namespace: prompt.value.trim()}) : cancel();
	if (key.return && prompt.kind === 'rename') return prompt.value && prompt.value !== prompt.name ? request({kind: 'rename-context', from: prompt.name, to: prompt.value}) : cancel();
	if (key.backspace || key.delete) return {...state, prompt: {...prompt, value: [...prompt.value].slice(0, -1).join('')}};
	// eslint-disable-next-line no-control-regex
	if (key.input && !key.ctrl && !/[\u0000-\u001F\u007F]/.test(key.input)) return {...state, prompt: {...prompt, value: prompt.value + key.input}};
	return state;
}
