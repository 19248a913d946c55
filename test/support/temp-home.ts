/**
 * A throwaway HOME for black-box tests that spawn kubehop and kubectl, plus a promise-based spawn.
 * Nothing here ever reads or writes the real ~/.kube: HOME, XDG dirs and KUBECONFIG all point inside the temp dir.
 */
import {spawn, type ChildProcess} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const cliPath = path.join(repoRoot, 'dist', 'cli.js');

export interface TempHome {
	readonly root: string;
	readonly home: string;
	/** Directory holding the kubeconfig files. */
	readonly kubeDir: string;
	/** Environment for child processes: no inherited KUBECONFIG, XDG_*, or colour. */
	env(kubeconfig: string): NodeJS.ProcessEnv;
	cleanup(): void;
}

export function makeTempHome(prefix: string): TempHome {
	const root = fs.mkdtempSync(path.join(os.tmpdir(), `kubehop-${prefix}-`));
	const home = path.join(root, 'home');
	const kubeDir = path.join(root, 'kube');
	fs.mkdirSync(home, {recursive: true});
	fs.mkdirSync(kubeDir, {recursive: true});
	return {
		root,
		home,
		kubeDir,
		env: (kubeconfig) => ({
			PATH: process.env.PATH ?? '/usr/bin:/bin',
			HOME: home,
			KUBECONFIG: kubeconfig,
			XDG_CONFIG_HOME: path.join(home, '.config'),
			XDG_CACHE_HOME: path.join(home, '.cache'),
			NO_COLOR: '1',
			TERM: 'dumb',
		}),
		cleanup: () => fs.rmSync(root, {recursive: true, force: true}),
	};
}

export interface RunResult {
	readonly command: string;
	readonly code: number | null;
	readonly signal: NodeJS.Signals | null;
	readonly stdout: string;
	readonly stderr: string;
	readonly ms: number;
}

export interface Running {
	readonly child: ChildProcess;
	readonly done: Promise<RunResult>;
}

/** Start a process now (no waiting), capturing its output. `kubehop` means `node dist/cli.js`. */
export function start(program: 'kubehop' | 'kubectl', args: readonly string[], env: NodeJS.ProcessEnv, cwd: string): Running {
	const [file, argv] = program === 'kubehop' ? [process.execPath, [cliPath, ...args]] : ['kubectl', [...args]];
	const began = performance.now();
	const child = spawn(file, argv, {env, cwd, stdio: ['ignore', 'pipe', 'pipe']});
	let stdout = '';
	let stderr = '';
	child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
	child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
	const done = new Promise<RunResult>((resolve, reject) => {
		child.once('error', reject);
		child.once('close', (code, signal) =>
			resolve({command: `${program} ${args.join(' ')}`, code, signal, stdout, stderr, ms: performance.now() - began}),
		);
	});
	return {child, done};
}

export async function run(program: 'kubehop' | 'kubectl', args: readonly string[], env: NodeJS.ProcessEnv, cwd: string): Promise<RunResult> {
	return start(program, args, env, cwd).done;
}

/** Every file in `directory` (not recursive) whose name matches. */
export function filesMatching(directory: string, pattern: RegExp): string[] {
	return fs.readdirSync(directory).filter((name) => pattern.test(name)).sort();
}

/** kubehop's temp file for an atomic replace: `.<name>.kubehop-<pid>-<hex>.tmp`, next to the real file. */
export const KUBEHOP_TEMP = /^\..+\.kubehop-\d+-[0-9a-f]+\.tmp$/;
export const LOCK_FILE = /\.lock$/;
