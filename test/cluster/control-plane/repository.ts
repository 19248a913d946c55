import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

/** A path inside this checkout, found from wherever this code runs: its source, or the demo's bundle. */
export function repositoryPath(relative: string): string {
	let directory = path.dirname(fileURLToPath(import.meta.url));
	for (;;) {
		if (fs.existsSync(path.join(directory, 'test', 'cluster', 'build-binaries.sh'))) return path.join(directory, relative);
		const parent = path.dirname(directory);
		if (parent === directory) throw new Error(`no kubehop checkout above ${fileURLToPath(import.meta.url)}`);
		directory = parent;
	}
}
