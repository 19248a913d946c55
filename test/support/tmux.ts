import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {setTimeout as delay} from 'node:timers/promises';

// A real terminal for end-to-end tests: a detached tmux session on a private server, driven with
// send-keys and read with capture-pane, the way a person at a keyboard would see it.

let sessions = 0;

/** Polls until `check` returns something other than undefined; on timeout the error says what was last seen. */
export async function poll<T>(check: () => T | undefined, {timeoutMs, what, seen}: {timeoutMs: number; what: string; seen: () => string}): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const result = check();
		if (result !== undefined) return result;
		if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}; last seen:\n${seen()}`);
		await delay(50);
	}
}

export class TmuxSession {
	/** The private server's socket name (`tmux -L`): nothing is shared with the user's tmux or other tests. */
	readonly socket = `kubehop-e2e-${process.pid}-${++sessions}`;
	private readonly config: string;

	/** Starts `command` (an argv, run without a shell) in a detached window of the given size. */
	constructor(directory: string, command: readonly string[], {width = 100, height = 30} = {}) {
		this.config = path.join(directory, `${this.socket}.conf`);
		// No status line (the pane is the whole window), and a crashed program leaves its last screen to read.
		fs.writeFileSync(this.config, 'set -g status off\nset -g remain-on-exit on\nset -g history-limit 0\n');
		this.tmux(['new-session', '-d', '-s', 'main', '-x', String(width), '-y', String(height), ...command]);
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

	async waitForScreen(predicate: (lines: string[]) => boolean, timeoutMs = 15_000, what = 'the expected screen'): Promise<string[]> {
		return poll(() => {
			const lines = this.screen();
			return predicate(lines) ? lines : undefined;
		}, {timeoutMs, what, seen: () => this.screen().join('\n')});
	}

	/** Kills the server and waits for the programs in its panes to be gone, so nothing writes to HOME afterwards. */
	async kill(): Promise<void> {
		let pids: number[] = [];
		let socketPath: string | undefined;
		try {
			socketPath = this.tmux(['display-message', '-p', '#{socket_path}']).trim();
			pids = this.tmux(['list-panes', '-a', '-F', '#{pane_pid}']).trim().split('\n').map(Number);
			this.tmux(['kill-server']);
		} catch {
			// Already gone.
		}

		// A zombie waiting for its new parent (here a slow-reaping init) to collect it has finished too.
		const alive = (pid: number) => {
			try {
				process.kill(pid, 0);
			} catch {
				return false;
			}

			try {
				return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
			} catch {
				return true;
			}
		};

		await poll(() => (pids.some(alive) ? undefined : true), {timeoutMs: 10_000, what: `panes ${pids.join(', ')} to exit`, seen: () => ''});
		fs.rmSync(this.config, {force: true});
		// tmux 3.3 leaves the socket file of a killed server behind.
		if (socketPath) fs.rmSync(socketPath, {force: true});
	}

	private tmux(args: string[]): string {
		return execFileSync('tmux', ['-u', '-L', this.socket, '-f', this.config, ...args], {encoding: 'utf8', env: {PATH: process.env.PATH, LANG: 'C.UTF-8'}, timeout: 10_000});
	}
}
