import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Conf from 'conf';
import {sha256Hex} from '../kubeconfig/sha256.ts';
import {contextLimit, namespaceLimit, reconcile, removeEntries, renameEntries, visit, type StackEntry} from './previous-stack.ts';

// One history per set of kubeconfig files, in a conf store (mode 0600). conf writes atomically but does
// not serialise read-modify-write across processes, so every change runs under a short exclusive lock.

export type FileSetHistory = {
	files: string;
	contexts: StackEntry[];
	namespaces: Record<string, StackEntry[]>;
	importedKubectx?: boolean;
};

type Store = {sets: Record<string, FileSetHistory>};

const maxFileSets = 20;

/** conf's name for the store, which `read` opens itself: conf adds `.json`. */
const storeName = 'history';

export type HistoryEnvironment = {env: Record<string, string | undefined>};

export function historyDirectory({env}: HistoryEnvironment): string {
	if (env.KUBEHOP_CONFIG_DIR) return env.KUBEHOP_CONFIG_DIR;
	const base = env.XDG_CONFIG_HOME || path.join(env.HOME || os.homedir(), '.config');
	return path.join(base, 'kubehop');
}

export class HistoryStore {
	readonly directory: string;
	readonly #key: string;
	readonly #files: string;
	readonly #env: Record<string, string | undefined>;

	constructor(environment: HistoryEnvironment, files: string) {
		this.directory = historyDirectory(environment);
		this.#env = environment.env;
		this.#files = files;
		this.#key = sha256Hex(files).slice(0, 16);
	}

	async read(): Promise<FileSetHistory> {
		return this.#readStore().sets?.[this.#key] ?? emptyHistory(this.#files);
	}

	/**
	 * The store as conf reads it (a missing or unparsable file is empty, any other error is thrown),
	 * without loading conf: the app's first frame orders contexts by this history, and only writes need
	 * conf's atomic save.
	 */
	#readStore(): Partial<Store> {
		let text: string;
		try {
			text = fs.readFileSync(path.join(this.directory, `${storeName}.json`), 'utf8');
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
			throw error;
		}

		try {
			const parsed = JSON.parse(text) as unknown;
			return parsed !== null && typeof parsed === 'object' ? (parsed as Partial<Store>) : {};
		} catch {
			return {};
		}
	}

	/**
	 * Applies `change` to this file set's history under the lock; returns the new history. Changes made
	 * in this process wait their turn here: the lock's wait blocks the thread, and the holder may be this
	 * very process, between two awaits.
	 */
	async update(change: (history: FileSetHistory) => FileSetHistory): Promise<FileSetHistory> {
		const run = inThisProcess.then(() => this.#update(change));
		inThisProcess = run.catch(() => undefined);
		return run;
	}

	async #update(change: (history: FileSetHistory) => FileSetHistory): Promise<FileSetHistory> {
		fs.mkdirSync(this.directory, {recursive: true, mode: 0o700});
		const unlock = await acquireHistoryLock(path.join(this.directory, 'history.json.lock'));
		try {
			const store = await this.#open();
			const sets = {...store.get('sets')};
			const updated = change(sets[this.#key] ?? emptyHistory(this.#files));
			delete sets[this.#key];
			// Newest file set first, so the bound drops the longest-unused sets.
			const bounded = Object.fromEntries([[this.#key, updated] as const, ...Object.entries(sets)].slice(0, maxFileSets));
			store.set('sets', bounded);
			return updated;
		} finally {
			unlock();
		}
	}

	async recordContext(previous: string, next: string): Promise<void> {
		const at = new Date().toISOString();
		await this.update((history) => {
			const withImport = this.#importKubectx(history, previous);
			const contexts = visit(reconcile(withImport.contexts, previous, at, contextLimit), next, at, contextLimit);
			return {...withImport, contexts};
		});
	}

	/**
	 * A switch seen in the files rather than made here (kubectl, kubectx, another kubehop): recorded
	 * unless the history already has `next` on top, as it does when another kubehop made the switch.
	 */
	async recordObservedContext(previous: string, next: string): Promise<void> {
		const at = new Date().toISOString();
		await this.update((history) => (history.contexts[0]?.name === next ? history : {...history, contexts: visit(reconcile(history.contexts, previous, at, contextLimit), next, at, contextLimit)}));
	}

	/** As recordObservedContext, for a namespace change seen in the files. */
	async recordObservedNamespace(context: string, previous: string, next: string): Promise<void> {
		const at = new Date().toISOString();
		await this.update((history) => {
			const stack = history.namespaces[context] ?? [];
			if (stack[0]?.name === next) return history;
			return {...history, namespaces: {...history.namespaces, [context]: visit(reconcile(stack, previous, at, namespaceLimit), next, at, namespaceLimit)}};
		});
	}

	async recordNamespace(context: string, previous: string, next: string): Promise<void> {
		const at = new Date().toISOString();
		await this.update((history) => {
			const stack = history.namespaces[context] ?? this.#importKubens(context, previous);
			const namespaces = visit(reconcile(stack, previous, at, namespaceLimit), next, at, namespaceLimit);
			return {...history, namespaces: {...history.namespaces, [context]: namespaces}};
		});
	}

	/** The stack as it should be read now: imported from kubectx on first use, real current value on top. */
	async contextStack(current: string): Promise<StackEntry[]> {
		const history = this.#importKubectx(await this.read(), current);
		return reconcile(history.contexts, current, new Date().toISOString(), contextLimit);
	}

	async namespaceStack(context: string, current: string): Promise<StackEntry[]> {
		const history = await this.read();
		const stack = history.namespaces[context] ?? this.#importKubens(context, current);
		return reconcile(stack, current, new Date().toISOString(), namespaceLimit);
	}

	async renameContext(from: string, to: string): Promise<void> {
		await this.update((history) => {
			const namespaces = {...history.namespaces};
			if (namespaces[from]) {
				namespaces[to] = namespaces[from];
				delete namespaces[from];
			}

			return {...history, contexts: renameEntries(history.contexts, from, to), namespaces};
		});
	}

	async deleteContext(name: string): Promise<void> {
		await this.update((history) => {
			const namespaces = {...history.namespaces};
			delete namespaces[name];
			return {...history, contexts: removeEntries(history.contexts, name), namespaces};
		});
	}

	#importKubectx(history: FileSetHistory, current: string): FileSetHistory {
		if (history.importedKubectx || history.contexts.length > 0) return history;
		const previous = readFirstLine(path.join(this.#kubectxStateDirectory(), 'kubectx'));
		const at = new Date(0).toISOString();
		const contexts = previous && previous !== current ? [...(current ? [{name: current, at}] : []), {name: previous, at}] : [];
		return {...history, contexts, importedKubectx: true};
	}

	#importKubens(context: string, current: string): StackEntry[] {
		const previous = readFirstLine(path.join(this.#kubectxStateDirectory(), 'kubens', context));
		const at = new Date(0).toISOString();
		return previous && previous !== current ? [{name: current, at}, {name: previous, at}] : [];
	}

	/** kubectx keeps its previous context in $XDG_CACHE_HOME/kubectx, else ~/.kube/kubectx. */
	#kubectxStateDirectory(): string {
		return this.#env.XDG_CACHE_HOME || path.join(this.#env.HOME || os.homedir(), '.kube');
	}

	async #open(): Promise<Conf<Store>> {
		const {default: ConfClass} = await import('conf');
		return new ConfClass<Store>({
			cwd: this.directory,
			configName: storeName,
			projectSuffix: '',
			configFileMode: 0o600,
			clearInvalidConfig: true,
			defaults: {sets: {}},
		});
	}
}

function emptyHistory(files: string): FileSetHistory {
	return {files, contexts: [], namespaces: {}};
}

function readFirstLine(file: string): string | undefined {
	try {
		return fs.readFileSync(file, 'utf8').split('\n')[0]!.trim() || undefined;
	} catch {
		return undefined;
	}
}

let inThisProcess: Promise<unknown> = Promise.resolve();

const lockWait = new Int32Array(new SharedArrayBuffer(4));

/** A private O_EXCL lock; a holder that died is detected by its pid and its lock is taken over. */
async function acquireHistoryLock(lock: string): Promise<() => void> {
	const deadline = Date.now() + 10_000;
	for (let attempt = 0; ; attempt++) {
		try {
			const descriptor = fs.openSync(lock, 'wx', 0o600);
			fs.writeSync(descriptor, String(process.pid));
			fs.closeSync(descriptor);
			return () => fs.rmSync(lock, {force: true});
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
		}

		if (holderIsGone(lock) || Date.now() > deadline) {
			fs.rmSync(lock, {force: true});
			continue;
		}

		Atomics.wait(lockWait, 0, 0, Math.min(2 + attempt, 20));
	}
}

function holderIsGone(lock: string): boolean {
	let pid: number;
	try {
		pid = Number(fs.readFileSync(lock, 'utf8'));
	} catch {
		return false;
	}

	if (!Number.isInteger(pid) || pid <= 0) {
		// Created but not yet written: give the holder a moment before calling it dead.
		try {
			return Date.now() - fs.statSync(lock).mtimeMs > 2000;
		} catch {
			return false;
		}
	}

	try {
		process.kill(pid, 0);
		return false;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'ESRCH';
	}
}
