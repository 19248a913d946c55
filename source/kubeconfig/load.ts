import {isUtf8} from 'node:buffer';
import fs from 'node:fs';
import path from 'node:path';
import {KubeconfigFileError} from '../errors/kubehop-error.ts';
import {decodeKubeconfig, type DecodedConfig, type NamedItem, type NamedSection} from './decode.ts';
import {parseKubeconfigYaml} from './parse.ts';
import type {KubeconfigSelection} from './paths.ts';
import {YamlSyntaxError, type ParsedDocument} from './tree.ts';

export type LoadedFile = {
	/** The path as listed (relative entries stay relative to the working directory, like kubectl). */
	path: string;
	text: string;
	document: ParsedDocument;
	config: DecodedConfig;
};

export type Defined<T> = {
	name: string;
	file: string;
	/** Later files that define the same name; their definitions are hidden (R6). */
	shadowedIn: string[];
	item: NamedItem;
	readonly data: T;
};

export type ContextData = {cluster: string; user: string; namespace: string};

export type MergedKubeconfig = {
	selection: KubeconfigSelection;
	files: LoadedFile[];
	currentContext: string;
	contexts: Map<string, Defined<ContextData>>;
	clusters: Map<string, Defined<Record<string, unknown>>>;
	users: Map<string, Defined<Record<string, unknown>>>;
};

/** Reads one file as kubectl does. Returns undefined for a missing file, which kubectl skips (R4). */
export async function readKubeconfigFile(file: string): Promise<LoadedFile | undefined> {
	const bytes = readKubeconfigBytes(file);
	return bytes && parseKubeconfigFile(file, bytes);
}

/** The raw bytes of a kubeconfig file, or undefined when it does not exist. */
export function readKubeconfigBytes(file: string): Buffer | undefined {
	try {
		return fs.readFileSync(file);
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'ENOENT') return undefined;
		const reason = code === 'EISDIR' ? 'is a directory, not a file' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
		throw new KubeconfigFileError(file, reason);
	}
}

export async function parseKubeconfigFile(file: string, bytes: Buffer): Promise<LoadedFile> {
	const text = bytes.toString('utf8');
	// kubectl refuses bytes that are not UTF-8; read with U+FFFD in their place, every offset after them
	// would be off, and a switch would splice the wrong bytes.
	if (!isUtf8(bytes)) throw new KubeconfigFileError(file, 'not UTF-8 text (kubectl: yaml: invalid UTF-8)', undefined, text.slice(0, text.indexOf('\uFFFD')).split('\n').length);
	let document: ParsedDocument;
	try {
		document = await parseKubeconfigYaml(text);
	} catch (error) {
		if (error instanceof YamlSyntaxError) throw new KubeconfigFileError(file, `invalid YAML: ${error.message}`, undefined, error.line);
		throw error;
	}

	return {path: file, text, document, config: decodeKubeconfig(document.root, file)};
}

export async function loadKubeconfig(selection: KubeconfigSelection): Promise<MergedKubeconfig> {
	const files: LoadedFile[] = [];
	for (const file of selection.precedence) {
		// Empty list entries stay in the precedence (they are locked) but are never read (R2).
		if (file === '') continue;
		const loaded = await readKubeconfigFile(file);
		if (loaded) files.push(loaded);
	}

	return mergeKubeconfig(selection, files);
}

export function mergeKubeconfig(selection: KubeconfigSelection, files: LoadedFile[]): MergedKubeconfig {
	const merged: MergedKubeconfig = {
		selection,
		files,
		currentContext: files.find((file) => file.config.currentContext !== '')?.config.currentContext ?? '',
		contexts: new Map(),
		clusters: new Map(),
		users: new Map(),
	};
	for (const file of files) {
		addSection(merged.contexts, file, 'contexts', (data) => ({
			cluster: stringField(data.cluster),
			user: stringField(data.user),
			namespace: stringField(data.namespace),
		}));
		addSection(merged.clusters, file, 'clusters', (data) => resolvePaths(data, file.path, ['certificate-authority']));
		addSection(merged.users, file, 'users', (data) => resolvePaths(data, file.path, ['client-certificate', 'client-key', 'tokenFile']));
	}

	return merged;
}

function addSection<T>(target: Map<string, Defined<T>>, file: LoadedFile, section: NamedSection, toData: (data: Record<string, unknown>) => T): void {
	for (const item of file.config.sections[section].items) {
		const existing = target.get(item.name);
		if (existing) {
			existing.shadowedIn.push(file.path);
			continue;
		}

		let data: T | undefined;
		target.set(item.name, {
			name: item.name,
			file: file.path,
			shadowedIn: [],
			item,
			get data() {
				data ??= toData(item.data);
				return data;
			},
		});
	}
}

function stringField(value: unknown): string {
	return typeof value === 'string' ? value : '';
}

/** Relative credential paths resolve against the file that defines the stanza, whatever the CWD (R9). */
function resolvePaths(data: Record<string, unknown>, definingFile: string, keys: string[]): Record<string, unknown> {
	const base = path.dirname(path.resolve(definingFile));
	const resolved = {...data};
	for (const key of keys) {
		const value = resolved[key];
		if (typeof value === 'string' && value !== '' && !path.isAbsolute(value)) resolved[key] = path.resolve(base, value);
	}

	const exec = resolved.exec as Record<string, unknown> | null | undefined;
	if (exec && typeof exec.command === 'string' && exec.command.includes('/') && !path.isAbsolute(exec.command)) {
		resolved.exec = {...exec, command: path.resolve(base, exec.command)};
	}

	return resolved;
}

/** The namespace kubectl uses for a context: its own, or "default" (R25). */
export function effectiveNamespace(config: MergedKubeconfig, contextName = config.currentContext): string {
	return config.contexts.get(contextName)?.data.namespace || 'default';
}
