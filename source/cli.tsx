import path from 'node:path';
import {run} from './commands/run.ts';
import {standardStream} from './terminal/standard-stream.ts';

// Thin on purpose: each command's modules are imported when that command runs (switching.ts for ctx, ns
// and the completions); Ink, React, the Kubernetes client, conf and the full YAML parser only by the
// paths that need them.

// Node's own streams, where a terminal's output goes (or a full non-blocking pipe's), which may still
// hold writes when the command is done.
const nodeStreams: NodeJS.WriteStream[] = [];

// `kubehop can-i | head` closes the pipe early: stop quietly, as a program killed by SIGPIPE would.
const nodeStdout = () => {
	process.stdout.on('error', (error: NodeJS.ErrnoException) => {
		if (error.code !== 'EPIPE') throw error;
		process.exit(process.exitCode ?? 0);
	});
	nodeStreams.push(process.stdout);
	return process.stdout;
};

const nodeStderr = () => {
	nodeStreams.push(process.stderr);
	return process.stderr;
};

const stdout = standardStream(1, nodeStdout);

// No top-level await: dist/ is CommonJS, whose loader starts faster than Node 20's ESM loader.
void run({
	argv: process.argv.slice(2),
	programName: path.basename(process.argv[1] ?? 'kubehop').replace(/\.(?:c|m)?js$/, ''),
	env: process.env,
	cwd: process.cwd(),
	stdout,
	stderr: standardStream(2, nodeStderr),
	// stdout first, which is written anyway: off a terminal that settles it, and neither the stdin stream
	// (only the TUI reads it) nor node:tty (with net and the stream modules) is loaded for the answer.
	interactive: Boolean(stdout.isTTY) && (process.getBuiltinModule?.('node:tty')?.isatty(0) ?? Boolean(process.stdin.isTTY)) && process.env.TERM !== 'dumb',
}).then(async (exitCode) => {
	process.exitCode = exitCode;
	// The command is over and awaits nothing: exit once its output is out, without Node's natural exit,
	// which first tears down sockets, handles and the heap (about 2-3 ms of `kubehop api`).
	await Promise.all(nodeStreams.filter((stream) => stream.writableLength > 0).map((stream) => new Promise((resolve) => stream.write('', resolve))));
	process.exit(exitCode);
});
