// The previous stack is most-recently-used first, one entry per name: index 0 is where the user is,
// index 1 where they were before. Jumping to index 1 swaps the two, so `-` toggles like kubectx.

export type StackEntry = {name: string; at: string};

export const contextLimit = 50;
export const namespaceLimit = 20;

export function visit(stack: StackEntry[], name: string, at: string, limit: number): StackEntry[] {
	return [{name, at}, ...stack.filter((entry) => entry.name !== name)].slice(0, limit);
}

/** Puts the real current value on top, in case the user switched with kubectl in between. */
export function reconcile(stack: StackEntry[], current: string, at: string, limit: number): StackEntry[] {
	if (current === '' || stack[0]?.name === current) return stack;
	return visit(stack, current, at, limit);
}

export type StepBack = {target: StackEntry | undefined; skipped: StackEntry[]};

/** The entry `steps` back from the top, counting only entries that still exist. */
export function stepBack(stack: StackEntry[], steps: number, exists: (name: string) => boolean): StepBack {
	const skipped: StackEntry[] = [];
	let remaining = steps;
	for (const entry of stack.slice(1)) {
		if (!exists(entry.name)) {
			skipped.push(entry);
			continue;
		}

		remaining--;
		if (remaining === 0) return {target: entry, skipped};
	}

	return {target: undefined, skipped};
}

export function renameEntries(stack: StackEntry[], from: string, to: string): StackEntry[] {
	return stack.map((entry) => (entry.name === from ? {...entry, name: to} : entry));
}

export function removeEntries(stack: StackEntry[], name: string): StackEntry[] {
	return stack.filter((entry) => entry.name !== name);
}
