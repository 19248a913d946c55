import {UsageError} from '../errors/kubehop-error.ts';
import type {CommandContext} from './command-context.ts';
import {currentNamespace, knownNamespaces} from './ns.ts';

export async function runCompletion(operands: string[], context: CommandContext): Promise<number> {
	const shell = operands[0];
	// The scripts are built when asked for, not with every switch that loads this module.
	const {scripts} = await import('./completion-scripts.ts');
	const script = shell === undefined ? undefined : scripts[shell];
	if (!script || operands.length > 1) throw new UsageError('usage: kubehop completion bash|zsh|fish');
	context.output.stdout.write(script);
	return 0;
}

export async function runComplete(operands: string[], context: CommandContext): Promise<number> {
	// A Tab press reads the validated index, never the whole kubeconfig, and never asks a cluster.
	let names: string[];
	if (operands[0] === 'namespaces') {
		const {contextName, overview} = await currentNamespace(context);
		names = await knownNamespaces([...overview.values()].map((entry) => entry.namespace), contextName, context);
	} else {
		names = [...(await context.loadIndex()).contexts].sort();
	}

	context.output.stdout.write(names.map((name) => `${name}\n`).join(''));
	return 0;
}
