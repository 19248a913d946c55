import {describe, expect, it} from 'vitest';
import {actionFor, footerHints, helpSections, keymap, type KeyEvent} from '../../source/ui/keymap.ts';

const key = (overrides: Partial<KeyEvent>): KeyEvent => ({input: '', upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageUp: false, pageDown: false, return: false, escape: false, ctrl: false, tab: false, shift: false, backspace: false, delete: false, ...overrides});
const scopes = ['global', 'list', 'contexts'] as const;

describe('the keymap', () => {
	it('gives every action one binding per scope, and marks the destructive ones', () => {
		expect(new Set(keymap.map((binding) => `${binding.scope} ${binding.action}`)).size).toBe(keymap.length);
		expect(keymap.filter((binding) => binding.dangerous).map((binding) => binding.action)).toEqual(['rename', 'delete']);
	});

	it('reads "-", "q" and Esc as commands only while the filter is empty', () => {
		expect(actionFor(key({input: '-'}), scopes, true)?.action).toBe('previous');
		expect(actionFor(key({input: '-'}), scopes, false)).toBeUndefined();
		expect(actionFor(key({input: 'q'}), scopes, false)).toBeUndefined();
		expect(actionFor(key({escape: true}), scopes, false)?.action).toBe('clear-filter');
		// Ctrl-U clears it too, as in a shell's line editor, in every pane with a filter.
		for (const pane of ['contexts', 'history', 'access', 'certificates', 'api'] as const) expect(actionFor(key({input: 'u', ctrl: true}), ['global', pane, 'list'], false)?.action, pane).toBe('clear-filter');
		expect(actionFor(key({escape: true}), scopes, true)?.action).toBe('quit');
		expect(actionFor(key({input: 'c', ctrl: true}), scopes, false)?.action).toBe('quit');
	});

	it('gives ← → and Enter their own meaning in the Access pane', () => {
		const access = ['global', 'access', 'list'] as const;
		expect(actionFor(key({leftArrow: true}), access, true)?.action).toBe('column-left');
		expect(actionFor(key({rightArrow: true}), access, true)?.action).toBe('column-right');
		expect(actionFor(key({return: true}), access, true)?.action).toBe('explain');
		expect(actionFor(key({rightArrow: true}), scopes, true)?.action).toBe('next-pane');
		expect(footerHints([...access]).filter((hint) => hint.keys === 'Enter')).toEqual([{keys: 'Enter', hint: 'why'}]);
	});

	it('feeds the footer from the same data, with the keys that reach each binding', () => {
		expect(footerHints([...scopes])).toEqual([
			{keys: 'Esc/q/^C', hint: 'quit'},
			{keys: '?', hint: 'help'},
			{keys: 'Tab/→', hint: 'pane'},
			{keys: 'Enter', hint: 'switch'},
			{keys: '-', hint: 'back'},
		]);
		// In the Access pane → is the next verb: Tab alone moves to the next pane.
		expect(footerHints(['global', 'access', 'list']).find((hint) => hint.hint === 'pane')).toEqual({keys: 'Tab', hint: 'pane'});
	});

	it("lists a pane's keys in the help as they work there: its own, the list's, then the global ones", () => {
		const keysOf = (sections: ReturnType<typeof helpSections>) => Object.fromEntries(sections.map((section) => [section.title, section.entries.map((entry) => `${entry.keys} ${entry.description}`)]));
		const contexts = keysOf(helpSections(['global', 'list', 'contexts']));
		expect(Object.keys(contexts)).toEqual(['Contexts', 'Lists and the filter', 'Everywhere']);
		expect(contexts['Everywhere']).toEqual(['Esc / q / Ctrl-C quit (Esc, q: with an empty filter)', '? this help (with an empty filter)', 'Tab / → next pane', 'Shift-Tab / ← previous pane']);
		expect(contexts['Lists and the filter']).toContain('Enter switch to the selected entry');
		const access = keysOf(helpSections(['global', 'access', 'list']));
		expect(Object.keys(access)).toEqual(['Access', 'Lists and the filter', 'Everywhere']);
		expect(access['Access']).toEqual(expect.arrayContaining(['← previous verb', '→ next verb', 'Enter why this cell (asks the server)']));
		// Taken by the Access pane: Enter does not switch there, and ← → are not the panes'.
		expect(access['Lists and the filter']).not.toContain('Enter switch to the selected entry');
		expect(access['Everywhere']).toEqual(expect.arrayContaining(['Tab next pane', 'Shift-Tab previous pane']));
	});

	it('closes the help with Esc, q or ?, and leaves Ctrl-C to quit', () => {
		const help = ['help', 'global'] as const;
		for (const press of [key({escape: true}), key({input: 'q'}), key({input: '?'})]) expect(actionFor(press, help, true)?.action).toBe('close-help');
		expect(actionFor(key({input: 'c', ctrl: true}), help, true)?.action).toBe('quit');
		// Ctrl-Q is not q.
		expect(actionFor(key({input: 'q', ctrl: true}), scopes, true)).toBeUndefined();
	});

	it('reaches every binding from some key in some pane', () => {
		const paneScopes = [['global', 'list', 'contexts'], ['global', 'list'], ['global', 'list', 'history'], ['global', 'access', 'list'], ['global', 'certificates', 'list'], ['global', 'api', 'list'], ['global', 'console'], ['help', 'global']] as const;
		const listed = new Set(paneScopes.flatMap((scopes) => helpSections(scopes).flatMap((section) => section.entries.map((entry) => `${section.scope} ${entry.description}`))));
		expect(keymap.filter((binding) => !listed.has(`${binding.scope} ${binding.description}`)).map((binding) => `${binding.scope} ${binding.action}`)).toEqual([]);
	});
});
