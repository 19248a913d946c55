import type {Identity} from '../access/access-check.ts';
import type {AccessMatrix} from '../access/matrix.ts';
import type {ContextCertificates} from '../certificates/fleet.ts';
import type {ProbeResult} from '../certificates/tls-probe.ts';
import type {ApiView, RawAnswer} from './api-state.ts';

// What the UI may ask of the world. The commands layer implements it with the core; tests pass fakes.
// Hooks and components never do IO themselves.

export type ContextDetails = {
	cluster: string;
	user: string;
	namespace: string;
	server: string;
	file: string;
	shadowedIn: readonly string[];
	auth: string;
};

/** `recent` is the history's names, most recent and frequent first. */
export type ContextList = {names: readonly string[]; current: string; recent: readonly string[]};

export type NamespaceList = {
	names: readonly string[];
	current: string;
	/** False when listing was forbidden and the names come from the kubeconfig and history. */
	verified: boolean;
	note?: string;
};

export type HistoryEntry = {name: string; at: string; exists: boolean};

/** The Access pane's data: who the current context authenticates as, and its can-i matrix. */
/** `constrained`: the identity is impersonated by constrained impersonation, in that mode (the matrix's yeses need your impersonate-on too). */
export type AccessView = {context: string; identity: Identity; matrix: AccessMatrix; requests: number; elapsedMs: number; constrained?: string};

export type CellAddress = {group: string; resource: string; subresource: string; namespaced: boolean; verb: string; namespace: string};

export type UiServices = {
	/** Names, the current one and the recent ones: cheap, for the first frame. */
	contexts(): Promise<ContextList>;
	/** Everything the preview shows, from the validated index; asked for after the first frame. */
	details(): Promise<ReadonlyMap<string, ContextDetails>>;
	switchContext(name: string): Promise<void>;
	/** `kubehop ctx -`: returns the context switched to. */
	previousContext(): Promise<string>;
	/** The current context's namespaces from its cluster; may take a while or fail. */
	namespaces(): Promise<NamespaceList>;
	switchNamespace(name: string): Promise<void>;
	/** `kubehop ns -`: returns the namespace switched to. */
	previousNamespace(): Promise<string>;
	history(): Promise<readonly HistoryEntry[]>;
	/** The matrix for `namespace` (the context's own when undefined); cached per context and namespace unless `refresh`. */
	access(namespace: string | undefined, refresh: boolean): Promise<AccessView>;
	/** Why a cell is what it is, in the server's words: an access review's reason names the binding. */
	explain(cell: CellAddress): Promise<string>;
	/**
	 * The certificates of the current context (or all): the kubeconfig's part resolves at once; each
	 * server's handshake reaches `onProbe` when it completes, a bounded number at a time.
	 */
	/** Discovery through a kubectl-proxy-compatible proxy (started on a free loopback port, or the user's). */
	api(refresh: boolean): Promise<ApiView>;
	/** A read-only GET through the same proxy. */
	rawGet(path: string): Promise<RawAnswer>;
	certificates(allContexts: boolean, now: Date, onProbe: (key: string, probe: ProbeResult) => void): Promise<readonly ContextCertificates[]>;
	renameContext(from: string, to: string): Promise<void>;
	deleteContext(name: string): Promise<void>;
	/**
	 * Calls `onChange` when a kubeconfig file changes under the app (kubectl, kubectx or an editor in
	 * another terminal), after dropping what was read from it; kubehop's own writes call it too. Returns
	 * the function that stops watching.
	 */
	watchKubeconfig(onChange: () => void): () => void;
};
