import {HistoryStore} from '../history/history-store.ts';
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
	history(): HistoryStore;
};

export function createCommandContext(env: Record<string, string | undefined>, cwd: string, output: Output, flags: GlobalFlags): CommandContext {
	const selection = selectKubeconfigFiles({flag: flags.kubeconfig, env, cwd});
	let history: HistoryStore | undefined;
	return {
		env,
		cwd,
		output,
		flags,
		selection,
		load: () => loadKubeconfig(selection),
		history: () => (history ??= new HistoryStore({env}, selectionKey(selection, cwd))),
	};
}
