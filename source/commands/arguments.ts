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
	/** `kubehop --as USER`: the app's cluster panes act as that identity. */
	impersonate?: {user?: string; groups?: readonly string[]; uid?: string};
};

export type ParsedArguments = {flags: GlobalFlags; operands: string[]};

/** The kubectl flags that say which cluster, namespace and identity a command acts as, and the commands that take each. */
const actsOnOneContext = ['certs', 'api', 'can-i', 'proxy'];
const actsAsSomeone = ['can-i', 'proxy'];
export const clusterFlags: ReadonlyMap<string, {commands: readonly string[]; what: string; hint?: string}> = new Map<string, {commands: string[]; what: string; hint?: string}>([
	['--context', {commands: actsOnOneContext, what: 'a command that acts on one context', hint: 'switch the current context with: kubehop ctx NAME'}],
	['-n', {commands: ['can-i'], what: 'a command that reads namespaces', hint: 'switch the namespace with: kubehop ns NAME'}],
	['--namespace', {commands: ['can-i'], what: 'a command that reads namespaces', hint: 'switch the namespace with: kubehop ns NAME'}],
	...['--as', '--as-group', '--as-uid'].map((name) => [name, {commands: actsAsSomeone, what: 'a command that acts as another identity', hint: `or give it alone, for the app: kubehop ${name === '--as' ? '--as USER' : `--as USER ${name} …`}`}] as const),
]);

/**
 * `kubehop --context NAME api` or `kubehop -n dev can-i`, as kubectl users type them: the flags move after
 * the command they belong to, whose own parser then reads them. A flag before a command that does not
 * take it is an error, not silently ignored. `kubehop --as USER` alone is the app, seen as that
 * identity, and is left as it is.
 */
export function withClusterFlagsAfterCommand(operands: string[]): string[] {
	const leading: string[] = [];
	const names: string[] = [];
	let index = 0;
	for (;;) {
		const argument = operands[index];
		if (argument === undefined) break;
		const {name, inline} = splitFlag(argument);
		if (!clusterFlags.has(name)) break;
		names.push(name);
		if (inline === undefined) {
			const value = operands[index + 1];
			if (value === undefined) throw new UsageError(`flag ${name} needs a value`);
			leading.push(name, value);
			index += 2;
		} else {
			leading.push(argument);
			index += 1;
		}
	}

	if (leading.length === 0) return operands;
	const command = operands[index];
	if (command === undefined && names.every((name) => name.startsWith('--as'))) return operands;
	if (command?.startsWith('-')) throw new UsageError(`flag ${splitFlag(command).name} goes after the command it belongs to`, `kubehop ${leading.join(' ')} COMMAND ${command}`);
	// Without a command, --as alone would be the app: the flag to blame is another one.
	const misplaced = command === undefined ? names.find((name) => !name.startsWith('--as')) : names.find((name) => !clusterFlags.get(name)!.commands.includes(command));
	if (misplaced) {
		const {commands, what, hint} = clusterFlags.get(misplaced)!;
		throw new UsageError(`${misplaced} goes with ${what}: ${commands.join(', ')}`, hint);
	}

	return [command!, ...leading, ...operands.slice(index + 1)];
}

/** The operands before a `--` and the names after it (none without one). */
export function splitAtEnd(given: readonly string[]): {operands: string[]; names: string[]} {
	const end = given.indexOf('--');
	return end === -1 ? {operands: [...given], names: []} : {operands: given.slice(0, end), names: given.slice(end + 1)};
}

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
				// Kept for ctx and ns, where a name after it may start with '-' (`kubehop ctx -- -dash`, as kubectl).
				operands.push('--', ...argv.slice(index + 1));
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
	const ms = amount * (unit === 'ms' ? 1 : unit === 's' ? 1000 : 60_000);
	// Only a zero means "no timeout": 0.4ms is a (very short) limit, not none.
	return ms === 0 ? 0 : Math.max(1, Math.round(ms));
}

export type CommandFlag = {
	argument: string;
	/** `--port` for `--port=8001` as for `--port 8001`. */
	name: string;
	/** The flag's value: after `=`, or the next argument (taken). */
	value(): string;
	/** pflag's booleans: `--flag`, `--flag=true`, `--flag=false`. */
	boolean(): boolean;
};

/** A command's own flags, one at a time, as kubectl's pflag reads them. */
export function* commandFlags(operands: readonly string[]): Generator<CommandFlag> {
	for (let index = 0; index < operands.length; index++) {
		const argument = operands[index]!;
		const {name, inline} = splitFlag(argument);
		yield {
			argument,
			name,
			value() {
				if (inline !== undefined) return inline;
				const next = operands[++index];
				if (next === undefined) throw new UsageError(`flag ${name} needs a value`);
				return next;
			},
			boolean() {
				if (inline === undefined) return true;
				if (inline === 'true') return true;
				if (inline === 'false') return false;
				throw new UsageError(`invalid value "${inline}" for ${name}: use true or false`);
			},
		};
	}
}

/** A flag's name, and its value when the same argument holds it, as pflag reads them: `--name=value`, `-n=value`, `-nvalue`. */
function splitFlag(argument: string): {name: string; inline?: string} {
	if (argument.startsWith('--')) {
		const equals = argument.indexOf('=');
		return equals === -1 ? {name: argument} : {name: argument.slice(0, equals), inline: argument.slice(equals + 1)};
	}

	// `-12` is an operand (`ctx -N`), not a flag.
	if (/^-[a-zA-Z]./.test(argument)) return {name: argument.slice(0, 2), inline: argument.slice(argument[2] === '=' ? 3 : 2)};
	return {name: argument};
}

/** kubectl's --as, --as-group (repeatable) and --as-uid; false for any other flag. */
export function readImpersonation(flag: CommandFlag, into: {user?: string; groups?: readonly string[]; uid?: string}): boolean {
	if (flag.name === '--as') into.user = flag.value();
	else if (flag.name === '--as-group') into.groups = [...(into.groups ?? []), flag.value()];
	else if (flag.name === '--as-uid') into.uid = flag.value();
	else return false;
	return true;
}

/** Operands that are only --as, --as-group and --as-uid, as kubectl reads them. */
export function impersonationFlags(operands: readonly string[]): {user?: string; groups?: readonly string[]; uid?: string} {
	const impersonate: {user?: string; groups?: readonly string[]; uid?: string} = {};
	for (const flag of commandFlags(operands)) {
		if (!readImpersonation(flag, impersonate)) throw new UsageError(`unknown command or flag "${flag.argument}"`, 'run kubehop --help for the commands');
	}

	return impersonate;
}
