import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {getCurrentTest} from 'vitest/suite';

// A real terminal for end-to-end tests: a detached tmux session on a private server, driven with
// send-keys and read with capture-pane, the way a person at a keyboard would see it.

let sessions = 0;

/** Calls `notify` whenever something may have changed; returns how to stop. */
export type Changes = (notify: () => void) => () => void;

/** Every change to these files, or to the entries of these directories (renames included). */
export function fileChanges(...paths: string[]): Changes {
	return (notify) => {
		const watchers = paths.map((file) => fs.watch(file, notify));
		return () => {
			for (const watcher of watchers) watcher.close();
		};
	};
}

/**
 * The running test's AbortSignal: aborted when the test times out or the run is cancelled. The waits
 * below end on their condition, or on this: the runner's own timeout bounds them, not a timer of theirs.
 */
function testSignal(): AbortSignal | undefined {
	return getCurrentTest()?.context.signal;
}

/**
 * Resolves with the first value `check` returns other than undefined, checking now and again after
 * each change it is told of (bursts of changes are checked once). If the test ends first (its timeout),
 * the error says what was awaited and what was last seen. No fixed pauses and no deadline of its own:
 * a loaded machine only makes the changes come later.
 */
export function poll<T>(check: () => T | undefined, {what, seen, changes}: {what: string; seen: () => string; changes: Changes}): Promise<T> {
	return new Promise<T>((resolve, reject) => {
		let pending = false;
		let settled = false;
		const signal = testSignal();
		const settle = (finish: () => void) => {
			settled = true;
			stop();
			signal?.removeEventListener('abort', ended);
			finish();
		};

		const attempt = () => {
			pending = false;
			if (settled) return;
			try {
				const result = check();
				if (result !== undefined) settle(() => resolve(result));
			} catch (error) {
				settle(() => reject(error));
			}
		};

		const ended = () =>
			settle(() => {
				const error = new Error(`the test ended while waiting for ${what}; last seen:\n${seen()}`);
				// The runner reports the timeout itself; this says what the wait saw, for the log.
				console.error(error.message);
				reject(error);
			});
		const stop = changes(() => {
			if (!pending) {
				pending = true;
				setImmediate(attempt);
			}
		});
		signal?.addEventListener('abort', ended, {once: true});
		if (signal?.aborted) ended();
		else attempt();
	});
}

export class TmuxSession {
	/** The private server's socket name (`tmux -L`): nothing is shared with the user's tmux or other tests. */
	readonly socket = `kubehop-e2e-${process.pid}-${++sessions}`;
	private readonly config: string;
	/** Everything the pane's program writes, copied by tmux (`pipe-pane`): each write may change the screen. */
	private readonly output: string;

	/** Ends once every process of the pane has exited: see paneEnded. */
	private readonly ended: {promise: Promise<void>; release(): void};

	/** Starts `command` (an argv, run without a shell) in a detached window of the given size. */
	constructor(directory: string, command: readonly string[], {width = 100, height = 30} = {}) {
		this.config = path.join(directory, `${this.socket}.conf`);
		// No status line (the pane is the whole window), and a crashed program leaves its last screen to read.
		this.output = path.join(directory, `${this.socket}.out`);
		fs.writeFileSync(this.output, '');
		fs.writeFileSync(this.config, 'set -g status off\nset -g remain-on-exit on\nset -g history-limit 0\n');
		const fifo = path.join(directory, `${this.socket}.running`);
		this.ended = paneEnded(fifo);
		// The pane's shell opens the FIFO as fd 3, says so, and becomes the program, which keeps it open until it exits.
		this.tmux(['new-session', '-d', '-s', 'main', '-x', String(width), '-y', String(height), 'sh', '-c', 'exec 3>"$0" && printf . >&3 && exec "$@"', fifo, ...command]);
		this.tmux(['pipe-pane', '-t', 'main', '-o', `cat >> '${this.output}'`]);
	}

	/** Named keys (`Enter`, `Tab`, `C-c`, `-`...). */
	keys(...keys: string[]): void {
		this.tmux(['send-keys', '-t', 'main', ...keys]);
	}

	/** Literal text, typed as is. */
	type(text: string): void {
		this.tmux(['send-keys', '-t', 'main', '-l', text]);
	}

	resize(width: number, height: number): void {
		this.tmux(['resize-window', '-t', 'main', '-x', String(width), '-y', String(height)]);
	}

	/** Every row of the visible pane, trailing blanks trimmed by tmux. */
	screen(): string[] {
		return this.tmux(['capture-pane', '-p', '-t', 'main']).replace(/\n$/, '').split('\n');
	}

	async waitForScreen(predicate: (lines: string[]) => boolean, what = 'the expected screen'): Promise<string[]> {
		return poll(() => {
			const lines = this.screen();
			return predicate(lines) ? lines : undefined;
		}, {what, seen: () => this.screen().join('\n'), changes: fileChanges(this.output)});
	}

	/** Kills the server and waits for the program in its pane to be gone, so nothing writes to HOME afterwards. */
	async kill(): Promise<void> {
		let socketPath: string | undefined;
		try {
			socketPath = this.tmux(['display-message', '-p', '#{socket_path}']).trim();
			this.tmux(['kill-server']);
		} catch {
			// Already gone.
		}

		// Until the program is gone, or the test that asked ends; after a test that timed out (a hook cleaning
		// up), the hook's own timeout bounds it.
		const signal = testSignal()?.aborted ? undefined : testSignal();
		let ended: (() => void) | undefined;
		try {
			await Promise.race([this.ended.promise, new Promise((_, reject) => signal?.addEventListener('abort', (ended = () => reject(new Error("the test ended while waiting for the pane's program to exit"))), {once: true}))]);
		} finally {
			if (ended) signal?.removeEventListener('abort', ended);
			this.ended.release();
			fs.rmSync(this.config, {force: true});
			fs.rmSync(this.output, {force: true});
			// tmux 3.3 leaves the socket file of a killed server behind.
			if (socketPath) fs.rmSync(socketPath, {force: true});
		}
	}

	private tmux(args: string[]): string {
		return execFileSync('tmux', ['-u', '-L', this.socket, '-f', this.config, ...args], {encoding: 'utf8', env: {PATH: process.env.PATH, LANG: 'C.UTF-8'}, timeout: 10_000});
	}
}

/**
 * When the pane's processes are all gone. They are tmux's children, not ours, so Linux would not tell us
 * when they exit; but the kernel closes their files when they do: the pane holds the write end of a
 * FIFO, and its read end here sees the end of the stream once the last holder has exited, however it
 * died. A FIFO without writers also reads as ended, so a writer of our own holds it open until the
 * pane's first byte says the pane has its end.
 */
function paneEnded(fifo: string): {promise: Promise<void>; release(): void} {
	execFileSync('mkfifo', ['-m', '600', fifo]);
	const reader = fs.openSync(fifo, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
	let holder: number | undefined = fs.openSync(fifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
	const letGo = () => {
		if (holder !== undefined) fs.closeSync(holder);
		holder = undefined;
	};
	const stream = new net.Socket({fd: reader, readable: true, writable: false});
	// A session a test never kills does not keep the test process alive.
	stream.unref();
	const promise = new Promise<void>((resolve) => {
		stream.on('data', letGo);
		stream.once('end', resolve);
		stream.once('close', resolve);
	});
	stream.on('error', () => {});
	return {
		promise,
		release: () => {
			letGo();
			stream.destroy();
			fs.rmSync(fifo, {force: true});
		},
	};
}
