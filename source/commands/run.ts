import {KubehopError, UsageError} from '../errors/kubehop-error.ts';
import {createOutput, escapeForTerminal, paint, type Stream} from '../terminal/output.ts';
import {impersonationFlags, parseArguments, withClusterFlagsAfterCommand} from './arguments.ts';
import {createCommandContext} from './command-context.ts';
import {flagsIn, helpFor, version} from './help.ts';

export type Invocation = {
	argv: string[];
	/** The name kubehop was started as: "kubectx" and "kubens" symlinks select those tools. */
	programName: string;
	env: Record<string, string | undefined>;
	cwd: string;
	stdout: Stream;
	stderr: Stream;
	/** stdin and stdout are a terminal, so the full-screen UI may open. */
	interactive?: boolean;
};

/** The command whose help `--help` asks for: the command as run would find it, or else the first word naming one. */
function helpTopic(given: string[]): string | undefined {
	const operands = given.filter((operand) => operand !== '--');
	try {
		return withClusterFlagsAfterCommand(operands)[0];
	} catch {
		return operands.find((operand) => helpFor(operand) !== helpFor(undefined));
	}
}

/** Runs one command and returns the exit code: 0 success, 1 error, 2 usage error. */
export async function run(invocation: Invocation): Promise<number> {
	const {env, cwd, stdout, stderr} = invocation;
	let argv = invocation.argv;
	if (invocation.programName === 'kubectx') argv = ['ctx', ...argv];
	if (invocation.programName === 'kubens') argv = ['ns', ...argv];
	let parsed;
	try {
		parsed = parseArguments(argv);
	} catch (error) {
		return report(error, createOutput(stdout, stderr, env, false).stderr, Boolean(stderr.isTTY && !env.NO_COLOR));
	}

	const {flags} = parsed;
	const output = createOutput(stdout, stderr, env, flags.noColor);
	try {
		if (flags.version) {
			stdout.write(`kubehop ${version}\n`);
			return 0;
		}

		// `--help` anywhere on the line only ever prints help: it never runs the command, nor judges its flags.
		if (flags.help) return help(stdout, helpFor(helpTopic(parsed.operands)));
		const operands = withClusterFlagsAfterCommand(parsed.operands[0] === '--' ? parsed.operands.slice(1) : parsed.operands);
		let [command, ...rest] = operands;
		// Only ctx and ns read the `--` (a name after it may start with '-'); the other commands take no names.
		const ends = rest.indexOf('--');
		if (ends !== -1 && command !== 'ctx' && command !== 'ns') rest.splice(ends, 1);
		// `kubehop --as USER [--as-group G]... [--as-uid U]`: the app, seeing the clusters as that identity.
		if (command?.startsWith('--as')) {
			flags.impersonate = impersonationFlags(operands);
			command = undefined;
			rest = [];
		}

		const context = createCommandContext(env, cwd, output, flags, invocation.interactive ?? false);
		switch (command) {
			case 'ctx':
				return await (await import('./switching.ts')).runCtx(rest, context);
			case 'ns':
				return await (await import('./switching.ts')).runNs(rest, context);
			case 'history':
				return await (await import('./switching.ts')).runHistory(rest, context);
			case 'certs':
				return await (await import('./certs.ts')).runCerts(rest, context);
			case 'api':
				return await (await import('./api.ts')).runApi(rest, context);
			case 'can-i':
				return await (await import('./can-i.ts')).runCanI(rest, context);
			case 'proxy':
				return await (await import('./proxy.ts')).runProxy(rest, context);
			case 'completion':
				return await (await import('./switching.ts')).runCompletion(rest, context);
			case '__complete':
				return await (await import('./switching.ts')).runComplete(rest, context);
			case undefined:
				if (context.interactive) return await (await import('./interactive.tsx')).runInteractive('app', context);
				return help(stdout, helpFor(undefined));
			case 'help':
				return help(stdout, helpFor(rest[0]));
			default: {
				// `kubehop -A can-i`: a command's own flag typed before it.
				const named = rest.find((operand) => helpFor(operand) !== helpFor(undefined));
				if (command.startsWith('-') && named && flagsIn(helpFor(named)).includes(command.split('=')[0]!)) throw new UsageError(`flag ${command} goes after the command it belongs to`, `kubehop ${named} ${command}`);
				if (command.startsWith('-')) throw new UsageError(`unknown flag "${command}"`, 'run kubehop --help for the flags');
				throw new UsageError(`unknown command "${command}"`, 'run kubehop --help for the commands');
			}
		}
	} catch (error) {
		return report(error, stderr, output.color.stderr);
	}
}

function help(stdout: Stream, text: string): number {
	stdout.write(text);
	return 0;
}

function report(error: unknown, stderr: Stream, color: boolean): number {
	if (error instanceof KubehopError) {
		const text = stderr.isTTY ? escapeForTerminal(error.message) : error.message;
		stderr.write(`${paint(color, 'red', 'error:')} ${text}\n`);
		if (error.hint) stderr.write(`${paint(color, 'dim', `hint: ${error.hint}`)}\n`);
		return error.exitCode;
	}

	stderr.write(`${paint(color, 'red', 'error:')} ${(error as Error)?.stack ?? String(error)}\n`);
	return 1;
}
