import {UsageError} from '../errors/kubehop-error.ts';

// kubehop's own flags may appear anywhere; what remains are the kubectx/kubens-style operands.

export type GlobalFlags = {
	kubeconfig?: string;
	json: boolean;
	noColor: boolean;
	help: boolean;
	version: boolean;
	force: boolean;
	timeoutMs?: number;
	/** The API pane reads through this kubectl-proxy-compatible proxy instead of starting its own. */
	proxyUrl?: string;
};

export type ParsedArguments = {flags: GlobalFlags; operands: string[]};

export function parseArguments(argv: string[]): ParsedArguments {
	const flags: GlobalFlags = {json: false, noColor: false, help: false, version: false, force: false};
	const operands: string[] = [];
	for (let index = 0; index < argv.length; index++) {
		const argument = argv[index]!;
		const [name, inline] = splitInline(argument);
		const value = (): string => {
			if (inline !== undefined) return inline;
			const next = argv[++index];
			if (next === undefined) throw new UsageError(`flag ${name} needs a value`);
			return next;
		};

		switch (name) {
			case '--kubeconfig':
				flags.kubeconfig = value();
				break;
			case '--json':
				flags.json = true;
				break;
			case '--no-color':
				flags.noColor = true;
				break;
			case '-h':
			case '--help':
				flags.help = true;
				break;
			case '-V':
			case '--version':
				flags.version = true;
				break;
			case '-f':
			case '--force':
				flags.force = true;
				break;
			case '--proxy-url':
				flags.proxyUrl = value();
				break;
			case '--request-timeout':
			case '--timeout':
				flags.timeoutMs = parseDuration(value());
				break;
			case '--':
				operands.push(...argv.slice(index + 1));
				return {flags, operands};
			default:
				operands.push(argument);
		}
	}

	return {flags, operands};
}

function splitInline(argument: string): [string, string | undefined] {
	if (!argument.startsWith('--')) return [argument, undefined];
	const equals = argument.indexOf('=');
	return equals === -1 ? [argument, undefined] : [argument.slice(0, equals), argument.slice(equals + 1)];
}

/** kubectl-style durations: "5s", "500ms", "1m", or plain seconds. */
export function parseDuration(text: string): number {
	const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
	if (!match) throw new UsageError(`invalid duration "${text}": use a value like 5s, 500ms or 1m`);
	const amount = Number(match[1]);
	const unit = match[2] ?? 's';
	return Math.round(amount * (unit === 'ms' ? 1 : unit === 's' ? 1000 : 60_000));
}
