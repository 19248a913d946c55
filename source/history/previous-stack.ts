// The previous stack is most-recently-used first, one entry per name: index 0 is where the user is,
// index 1 where they were before. Jumping to index 1 swaps the two, so `-` toggles like kubectx.

/** `uses` counts the switches to `name` while it stayed on the stack; older histories lack it. */
export type StackEntry = {name: string; at: string; uses?: number};

export const contextLimit = 50;
export const namespaceLimit = 20;

export function visit(stack: StackEntry[], name: string, at: string, limit: number): StackEntry[] {
	const uses = (stack.find((entry) => entry.name === name)?.uses ?? 0) + 1;
	return [{name, at, uses}, ...stack.filter((entry) => entry.name !== name)].slice(0, limit);
}

const hour = 3_600_000;

/**
 * Names by "frecency", as zoxide and Firefox rank places: how often, weighted by how lately. A context
 * used twenty times this week outranks one visited once an hour ago; that one outranks last month's.
 */
export function byFrecency(stack: readonly StackEntry[], now: number): string[] {
	const weight = (at: string) => {
		const age = now - Date.parse(at);
		if (age < hour) return 4;
		if (age < 24 * hour) return 2;
		if (age < 7 * 24 * hour) return 1;
		return 0.25;
	};

	return stack
		.map((entry, position) => ({name: entry.name, position, score: (entry.uses ?? 1) * weight(entry.at)}))
		.sort((a, b) => b.score - a.score || a.position - b.position)
		.map((entry) => entry.name);
}

/** Puts the real current value on top, in case the user switched with kubectl in between. */
export function reconcile(stack: StackEntry[], current: string, at: string, limit: number): StackEntry[] {
	if (current === '' || stack[0]?.name === current) return stack;
	return visit(stack, current, at, limit);
}

export type StepBack = {target: StackEntry | undefined; skipped: StackEntry[]};

/**
 * The entry `steps` back from where the user is, counting only entries that still exist. Where the user
 * is (`current`) is normally the top; with the current context unset (`ctx -u`) it is nowhere, and
 * the top, where they were last, is one step back.
 */
export function stepBack(stack: StackEntry[], steps: number, exists: (name: string) => boolean, current: string): StepBack {
	const numbers = stepNumbers(stack, exists, current);
	const at = numbers.indexOf(steps);
	const skipped = stack.filter((entry, index) => numbers[index] === undefined && entry.name !== current && (at === -1 || index < at));
	return {target: at === -1 ? undefined : stack[at], skipped};
}

/**
 * For each entry, the N of the `-N` that reaches it: none for where the user is and for entries no
 * longer in the kubeconfig, so that a history listing numbers entries as `-N` counts them.
 */
export function stepNumbers(stack: readonly StackEntry[], exists: (name: string) => boolean, current: string): Array<number | undefined> {
	let steps = 0;
	return stack.map((entry) => (entry.name === current || !exists(entry.name) ? undefined : ++steps));
}

export function renameEntries(stack: StackEntry[], from: string, to: string): StackEntry[] {
	return stack.map((entry) => (entry.name === from ? {...entry, name: to} : entry));
}

export function removeEntries(stack: StackEntry[], name: string): StackEntry[] {
	return stack.filter((entry) => entry.name !== name);
}
