import {HistoryStore} from '../history/history-store.ts';
import type {FileIndexCache} from '../kubeconfig/file-index.ts';
import type {KubeconfigIndex} from '../kubeconfig/indexed-switch.ts';
import {loadKubeconfig, type MergedKubeconfig} from '../kubeconfig/load.ts';
import {selectKubeconfigFiles, selectionKey, type KubeconfigSelection} from '../kubeconfig/paths.ts';
import type {Output} from '../terminal/output.ts';
import type {GlobalFlags} from './arguments.ts';

/** Everything a command needs from the outside world, passed in so tests can substitute any of it. */
export type CommandContext = {
	env: Record<string, string | undefined>;
	cwd: string;
	output: Output;
	flags: GlobalFlags;
	selection: KubeconfigSelection;
	load(): Promise<MergedKubeconfig>;
	/** Context names and current-context only, from the validated per-file index: the switching hot path. */
	loadIndex(): Promise<KubeconfigIndex>;
	indexCache(): Promise<FileIndexCache>;
	history(): HistoryStore;
	/** Both ends are a terminal: bare `kubehop` and `kubehop ctx` open the UI. */
	interactive: boolean;
};

export function createCommandContext(env: Record<string, string | undefined>, cwd: string, output: Output, flags: GlobalFlags, interactive = false): CommandContext {
	const selection = selectKubeconfigFiles({flag: flags.kubeconfig, env, cwd});
	let history: HistoryStore | undefined;
	// The switching modules are imported by the commands that switch: certs, api and can-i never load them.
	let indexCache: Promise<FileIndexCache> | undefined;
	const cache = () => (indexCache ??= import('./switching.ts').then(({FileIndexCache}) => FileIndexCache.forEnvironment(env)));
	return {
		env,
		cwd,
		output,
		flags,
		selection,
		load: () => loadKubeconfig(selection),
		loadIndex: async () => (await import('./switching.ts')).loadKubeconfigIndex(selection, await cache()),
		indexCache: cache,
		interactive,
		history: () => (history ??= new HistoryStore({env}, selectionKey(selection, cwd))),
	};
}
