// Every key kubehop's UI understands, as data: the input handlers, the footer and the `?` overlay are
// all generated from this list, so a key cannot work without being documented, or the reverse.

export type Scope = 'global' | 'list' | 'contexts' | 'history';

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
	| 'delete';

export const keymap: readonly Binding[] = [
	{action: 'quit', scope: 'global', keys: 'q/Esc/^C', description: 'quit (q and Esc only with an empty filter)', hint: 'quit', matches: (key, empty) => (key.ctrl && key.input === 'c') || (empty && (key.escape || key.input === 'q'))},
	{action: 'help', scope: 'global', keys: '?', description: 'show or hide this help', hint: 'help', matches: (key, empty) => empty && key.input === '?'},
	{action: 'next-pane', scope: 'global', keys: 'Tab', description: 'next pane', hint: 'pane', matches: (key) => (key.tab && !key.shift) || key.rightArrow},
	{action: 'previous-pane', scope: 'global', keys: 'Shift-Tab / ←', description: 'previous pane', matches: (key) => (key.tab && key.shift) || key.leftArrow},
	{action: 'up', scope: 'list', keys: '↑ / Ctrl-P', description: 'move up', matches: (key) => key.upArrow || (key.ctrl && key.input === 'p')},
	{action: 'down', scope: 'list', keys: '↓ / Ctrl-N', description: 'move down', matches: (key) => key.downArrow || (key.ctrl && key.input === 'n')},
	{action: 'page-up', scope: 'list', keys: 'PgUp', description: 'one page up', matches: (key) => key.pageUp},
	{action: 'page-down', scope: 'list', keys: 'PgDn', description: 'one page down', matches: (key) => key.pageDown},
	{action: 'select', scope: 'list', keys: 'Enter', description: 'switch to the selected entry', hint: 'switch', matches: (key) => key.return},
	{action: 'previous', scope: 'list', keys: '-', description: 'back to the previous one (with an empty filter; otherwise part of the query)', hint: 'back', matches: (key, empty) => empty && key.input === '-'},
	{action: 'clear-filter', scope: 'list', keys: 'Esc', description: 'clear the filter', matches: (key, empty) => !empty && key.escape},
	{action: 'jump', scope: 'history', keys: '1–9', description: 'jump to that entry of the history', matches: (key) => /^[1-9]$/.test(key.input) && !key.ctrl},
	{action: 'rename', scope: 'contexts', keys: 'Ctrl-R', description: 'rename the selected context', dangerous: true, matches: (key) => key.ctrl && key.input === 'r'},
	{action: 'delete', scope: 'contexts', keys: 'Ctrl-D', description: 'delete the selected context', dangerous: true, matches: (key) => key.ctrl && key.input === 'd'},
];

/** The first binding that applies to the key in these scopes, in keymap order. */
export function actionFor(key: KeyEvent, scopes: readonly Scope[], filterEmpty: boolean): Binding | undefined {
	return keymap.find((binding) => scopes.includes(binding.scope) && binding.matches(key, filterEmpty));
}

export function footerBindings(scopes: readonly Scope[]): Binding[] {
	return keymap.filter((binding) => binding.hint && scopes.includes(binding.scope));
}
