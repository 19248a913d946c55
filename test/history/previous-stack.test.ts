import {describe, expect, it} from 'vitest';
import {reconcile, removeEntries, renameEntries, stepBack, visit, type StackEntry} from '../../source/history/previous-stack.ts';

const stack = (...names: string[]): StackEntry[] => names.map((name) => ({name, at: 't'}));
const names = (entries: StackEntry[]) => entries.map((entry) => entry.name);

describe('the previous stack', () => {
	it('toggles between two contexts with repeated "-"', () => {
		let history = stack('b', 'a');
		const jump = () => {
			const {target} = stepBack(history, 1, () => true);
			history = visit(history, target!.name, 't', 50);
			return target!.name;
		};

		expect([jump(), jump(), jump()]).toEqual(['a', 'b', 'a']);
	});

	it('goes N steps back and skips entries that no longer exist', () => {
		const result = stepBack(stack('d', 'c', 'gone', 'b', 'a'), 2, (name) => name !== 'gone');
		expect(result.target?.name).toBe('b');
		expect(names(result.skipped)).toEqual(['gone']);
	});

	it('puts a context switched with kubectl on top, so "-" returns to where the user was', () => {
		expect(names(reconcile(stack('b', 'a'), 'c', 't', 50))).toEqual(['c', 'b', 'a']);
		expect(names(reconcile(stack('b', 'a'), 'b', 't', 50))).toEqual(['b', 'a']);
	});

	it('is bounded and keeps one entry per name', () => {
		let history: StackEntry[] = [];
		for (let index = 0; index < 80; index++) history = visit(history, `c${index % 60}`, 't', 50);
		expect(history).toHaveLength(50);
		expect(new Set(names(history)).size).toBe(50);
	});

	it('follows renames and deletions', () => {
		expect(names(renameEntries(stack('a', 'b'), 'b', 'c'))).toEqual(['a', 'c']);
		expect(names(removeEntries(stack('a', 'b'), 'a'))).toEqual(['b']);
	});
});
