import path from 'node:path';

// The one place that turns the environment into the list of kubeconfig files, as client-go does:
// --kubeconfig, else KUBECONFIG split on the path-list separator, else $HOME/.kube/config.

export type KubeconfigSelection = {
	/** kubectl's loading precedence: the files read in order, and the files locked before a write. */
	precedence: string[];
	source: 'flag' | 'env' | 'home';
	/** Where a new current-context is written when no rule picks another file (R11). */
	globalFile: string;
};

export type SelectionInput = {
	flag?: string | undefined;
	env: Record<string, string | undefined>;
	cwd: string;
};

export function selectKubeconfigFiles({flag, env}: SelectionInput): KubeconfigSelection {
	// client-go reads only HOME on Unix; with no HOME the path stays relative to the working directory.
	const globalFile = path.join(env.HOME ?? '', '.kube', 'config');
	if (flag !== undefined && flag !== '') return {precedence: [flag], source: 'flag', globalFile};
	const list = env.KUBECONFIG;
	// An empty KUBECONFIG counts as unset, but ":" is a list of two empty entries (R2, R3, R22).
	if (list) return {precedence: [...new Set(list.split(path.delimiter))], source: 'env', globalFile};
	return {precedence: [globalFile], source: 'home', globalFile};
}

/** The file that receives a new current-context (client-go PathOptions.GetDefaultFilename, R11). */
export function defaultFile(selection: KubeconfigSelection, exists: (file: string) => boolean): string {
	if (selection.source !== 'env') return selection.precedence[0]!;
	if (selection.precedence.length === 1) return selection.precedence[0]!;
	return selection.precedence.find((file) => file !== '' && exists(file)) ?? selection.precedence.at(-1)!;
}

/** A stable identity for a set of files, so each set keeps its own history. */
export function selectionKey(selection: KubeconfigSelection, cwd: string): string {
	return selection.precedence.filter((file) => file !== '').map((file) => path.resolve(cwd, file)).join(path.delimiter);
}
