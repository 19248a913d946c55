import fs from 'node:fs';
import path from 'node:path';
import {KubeconfigFileError, KubehopError, UsageError} from '../errors/kubehop-error.ts';
import {kubehopCacheDirectory, writeCacheFile} from '../kubeconfig/cache-files.ts';
import {sha256Hex} from '../kubeconfig/sha256.ts';
import {effectiveNamespace, type MergedKubeconfig} from '../kubeconfig/load.ts';
import {contextOverview, type ContextOverview} from '../kubeconfig/indexed-switch.ts';
import {setCurrentNamespace} from '../kubeconfig/operations.ts';
import {stepBack} from '../history/previous-stack.ts';
import {paintCurrent, printJson, shown, success, warn} from '../terminal/output.ts';
import {splitAtEnd} from './arguments.ts';
import type {CommandContext} from './command-context.ts';

// `kubehop ns` accepts what kubens accepts: list, NAME, -, -c, -u, and --force to skip the existence check.

export async function runNs(given: string[], context: CommandContext): Promise<number> {
	const {operands, names} = splitAtEnd(given);
	// After `--`, as with kubectl, a name is a name even when it starts with '-'.
	if (names.length > 0) {
		if (operands.length > 0 || names.length > 1) throw new UsageError(`too many arguments: ${given.join(' ')}`);
		return switchNamespace(names[0]!, context, context.flags.force);
	}

	const [first, ...rest] = operands;
	if (rest.length > 0) throw new UsageError(`too many arguments: ${operands.join(' ')}`);
	// On a terminal, as kubens does with fzf: a picker; KUBECTX_IGNORE_FZF asks for the list, as it does of kubens.
	if (first === undefined && context.interactive && !context.flags.json && !context.env.KUBECTX_IGNORE_FZF) return (await import('./interactive.tsx')).runInteractive('picker', context, 'namespaces');
	if (first === undefined) return listNamespaces(context);
	if (first === '-c' || first === '--current') return printCurrent(context);
	if (first === '-u' || first === '--unset') return switchNamespace('', context, true);
	if (/^-\d*$/.test(first)) return goBack(first === '-' ? 1 : Number(first.slice(1)), context);
	if (first.startsWith('-')) throw new UsageError(`unsupported option '${first}'`);
	return switchNamespace(first, context, context.flags.force);
}

function currentContextName(config: MergedKubeconfig): string {
	if (!config.currentContext) throw new KubehopError('current-context is not set', 'pick a context first: kubehop ctx NAME');
	return config.currentContext;
}

/** Namespaces named in the kubeconfig and the history: what can be offered when listing is forbidden. */
export async function knownNamespaces(namespaces: Iterable<string>, contextName: string, context: CommandContext): Promise<string[]> {
	const known = new Set<string>(['default', ...listedBefore(contextName, context.env)]);
	for (const namespace of namespaces) if (namespace) known.add(namespace);
	const history = await context.history().read();
	for (const entry of history.namespaces[contextName] ?? []) known.add(entry.name);
	return [...known].sort();
}

// The namespaces a context's cluster listed last time: a Tab completes them without asking the cluster.
const listingFile = (contextName: string, env: CommandContext['env']) => path.join(kubehopCacheDirectory(env), 'namespaces', `${sha256Hex(contextName).slice(0, 32)}.json`);

function rememberListing(contextName: string, names: readonly string[], env: CommandContext['env']): void {
	writeCacheFile(listingFile(contextName, env), JSON.stringify({context: contextName, names}));
}

function listedBefore(contextName: string, env: CommandContext['env']): string[] {
	try {
		const {context, names} = JSON.parse(fs.readFileSync(listingFile(contextName, env), 'utf8')) as {context?: unknown; names?: unknown};
		return context === contextName && Array.isArray(names) ? names.filter((name): name is string => typeof name === 'string') : [];
	} catch {
		return [];
	}
}

/** The current context and its namespace from the validated index: `ns -c` sits in shell prompts. */
export async function currentNamespace(context: CommandContext): Promise<{contextName: string; namespace: string; overview: Map<string, ContextOverview>}> {
	const index = await context.loadIndex();
	if (!index.currentContext) throw new KubehopError('current-context is not set', 'pick a context first: kubehop ctx NAME');
	const overview = contextOverview(index);
	return {contextName: index.currentContext, namespace: overview.get(index.currentContext)?.namespace || 'default', overview};
}

export type NamespaceListing = {names: string[]; current: string; verified: boolean; note?: string};

/**
 * The current context's namespaces, or, when listing them is forbidden, the ones known locally. The app
 * also offers those when the server cannot be asked at all (down, off the VPN): a switch needs no server.
 */
export async function namespacesOfCurrentContext(context: CommandContext, {knownWhenUnreachable = false} = {}): Promise<NamespaceListing> {
	const config = await context.load();
	const contextName = currentContextName(config);
	const current = effectiveNamespace(config);
	const [{connect}, {listNamespaces: list}, {ClusterError}] = await Promise.all([
		import('../cluster/api-client.ts'),
		import('../cluster/namespaces.ts'),
		import('../cluster/cluster-error.ts'),
	]);
	try {
		const names = await list(await connect(config, contextName, {timeoutMs: context.flags.timeoutMs, env: context.env}));
		rememberListing(contextName, names, context.env);
		return {names, current, verified: true};
	} catch (error) {
		const forbidden = error instanceof ClusterError && error.kind === 'forbidden';
		// Credentials that cannot be read or made count as a server that cannot be asked; a broken kubeconfig does not.
		const noCredentials = error instanceof KubehopError && !(error instanceof ClusterError) && !(error instanceof KubeconfigFileError);
		const cannotAsk = noCredentials || (error instanceof ClusterError && (error.kind === 'unreachable' || error.kind === 'timeout' || error.kind === 'tls' || error.kind === 'unauthorized'));
		if (!forbidden && !(knownWhenUnreachable && cannotAsk)) throw error;
		// kubens fails outright here (kubectx#83); offering what is known is more useful.
		const why = forbidden ? `listing namespaces is forbidden for this user in context "${contextName}"` : (error as KubehopError).message;
		const note = `${why}; showing namespaces known from the kubeconfig and history (not verified)`;
		const namespaces = [...config.contexts.values()].map((defined) => defined.data.namespace);
		return {names: await knownNamespaces(namespaces, contextName, context), current, verified: false, note};
	}
}

async function listNamespaces(context: CommandContext): Promise<number> {
	const {output, flags} = context;
	const {names, current, verified, note} = await namespacesOfCurrentContext(context);
	if (note) warn(output, shown(output.stderr, note));
	if (flags.json) {
		printJson(output, names.map((name) => ({name, current: name === current, verified})));
		return 0;
	}

	let text = '';
	for (const name of names) {
		const label = shown(output.stdout, name);
		text += `${name === current ? paintCurrent(output, context.env, label) : label}\n`;
	}

	output.stdout.write(text);
	return 0;
}

async function printCurrent(context: CommandContext): Promise<number> {
	const {contextName, namespace} = await currentNamespace(context);
	if (context.flags.json) printJson(context.output, {context: contextName, namespace});
	else context.output.stdout.write(`${shown(context.output.stdout, namespace)}\n`);
	return 0;
}

/** kubens' one line after a switch, from the command or the picker. */
export function announceNamespace(namespace: string, context: CommandContext): void {
	success(context.output, `Active namespace is "${shown(context.output.stderr, namespace)}".`);
}

async function switchNamespace(namespace: string, context: CommandContext, skipCheck: boolean): Promise<number> {
	const now = await setNamespace(namespace, context, skipCheck);
	announceNamespace(now, context);
	return 0;
}

/** Sets the current context's namespace (checked on the cluster unless told not to) and records it. */
export async function setNamespace(namespace: string, context: CommandContext, skipCheck: boolean): Promise<string> {
	let checkedContext: string | undefined;
	if (!skipCheck && namespace !== '') {
		// The cluster is asked without holding kubeconfig locks; the write then insists on the same context.
		const config = await context.load();
		checkedContext = currentContextName(config);
		await requireNamespace(config, checkedContext, namespace, context);
	}

	const {result} = await setCurrentNamespace(context.selection, namespace, checkedContext);
	const now = namespace || 'default';
	await context.history().recordNamespace(result.context, result.previous || 'default', now);
	return now;
}

async function requireNamespace(config: MergedKubeconfig, contextName: string, namespace: string, context: CommandContext): Promise<void> {
	const [{connect}, {checkNamespace}, {ClusterError}] = await Promise.all([import('../cluster/api-client.ts'), import('../cluster/namespaces.ts'), import('../cluster/cluster-error.ts')]);
	let check: Awaited<ReturnType<typeof checkNamespace>>;
	try {
		check = await checkNamespace(await connect(config, contextName, {timeoutMs: context.flags.timeoutMs, env: context.env}), namespace);
	} catch (error) {
		// A server that cannot be asked (down, off the VPN, credentials expired or unreadable, a failing exec
		// plugin) need not stop a switch the user is sure of: only a kubeconfig that cannot be read would.
		const hint = (error: KubehopError) => [error.hint, `switch without the check: kubehop ns ${namespace} --force`].filter(Boolean).join('; or ');
		if (error instanceof ClusterError) throw new ClusterError(error.kind, error.message, error.status, hint(error));
		if (error instanceof KubehopError && !(error instanceof KubeconfigFileError)) throw new KubehopError(error.message, hint(error));
		throw error;
	}

	if (check === 'missing') throw new KubehopError(`no namespace exists with name "${namespace}" in context "${contextName}"`, `switch anyway with: kubehop ns ${namespace} --force`);
	if (check === 'forbidden') throw new KubehopError(`checking namespace "${namespace}" is forbidden for this user in context "${contextName}"`, `switch without the check: kubehop ns ${namespace} --force`);
}

async function goBack(steps: number, context: CommandContext): Promise<number> {
	return switchNamespace(await previousNamespace(steps, context), context, true);
}

/** The namespace `steps` back in the current context's own history. */
export async function previousNamespace(steps: number, context: CommandContext): Promise<string> {
	if (steps < 1) throw new UsageError('use "-" or "-N" with N of 1 or more');
	const {contextName, namespace} = await currentNamespace(context);
	const stack = await context.history().namespaceStack(contextName, namespace);
	const {target} = stepBack(stack, steps, () => true, namespace);
	if (!target) throw new KubehopError(`no previous namespace found for context "${contextName}"`);
	return target.name;
}
