import path from 'node:path';
import {run} from './commands/run.ts';
import {standardStream} from './terminal/standard-stream.ts';

// Thin on purpose: each command's modules are imported when that command runs (switching.ts for ctx, ns
// and the completions); Ink, React, the Kubernetes client, conf and the full YAML parser only by the
// paths that need them.

// `kubehop can-i | head` closes the pipe early: stop quietly, as a program killed by SIGPIPE would.
const nodeStdout = () => {
	process.stdout.on('error', (error: NodeJS.ErrnoException) => {
		if (error.code !== 'EPIPE') throw error;
		process.exit(process.exitCode ?? 0);
	});
	return process.stdout;
};

const stdout = standardStream(1, nodeStdout);

// No top-level await: dist/ is CommonJS, whose loader starts faster than Node 20's ESM loader.
void run({
	argv: process.argv.slice(2),
	programName: path.basename(process.argv[1] ?? 'kubehop').replace(/\.(?:c|m)?js$/, ''),
	env: process.env,
	cwd: process.cwd(),
	stdout,
	stderr: standardStream(2, () => process.stderr),
	// stdout first, which is written anyway: off a terminal that settles it, and neither the stdin stream
	// (only the TUI reads it) nor node:tty (with net and the stream modules) is loaded for the answer.
	interactive: Boolean(stdout.isTTY) && (process.getBuiltinModule?.('node:tty')?.isatty(0) ?? Boolean(process.stdin.isTTY)) && process.env.TERM !== 'dumb',
}).then((exitCode) => {
	process.exitCode = exitCode;
});
