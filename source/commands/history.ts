import {UsageError} from '../errors/kubehop-error.ts';
import {stepNumbers} from '../history/previous-stack.ts';
import {printJson, shown, paint} from '../terminal/output.ts';
import type {CommandContext} from './command-context.ts';

/** `kubehop history`: the previous stack, newest first; the entry numbered N is what `kubehop ctx -N` jumps to. */
export async function runHistory(operands: string[], context: CommandContext): Promise<number> {
	if (operands.length > 0) throw new UsageError(`history takes no arguments, got: ${operands.join(' ')}`, 'see kubehop history --help');
	const {output} = context;
	const config = await context.loadIndex();
	const stack = await context.history().contextStack(config.currentContext);
	const steps = stepNumbers(stack, (name) => config.contexts.has(name), config.currentContext);
	const entries = stack.map((entry, index) => ({
		index,
		name: entry.name,
		at: entry.at,
		current: entry.name === config.currentContext,
		exists: config.contexts.has(entry.name),
		/** The N of `kubehop ctx -N` that switches to it; null for the current context and for gone ones. */
		back: steps[index] ?? null,
	}));
	if (context.flags.json) {
		printJson(output, {files: config.selection.precedence, contexts: entries});
		return 0;
	}

	const color = output.color.stdout;
	const numberWidth = String(Math.max(1, ...steps.map((step) => step ?? 0))).length;
	let text = '';
	for (const entry of entries) {
		const marker = entry.current ? '*' : ' ';
		const when = entry.at.startsWith('1970') ? 'imported from kubectx' : entry.at.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
		const line = `${marker} ${String(entry.back ?? ' ').padStart(numberWidth)} ${shown(output.stdout, entry.name)}  ${paint(color, 'dim', when)}${entry.exists ? '' : '  (gone)'}`;
		text += `${entry.exists ? line : paint(color, 'dim', line)}\n`;
	}

	output.stdout.write(text || 'No history yet: switch with kubehop ctx NAME.\n');
	return 0;
}
