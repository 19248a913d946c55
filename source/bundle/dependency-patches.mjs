// Source patches the bundle applies to a few dependencies, each a shortcut that gives the same answer
// sooner. Every patch names the text it expects and fails the build when that text is gone, so an
// upgrade cannot silently drop one; test/bundle holds each patched function to the original's answers.
import fs from 'node:fs';
import {narrowSymbols} from './string-width-fast.mjs';

/**
 * Text that is one grapheme and one column per UTF-16 unit: printable ASCII and the symbols of
 * kubehop's own chrome (borders, marks, spinner), as the source of a regular expression.
 */
const plainCharacter = `[\\x20-\\x7E${[...narrowSymbols].map((symbol) => `\\u${symbol.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}]`;
const plainText = `^${plainCharacter}*$`;
/** The same, with colours and styles: SGR sequences (ESC [ digits and semicolons m) between the characters. */
const plainTextWithStyles = `^(?:${plainCharacter}|\\x1b\\[[0-9;]*m)*$`;

/** Replaces `anchor` (once, exactly) in `source`, or explains which dependency changed shape. */
function patched(source, file, anchor, replacement) {
	const at = source.indexOf(anchor);
	if (at < 0 || source.indexOf(anchor, at + 1) >= 0) {
		throw new Error(`${file}: expected exactly one \`${anchor.split('\n')[0]}\`; the dependency changed, update source/bundle/dependency-patches.mjs`);
	}

	return source.slice(0, at) + replacement + source.slice(at + anchor.length);
}

/**
 * Creates `name`'s Intl.Segmenter on first use: the first segmenter in a process loads ICU's break
 * rules, ~7 ms, and with the shortcuts below no frame of plain text needs one.
 */
function lazySegmenter(source, file, name, options) {
	const code = source.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
	const uses = code.match(new RegExp(`\\b${name}\\b.{0,9}`, 'g')) ?? [];
	if (uses.slice(1).some((use) => !use.startsWith(`${name}.segment(`))) throw new Error(`${file}: ${name} is used other than through .segment(); update source/bundle/dependency-patches.mjs`);
	return patched(source, file, `const ${name} = new Intl.Segmenter(${options});`, `let ${name}Instance; const ${name} = {segment: (text) => (${name}Instance ??= new Intl.Segmenter(${options})).segment(text)};`);
}

export const patches = [
	{
		// string-width builds `/^\p{RGI_Emoji}$/v` as its module loads: ~12 ms of parsing on every start of
		// the app, for an expression only emoji reach. Built on first use instead.
		file: /[\\/]string-width[\\/]index\.js$/,
		apply(source, file) {
			const uses = source.match(/rgiEmojiRegex\b[^;]{0,6}/g) ?? [];
			if (uses.slice(1).some((use) => !use.startsWith('rgiEmojiRegex.test('))) throw new Error(`${file}: rgiEmojiRegex is used other than through .test(); update source/bundle/dependency-patches.mjs`);
			const lazyEmoji = patched(source, file, 'const rgiEmojiRegex = /^\\p{RGI_Emoji}$/v;', "let rgiEmojiExpression; const rgiEmojiRegex = {test: (text) => (rgiEmojiExpression ??= new RegExp('^\\\\p{RGI_Emoji}$', 'v')).test(text)};");
			return lazySegmenter(lazyEmoji, file, 'segmenter', '');
		},
	},
	{
		// Ink turns every line it draws into styled characters, one grapheme at a time through
		// Intl.Segmenter. Plain text is one character per grapheme, one column each; its only escapes
		// are the styles, read as the original reads them.
		file: /[\\/]@alcalzone[\\/]ansi-tokenize[\\/]build[\\/]tokenize\.js$/,
		apply(source, file) {
			for (const used of ['function parseSGRSequence(string, offset) {', 'function splitCompoundSGRSequences(code) {', ' getEndCode, ']) {
				if (!source.includes(used)) throw new Error(`${file}: the shortcut uses \`${used.trim()}\`, which is gone; update source/bundle/dependency-patches.mjs`);
			}

			return patched(
				lazySegmenter(source, file, 'segmenter', 'undefined, { granularity: "grapheme" }'),
				file,
				'export function tokenize(str, endChar = Number.POSITIVE_INFINITY) {\n',
				'export function tokenize(str, endChar = Number.POSITIVE_INFINITY) {\n' +
					`    if (/${plainTextWithStyles}/.test(str)) {\n` +
					'        const plain = [];\n' +
					'        let visible = 0;\n' +
					'        for (let index = 0; index < str.length; index++) {\n' +
					'            if (str.charCodeAt(index) === 0x1b) {\n' +
					'                const code = parseSGRSequence(str, index);\n' +
					'                for (const individualCode of splitCompoundSGRSequences(code)) plain.push({ type: "ansi", code: individualCode, endCode: getEndCode(individualCode) });\n' +
					'                index += code.length - 1;\n' +
					'                continue;\n' +
					'            }\n' +
					'            plain.push({ type: "char", value: str[index], fullWidth: false });\n' +
					'            if (++visible >= endChar) break;\n' +
					'        }\n' +
					'        return plain;\n' +
					'    }\n',
			);
		},
	},
	{
		// Then it writes the screen back out character by character, diffing each one's styles against
		// the previous one's: a Set and an array for every blank or plain cell, 3,000 of them a frame.
		file: /[\\/]@alcalzone[\\/]ansi-tokenize[\\/]build[\\/]diff\.js$/,
		apply(source, file) {
			return patched(
				source,
				file,
				'export function diffAnsiCodes(from, to) {\n',
				'export function diffAnsiCodes(from, to) {\n' + '    if (from.length === to.length && from.every((code, index) => code.code === to[index].code && code.endCode === to[index].endCode))\n' + '        return [];\n',
			);
		},
	},
	{
		// Ink clips every line to its box through slice-ansi, which segments the line into graphemes.
		file: /[\\/]slice-ansi[\\/]index\.js$/,
		apply(source, file) {
			return patched(
				source,
				file,
				'export default function sliceAnsi(string, start, end) {\n',
				'export default function sliceAnsi(string, start, end) {\n' + `\tif (/${plainText}/.test(string) && Number.isInteger(start) && start >= 0 && (end === undefined || (Number.isInteger(end) && end >= 0))) {\n` + '\t\treturn string.slice(start, end);\n' + '\t}\n',
			);
		},
	},
	{
		file: /[\\/]slice-ansi[\\/]tokenize-ansi\.js$/,
		apply: (source, file) => lazySegmenter(source, file, 'GRAPHEME_SEGMENTER', "undefined, {granularity: 'grapheme'}"),
	},
	{
		// Ink's reconciler awaits at its top level, only when DEV=true (React DevTools, its own
		// package.json). The UI bundle is a classic script, which cannot await there; kubehop ships no
		// DevTools, so DEV=true gets Ink's own "not installed" warning.
		file: /[\\/]ink[\\/]build[\\/]reconciler\.js$/,
		apply(source, file) {
			const withoutDevTools = patched(source, file, "        await import('./devtools.js');\n", "        throw Object.assign(new Error('React DevTools are not bundled with kubehop'), { code: 'ERR_MODULE_NOT_FOUND' });\n");
			return patched(withoutDevTools, file, 'const packageJson = isDev()\n    ? await loadPackageJson()\n    : { name: undefined, version: undefined };\n', 'const packageJson = { name: undefined, version: undefined };\n');
		},
	},
	{
		// terminal-size loads child_process as Ink loads, for a fallback (tput, resize) that only runs
		// when no terminal answers; ~1 ms of every start of the app. Loaded when that fallback runs.
		file: /[\\/]terminal-size[\\/]index\.js$/,
		apply(source, file) {
			return patched(source, file, "import {execFileSync} from 'node:child_process';\n", "const execFileSync = (...arguments_) => (process.getBuiltinModule?.('node:child_process') ?? require('node:child_process')).execFileSync(...arguments_);\n");
		},
	},
	{
		// ...and turns each of those diffs, nearly always empty, into text through a Set.
		file: /[\\/]@alcalzone[\\/]ansi-tokenize[\\/]build[\\/]ansiCodes\.js$/,
		apply(source, file) {
			return patched(source, file, 'export function ansiCodesToString(codes) {\n', 'export function ansiCodesToString(codes) {\n    if (codes.length === 0)\n        return "";\n');
		},
	},
	{
		// conf (the history store, written by every switch) loads node:crypto and node:assert as it loads:
		// crypto for encryption, which kubehop never asks for, and assert for one question, whether its
		// defaults add a key the stored object lacks. Both load Node's streams; together they were ~4 ms of
		// a 48 ms `kubehop ctx -` (alternating runs). crypto now loads on first use, and that one question
		// is answered directly, exactly as assert.deepEqual answers it for the objects conf builds.
		file: /[\\/]conf[\\/]dist[\\/]source[\\/]index\.js$/,
		apply(source, file) {
			const question = 'const storeWithDefaults = Object.assign(createPlainObject(), options.defaults ?? {}, fileStore);';
			const asked = source.split('assert.').length - 1;
			if (asked !== 2 || source.split(question).length - 1 !== 2 || source.split('assert.deepEqual(fileStore, storeWithDefaults);').length - 1 !== 2) {
				throw new Error(`${file}: conf no longer uses assert only to compare its store with its defaults; update source/bundle/dependency-patches.mjs`);
			}

			const lazyCrypto = patched(source, file, "import crypto from 'node:crypto';\n", "const crypto = new Proxy({}, { get: (_, name) => (process.getBuiltinModule?.('node:crypto') ?? require('node:crypto'))[name] });\n");
			return patched(
				lazyCrypto,
				file,
				"import assert from 'node:assert';\n",
				// `withDefaults` is Object.assign(createPlainObject(), defaults, stored): every stored key with its
				// very value, so the two are deeply equal exactly when the defaults added no key.
				'const assert = { deepEqual(stored, withDefaults) { if (Object.keys(withDefaults).length !== Object.keys(stored).length) throw new Error("conf: the defaults add keys"); } };\n',
			);
		},
	},
];

/** The esbuild plugin that applies them. */
export const dependencyPatches = {
	name: 'kubehop-dependency-patches',
	setup(build) {
		for (const patch of patches) {
			build.onLoad({filter: patch.file}, (args) => ({contents: patch.apply(fs.readFileSync(args.path, 'utf8'), args.path), loader: 'js'}));
		}
	},
};
