import {spawn, spawnSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it, vi} from 'vitest';
import {standardStream} from '../../source/terminal/standard-stream.ts';
import {cliPath, makeTempHome, type TempHome} from '../support/temp-home.ts';

// Off a terminal, a command's answer goes out through write(2); these hold it to what Node's own stream
// would do: every byte in order, partial writes resumed, a full non-blocking pipe handed to Node's stream,
// and a reader that goes away ending the command quietly.

describe('standardStream, with write(2) stubbed', () => {
	it('resumes partial writes, and hands the rest to the Node stream at EAGAIN, in order', () => {
		const handed: string[] = [];
		const nodeStream = vi.fn(() => ({write: (chunk: Buffer | string) => handed.push(String(chunk))}) as unknown as NodeJS.WriteStream);
		const written: string[] = [];
		let calls = 0;
		const spy = vi.spyOn(fs, 'writeSync').mockImplementation(((_fd: number, buffer: Buffer, offset: number) => {
			calls++;
			if (calls === 3) throw Object.assign(new Error('EAGAIN'), {code: 'EAGAIN'});
			// Three bytes at a time, as a pipe with little room would take them.
			const piece = buffer.subarray(offset, offset + 3);
			written.push(piece.toString());
			return piece.length;
		}) as unknown as typeof fs.writeSync);
		try {
			// A pipe (the test runner's own stdout may be a terminal, so the choice is forced through fstat).
			vi.spyOn(fs, 'fstatSync').mockReturnValueOnce({isFIFO: () => true, isSocket: () => false, isFile: () => false, isCharacterDevice: () => false} as fs.Stats);
			const stream = standardStream(1, nodeStream);
			expect(stream.isTTY).toBe(false);
			stream.write('abcdefghij');
			stream.write('klm');
			expect(written.join('')).toBe('abcdef');
			expect(handed.join('')).toBe('ghijklm');
			expect(nodeStream).toHaveBeenCalledTimes(1);
		} finally {
			spy.mockRestore();
			vi.restoreAllMocks();
		}
	});

	it('a terminal, or a device it cannot tell from one, gets the Node stream', () => {
		const node = {write: () => true, isTTY: true} as unknown as NodeJS.WriteStream;
		vi.spyOn(fs, 'fstatSync').mockReturnValueOnce({isFIFO: () => false, isSocket: () => false, isFile: () => false, isCharacterDevice: () => true, rdev: 34_816} as fs.Stats);
		try {
			expect(standardStream(1, () => node)).toBe(node);
		} finally {
			vi.restoreAllMocks();
		}
	});
});

describe('the built binary off a terminal', () => {
	let home: TempHome;
	let env: NodeJS.ProcessEnv;
	const names = Array.from({length: 5000}, (_, index) => `context-${String(index).padStart(5, '0')}-${'x'.repeat(40)}`);
	beforeAll(() => {
		home = makeTempHome('standard-stream');
		const file = path.join(home.kubeDir, 'config');
		const lines = ['apiVersion: v1', 'kind: Config', 'clusters:', '- name: c', '  cluster:', '    server: https://127.0.0.1:1', 'users:', '- name: u', '  user: {}', 'contexts:'];
		for (const name of names) lines.push(`- name: ${name}`, '  context:', '    cluster: c', '    user: u');
		lines.push(`current-context: ${names[0]}`, '');
		fs.writeFileSync(file, lines.join('\n'), {mode: 0o600});
		env = home.env(file);
	});
	afterAll(() => home?.cleanup());

	it('writes every line to a file, a pipe and /dev/null alike', () => {
		const expected = `${names.join('\n')}\n`;
		const piped = spawnSync(process.execPath, [cliPath, 'ctx'], {env, encoding: 'utf8'});
		expect(piped.status).toBe(0);
		expect(piped.stdout).toBe(expected);
		const file = path.join(home.root, 'out.txt');
		const fd = fs.openSync(file, 'w');
		const toFile = spawnSync(process.execPath, [cliPath, 'ctx'], {env, stdio: ['ignore', fd, 'pipe']});
		fs.closeSync(fd);
		expect(toFile.status).toBe(0);
		expect(fs.readFileSync(file, 'utf8')).toBe(expected);
		const toNull = spawnSync(process.execPath, [cliPath, 'ctx'], {env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8'});
		expect(toNull.status).toBe(0);
		expect(toNull.stderr).toBe('');
	});

	it('a reader that leaves early (| head) ends it quietly, with status 0', async () => {
		const child = spawn(process.execPath, [cliPath, 'ctx'], {env, stdio: ['ignore', 'pipe', 'pipe']});
		let stderr = '';
		child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
		// The first chunk read, the pipe is closed while most of the list is still to be written.
		child.stdout.once('data', () => child.stdout.destroy());
		const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
		expect(stderr).toBe('');
		expect(status).toBe(0);
	});
});
