import fs from 'node:fs';
import {KubehopError} from '../errors/kubehop-error.ts';
import type {DecodedConfig} from './decode.ts';
import {appendSeqItem, insertMapEntry, removeMapEntry, removeSeqItem, replaceEntryValue, setEntryRawValue, setMapValue, type Splice} from './edit.ts';
import type {LoadedFile, MergedKubeconfig} from './load.ts';
import {modifyKubeconfig, type FileEdit, type Modification, type Plan} from './modify.ts';
import {defaultFile, type KubeconfigSelection} from './paths.ts';
import {renderScalar} from './scalar.ts';
import {mapGet, type YamlNode} from './tree.ts';

const exists = (file: string) => fs.existsSync(file);

function fileOf(config: MergedKubeconfig, path: string): LoadedFile | undefined {
	return config.files.find((file) => file.path === path);
}

function contextNames(config: DecodedConfig): string[] {
	return config.sections.contexts.items.map((item) => item.name);
}

/** kubectl's checks before a switch (R10), for any view of the merged contexts. */
export function requireContext(name: string, contexts: {has(name: string): boolean}): void {
	if (name === '') throw new KubehopError('empty context names are not allowed');
	if (!contexts.has(name)) throw new KubehopError(`no context exists with the name: "${name}"`, 'list contexts with: kubehop ctx');
}

/** `kubectl config use-context`: the name goes to the default file (R10, R11). */
export async function useContext(selection: KubeconfigSelection, name: string): Promise<Modification<{changed: boolean; previous: string}>> {
	return modifyKubeconfig<{changed: boolean; previous: string}>(selection, (config) => {
		requireContext(name, config.contexts);
		const previous = config.currentContext;
		if (previous === name) return {edits: [], result: {changed: false, previous}};
		const target = defaultFile(selection, exists);
		return {edits: [setCurrentContextEdit(config, target, name)], result: {changed: true, previous}};
	});
}

function setCurrentContextEdit(config: MergedKubeconfig, target: string, name: string): FileEdit {
	const verify = (decoded: DecodedConfig) => decoded.currentContext === name;
	const file = fileOf(config, target);
	if (!file) return {file: target, create: `apiVersion: v1\nkind: Config\ncurrent-context: ${renderScalar(name)}\n`, verify};
	const {root} = file.config;
	return {file: target, splices: [setMapValue(file.text, file.document, root, 'current-context', name)], verify};
}

export type Unset = {
	previous: string;
	/** The file whose current-context was cleared; '' when none set one. */
	unsetIn: string;
	/** The current-context a later file still sets, which is now the current context. */
	stillSet?: {context: string; file: string};
};

/**
 * `kubectl config unset current-context`: clears it in the first file that sets it (R14). A later file
 * that sets one too then makes it the current context.
 */
export async function unsetCurrentContext(selection: KubeconfigSelection): Promise<Modification<Unset>> {
	return modifyKubeconfig<Unset>(selection, (config) => {
		const setting = config.files.filter((candidate) => candidate.config.currentContext !== '');
		const [file, next] = setting;
		const entry = file?.config.currentContextEntry;
		if (!file || !entry) return {edits: [], result: {previous: '', unsetIn: ''}};
		return {
			edits: [{file: file.path, splices: [replaceEntryValue(file.text, entry, '', false)], verify: (decoded) => decoded.currentContext === ''}],
			result: {previous: config.currentContext, unsetIn: file.path, stillSet: next && {context: next.config.currentContext, file: next.path}},
		};
	});
}

/**
 * `kubectl config set-context NAME --namespace=NS` in the file that defines NAME (R12); an empty
 * namespace removes the key (R13). A context that exists nowhere is created in the default file.
 */
export async function setContextNamespace(selection: KubeconfigSelection, contextName: string, namespace: string): Promise<Modification<{previous: string; changed: boolean}>> {
	return modifyKubeconfig(selection, (config) => namespacePlan(config, selection, contextName, namespace));
}

/**
 * `kubectl config set-context --current --namespace=NS`. The current context is read under the lock;
 * when the caller checked the namespace against a context, a switch in between aborts the write.
 */
export async function setCurrentNamespace(selection: KubeconfigSelection, namespace: string, checkedContext?: string): Promise<Modification<{previous: string; changed: boolean; context: string}>> {
	return modifyKubeconfig(selection, (config) => {
		if (checkedContext !== undefined && config.currentContext !== checkedContext) {
			throw new KubehopError(`the current context changed to "${config.currentContext}" while kubehop was checking "${checkedContext}"; nothing was written`, 'run the command again');
		}

		const {edits, result} = namespacePlan(config, selection, config.currentContext, namespace);
		return {edits, result: {...result, context: config.currentContext}};
	});
}

function namespacePlan(config: MergedKubeconfig, selection: KubeconfigSelection, contextName: string, namespace: string): Plan<{previous: string; changed: boolean}> {
	if (contextName === '') throw new KubehopError('no current context is set', 'pick one with: kubehop ctx NAME');
	const context = config.contexts.get(contextName);
	const previous = context?.data.namespace ?? '';
	if (context && previous === namespace) return {edits: [], result: {previous, changed: false}};
	const verify = (decoded: DecodedConfig) => {
		const item = decoded.sections.contexts.items.find((candidate) => candidate.name === contextName);
		return (item?.data.namespace ?? '') === namespace || (namespace === '' && item?.data.namespace === null);
	};

	if (!context) return {edits: [createContextEdit(config, selection, contextName, namespace, verify)], result: {previous, changed: true}};
	const file = fileOf(config, context.file)!;
	const {item, body} = context.item;
	requireEditable(context.file, item, `context "${contextName}"`);
	let splice: Splice;
	if (namespace === '') {
		const entry = body ? mapGet(body, 'namespace') : undefined;
		if (!body || !entry) return {edits: [], result: {previous, changed: false}};
		splice = removeMapEntry(file.text, body, entry);
	} else if (body) {
		splice = setMapValue(file.text, file.document, body, 'namespace', namespace);
	} else {
		// `- name: x` with no `context:`, or `context: null`: kubectl creates the body.
		const entry = mapGet(item, 'context');
		const raw = `{namespace: ${renderScalar(namespace, 'plain', true)}}`;
		splice = entry ? setEntryRawValue(entry, raw) : insertMapEntry(file.text, file.document, item, 'context', raw, true);
	}

	return {edits: [{file: context.file, splices: [splice], verify}], result: {previous, changed: true}};
}

function createContextEdit(config: MergedKubeconfig, selection: KubeconfigSelection, name: string, namespace: string, verify: FileEdit['verify']): FileEdit {
	const target = defaultFile(selection, exists);
	const lines = ['context:', '    cluster: ""', ...(namespace ? [`    namespace: ${renderScalar(namespace)}`] : []), '    user: ""', `  name: ${renderScalar(name)}`];
	const file = fileOf(config, target);
	if (!file) return {file: target, create: `apiVersion: v1\nkind: Config\ncontexts:\n- ${lines.join('\n  ')}\n`, verify};
	const contexts = file.config.sections.contexts.entry;
	const seq = contexts?.value;
	if (seq?.kind === 'seq' && !seq.flow && seq.items.length > 0) {
		return {file: target, splices: [appendSeqItem(file.text, file.document, seq, lines.map((line) => line.replace(/^ {2}/, '')))], verify};
	}

	throw new KubehopError(`cannot add context "${name}" to ${target}: its "contexts" list is empty or not in block style`, `add it with: kubectl config set-context ${name}`);
}

/** `kubectl config delete-context`: removes the item from the file that defines it. */
export async function deleteContext(selection: KubeconfigSelection, name: string): Promise<Modification<{wasCurrent: boolean}>> {
	return modifyKubeconfig(selection, (config) => {
		if (name === '') throw new KubehopError('empty context names are not allowed');
		const context = config.contexts.get(name);
		if (!context) throw new KubehopError(`cannot delete context "${name}": not in ${describeFiles(config)}`);
		const file = fileOf(config, context.file)!;
		const seq = file.config.sections.contexts.entry!.value;
		if (seq?.kind !== 'seq') throw new KubehopError(`cannot delete context "${name}" from ${context.file}: "contexts" is not a list`);
		requireEditable(context.file, context.item.item, `context "${name}"`);
		const before = contextNames(file.config);
		const verify = (decoded: DecodedConfig) => {
			const after = contextNames(decoded);
			return after.length === before.length - 1 && !after.includes(name);
		};

		return {edits: [{file: context.file, splices: [removeSeqItem(file.text, seq, context.item.index)], verify}], result: {wasCurrent: config.currentContext === name}};
	});
}

/** `kubectl config rename-context OLD NEW`, which also moves current-context when it pointed at OLD. */
export async function renameContext(selection: KubeconfigSelection, oldName: string, newName: string): Promise<Modification<{wasCurrent: boolean}>> {
	return modifyKubeconfig<{wasCurrent: boolean}>(selection, (config) => {
		if (newName === '' || oldName === '') throw new KubehopError('empty context names are not allowed');
		const context = config.contexts.get(oldName);
		if (!context) throw new KubehopError(`cannot rename the context "${oldName}", it's not in ${describeFiles(config)}`);
		if (config.contexts.has(newName)) throw new KubehopError(`cannot rename the context "${oldName}", the context "${newName}" already exists`);
		const file = fileOf(config, context.file)!;
		requireEditable(context.file, context.item.item, `context "${oldName}"`);
		const nameEntry = mapGet(context.item.item, 'name')!;
		const renameSplice = replaceEntryValue(file.text, nameEntry, newName, context.item.item.flow);
		const renamed = (decoded: DecodedConfig) => {
			const names = contextNames(decoded);
			return names.includes(newName) && !names.includes(oldName);
		};

		const wasCurrent = config.currentContext === oldName;
		if (!wasCurrent) return {edits: [{file: context.file, splices: [renameSplice], verify: renamed}], result: {wasCurrent}};
		const target = defaultFile(selection, exists);
		const current = setCurrentContextEdit(config, target, newName);
		if (target === context.file) {
			return {
				edits: [{file: target, splices: [renameSplice, ...current.splices!], verify: (decoded) => renamed(decoded) && decoded.currentContext === newName}],
				result: {wasCurrent},
			};
		}

		return {edits: [{file: context.file, splices: [renameSplice], verify: renamed}, current], result: {wasCurrent}};
	});
}

/** Refuses to edit YAML that other entries share through an anchor: kubehop changes one entry at a time. */
function requireEditable(file: string, node: YamlNode, what: string): void {
	const shared = (candidate: YamlNode | undefined): boolean =>
		Boolean(candidate?.shared) || (candidate?.kind === 'map' && candidate.entries.some((entry) => shared(entry.value)));
	if (shared(node)) {
		throw new KubehopError(`cannot edit ${what} in ${file}, line ${node.line}: it uses a YAML anchor or alias, so the change would reach other entries too`, 'expand the alias into a plain mapping, then try again');
	}
}

function describeFiles(config: MergedKubeconfig): string {
	const files = config.files.map((file) => file.path);
	return files.length === 0 ? 'any kubeconfig file (none exist)' : files.join(', ');
}
