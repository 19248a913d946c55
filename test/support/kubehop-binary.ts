import {spawnSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

export const cliPath = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

export type RunResult = {status: number; stdout: string; stderr: string};

export type RunOptions = {env?: Record<string, string | undefined>; cwd?: string; asUser?: number};

/** Runs the built binary with a clean environment: only what the test passes, never the real HOME. */
export function kubehop(args: string[], {env = {}, cwd, asUser}: RunOptions = {}): RunResult {
	if (!fs.existsSync(cliPath)) throw new Error(`${cliPath} is missing: run npm run build first`);
	const base = {PATH: process.env.PATH, NO_COLOR: '1', ...env};
	const command = [process.execPath, cliPath, ...args];
	if (asUser !== undefined) command.unshift('setpriv', `--reuid=${asUser}`, `--regid=${asUser}`, '--clear-groups');
	const result = spawnSync(command[0]!, command.slice(1), {env: base as NodeJS.ProcessEnv, cwd, encoding: 'utf8', timeout: 60_000});
	return {status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr};
}

/** A snapshot of every file under a directory (bytes and mtime), to prove nothing was written. */
export function snapshot(root: string): Record<string, string> {
	const result: Record<string, string> = {};
	const walk = (directory: string) => {
		for (const entry of fs.readdirSync(directory, {withFileTypes: true})) {
			const full = path.join(directory, entry.name);
			if (entry.isDirectory()) walk(full);
			else {
				const stat = fs.lstatSync(full);
				result[path.relative(root, full)] = `${stat.mtimeMs}:${entry.isSymbolicLink() ? fs.readlinkSync(full) : fs.readFileSync(full, 'base64')}`;
			}
		}
	};

	walk(root);
	return result;
}
