import {KubehopError} from '../errors/kubehop-error.ts';
import {printJson, shown, paint} from '../terminal/output.ts';
import type {CommandContext} from './command-context.ts';

/** `kubehop history`: the previous stack, newest first; entry N is what `kubehop ctx -N` jumps to. */
export async function runHistory(operands: string[], context: CommandContext): Promise<number> {
	if (operands.length > 0) throw new KubehopError(`history takes no arguments, got: ${operands.join(' ')}`);
	const {output} = context;
	const config = await context.loadIndex();
	const stack = await context.history().contextStack(config.currentContext);
	const entries = stack.map((entry, index) => ({
		index,
		name: entry.name,
		at: entry.at,
		current: index === 0 && entry.name === config.currentContext,
		exists: config.contexts.has(entry.name),
	}));
	if (context.flags.json) {
		printJson(output, {files: config.selection.precedence, contexts: entries});
		return 0;
	}

	const color = output.color.stdout;
	let text = '';
	for (const entry of entries) {
		const marker = entry.current ? '*' : ' ';
		const when = entry.at.startsWith('1970') ? 'imported from kubectx' : entry.at.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
		const line = `${marker} ${entry.current ? ' ' : entry.index} ${shown(output.stdout, entry.name)}  ${paint(color, 'dim', when)}${entry.exists ? '' : '  (gone)'}`;
		text += `${entry.exists ? line : paint(color, 'dim', line)}\n`;
	}

	output.stdout.write(text || 'No history yet: switch with kubehop ctx NAME.\n');
	return 0;
}
