import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import {afterEach, describe, expect, it} from 'vitest';
import {cliPath} from '../support/kubehop-binary.ts';
import {tempTree} from '../support/temp-tree.ts';
import {fileChanges, poll, TmuxSession} from '../support/tmux.ts';

// The bundled UI keeps V8's compiled code of Ink and React in the user's cache: written when missing,
// written again when V8 refuses it, and never needed for the app to work.

const vendorScript = path.join(path.dirname(cliPath), 'chunks', 'ui-vendor.js');
const earlierVersion = 'ui-vendor-0123456789abcdef-v20.0.0-x64.v8';
let session: TmuxSession | undefined;

afterEach(async () => {
	await session?.kill();
	session = undefined;
});

describe('the compiled-code cache of the bundled UI', () => {
	it('is written on the first exit, accepted by V8, and replaced when damaged', async () => {
		const tree = tempTree({'home/.kube/config': 'apiVersion: v1\nkind: Config\ncontexts:\n- context: {cluster: c}\n  name: first\n- context: {cluster: c}\n  name: second\ncurrent-context: first\n'});
		const directory = path.join(tree.home, '.cache', 'kubehop', 'code');
		fs.mkdirSync(directory, {recursive: true, mode: 0o700});
		const entries = () => fs.readdirSync(directory).filter((name) => !name.endsWith('.tmp'));

		/** One launch: the list on screen, q, and the cache file as the exit left it. */
		const launchAndQuit = async (previous?: Buffer): Promise<{name: string; bytes: Buffer}> => {
			session = new TmuxSession(tree.root, ['env', '-i', `PATH=${process.env.PATH}`, `HOME=${tree.home}`, 'TERM=xterm-256color', process.execPath, cliPath]);
			await session.waitForScreen((lines) => lines.some((line) => line.includes('2/2')), 'the context list');
			session.keys('q');
			const written = await poll(
				() => {
					const name = entries().find((entry) => entry !== earlierVersion);
					const bytes = name === undefined ? undefined : fs.readFileSync(path.join(directory, name));
					return name !== undefined && bytes && !bytes.equals(previous ?? Buffer.alloc(0)) ? {name, bytes} : undefined;
				},
				{what: 'the cache file written at exit', seen: () => entries().join(', '), changes: fileChanges(directory)},
			);
			await session.kill();
			session = undefined;
			return written;
		};

		const first = await launchAndQuit();
		expect(first.name).toMatch(new RegExp(`^ui-vendor-[0-9a-f]{16}-${process.version}-${process.arch}\\.v8$`));
		expect(fs.statSync(path.join(directory, first.name)).mode & 0o777).toBe(0o600);
		const accepted = new vm.Script(fs.readFileSync(vendorScript, 'utf8'), {filename: vendorScript, cachedData: first.bytes});
		expect(accepted.cachedDataRejected).toBe(false);

		const damaged = Buffer.from('not a code cache');
		fs.writeFileSync(path.join(directory, first.name), damaged);
		fs.writeFileSync(path.join(directory, earlierVersion), damaged);
		const second = await launchAndQuit(damaged);
		expect(second.name).toBe(first.name);
		expect(new vm.Script(fs.readFileSync(vendorScript, 'utf8'), {filename: vendorScript, cachedData: second.bytes}).cachedDataRejected).toBe(false);
		// The cache of an earlier kubehop or Node went with that write.
		expect(entries()).toEqual([first.name]);

		// A launch whose caches V8 accepts writes none of them again, kubehop's own packs included, those the
		// panes load once the app runs too: the app changes V8's flags while it runs, and V8 refuses a cache
		// made under other flags than its own (source/bundle/v8-flags.ts).
		const packs = path.join(tree.home, '.cache', 'kubehop', 'chunk-code');
		const stamps = () => Object.fromEntries([directory, packs].flatMap((folder) => fs.readdirSync(folder).map((name) => [path.join(folder, name), fs.statSync(path.join(folder, name)).mtimeMs])));
		// The program's exit status, written by the shell that starts it: an exit may draw nothing more.
		const exits = path.join(tree.root, 'exits');
		fs.mkdirSync(exits);
		let launches = 0;
		const launchThroughThePanes = async () => {
			const status = path.join(exits, String(++launches));
			session = new TmuxSession(tree.root, ['sh', '-c', '"$@"; echo $? > "$0"', status, 'env', '-i', `PATH=${process.env.PATH}`, `HOME=${tree.home}`, 'TERM=xterm-256color', process.execPath, cliPath]);
			await session.waitForScreen((lines) => lines.some((line) => line.includes('2/2')), 'the context list');
			session.keys('Tab', 'Tab', 'Tab', 'Tab');
			await session.waitForScreen((lines) => lines.some((line) => line.includes('STATUS') && line.includes('CONTEXT')), 'the Certificates pane');
			session.keys('q');
			const written = () => {
				const text = fs.existsSync(status) ? fs.readFileSync(status, 'utf8') : '';
				return text.endsWith('\n') ? text.trim() : undefined;
			};
			const exitStatus = await poll(written, {what: 'the app to exit', seen: () => session!.screen().join('\n'), changes: fileChanges(exits)});
			expect(exitStatus).toBe('0');
			await session.kill();
			session = undefined;
		};

		await launchThroughThePanes();
		const before = stamps();
		expect(Object.keys(before).filter((file) => file.startsWith(packs)).length).toBeGreaterThan(2);
		await launchThroughThePanes();
		expect(stamps()).toEqual(before);
	});
});

describe('the UI libraries, bundled once', () => {
	it('are in ui-vendor.js only: no chunk of the app carries a second string-width, whose emoji tables cost ~25 ms the first time it measures a name', () => {
		const meta = JSON.parse(fs.readFileSync(path.resolve('node_modules/.cache/kubehop-bundle-meta.json'), 'utf8')) as {outputs: Record<string, {inputs: Record<string, unknown>}>};
		const inputs = Object.values(meta.outputs).flatMap((output) => Object.keys(output.inputs));
		expect(inputs.filter((input) => /node_modules\/(?:string-width|emoji-regex|get-east-asian-width|ink|react)\//.test(input))).toEqual([]);
		// Not vacuous: the app's own sources are there, and the vendor script has the real one.
		expect(inputs).toContain('source/ui/truncate.ts');
		expect(fs.readFileSync(vendorScript, 'utf8')).toContain('Segmenter');
	});
});
