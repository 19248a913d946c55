import fs from 'node:fs';
import path from 'node:path';
import {kubehopCacheDirectory, writeCacheFile} from '../kubeconfig/cache-files.ts';
import {contentDigest} from '../kubeconfig/content-digest.ts';
import {sameStat, settled, statOf, type FileStat} from '../kubeconfig/file-stat.ts';
import {readScalarAt} from '../kubeconfig/scan.ts';
import {sha256Hex} from '../kubeconfig/sha256.ts';
import type {CertificateInfo} from './certificate.ts';
import type {ContextFacts, ReadFile} from './fleet.ts';

// `kubehop certs -A` parses every kubeconfig and every certificate in them. Run again on the same files
// (from cron, or a second look), it reads the facts back instead. An entry lists every file the facts
// came from (the kubeconfigs, and the CA, certificate and token files they point at) with its stat, and
// is used only while each still holds, as the kubeconfig index does (file-stat.ts). A kubeconfig whose
// stat changed is compared by content, its current-context left out: switching contexts rewrites the
// file, and the facts of every context do not depend on which one is current. Days left and severities
// are never kept: rowsAt works them out for each run's clock. Nothing secret is kept either:
// certificates as they describe themselves, a token's claims, a plugin's record key.

// Bumped whenever the facts change shape or meaning, so that no entry outlives the code that made it.
const cacheFormat = 4;

type StoredCertificateFacts = {role: string; certificates: number[]} | {role: string; unusable: string};

/** Certificates and CA bundles by their place in the entry's tables: a fleet shares one CA many times over. */
type StoredFacts = Omit<ContextFacts, 'probeTarget' | 'certificates'> & {
	certificates: StoredCertificateFacts[];
	probeTarget?: Omit<NonNullable<ContextFacts['probeTarget']>, 'caPem'> & {ca?: number};
};

/**
 * A file the facts came from: its stat, or null when it did not exist. A kubeconfig's also its content
 * digest, and where its current-context line starts (-1 when every byte counts).
 */
type FileRecord = [file: string, stat: FileStat | null, digest?: string, currentContextAt?: number];

/**
 * An entry is two files: the facts, and the files they came from. Learning a file's new stat rewrites
 * only the small second one. Each names the facts by `id`, so that a pair written by different runs
 * (one stopped between its two writes) never matches: the facts are written first.
 */
type Entry = {format: number; version: string; id: string; pems: string[]; certificates: CertificateInfo[]; contexts: StoredFacts[]};

type Sources = {format: number; id: string; files: FileRecord[]};

/**
 * A top-level `current-context:` line holding one scalar and perhaps a comment, and nothing else: the
 * only line a switch rewrites. A value that goes on to other lines, or a line with more on it, does not
 * match, and every byte of the file then counts.
 */
const currentContextLine = /^current-context:(?:[ \t]+(?:"(?:[^"\\\n]|\\.)*"|'(?:[^'\n]|'')*'|[^\s#,[\]{}&*!|>'"%@`](?:[^\s#,[\]{}:]|:(?=[^\s,[\]{}])|[ \t]+(?=[^\s#]))*)?)?(?:[ \t]+#[^\n]*)?[ \t]*\r?$/gm;

/**
 * The digest (content-digest.ts) of a kubeconfig's bytes with its current-context line left out, and
 * where that line starts; or of all its bytes (at -1) when there is no such line, or when it is not at
 * `parsedAt`, where the parser found the key. Two files with the same digest and the same `at` then differ in that line alone:
 * the bytes before it are the same, so a parser reaches it in the same state, and it ends on its own
 * line. `valueIsString` says whether the line's value reads as kubectl wants it (a string, or nothing);
 * nothing else parses it when content is matched this way.
 */
export function digestWithoutCurrentContext(bytes: Buffer, parsedAt?: number): {digest: string; at: number; valueIsString: boolean} {
	const text = bytes.toString('latin1');
	const lines = [...text.matchAll(currentContextLine)];
	const line = lines.length === 1 ? lines[0]! : undefined;
	if (!line || (parsedAt !== undefined && line.index !== parsedAt)) return {digest: contentDigest(bytes), at: -1, valueIsString: true};
	const at = line.index!;
	const digest = contentDigest(bytes.subarray(0, at), bytes.subarray(at + line[0].length));
	let valueAt = at + 'current-context:'.length;
	while (text[valueAt] === ' ' || text[valueAt] === '\t') valueAt++;
	const empty = valueAt >= at + line[0].length || text[valueAt] === '#' || text[valueAt] === '\r';
	// The scanner's own reading of the value: a quoted string with an escape it does not know, say, is not trusted.
	const value = empty ? undefined : readScalarAt(text, valueAt);
	return {digest, at, valueIsString: empty || value?.type === 'string' || value?.type === 'null'};
}

/** Which files an entry depends on, with their stats as they were before they were read. */
export class FileRecorder {
	readonly #stats = new Map<string, FileStat | undefined>();
	readonly #kubeconfigs = new Map<string, {text: string; currentContextAt: number | undefined} | undefined>();

	note(file: string): void {
		const resolved = path.resolve(file);
		if (!this.#stats.has(resolved)) this.#stats.set(resolved, statOf(resolved));
	}

	/** A kubeconfig file, also known by its content when its stat changes (a context switch). */
	noteKubeconfig(file: string): void {
		this.note(file);
		this.#kubeconfigs.set(path.resolve(file), undefined);
	}

	/**
	 * The text the facts were parsed from, and where the parser found its current-context key, in bytes.
	 * A parse made before the file was noted (an app's kubeconfig, loaded once) may be of other bytes:
	 * nothing is kept then.
	 */
	parsed(file: string, text: string, currentContextAt: number | undefined): void {
		if (this.#kubeconfigs.has(path.resolve(file))) this.#kubeconfigs.set(path.resolve(file), {text, currentContextAt});
	}

	/** fs.readFileSync, noting the file first. */
	readonly read: ReadFile = (file) => {
		this.note(file);
		return fs.readFileSync(file, 'utf8');
	};

	/** The stats, if every file is still as it was and has settled by `nowMs`; otherwise nothing worth keeping. */
	settledFiles(nowMs: number): FileRecord[] | undefined {
		const files: FileRecord[] = [];
		for (const [file, before] of this.#stats) {
			const now = statOf(file);
			if (before === undefined ? now !== undefined : !sameStat(before, now) || !settled(before, nowMs)) return undefined;
			if (!before || !this.#kubeconfigs.has(file)) {
				files.push([file, before ?? null]);
				continue;
			}

			let bytes: Buffer;
			try {
				bytes = fs.readFileSync(file);
			} catch {
				return undefined;
			}

			// Read again after the parse: unchanged since, by its stat, and the very bytes that were parsed.
			const parsed = this.#kubeconfigs.get(file);
			if (!parsed || !sameStat(before, statOf(file)) || bytes.toString('utf8') !== parsed.text) return undefined;
			// Without a parsed current-context key, no line is left out.
			const {digest, at} = digestWithoutCurrentContext(bytes, parsed.currentContextAt ?? -2);
			files.push([file, before, digest, at]);
		}

		return files;
	}
}

export class CertificateReportCache {
	constructor(
		readonly directory: string,
		readonly version: string,
	) {}

	static forEnvironment(env: Record<string, string | undefined>, version: string): CertificateReportCache {
		return new CertificateReportCache(path.join(kubehopCacheDirectory(env), 'certs'), version);
	}

	/** The facts of every context of these kubeconfig files, when nothing they came from has changed. */
	lookup(precedence: readonly string[], nowMs: number): ContextFacts[] | undefined {
		const where = this.#pathFor(precedence);
		const sources = readJson<Sources>(`${where}.files.json`);
		if (sources?.format !== cacheFormat) return undefined;
		let learned = false;
		for (const record of sources.files) {
			const [file, stat, digest, currentContextAt] = record;
			const now = statOf(file);
			if (stat === null ? now === undefined : sameStat(stat, now)) continue;
			if (!stat || !now || !digest || currentContextAt === undefined) return undefined;
			// Another stat, the same content but for current-context: a switch, most likely.
			let bytes: Buffer;
			try {
				bytes = fs.readFileSync(file);
			} catch {
				return undefined;
			}

			const content = digestWithoutCurrentContext(bytes, currentContextAt === -1 ? -2 : currentContextAt);
			if (content.digest !== digest || content.at !== currentContextAt || !content.valueIsString || !sameStat(now, statOf(file))) return undefined;
			// Learnt once settled, so that the next run needs only the stat again.
			if (settled(now, nowMs)) {
				record[1] = now;
				learned = true;
			}
		}

		const entry = readJson<Entry>(`${where}.json`);
		if (entry?.format !== cacheFormat || entry.version !== this.version || entry.id !== sources.id) return undefined;
		if (learned) writeCacheFile(`${where}.files.json`, JSON.stringify(sources));
		const certificates = entry.certificates.map((certificate) => ({...certificate, notBefore: new Date(certificate.notBefore), notAfter: new Date(certificate.notAfter)}));
		return entry.contexts.map((stored) => revived(stored, entry.pems, certificates));
	}

	store(precedence: readonly string[], files: FileRecord[], contexts: readonly ContextFacts[]): void {
		const pems = new Table<string>((pem) => pem);
		const certificates = new Table<CertificateInfo>((certificate) => certificate.fingerprint256);
		const stored = contexts.map((facts): StoredFacts => {
			const {probeTarget, ...rest} = facts;
			const certificateFacts = facts.certificates.map((entry) => ('unusable' in entry ? entry : {role: entry.role, certificates: entry.certificates.map((certificate) => certificates.add(certificate))}));
			if (!probeTarget) return {...rest, certificates: certificateFacts, probeTarget: undefined};
			const {caPem, ...target} = probeTarget;
			return {...rest, certificates: certificateFacts, probeTarget: {...target, ca: caPem === undefined ? undefined : pems.add(caPem)}};
		});
		const where = this.#pathFor(precedence);
		const id = `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
		writeCacheFile(`${where}.json`, JSON.stringify({format: cacheFormat, version: this.version, id, pems: pems.values, certificates: certificates.values, contexts: stored} satisfies Entry));
		writeCacheFile(`${where}.files.json`, JSON.stringify({format: cacheFormat, id, files} satisfies Sources));
	}

	/** The entry's path without its extension. */
	#pathFor(precedence: readonly string[]): string {
		return path.join(this.directory, sha256Hex(JSON.stringify(precedence.map((file) => (file === '' ? '' : path.resolve(file))))).slice(0, 32));
	}
}

function readJson<T>(file: string): T | undefined {
	try {
		return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
	} catch {
		return undefined;
	}
}

class Table<T> {
	readonly values: T[] = [];
	readonly #places = new Map<string, number>();

	constructor(private readonly keyOf: (value: T) => string) {}

	add(value: T): number {
		const key = this.keyOf(value);
		let place = this.#places.get(key);
		if (place === undefined) this.#places.set(key, (place = this.values.push(value) - 1));
		return place;
	}
}

function revived(stored: StoredFacts, pems: readonly string[], certificates: readonly CertificateInfo[]): ContextFacts {
	const {probeTarget, ...facts} = stored;
	const certificateFacts = stored.certificates.map((entry) => ('unusable' in entry ? entry : {role: entry.role, certificates: entry.certificates.map((place) => certificates[place]!)})) as ContextFacts['certificates'];
	if (!probeTarget) return {...facts, certificates: certificateFacts, probeTarget: undefined};
	const {ca, ...target} = probeTarget;
	return {...facts, certificates: certificateFacts, probeTarget: {...target, caPem: ca === undefined ? undefined : pems[ca]}};
}
