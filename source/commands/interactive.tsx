import fs from 'node:fs';
import path from 'node:path';
import {render} from 'ink';
import {changeFlag, restoreFlags, withDefaultFlags} from '../bundle/v8-flags.ts';
import type {Identity, Impersonator} from '../access/access-check.ts';
import type {ImpersonatorReviews} from '../access/constrained-impersonation.ts';
import type {ApiClient} from '../cluster/api-client.ts';
import type {ApiResource} from '../discovery/discovery.ts';
import {KubehopError} from '../errors/kubehop-error.ts';
import {effectiveNamespace} from '../kubeconfig/load.ts';
import {FileIndexCache} from '../kubeconfig/file-index.ts';
import {sameStat, statOf, type FileStat} from '../kubeconfig/file-stat.ts';
import {pacedContextOverview, peekKubeconfigIndex, switchContextIndexed, type ContextOverview} from '../kubeconfig/indexed-switch.ts';
import {byFrecency} from '../history/previous-stack.ts';
import {deleteContext, renameContext} from '../kubeconfig/operations.ts';
import {App} from '../ui/app.tsx';
import type {PaneId} from '../ui/app-state.ts';
import {whenTypingPauses} from '../ui/input-activity.ts';
import {layoutEngineReady} from '../ui/layout-engine.ts';
import type {AccessView, UiServices} from '../ui/services.ts';
import type {CommandContext} from './command-context.ts';
import {announce, switchBack} from './ctx.ts';
import {announceNamespace, namespacesOfCurrentContext, previousNamespace, setNamespace} from './ns.ts';

// The full-screen UI, loaded only on a terminal: Ink and React never load on the scripted paths.

/** How often the app looks at the kubeconfig files' stats, to follow a switch made elsewhere. */
const kubeconfigPollMs = 500;

export async function runInteractive(mode: 'picker' | 'app', commandContext: CommandContext, pane: PaneId = 'contexts'): Promise<number> {
	// Made here rather than asked of the context, which would load the switching chunk before the first frame.
	const indexCache = FileIndexCache.forEnvironment(commandContext.env);
	// The merged kubeconfig, parsed once for the cluster panes until kubehop writes the file again.
	let config: ReturnType<CommandContext['load']> | undefined;
	const load = () =>
		commandContext.load().catch((error: unknown) => {
			config = undefined;
			throw error;
		});
	const context: CommandContext = {...commandContext, load: () => (config ??= load())};
	// One read of the kubeconfig serves the list, the preview and the history; a write drops it. Only
	// what the screen needs is kept: switching reads the files again under the lock anyway. Files whose
	// stat still matches their cached index are not read at all (56 MB at 10,000 contexts).
	type Summary = {currentContext: string; contexts: Set<string>; overview: () => Promise<Map<string, ContextOverview>>};
	let loaded: Promise<Summary> | undefined;
	// The preview is worked out after the first frame, in slices that wait for a pause in typing.
	const betweenKeys = () => whenTypingPauses();
	const summarise = (index: Parameters<typeof pacedContextOverview>[0] & {currentContext: string; contexts: Set<string>}): Summary => {
		let overview: Promise<Map<string, ContextOverview>> | undefined;
		return {currentContext: index.currentContext, contexts: index.contexts, overview: () => (overview ??= pacedContextOverview(index, betweenKeys))};
	};

	const index = () =>
		(loaded ??= (async () => summarise(peekKubeconfigIndex(context.selection, indexCache) ?? (await context.loadIndex())))().catch((error: unknown) => {
			// A kubeconfig broken mid-session is reported, and read again on the next attempt.
			loaded = undefined;
			throw error;
		}));
	// The files the app follows (watchKubeconfig), and their stats from before the first read of them.
	const watchedFiles = [...new Set(context.selection.precedence.filter((file) => file !== '').map((file) => path.resolve(file)))];
	// Both missing counts as unchanged: a file named in KUBECONFIG need not exist.
	const unchanged = (a: FileStat | undefined, b: FileStat | undefined) => (a === undefined ? b === undefined : sameStat(a, b));
	const readStats = new Map(watchedFiles.map((file) => [file, statOf(file)]));
	// A kubeconfig that cannot be read is reported like any command's error (file, field, exit 1),
	// before the screen is taken over.
	await index();
	// What the files said when the app last looked, for the history of a switch made elsewhere: kubehop's
	// own writes look again at once, so the watcher (watchKubeconfig) does not record them a second time.
	type Seen = {context: string; namespace: string};
	const look = async (): Promise<Seen | undefined> => {
		const summary = await index();
		const overview = await summary.overview();
		return {context: summary.currentContext, namespace: overview.get(summary.currentContext)?.namespace || 'default'};
	};
	let seen: Promise<Seen | undefined> | undefined;
	const forget = () => {
		loaded = undefined;
		config = undefined;
	};
	// The kubeconfig files as kubehop's own last write left them: the watcher passes over those stats.
	const ownStats = new Map<string, FileStat | undefined>();
	const written = <T,>(result: T) => {
		forget();
		for (const file of watchedFiles) ownStats.set(file, statOf(file));
		if (seen) seen = look().catch(() => undefined);
		return result;
	};

	// `--as`: said plainly in the pane that asks first, before any 403 that would not say which part was refused.
	// By constrained impersonation, the real user's client is kept: each cell also needs its impersonate-on.
	const mayImpersonate = async (config: Awaited<ReturnType<CommandContext['load']>>, contextName: string): Promise<Impersonator | undefined> => {
		const [{connect, effectiveImpersonation}, {checkImpersonation}] = await Promise.all([import('../cluster/api-client.ts'), import('../access/access-check.ts')]);
		// --as, over the kubeconfig user's own as, as kubectl merges them.
		const impersonation = effectiveImpersonation(config, contextName, context.flags.impersonate);
		if (!impersonation) return undefined;
		const real = await connect(config, contextName, {timeoutMs: context.flags.timeoutMs, asRealUser: true, env: context.env});
		let mode;
		try {
			mode = await checkImpersonation(real, impersonation);
		} finally {
			if (!mode) real.close();
		}

		return mode ? {client: real, mode} : undefined;
	};

	// One client per context for the Access pane, with its identity and discovery; matrices per namespace.
	type Connection = {client: ApiClient; identity: Promise<Identity>; resources: Promise<ApiResource[]>; impersonator?: Impersonator & {reviews: ImpersonatorReviews}};
	const connections = new Map<string, Promise<Connection>>();
	const matrices = new Map<string, Promise<AccessView>>();
	// After an edit made elsewhere, a context's name may stand for another server or credentials.
	let proxyOutdated = false;
	// Dropped, not closed: a pane may still be waiting on one, and the process ends with process.exit.
	const dropConnections = () => {
		connections.clear();
		matrices.clear();
		proxyOutdated = true;
	};
	const connection = async () => {
		const config = await context.load();
		const contextName = config.currentContext;
		if (!contextName) throw new KubehopError('current-context is not set', 'pick a context in the Contexts pane first');
		let connecting = connections.get(contextName);
		if (!connecting) {
			connecting = (async () => {
				const [{connect}, access, {discover, preferredResources}] = await Promise.all([import('../cluster/api-client.ts'), import('../access/access-check.ts'), import('../discovery/discovery.ts')]);
				const {impersonate} = context.flags;
				const impersonator = await mayImpersonate(config, contextName);
				const client = await connect(config, contextName, {timeoutMs: context.flags.timeoutMs, impersonate, env: context.env}).catch((error: unknown) => {
					impersonator?.client.close();
					throw error;
				});
				const identity = access.whoAmI(client);
				// What the server serves is the same for everyone: asked as the real user, it needs no impersonate-on.
				const resources = discover(impersonator?.client ?? client).then(preferredResources);
				// Awaited together later; a failure of either must not go unobserved meanwhile and end the app.
				identity.catch(() => {});
				resources.catch(() => {});
				// The real user's rules, asked once per connection for every namespace's matrix.
				return {client, identity, resources, impersonator: impersonator && {...impersonator, reviews: new Map()}};
			})();
			// A failed connection is not kept: the next attempt starts afresh (unless a newer one replaced it).
			const attempt = connecting;
			connecting.catch(() => connections.get(contextName) === attempt && connections.delete(contextName));
			connections.set(contextName, connecting);
		}

		return {contextName, namespace: effectiveNamespace(config), ...(await connecting)};
	};

	// The API pane reads through a kubectl-proxy-compatible proxy, as the seed notes do with curl: the
	// user's (--proxy-url, e.g. a running `kubectl proxy`), or one of ours on a free loopback port for the
	// current context, replaced after a context switch.
	/** `upstreamFailure`: for our own proxy, the last error reaching the API server, and when (performance.now()). */
	type ProxyConnection = {client: ApiClient; url: string; context: string; server?: string; upstreamFailure?: () => {error: Error; at: number} | undefined; stop(): Promise<void>};
	const proxies = new Set<{close(): Promise<void>}>();
	let apiProxy: Promise<ProxyConnection> | undefined;
	// One caller at a time: two panes asking at once after a switch must not start two proxies.
	let proxyTurn: Promise<unknown> = Promise.resolve();
	const apiThroughProxy = (fresh: boolean): Promise<ProxyConnection> => {
		const turn = proxyTurn.then(() => acquireProxy(fresh));
		proxyTurn = turn.catch(() => {});
		return turn;
	};

	const acquireProxy = async (fresh: boolean): Promise<ProxyConnection> => {
		const config = await context.load();
		const current = await apiProxy?.catch(() => undefined);
		const outdated = proxyOutdated && !context.flags.proxyUrl;
		proxyOutdated = false;
		if (!fresh && !outdated && current && (context.flags.proxyUrl || current.context === config.currentContext)) return current;
		if (current) void current.stop();
		apiProxy = (async () => {
			const {connectThroughProxy} = await import('../cluster/api-client.ts');
			if (context.flags.proxyUrl) {
				const client = connectThroughProxy(context.flags.proxyUrl, context.flags.timeoutMs);
				return {client, url: context.flags.proxyUrl.replace(/\/$/, ''), context: config.currentContext, stop: async () => client.close()};
			}

			if (!config.currentContext) throw new KubehopError('current-context is not set', 'pick a context in the Contexts pane first');
			// The proxy only pipes requests: the server applies impersonate-on to each.
			(await mayImpersonate(config, config.currentContext))?.client.close();
			const {startProxy} = await import('../proxy/server.ts');
			let failure: {error: Error; at: number} | undefined;
			const proxy = await startProxy({config, context: config.currentContext, port: 0, impersonate: context.flags.impersonate, env: context.env, onError: (_message, error) => (failure = {error, at: performance.now()})});
			proxies.add(proxy);
			const client = connectThroughProxy(proxy.url, context.flags.timeoutMs);
			const server = config.clusters.get(config.contexts.get(config.currentContext)?.data.cluster ?? '')?.data.server;
			return {client, url: proxy.url, context: config.currentContext, server: typeof server === 'string' ? server : undefined, upstreamFailure: () => failure, stop: async () => (client.close(), proxies.delete(proxy), proxy.close())};
		})();
		return apiProxy;
	};

	const services: UiServices = {
		async contexts() {
			const current = await index();
			const stack = await context.history().contextStack(current.currentContext);
			return {names: [...current.contexts], current: current.currentContext, recent: byFrecency(stack, Date.now())};
		},
		async details() {
			return (await index()).overview();
		},
		async switchContext(name) {
			const result = written(await switchContextIndexed(context.selection, indexCache, () => name));
			await context.history().recordContext(result.previous, result.name);
		},
		async previousContext() {
			const result = written(await switchBack(1, context));
			await context.history().recordContext(result.previous, result.name);
			return result.name;
		},
		namespaces: () => namespacesOfCurrentContext(context, {knownWhenUnreachable: true}),
		// The names on screen came from the cluster or the kubeconfig, so no second existence check.
		switchNamespace: async (name) => void written(await setNamespace(name, context, true)),
		previousNamespace: async () => written(await setNamespace(await previousNamespace(1, context), context, true)),
		async renameContext(from, to) {
			written(await renameContext(context.selection, from, to));
			await context.history().renameContext(from, to);
		},
		async deleteContext(name) {
			written(await deleteContext(context.selection, name));
			await context.history().deleteContext(name);
		},
		async access(namespace, refresh) {
			// A refresh asks again who the user is and what the server serves, not only the rules.
			if (refresh) {
				const name = (await context.load()).currentContext;
				const old = connections.get(name);
				connections.delete(name);
				void old?.then((previous) => {
					previous.client.close();
					previous.impersonator?.client.close();
				}, () => {});
			}
			const {contextName, namespace: own, client, identity, resources, impersonator} = await connection();
			const target = namespace ?? own;
			const key = `${contextName}\u0000${target}`;
			let view = refresh ? undefined : matrices.get(key);
			if (!view) {
				view = (async () => {
					const started = performance.now();
					const before = client.requests;
					const [{accessSource}, {computeAccessMatrix}, {withImpersonatorLimits}] = await Promise.all([import('../access/access-check.ts'), import('../access/matrix.ts'), import('../access/constrained-impersonation.ts')]);
					const [who, list] = await Promise.all([identity, resources]);
					const beforeImpersonator = impersonator?.client.requests ?? 0;
					const own = await computeAccessMatrix(accessSource(client), list, {namespace: target});
					const matrix = impersonator ? await withImpersonatorLimits(own, accessSource(impersonator.client), impersonator.mode, impersonator.reviews) : own;
					const requests = client.requests - before + (impersonator ? impersonator.client.requests - beforeImpersonator : 0);
					return {context: contextName, identity: who, matrix, requests, elapsedMs: performance.now() - started, constrained: impersonator?.mode};
				})();
				view.catch(() => matrices.delete(key));
				matrices.set(key, view);
			}

			return view;
		},
		async explain(cell) {
			const {client, impersonator} = await connection();
			const [{selfSubjectAccessReview}, {accessAttributes}, {impersonateOn}] = await Promise.all([import('../access/reviews.ts'), import('../access/matrix.ts'), import('../access/constrained-impersonation.ts')]);
			// The question the cell answered: for a namespaces row's get, update, patch and delete, about the namespace itself.
			const attributes = accessAttributes(cell, cell.verb, cell.namespace);
			const said = (answer: Awaited<ReturnType<typeof selfSubjectAccessReview>>) =>
				`${answer.allowed ? 'allowed' : answer.denied ? 'denied' : 'not allowed'}${answer.reason ? `: ${answer.reason}` : ' (no reason given: no rule matched)'}${answer.evaluationError ? ` [evaluation error: ${answer.evaluationError}]` : ''}`;
			if (!impersonator) return `the server says ${said(await selfSubjectAccessReview(client, attributes))}`;
			// By constrained impersonation the request needs both: the identity's permission, and yours to act as it.
			const needed = impersonateOn(impersonator.mode, cell.verb);
			const [theirs, yours] = await Promise.all([selfSubjectAccessReview(client, attributes), selfSubjectAccessReview(impersonator.client, {...attributes, verb: needed})]);
			return `the server says, for them: ${said(theirs)}; for your ${needed}: ${said(yours)}`;
		},
		async api(refresh) {
			const started = performance.now();
			const connection = await apiThroughProxy(refresh);
			const {client, url} = connection;
			const [{discover}, {groupOrigins, summariseGroups}] = await Promise.all([import('../discovery/discovery.ts'), import('../discovery/api-groups.ts')]);
			// The origins (CRD, aggregated) come from the APIServices, asked alongside discovery.
			const [discovery, origins] = await Promise.all([discover(client), groupOrigins(client)]).catch(async (error: unknown) => {
				// Our proxy answers 500 when it cannot reach the API server: named as the other panes name it, not as the proxy's fault.
				const failure = connection.upstreamFailure?.();
				if (!failure || failure.at < started || !(error instanceof KubehopError && (error as {status?: number}).status === 500)) throw error;
				const {networkError, targetText} = await import('../cluster/cluster-error.ts');
				throw networkError(targetText({context: connection.context, server: connection.server ?? '?'}), failure.error as NodeJS.ErrnoException, context.flags.timeoutMs ?? 5000);
			});
			return {
				proxyUrl: url,
				groups: summariseGroups(discovery, origins),
				resources: discovery.groups.flatMap((group) => group.versions.flatMap((version) => version.resources)),
				aggregated: discovery.aggregated,
				requests: discovery.requests,
				elapsedMs: performance.now() - started,
			};
		},
		async rawGet(path) {
			const {client} = await apiThroughProxy(false);
			return client.raw('GET', path);
		},
		async certificates(allContexts, now, onProbe) {
			const [{certificateReport}, {probeServer}, {inParallel}, {probeKey}] = await Promise.all([
				import('./certs.ts'),
				import('../certificates/tls-probe.ts'),
				import('../cluster/in-parallel.ts'),
				import('../ui/certificates-state.ts'),
			]);
			const {contexts} = await certificateReport(context, {allContexts, thresholds: {warnDays: 30, criticalDays: 7}, probe: false}, now);
			const targets = new Map(contexts.flatMap((entry) => (entry.probeTarget ? [[probeKey(entry.probeTarget), entry.probeTarget] as const] : [])));
			// In the background: each result is shown as it comes; one dead server only holds its own row.
			void inParallel([...targets], 64, async ([key, target]) => onProbe(key, await probeServer(target, {now, timeoutMs: context.flags.timeoutMs ?? 3000}))).catch(() => {});
			return contexts;
		},
		async history() {
			const current = await index();
			const stack = await context.history().contextStack(current.currentContext);
			return stack.map((entry) => ({name: entry.name, at: entry.at, exists: current.contexts.has(entry.name)}));
		},
		watchKubeconfig(onChange) {
			// Stat polling, not fs.watch: a rename over the file (kubectl's lock dance, kubehop's own atomic
			// writes, editors) ends an inotify watch on it, and a file named in KUBECONFIG may not exist yet.
			seen ??= look().catch(() => undefined);
			const changedElsewhere = () => {
				forget();
				dropConnections();
				const was = seen;
				const is = (seen = look().catch(() => undefined));
				// Recorded as kubehop's own switches are, so that `-` goes back to where the user was before it.
				void Promise.all([was, is])
					.then(async ([before, after]) => {
						if (!before || !after || !after.context) return;
						if (before.context !== after.context) {
							if (before.context) await context.history().recordObservedContext(before.context, after.context);
						} else if (before.namespace !== after.namespace) {
							await context.history().recordObservedNamespace(after.context, before.namespace, after.namespace);
						}
					})
					.catch(() => {})
					.finally(onChange);
			};

			// A change made between the first read and now (the screen was being set up) counts too.
			if (watchedFiles.some((file) => !unchanged(statOf(file), readStats.get(file)))) changedElsewhere();
			// fs.watchFile calls only when the stat changed; a change kubehop made itself is passed over.
			const listeners = watchedFiles.map((file) => {
				const listener = () => {
					if (!ownStats.has(file) || !unchanged(statOf(file), ownStats.get(file))) changedElsewhere();
				};
				return [file, listener] as const;
			});
			// fs.watchFile loads its built-in on first use: under V8's default flags, so from its code cache.
			withDefaultFlags(() => {
				for (const [file, listener] of listeners) fs.watchFile(file, {interval: kubeconfigPollMs, persistent: false}, listener);
			});
			return () => {
				for (const [file, listener] of listeners) fs.unwatchFile(file, listener);
			};
		},
	};

	// While the app runs, V8's optimising compiler stays off. The app's work per key is small, and
	// TurboFan's compiles of Ink's, React's and the list's hot functions run 20-30 ms on another thread,
	// which a garbage collection on this one then waits out: a key typed meanwhile waited with it (at
	// 10,000 contexts, first key ~57 → ~38 ms, keys after it ~16 → ~11 ms median; the first frame no
	// slower; Yoga's WebAssembly tier-up is off too, in ui-vendor-loader.mjs). The kubeconfig was read with
	// it on. Code caches are still checked and made under V8's defaults (source/bundle/v8-flags.ts).
	changeFlag('--no-opt', '--opt');
	let picked: {switchedTo?: string; namespace?: string} = {};
	let endedBy: number | undefined;
	try {
		// The first frame opens on the list itself: asked for before Ink starts, so no loading frame comes first.
		const initial = await services.contexts();
		await layoutEngineReady;
		// A full-screen app draws on the alternate screen and gives the user's scrollback back on any exit.
		const leaveAlternateScreen = () => process.stdout.write('\u001B[?1049l');
		process.stdout.write('\u001B[?1049h\u001B[H');
		process.once('exit', leaveAlternateScreen);
		// kill, or a closed terminal window: Node would end at once, leaving the shell on the alternate screen.
		// The app ends as it does on q instead, and the command then exits as a killed one would (128 + signal).
		let app: ReturnType<typeof render> | undefined;
		const endOnSignal = (signal: NodeJS.Signals) => {
			endedBy = 128 + (signal === 'SIGHUP' ? 1 : 15);
			if (app) app.unmount();
			else process.exit(endedBy);
		};
		// on, not once: signal-exit (under Ink) kills the process again unless another listener stays.
		process.on('SIGTERM', endOnSignal);
		process.on('SIGHUP', endOnSignal);
		// Raw before the first frame rather than in Ink's effect after it: a key typed as the list appears
		// is then neither echoed nor held back by the terminal until that effect has run.
		const stdin = process.stdin;
		const earlyRaw = stdin.isTTY && !stdin.isRaw;
		if (earlyRaw) stdin.setRawMode(true);
		try {
			const instance = (app = render(<App services={services} initial={initial} impersonating={context.flags.impersonate?.user} mode={mode} pane={pane} color={context.output.color.stdout} onExit={(result) => (picked = result)} />, {
				exitOnCtrlC: false,
				// A frame for every key: a cap only delays the key typed right after a frame (at Ink's default 30 fps,
				// by up to 33 ms). React already batches a burst of updates into one commit, and only changed lines are redrawn.
				maxFps: 1000,
				incrementalRendering: true,
			}));
			await instance.waitUntilExit();
		} finally {
			if (earlyRaw && stdin.isRaw) stdin.setRawMode(false);
			await Promise.all([...proxies].map((proxy) => proxy.close()));
			process.off('exit', leaveAlternateScreen);
			process.off('SIGTERM', endOnSignal);
			process.off('SIGHUP', endOnSignal);
			leaveAlternateScreen();
		}
	} finally {
		restoreFlags();
	}

	if (endedBy !== undefined) return endedBy;
	// Picker mode ends like kubectx or kubens: one line saying where you are now.
	if (picked.switchedTo) announce(picked.switchedTo, context);
	if (picked.namespace !== undefined) announceNamespace(picked.namespace || 'default', context);
	// As kubectx and kubens end when fzf is left without a choice: `kubectx && kubectl …` must not go on.
	if (mode === 'picker' && !picked.switchedTo && picked.namespace === undefined) throw new KubehopError('you did not choose any of the options');
	return 0;
}
