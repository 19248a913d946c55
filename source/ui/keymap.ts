// Every key kubehop's UI understands, as data: the input handlers, the footer and the `?` overlay are
// all generated from this list, so a key cannot work without being documented, or the reverse.

export type Scope = 'global' | 'list' | 'contexts' | 'history' | 'access' | 'certificates' | 'api' | 'console';

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
	/** What the footer and the overlay show for the key. */
	keys: string;
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
	// The Access pane's keys come first: there ← and → move between verbs, and Enter explains a cell.
	{action: 'column-left', scope: 'access', keys: '←', description: 'Access: previous verb', matches: (key) => key.leftArrow},
	{action: 'column-right', scope: 'access', keys: '→', description: 'Access: next verb', matches: (key) => key.rightArrow},
	{action: 'explain', scope: 'access', keys: 'Enter', description: 'Access: why is this cell so (asks the server)', hint: 'why', matches: (key) => key.return},
	{action: 'only-with-access', scope: 'access', keys: 'Ctrl-O', description: 'Access: only rows with access', hint: 'only allowed', matches: (key) => key.ctrl && key.input === 'o'},
	{action: 'access-namespace', scope: 'access', keys: 'Ctrl-T', description: 'Access: another namespace', hint: 'namespace', matches: (key) => key.ctrl && key.input === 't'},
	{action: 'refresh', scope: 'access', keys: 'Ctrl-R', description: 'Access: ask again (no cache)', hint: 'refresh', matches: (key) => key.ctrl && key.input === 'r'},
	{action: 'all-contexts', scope: 'certificates', keys: 'Ctrl-A', description: 'Certificates: every context, or the current one', hint: 'all/current', matches: (key) => key.ctrl && key.input === 'a'},
	{action: 'refresh', scope: 'certificates', keys: 'Ctrl-R', description: 'Certificates: read and check again', hint: 'refresh', matches: (key) => key.ctrl && key.input === 'r'},
	{action: 'get-selected', scope: 'api', keys: 'Enter', description: 'API: GET the selected group or resource through the proxy', hint: 'GET', matches: (key) => key.return},
	{action: 'raw-get', scope: 'api', keys: 'Ctrl-G', description: 'API: GET any path through the proxy (read-only)', hint: 'GET path', matches: (key) => key.ctrl && key.input === 'g'},
	{action: 'refresh', scope: 'api', keys: 'Ctrl-R', description: 'API: discover again', hint: 'refresh', matches: (key) => key.ctrl && key.input === 'r'},
	{action: 'console-up', scope: 'console', keys: '↑', description: 'console: scroll up', matches: (key) => key.upArrow},
	{action: 'console-down', scope: 'console', keys: '↓', description: 'console: scroll down', hint: 'scroll', matches: (key) => key.downArrow},
	{action: 'console-page-up', scope: 'console', keys: 'PgUp', description: 'console: page up', matches: (key) => key.pageUp},
	{action: 'console-page-down', scope: 'console', keys: 'PgDn', description: 'console: page down', matches: (key) => key.pageDown},
	{action: 'console-close', scope: 'console', keys: 'Esc', description: 'console: close', hint: 'close', matches: (key) => key.escape},
	{action: 'quit', scope: 'global', keys: 'q/Esc/^C', description: 'quit (q, Esc: with an empty filter)', hint: 'quit', matches: (key, empty) => (key.ctrl && key.input === 'c') || (empty && (key.escape || key.input === 'q'))},
	{action: 'help', scope: 'global', keys: '?', description: 'show or hide this help', hint: 'help', matches: (key, empty) => empty && key.input === '?'},
	{action: 'next-pane', scope: 'global', keys: 'Tab', description: 'next pane', hint: 'pane', matches: (key) => (key.tab && !key.shift) || key.rightArrow},
	{action: 'previous-pane', scope: 'global', keys: 'Shift-Tab / ←', description: 'previous pane', matches: (key) => (key.tab && key.shift) || key.leftArrow},
	{action: 'up', scope: 'list', keys: '↑ / Ctrl-P', description: 'move up', matches: (key) => key.upArrow || (key.ctrl && key.input === 'p')},
	{action: 'down', scope: 'list', keys: '↓ / Ctrl-N', description: 'move down', matches: (key) => key.downArrow || (key.ctrl && key.input === 'n')},
	{action: 'page-up', scope: 'list', keys: 'PgUp', description: 'one page up', matches: (key) => key.pageUp},
	{action: 'page-down', scope: 'list', keys: 'PgDn', description: 'one page down', matches: (key) => key.pageDown},
	{action: 'select', scope: 'list', keys: 'Enter', description: 'switch to the selected entry', hint: 'switch', matches: (key) => key.return},
	{action: 'previous', scope: 'list', keys: '-', description: 'back to the previous one (empty filter)', hint: 'back', matches: (key, empty) => empty && key.input === '-'},
	{action: 'clear-filter', scope: 'list', keys: 'Esc', description: 'clear the filter', matches: (key, empty) => !empty && key.escape},
	{action: 'jump', scope: 'history', keys: '1–9', description: 'jump to that entry of the history', matches: (key) => /^[1-9]$/.test(key.input) && !key.ctrl},
	{action: 'rename', scope: 'contexts', keys: 'Ctrl-R', description: 'rename a context', dangerous: true, matches: (key) => key.ctrl && key.input === 'r'},
	{action: 'delete', scope: 'contexts', keys: 'Ctrl-D', description: 'delete a context', dangerous: true, matches: (key) => key.ctrl && key.input === 'd'},
];

/** The first binding that applies to the key in these scopes, in keymap order. */
export function actionFor(key: KeyEvent, scopes: readonly Scope[], filterEmpty: boolean): Binding | undefined {
	return keymap.find((binding) => scopes.includes(binding.scope) && binding.matches(key, filterEmpty));
}

/** The hinted bindings of these scopes; a key taken by an earlier binding (Enter in Access) shows once. */
export function footerBindings(scopes: readonly Scope[]): Binding[] {
	const taken = new Set<string>();
	return keymap.filter((binding) => {
		if (!scopes.includes(binding.scope) || taken.has(binding.keys)) return false;
		taken.add(binding.keys);
		return Boolean(binding.hint);
	});
}
