import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterEach} from 'vitest';

// Every test that touches the disk gets its own directory with its own HOME; nothing reaches ~/.kube.

const created: string[] = [];

afterEach(() => {
	for (const directory of created.splice(0)) fs.rmSync(directory, {recursive: true, force: true});
});

export type TempTree = {root: string; home: string; file(relative: string, content?: string): string; read(relative: string): string};

export function tempTree(files: Record<string, string> = {}): TempTree {
	const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kubehop-test-'));
	created.push(root);
	const home = path.join(root, 'home');
	fs.mkdirSync(path.join(home, '.kube'), {recursive: true});
	const tree: TempTree = {
		root,
		home,
		file(relative, content) {
			const absolute = path.join(root, relative);
			if (content !== undefined) {
				fs.mkdirSync(path.dirname(absolute), {recursive: true});
				fs.writeFileSync(absolute, content, {mode: 0o600});
			}

			return absolute;
		},
		read: (relative) => fs.readFileSync(path.join(root, relative), 'utf8'),
	};
	for (const [relative, content] of Object.entries(files)) tree.file(relative, content);
	return tree;
}

/** The lines that differ: position by position when no line was added or removed, else between the common head and tail. */
export function lineDiff(before: string, after: string): {removed: string[]; added: string[]} {
	const a = before.split(/\r?\n/);
	const b = after.split(/\r?\n/);
	if (a.length === b.length) {
		const changed = a.flatMap((line, index) => (line === b[index] ? [] : [index]));
		return {removed: changed.map((index) => a[index]!), added: changed.map((index) => b[index]!)};
	}

	let head = 0;
	while (head < a.length && head < b.length && a[head] === b[head]) head++;
	let tail = 0;
	while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
	return {removed: a.slice(head, a.length - tail), added: b.slice(head, b.length - tail)};
}
