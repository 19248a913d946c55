// Every key kubehop's UI understands, as data: the input handlers, the footer and the `?` overlay are
// all generated from this list, so a key cannot work without being documented, or the reverse.

export type Scope = 'help' | 'global' | 'list' | 'contexts' | 'history' | 'access' | 'certificates' | 'api' | 'console';

export type KeyEvent = {
	input: string;
	upArrow: boolean;
	downArrow: boolean;
	leftArrow: boolean;
	rightArrow: boolean;
	pageUp: boolean;
	pageDown: boolean;
	return: boolean;
	escape: boolean;
	ctrl: boolean;
	tab: boolean;
	shift: boolean;
	backspace: boolean;
	delete: boolean;
};

export type Binding = {
	action: Action;
	scope: Scope;
	description: string;
	/** A word or two for the footer; bindings without one appear only in the `?` overlay. */
	hint?: string;
	/** Changes or removes something: asks for confirmation first. */
	dangerous?: boolean;
	matches: (key: KeyEvent, filterEmpty: boolean) => boolean;
};

export type Action =
	| 'quit'
	| 'help'
	| 'close-help'
	| 'next-pane'
	| 'previous-pane'
	| 'up'
	| 'down'
	| 'page-up'
	| 'page-down'
	| 'select'
	| 'previous'
	| 'clear-filter'
	| 'jump'
	| 'rename'
	| 'delete'
	| 'column-left'
	| 'column-right'
	| 'explain'
	| 'only-with-access'
	| 'access-namespace'
	| 'refresh'
	| 'all-contexts'
	| 'raw-get'
	| 'get-selected'
	| 'console-up'
	| 'console-down'
	| 'console-page-up'
	| 'console-page-down'
	| 'console-close';

export const keymap: readonly Binding[] = [
	// With the help open, Esc, q and ? close it: none of them quits the app from there.
	{action: 'close-help', scope: 'help', description: 'close this help', hint: 'close', matches: (key) => !key.ctrl && (key.escape || key.input === 'q' || key.input === '?')},
	// The Access pane's keys come before the list's and the global ones: there ← and → move between verbs, and Enter explains a cell.
	{action: 'column-left', scope: 'access', description: 'previous verb', matches: (key) => key.leftArrow},
	{action: 'column-right', scope: 'access', description: 'next verb', matches: (key) => key.rightArrow},
	{action: 'explain', scope: 'access', description: 'why this cell (asks the server)', hint: 'why', matches: (key) => key.return},
	{action: 'only-with-access', scope: 'access', description: 'only rows with access', hint: 'only allowed', matches: (key) => key.ctrl && key.input === 'o'},
	{action: 'access-namespace', scope: 'access', description: 'another namespace', hint: 'namespace', matches: (key) => key.ctrl && key.input === 't'},
	{action: 'refresh', scope: 'access', description: 'ask again (no cache)', hint: 'refresh', matches: (key) => key.ctrl && key.input === 'r'},
	{action: 'all-contexts', scope: 'certificates', description: 'every context, or the current one', hint: 'all/current', matches: (key) => key.ctrl && key.input === 'a'},
	{action: 'refresh', scope: 'certificates', description: 'read and check again', hint: 'refresh', matches: (key) => key.ctrl && key.input === 'r'},
	{action: 'get-selected', scope: 'api', description: 'GET the selected group or resource through the proxy', hint: 'GET', matches: (key) => key.return},
	{action: 'raw-get', scope: 'api', description: 'GET any path through the proxy (read-only)', hint: 'GET path', matches: (key) => key.ctrl && key.input === 'g'},
	{action: 'refresh', scope: 'api', description: 'discover again', hint: 'refresh', matches: (key) => key.ctrl && key.input === 'r'},
	{action: 'console-up', scope: 'console', description: 'scroll up', matches: (key) => key.upArrow},
	{action: 'console-down', scope: 'console', description: 'scroll down', hint: 'scroll', matches: (key) => key.downArrow},
	{action: 'console-page-up', scope: 'console', description: 'page up', matches: (key) => key.pageUp},
	{action: 'console-page-down', scope: 'console', description: 'page down', matches: (key) => key.pageDown},
	{action: 'console-close', scope: 'console', description: 'close the answer', hint: 'close', matches: (key) => key.escape},
	{action: 'quit', scope: 'global', description: 'quit (Esc, q: with an empty filter)', hint: 'quit', matches: (key, empty) => (key.ctrl && key.input === 'c') || (empty && (key.escape || (!key.ctrl && key.input === 'q')))},
	{action: 'help', scope: 'global', description: 'this help (with an empty filter)', hint: 'help', matches: (key, empty) => empty && !key.ctrl && key.input === '?'},
	{action: 'next-pane', scope: 'global', description: 'next pane', hint: 'pane', matches: (key) => (key.tab && !key.shift) || key.rightArrow},
	{action: 'previous-pane', scope: 'global', description: 'previous pane', matches: (key) => (key.tab && key.shift) || key.leftArrow},
	{action: 'up', scope: 'list', description: 'move up', matches: (key) => key.upArrow || (key.ctrl && key.input === 'p')},
	{action: 'down', scope: 'list', description: 'move down', matches: (key) => key.downArrow || (key.ctrl && key.input === 'n')},
	{action: 'page-up', scope: 'list', description: 'one page up', matches: (key) => key.pageUp},
	{action: 'page-down', scope: 'list', description: 'one page down', matches: (key) => key.pageDown},
	{action: 'select', scope: 'list', description: 'switch to the selected entry', hint: 'switch', matches: (key) => key.return},
	{action: 'previous', scope: 'list', description: 'back to the previous one (empty filter)', hint: 'back', matches: (key, empty) => empty && !key.ctrl && key.input === '-'},
	// Ctrl-U as in a shell's line editor: the filter is a line being typed.
	{action: 'clear-filter', scope: 'list', description: 'clear the filter', matches: (key, empty) => !empty && (key.escape || (key.ctrl && key.input === 'u'))},
	// Like - and q, a digit typed into a filter is part of it: prod-2 and eu-west-1 must be findable.
	{action: 'jump', scope: 'history', description: 'jump to that entry of the history (empty filter)', matches: (key, empty) => empty && /^[1-9]$/.test(key.input) && !key.ctrl},
	{action: 'rename', scope: 'contexts', description: 'rename a context', dangerous: true, matches: (key) => key.ctrl && key.input === 'r'},
	{action: 'delete', scope: 'contexts', description: 'delete a context', dangerous: true, matches: (key) => key.ctrl && key.input === 'd'},
];

/** The first binding that applies to the key in these scopes, in keymap order. */
export function actionFor(key: KeyEvent, scopes: readonly Scope[], filterEmpty: boolean): Binding | undefined {
	return keymap.find((binding) => scopes.includes(binding.scope) && binding.matches(key, filterEmpty));
}

/** The footer's hints for these scopes: the bindings with one that some key reaches, with those keys (Ctrl as ^). */
export function footerHints(scopes: readonly Scope[]): Array<{keys: string; hint: string}> {
	return reachableBindings(scopes).flatMap(({binding, keys}) => (binding.hint ? [{keys: keys.map((label) => label.replace(/^Ctrl-/, '^')).join('/'), hint: binding.hint}] : []));
}

export const scopeTitles: Record<Scope, string> = {
	help: 'This help',
	global: 'Everywhere',
	list: 'Lists and the filter',
	contexts: 'Contexts',
	history: 'History',
	access: 'Access',
	certificates: 'Certificates',
	api: 'API',
	console: 'The answer',
};

/** The keys a person can press, as the help names them: each is tried against the keymap. */
const pressable: ReadonlyArray<{label: string; key: Partial<KeyEvent>}> = [
	{label: 'Tab', key: {tab: true}},
	{label: 'Shift-Tab', key: {tab: true, shift: true}},
	{label: '↑', key: {upArrow: true}},
	{label: '↓', key: {downArrow: true}},
	{label: '←', key: {leftArrow: true}},
	{label: '→', key: {rightArrow: true}},
	{label: 'PgUp', key: {pageUp: true}},
	{label: 'PgDn', key: {pageDown: true}},
	{label: 'Enter', key: {return: true}},
	{label: 'Esc', key: {escape: true}},
	...['q', '?', '-'].map((input) => ({label: input, key: {input}})),
	...'123456789'.split('').map((input) => ({label: '1–9', key: {input}})),
	...'abcdefghijklmnopqrstuvwxyz'.split('').map((letter) => ({label: `Ctrl-${letter.toUpperCase()}`, key: {ctrl: true, input: letter}})),
];

const noKey: KeyEvent = {input: '', upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageUp: false, pageDown: false, return: false, escape: false, ctrl: false, tab: false, shift: false, backspace: false, delete: false};

/**
 * The bindings of these scopes that some key reaches, in keymap order, each with the keys that reach it,
 * found by pressing every key against the keymap: where the Access pane takes ← for its verbs, ← does
 * not reach the previous pane. The footer and the help show keys from this, never from a label of their own.
 */
export function reachableBindings(scopes: readonly Scope[]): Array<{binding: Binding; keys: string[]}> {
	const key = scopes.join(' ');
	let found = reachableByScopes.get(key);
	if (!found) reachableByScopes.set(key, (found = pressEveryKey(scopes)));
	return found;
}

// The footer asks at every frame: each pane's few scopes are pressed through once.
const reachableByScopes = new Map<string, Array<{binding: Binding; keys: string[]}>>();

function pressEveryKey(scopes: readonly Scope[]): Array<{binding: Binding; keys: string[]}> {
	const reached = new Map<Binding, Set<string>>();
	for (const {label, key} of pressable) {
		for (const filterEmpty of [true, false]) {
			const binding = actionFor({...noKey, ...key}, scopes, filterEmpty);
			if (!binding) continue;
			if (!reached.has(binding)) reached.set(binding, new Set());
			reached.get(binding)!.add(label);
		}
	}

	return keymap.filter((binding) => reached.has(binding)).map((binding) => ({binding, keys: [...reached.get(binding)!]}));
}

export type HelpEntry = {keys: string; description: string; dangerous: boolean};

/** The help for a pane's scopes, a section per scope: the pane's own keys, then the list's, then the global ones. */
export function helpSections(scopes: readonly Scope[]): Array<{scope: Scope; title: string; entries: HelpEntry[]}> {
	const order: Scope[] = ['help', 'contexts', 'history', 'access', 'certificates', 'api', 'console', 'list', 'global'];
	const reachable = reachableBindings(scopes);
	return order
		.filter((scope) => scopes.includes(scope))
		.map((scope) => ({
			scope,
			title: scopeTitles[scope],
			entries: reachable.filter(({binding}) => binding.scope === scope).map(({binding, keys}) => ({keys: keys.join(' / '), description: binding.description, dangerous: Boolean(binding.dangerous)})),
		}))
		.filter((section) => section.entries.length > 0);
}
