import fs from 'node:fs';
import path from 'node:path';
import {setMapValue} from './edit.ts';
import type {LoadedFile} from './load.ts';
import {authKind} from './auth-kind.ts';
import type {ScalarStyle} from './scalar.ts';
import {kubehopCacheDirectory, writeCacheFile} from './cache-files.ts';
import {contentDigest} from './content-digest.ts';
import {sha256Hex} from './sha256.ts';
import {sameStat, settled, statOf, type FileStat} from './file-stat.ts';


// What switching needs from one kubeconfig file, cached by the digest of its exact bytes: a file whose
// bytes digest the same was already parsed and validated in full, so its context names and the place of
// its current-context can be reused without parsing megabytes again.

/** Where current-context's value goes, in bytes: the splice is `before + scalar + after` over [start, end). */
export type CurrentContextTemplate = {start: number; end: number; before: string; after: string; style: ScalarStyle};

export type FileIndex = {
	currentContext: string;
	contexts: string[];
	/** Per context, in the order of `contexts`: its cluster, user and namespace. */
	contextFields: Array<[cluster: string, user: string, namespace: string]>;
	/** Cluster name to server, user name to how it authenticates: what a preview shows. */
	servers: Record<string, string>;
	auth: Record<string, string>;
	/** Undefined when the file's shape needs the general edit path (flow style, anchors, no mapping). */
	currentContextTemplate: CurrentContextTemplate | undefined;
};

const sentinel = 'kubehop-current-context-placeholder';

export function buildFileIndex(file: LoadedFile): FileIndex {
	const text = (value: unknown) => (typeof value === 'string' ? value : '');
	const {contexts, clusters, users} = file.config.sections;
	return {
		currentContext: file.config.currentContext,
		contexts: contexts.items.map((item) => item.name),
		contextFields: contexts.items.map((item) => [text(item.data.cluster), text(item.data.user), text(item.data.namespace)]),
		servers: Object.fromEntries(clusters.items.map((item) => [item.name, text(item.data.server)])),
		auth: Object.fromEntries(users.items.map((item) => [item.name, authKind(item.data)])),
		currentContextTemplate: templateFor(file),
	};
}

/** The splice the general edit path would make, with a placeholder value cut out of it. */
function templateFor(file: LoadedFile): CurrentContextTemplate | undefined {
	const {root, currentContextEntry} = file.config;
	if (!root || root.flow || root.shared || currentContextEntry?.value?.kind === 'map' || currentContextEntry?.value?.kind === 'seq') return undefined;
	const splice = setMapValue(file.text, file.document, root, 'current-context', sentinel);
	const at = splice.text.indexOf(sentinel);
	if (at === -1) return undefined;
	const value = currentContextEntry?.value;
	const style = value?.kind === 'scalar' && value.style !== 'block' && value.type === 'string' ? value.style : 'plain';
	return {
		start: Buffer.byteLength(file.text.slice(0, splice.start)),
		end: Buffer.byteLength(file.text.slice(0, splice.end)),
		before: splice.text.slice(0, at),
		after: splice.text.slice(at + sentinel.length),
		style,
	};
}

// Bumped whenever validation rules or the index shape change, so no entry outlives the rules that made it.
const cacheFormat = 8;

/**
 * The file's fingerprint, as digests (content-digest.ts) of consecutive byte ranges split around current-context's
 * value. A switch rewrites only the middle range, so the writer hashes a few bytes, not the whole file.
 */
export type Segment = {length: number; digest: string};

type CacheEntry = {format: number; file: string; segments: Segment[]; index: StoredIndex; stat?: FileStat};

type Details = Pick<FileIndex, 'contextFields' | 'servers' | 'auth'>;

/**
 * An index as cached: what a switch and the first frame need, and each of the preview's details as JSON
 * text. At 10,000 contexts parsing those is two thirds of reading an entry, and only a preview needs
 * them; parsed one by one, none holds up a key for long.
 */
type StoredIndex = Omit<FileIndex, keyof Details> & {details: {[K in keyof Details]: string}};

/** The details of indexes read from the cache, as the cache holds them: written back without a parse. */
const detailsText = new WeakMap<FileIndex, StoredIndex['details']>();

function stored(index: FileIndex): StoredIndex {
	const {currentContext, contexts, currentContextTemplate} = index;
	const details = detailsText.get(index) ?? {contextFields: JSON.stringify(index.contextFields), servers: JSON.stringify(index.servers), auth: JSON.stringify(index.auth)};
	return {currentContext, contexts, currentContextTemplate, details};
}

function restored({details, ...rest}: StoredIndex): FileIndex {
	const parsed: Partial<Details> = {};
	const index: FileIndex = {
		...rest,
		get contextFields() {
			return (parsed.contextFields ??= JSON.parse(details.contextFields) as Details['contextFields']);
		},
		get servers() {
			return (parsed.servers ??= JSON.parse(details.servers) as Details['servers']);
		},
		get auth() {
			return (parsed.auth ??= JSON.parse(details.auth) as Details['auth']);
		},
	};
	detailsText.set(index, details);
	return index;
}

/** `index` after a switch: only where current-context sits changed, so a cached index's details stay unparsed. */
export function withCurrentContext(index: FileIndex, currentContext: string, currentContextTemplate: FileIndex['currentContextTemplate']): FileIndex {
	const details = detailsText.get(index);
	return details ? restored({contexts: index.contexts, currentContext, currentContextTemplate, details}) : {...index, currentContext, currentContextTemplate};
}

export type CacheHit = {index: FileIndex; segments: Segment[]};

export function segmentsOf(pieces: Buffer[]): Segment[] {
	return pieces.map((piece) => ({length: piece.length, digest: contentDigest(piece)}));
}

/** Splits a file where a switch will splice it, so that the unchanged ranges keep their digests. */
export function fingerprint(bytes: Buffer, index: FileIndex): Segment[] {
	const template = index.currentContextTemplate;
	if (!template) return segmentsOf([bytes]);
	return segmentsOf([bytes.subarray(0, template.start), bytes.subarray(template.start, template.end), bytes.subarray(template.end)]);
}

/** A private cache (0700 directory, 0600 files); a missing or damaged entry is simply a miss. */
export class FileIndexCache {
	constructor(readonly directory: string) {}

	static forEnvironment(env: Record<string, string | undefined>): FileIndexCache {
		return new FileIndexCache(path.join(kubehopCacheDirectory(env), 'index'));
	}

	/**
	 * The index of exactly these bytes, if it was built before. `stat` is the file's stat from before the
	 * bytes were read: when it still holds and the file has settled, the entry learns it, for `peek`.
	 */
	lookup(file: string, bytes: Buffer, stat?: FileStat): CacheHit | undefined {
		const entry = this.#read(file);
		if (!entry) return undefined;
		if (entry.segments.reduce((sum, segment) => sum + segment.length, 0) !== bytes.length) return undefined;
		let offset = 0;
		for (const segment of entry.segments) {
			if (contentDigest(bytes.subarray(offset, offset + segment.length)) !== segment.digest) return undefined;
			offset += segment.length;
		}

		// Rewritten only to learn a settled stat: a file changed moments ago is not worth a write yet.
		const index = restored(entry.index);
		if (stat && settled(stat) && !sameStat(entry.stat, stat)) this.store(file, entry.segments, index, stat);
		return {index, segments: entry.segments};
	}

	/**
	 * The index by stat alone, without reading the file: for what is only shown. Anything that writes
	 * goes through `lookup`, which checks every byte under the kubeconfig locks.
	 */
	peek(file: string): FileIndex | undefined {
		try {
			// An unreadable file must fail as loudly as when it is read.
			fs.accessSync(file, fs.constants.R_OK);
		} catch {
			return undefined;
		}

		const entry = this.#read(file);
		return entry?.stat && sameStat(entry.stat, statOf(file)) ? restored(entry.index) : undefined;
	}

	/** `stat` is taken before the bytes were read; it is kept only when it still holds and has settled. */
	store(file: string, segments: Segment[], index: FileIndex, stat?: FileStat): void {
		const current = stat && settled(stat) && sameStat(stat, statOf(file)) ? stat : undefined;
		writeCacheFile(this.#pathFor(file), JSON.stringify({format: cacheFormat, file: path.resolve(file), segments, index: stored(index), stat: current} satisfies CacheEntry));
	}

	#read(file: string): CacheEntry | undefined {
		try {
			const entry = JSON.parse(fs.readFileSync(this.#pathFor(file), 'utf8')) as CacheEntry;
			return entry.format === cacheFormat && entry.file === path.resolve(file) ? entry : undefined;
		} catch {
			return undefined;
		}
	}

	#pathFor(file: string): string {
		return path.join(this.directory, `${sha256Hex(path.resolve(file)).slice(0, 32)}.json`);
	}
}
