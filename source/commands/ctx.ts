import {KubehopError, UsageError} from '../errors/kubehop-error.ts';
import type {MergedKubeconfig} from '../kubeconfig/load.ts';
import {switchContextIndexed, type KubeconfigIndex, type Switch} from '../kubeconfig/indexed-switch.ts';
import {deleteContext, renameContext, unsetCurrentContext} from '../kubeconfig/operations.ts';
import {stepBack} from '../history/previous-stack.ts';
import {paintCurrent, printJson, shown, success, warn} from '../terminal/output.ts';
import {splitAtEnd} from './arguments.ts';
import type {CommandContext} from './command-context.ts';

// `kubehop ctx` accepts what kubectx accepts: list, NAME, -, -c, -u, -d NAME..., NEW=OLD, NEW=.
// plus -N to go N steps back in the previous stack.

export async function runCtx(given: string[], context: CommandContext): Promise<number> {
	const {operands, names} = splitAtEnd(given);
	// After `--`, as with kubectl, a name is a name even when it starts with '-'.
	if (names.length > 0) {
		if (operands.length === 0 && names.length === 1) return switchTo(names[0]!, context);
		if (operands[0] === '-d') return deleteContexts([...operands.slice(1), ...names], context);
		throw new UsageError(`too many arguments: ${given.join(' ')}`);
	}

	const [first, ...rest] = operands;
	// On a terminal, as kubectx does with fzf: a picker; KUBECTX_IGNORE_FZF asks for the list, as it does of kubectx.
	if (first === undefined && context.interactive && !context.flags.json && !context.env.KUBECTX_IGNORE_FZF) return (await import('./interactive.tsx')).runInteractive('picker', context);
	if (first === undefined) return listContexts(context);
	if (first === '-d') {
		if (rest.length === 0) throw new UsageError("'-d' needs at least one context name");
		return deleteContexts(rest, context);
	}

	if (rest.length > 0) throw new UsageError(`too many arguments: ${operands.join(' ')}`);
	if (first === '-c' || first === '--current') return printCurrent(context);
	if (first === '-u' || first === '--unset') return unset(context);
	if (/^-\d*$/.test(first)) return goBack(first === '-' ? 1 : Number(first.slice(1)), context);
	if (first.startsWith('-')) throw new UsageError(`unsupported option '${first}'`);
	const equals = first.indexOf('=');
	if (equals > 0 || (equals === 0 && first.length > 1)) return rename(first.slice(0, equals), first.slice(equals + 1), context);
	return switchTo(first, context);
}

export function contextSummary(config: MergedKubeconfig, name: string) {
	const context = config.contexts.get(name);
	const server = context ? config.clusters.get(context.data.cluster)?.data.server : undefined;
	return {
		name,
		current: name === config.currentContext,
		cluster: context?.data.cluster ?? '',
		user: context?.data.user ?? '',
		namespace: context?.data.namespace || 'default',
		server: typeof server === 'string' ? server : '',
		file: context?.file ?? '',
		shadowedIn: context?.shadowedIn ?? [],
	};
}

async function listContexts({load, loadIndex, output, flags, selection, env}: CommandContext): Promise<number> {
	if (flags.json) {
		const config = await load();
		printJson(output, [...config.contexts.keys()].sort().map((name) => contextSummary(config, name)));
		return 0;
	}

	const config = await loadIndex();
	const names = [...config.contexts].sort();
	if (config.files.length === 0) {
		const looked = selection.precedence.filter((file) => file !== '').join(', ') || '(KUBECONFIG lists no file)';
		warn(output, `no kubeconfig found; looked at ${shown(output.stderr, looked)}`);
		output.stderr.write('To try kubehop on a real local cluster, run `npm run demo` in a kubehop checkout.\n');
	}

	let text = '';
	for (const name of names) {
		const label = shown(output.stdout, name);
		text += `${name === config.currentContext ? paintCurrent(output, env, label) : label}\n`;
	}

	output.stdout.write(text);
	return 0;
}

async function printCurrent({load, loadIndex, output, flags}: CommandContext): Promise<number> {
	if (flags.json) {
		const config = await load();
		if (!config.currentContext) throw new KubehopError('current-context is not set');
		printJson(output, contextSummary(config, config.currentContext));
		return 0;
	}

	const {currentContext} = await loadIndex();
	if (!currentContext) throw new KubehopError('current-context is not set');
	output.stdout.write(`${shown(output.stdout, currentContext)}\n`);
	return 0;
}

async function switchTo(name: string, context: CommandContext): Promise<number> {
	return announceSwitch(await switchContextIndexed(context.selection, await context.indexCache(), () => name), context);
}

async function goBack(steps: number, context: CommandContext): Promise<number> {
	return announceSwitch(await switchBack(steps, context), context);
}

/** `ctx -N`: the context N steps back in the history, chosen against the locked view of the files. */
export async function switchBack(steps: number, context: CommandContext): Promise<Switch> {
	if (steps < 1) throw new UsageError('use "-" or "-N" with N of 1 or more');
	// Asked again under the locks when it was asked before them: each skipped entry is told once.
	const told = new Set<string>();
	const chooseFromHistory = async (index: KubeconfigIndex) => {
		const stack = await context.history().contextStack(index.currentContext);
		const {target, skipped} = stepBack(stack, steps, (name) => index.contexts.has(name), index.currentContext ?? '');
		for (const {name} of skipped) {
			if (!told.has(name)) warn(context.output, `skipped "${shown(context.output.stderr, name)}" from history: it is no longer in the kubeconfig`);
			told.add(name);
		}

		if (!target) throw new KubehopError(steps === 1 ? 'no previous context found' : `no context ${steps} steps back in the history`, 'see the history with: kubehop history');
		return target.name;
	};

	return switchContextIndexed(context.selection, await context.indexCache(), chooseFromHistory);
}

async function announceSwitch(result: Switch, context: CommandContext): Promise<number> {
	await context.history().recordContext(result.previous, result.name);
	announce(result.name, context);
	return 0;
}

export function announce(name: string, context: CommandContext): void {
	success(context.output, `Switched to context "${shown(context.output.stderr, name)}".`);
}

async function unset(context: CommandContext): Promise<number> {
	const {result} = await unsetCurrentContext(context.selection);
	const {output} = context;
	if (!result.stillSet) {
		success(output, 'Active context unset for kubectl.');
		return 0;
	}

	// kubectl clears only the first file's current-context (R14): a later file's now decides.
	const {context: name, file} = result.stillSet;
	const active = name === result.previous ? 'still' : 'now';
	warn(output, `current-context unset in ${shown(output.stderr, result.unsetIn)}, but ${shown(output.stderr, file)} sets it too: the active context is ${active} "${shown(output.stderr, name)}"`);
	return 0;
}

async function deleteContexts(names: string[], context: CommandContext): Promise<number> {
	for (const requested of names) {
		const name = requested === '.' ? await currentOrFail(context, 'delete') : requested;
		const {result} = await deleteContext(context.selection, name);
		await context.history().deleteContext(name);
		success(context.output, `Deleted context ${shown(context.output.stderr, name)}.`);
		if (result.wasCurrent) warn(context.output, 'you deleted the current context; pick another with: kubehop ctx NAME');
	}

	return 0;
}

async function rename(newName: string, oldName: string, context: CommandContext): Promise<number> {
	const from = oldName === '.' ? await currentOrFail(context, 'rename') : oldName;
	await renameContext(context.selection, from, newName);
	await context.history().renameContext(from, newName);
	success(context.output, `Context "${shown(context.output.stderr, from)}" renamed to "${shown(context.output.stderr, newName)}".`);
	return 0;
}

/** What "." stands for in `-d .` and `NEW=.`. */
async function currentOrFail(context: CommandContext, verb: string): Promise<string> {
	const {currentContext} = await context.loadIndex();
	if (!currentContext) throw new KubehopError(`cannot ${verb} ".": current-context is not set`);
	return currentContext;
}
