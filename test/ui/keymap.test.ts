import {describe, expect, it} from 'vitest';
import {actionFor, footerBindings, keymap, type KeyEvent} from '../../source/ui/keymap.ts';

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
		expect(actionFor(key({escape: true}), scopes, true)?.action).toBe('quit');
		expect(actionFor(key({input: 'c', ctrl: true}), scopes, false)?.action).toBe('quit');
	});

	it('gives ← → and Enter their own meaning in the Access pane', () => {
		const access = ['global', 'access', 'list'] as const;
		expect(actionFor(key({leftArrow: true}), access, true)?.action).toBe('column-left');
		expect(actionFor(key({rightArrow: true}), access, true)?.action).toBe('column-right');
		expect(actionFor(key({return: true}), access, true)?.action).toBe('explain');
		expect(actionFor(key({rightArrow: true}), scopes, true)?.action).toBe('next-pane');
		expect(footerBindings([...access]).filter((binding) => binding.keys === 'Enter').map((binding) => binding.hint)).toEqual(['why']);
	});

	it('feeds the footer from the same data', () => {
		expect(footerBindings([...scopes]).map((binding) => binding.hint)).toEqual(['quit', 'help', 'pane', 'switch', 'back']);
	});
});
