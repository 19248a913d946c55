import fs from 'node:fs';
import path from 'node:path';
import {pathToFileURL} from 'node:url';
import fc from 'fast-check';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
// @ts-expect-error: a plain JavaScript module of the bundle.
import {patches} from '../../source/bundle/dependency-patches.mjs';
// @ts-expect-error: a plain JavaScript module of the bundle.
import {narrowSymbols} from '../../source/bundle/string-width-fast.mjs';

// Each patch is a shortcut, so the patched dependency must answer exactly as the original does. The
// patched copies live under node_modules/.cache so that their own imports still resolve.

type Patch = {file: RegExp; apply: (source: string, file: string) => string};
const root = path.resolve(import.meta.dirname, '../..');
let copies: string;

/** A copy of the package in `directory` with every patch that matches one of its files applied. */
function patchedCopy(directory: string): string {
	const copy = path.join(copies, path.relative(path.join(root, 'node_modules'), directory));
	fs.cpSync(directory, copy, {recursive: true});
	for (const name of fs.readdirSync(copy, {recursive: true}) as string[]) {
		const patch = (patches as Patch[]).find((candidate) => candidate.file.test(path.join(directory, name)));
		if (patch) fs.writeFileSync(path.join(copy, name), patch.apply(fs.readFileSync(path.join(copy, name), 'utf8'), name));
	}

	return copy;
}

type Tokenizer = {
	tokenize: (text: string, endChar?: number) => unknown[];
	styledCharsFromTokens: (tokens: unknown[]) => Array<{styles: unknown[]}>;
	styledCharsToString: (chars: unknown[]) => string;
	diffAnsiCodes: (from: unknown[], to: unknown[]) => unknown[];
};

let original: Tokenizer;
let patched: Tokenizer;

beforeAll(async () => {
	copies = fs.mkdtempSync(path.join(root, 'node_modules', '.cache', 'kubehop-patches-'));
	const tokenizer = path.join(root, 'node_modules', '@alcalzone', 'ansi-tokenize');
	original = (await import(pathToFileURL(path.join(tokenizer, 'build', 'index.js')).href)) as Tokenizer;
	patched = (await import(pathToFileURL(path.join(patchedCopy(tokenizer), 'build', 'index.js')).href)) as Tokenizer;
});

afterAll(() => fs.rmSync(copies, {recursive: true, force: true}));

// Text as Ink draws it: plain ASCII, colours and styles, wide and combining characters, emoji, links.
const piece = fc.oneof(
	fc.string({unit: fc.constantFrom(...' abcXYZ019-_./:~', ...narrowSymbols)}),
	fc.constantFrom('\u001B[31m', '\u001B[39m', '\u001B[1m', '\u001B[22m', '\u001B[2m', '\u001B[7m', '\u001B[27m', '\u001B[0m', '\u001B[38;5;208m', '\u001B[1;3;31m', '\u001B[m', '\u001B[38;2;1;2;3m', '\u001B]8;;https://example.com\u0007', '\u001B]8;;\u0007'),
	fc.constantFrom('日本', 'e\u0301', '👩‍💻', '🇩🇪', '\u2764\uFE0F', '\t'),
);
const text = fc.array(piece, {maxLength: 12}).map((pieces) => pieces.join(''));

describe('the patched ANSI tokenizer', () => {
	it('applies each patch to the installed version', () => {
		const installed = ['@alcalzone/ansi-tokenize/build/tokenize.js', '@alcalzone/ansi-tokenize/build/diff.js', '@alcalzone/ansi-tokenize/build/ansiCodes.js', 'slice-ansi/index.js', 'slice-ansi/tokenize-ansi.js', 'string-width/index.js', 'conf/dist/source/index.js'];
		for (const name of installed) {
			const file = path.join(root, 'node_modules', name);
			const patch = (patches as Patch[]).find((candidate) => candidate.file.test(file))!;
			expect(patch.apply(fs.readFileSync(file, 'utf8'), file)).not.toBe(fs.readFileSync(file, 'utf8'));
		}
	});

	it('tokenizes as the original does, with and without a width limit', () => {
		fc.assert(
			fc.property(text, fc.option(fc.nat({max: 20}), {nil: undefined}), (line, endChar) => {
				expect(patched.tokenize(line, endChar)).toEqual(original.tokenize(line, endChar));
			}),
			{numRuns: 500},
		);
	});

	it('writes styled characters back out as the original does', () => {
		fc.assert(
			fc.property(fc.array(text, {maxLength: 4}), (lines) => {
				const chars = lines.flatMap((line) => original.styledCharsFromTokens(original.tokenize(line)));
				expect(patched.styledCharsToString(chars)).toBe(original.styledCharsToString(chars));
			}),
			{numRuns: 500},
		);
	});

	it('diffs any two styles as the original does', () => {
		const styles = text.map((line) => original.styledCharsFromTokens(original.tokenize(`${line}x`)).at(-1)!.styles);
		fc.assert(
			fc.property(styles, styles, (from, to) => {
				expect(patched.diffAnsiCodes(from, to)).toEqual(original.diffAnsiCodes(from, to));
				expect(patched.diffAnsiCodes(from, from)).toEqual(original.diffAnsiCodes(from, from));
			}),
			{numRuns: 500},
		);
	});
});

describe('the patched slice-ansi', () => {
	it('slices as the original does', async () => {
		const directory = path.join(root, 'node_modules', 'slice-ansi');
		type Slice = {default: (text: string, start?: number, end?: number) => string};
		const {default: sliceAnsi} = (await import(pathToFileURL(path.join(directory, 'index.js')).href)) as Slice;
		const {default: patchedSlice} = (await import(pathToFileURL(path.join(patchedCopy(directory), 'index.js')).href)) as Slice;
		fc.assert(
			fc.property(text, fc.nat({max: 24}), fc.option(fc.nat({max: 24}), {nil: undefined}), (line, start, end) => {
				expect(patchedSlice(line, start, end)).toBe(sliceAnsi(line, start, end));
			}),
			{numRuns: 800},
		);
	});
});

describe('the patched string-width', () => {
	it('measures as the original does, and builds the emoji expression only when asked', async () => {
		const directory = path.join(root, 'node_modules', 'string-width');
		const {default: stringWidth} = (await import(pathToFileURL(path.join(directory, 'index.js')).href)) as {default: (text: string) => number};
		const copy = patchedCopy(directory);
		expect(fs.readFileSync(path.join(copy, 'index.js'), 'utf8')).not.toMatch(/const rgiEmojiRegex = \//);
		const {default: patchedWidth} = (await import(pathToFileURL(path.join(copy, 'index.js')).href)) as {default: (text: string) => number};
		fc.assert(
			fc.property(text, (line) => {
				expect(patchedWidth(line)).toBe(stringWidth(line));
			}),
			{numRuns: 300},
		);
	});
});

describe('the patched terminal-size', () => {
	it('answers as the original, with child_process loaded only for its fallback', async () => {
		const directory = path.join(root, 'node_modules', 'terminal-size');
		const source = fs.readFileSync(path.join(directory, 'index.js'), 'utf8');
		const patch = (patches as Patch[]).find((candidate) => candidate.file.test(path.join(directory, 'index.js')))!;
		expect(patch.apply(source, 'index.js')).not.toMatch(/^import .* from 'node:child_process'/m);
		const load = async (copy: string) => ((await import(pathToFileURL(path.join(copy, 'index.js')).href)) as {default: () => {columns: number; rows: number}}).default;
		const [original, patchedSize] = await Promise.all([load(directory), load(patchedCopy(directory))]);
		// Under vitest no stream is a terminal, so both reach the tput and resize fallbacks.
		expect(patchedSize()).toEqual(original());
	});
});

describe('the patched conf', () => {
	it('loads neither node:crypto nor node:assert as it loads', () => {
		const directory = path.join(root, 'node_modules', 'conf');
		const patch = (patches as Patch[]).find((candidate) => candidate.file.test(path.join(directory, 'dist', 'source', 'index.js')))!;
		const source = patch.apply(fs.readFileSync(path.join(directory, 'dist', 'source', 'index.js'), 'utf8'), 'index.js');
		expect(source).not.toMatch(/^import .* from 'node:(crypto|assert)'/m);
	});

	it('adds its defaults to a store, and rewrites one, exactly when the original does', async () => {
		type Store = {get: (key: string) => unknown; path: string};
		type ConfClass = new (options: Record<string, unknown>) => Store;
		const directory = path.join(root, 'node_modules', 'conf');
		const load = async (copy: string) => ((await import(pathToFileURL(path.join(copy, 'dist', 'source', 'index.js')).href)) as {default: ConfClass}).default;
		const [original, patchedConf] = await Promise.all([load(directory), load(patchedCopy(directory))]);
		const stores = [{}, {sets: {a: 1}}, {sets: {}, other: 2}, {other: [1, {b: 2}]}, {sets: 3}];
		const outcome = (Conf: ConfClass, name: string, stored: string | undefined) => {
			const cwd = fs.mkdtempSync(path.join(copies, `${name}-`));
			const file = path.join(cwd, 'store.json');
			if (stored !== undefined) fs.writeFileSync(file, stored);
			const before = stored === undefined ? undefined : fs.statSync(file).ino;
			const store = new Conf({cwd, configName: 'store', projectSuffix: '', clearInvalidConfig: true, defaults: {sets: {}}});
			const after = fs.existsSync(file) ? fs.statSync(file).ino : undefined;
			return {sets: store.get('sets'), text: after === undefined ? undefined : fs.readFileSync(file, 'utf8'), rewritten: before !== after};
		};

		for (const stored of [undefined, ...stores.map((store) => JSON.stringify(store)), '{"__proto__": {"sets": 1}}']) {
			expect(outcome(patchedConf, 'patched', stored)).toEqual(outcome(original, 'original', stored));
		}
	});
});
