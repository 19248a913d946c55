import {describe, expect, it} from 'vitest';
import {byFrecency, reconcile, removeEntries, renameEntries, stepBack, stepNumbers, visit, type StackEntry} from '../../source/history/previous-stack.ts';

const stack = (...names: string[]): StackEntry[] => names.map((name) => ({name, at: 't'}));
const names = (entries: StackEntry[]) => entries.map((entry) => entry.name);

describe('the previous stack', () => {
	it('toggles between two contexts with repeated "-"', () => {
		let history = stack('b', 'a');
		const jump = () => {
			const {target} = stepBack(history, 1, () => true, history[0]!.name);
			history = visit(history, target!.name, 't', 50);
			return target!.name;
		};

		expect([jump(), jump(), jump()]).toEqual(['a', 'b', 'a']);
	});

	it('goes N steps back and skips entries that no longer exist', () => {
		const result = stepBack(stack('d', 'c', 'gone', 'b', 'a'), 2, (name) => name !== 'gone', 'd');
		expect(result.target?.name).toBe('b');
		expect(names(result.skipped)).toEqual(['gone']);
	});

	it('numbers entries as -N counts them: not the current one, not the gone ones', () => {
		const history = stack('d', 'c', 'gone', 'b', 'a');
		const exists = (name: string) => name !== 'gone';
		expect(stepNumbers(history, exists, 'd')).toEqual([undefined, 1, undefined, 2, 3]);
		expect(stepNumbers(history, exists, '')).toEqual([1, 2, undefined, 3, 4]);
		for (const [index, steps] of stepNumbers(history, exists, 'd').entries()) if (steps !== undefined) expect(stepBack(history, steps, exists, 'd').target).toBe(history[index]);
	});

	it('with the current context unset, "-" goes back to where the user was last', () => {
		expect(stepBack(stack('b', 'a'), 1, () => true, '').target?.name).toBe('b');
		expect(stepBack(stack('b', 'a'), 2, () => true, '').target?.name).toBe('a');
		expect(stepBack(stack('b'), 1, () => true, '').target?.name).toBe('b');
		expect(stepBack(stack('b'), 1, () => true, 'b').target).toBeUndefined();
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

	it('counts uses, and ranks by how often weighted by how lately', () => {
		const now = Date.parse('2026-11-28T12:00:00Z');
		const ago = (hours: number) => new Date(now - hours * 3_600_000).toISOString();
		let history: StackEntry[] = [];
		for (const [name, hours] of [['daily', 30], ['daily', 20], ['daily', 5], ['once', 0.5], ['old', 24 * 40], ['old', 24 * 40]] as const) history = visit(history, name, ago(hours), 50);
		expect(history.find((entry) => entry.name === 'daily')?.uses).toBe(3);
		// daily: 3 uses × 2 (today) = 6; once: 1 × 4 (this hour) = 4; old: 2 × 0.25.
		expect(byFrecency(history, now)).toEqual(['daily', 'once', 'old']);
		// Entries written before use counts existed count as one use each.
		expect(byFrecency([{name: 'a', at: ago(2)}, {name: 'b', at: ago(1)}], now)).toEqual(['a', 'b']);
	});
});
