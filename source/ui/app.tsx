import {Box, Text, useApp, useInput, useStdout} from 'ink';
import {useEffect, useReducer, useRef, useState} from 'react';
import {escapeForTerminal} from '../terminal/output.ts';
import {appReducer, certificateChecklistShown, createAppState, panes, paneScopesOf, scopesOf, type PaneId} from './app-state.ts';
import {footerHints, helpSections, type KeyEvent, type Scope} from './keymap.ts';
import {prepareForFiltering} from './list-state.ts';
import {noteInput, whenTypingPauses} from './input-activity.ts';
import {AccessPane} from './panes/access-pane.tsx';
import {ApiPane} from './panes/api-pane.tsx';
import {CertificatesPane} from './panes/certificates-pane.tsx';
import {ContextsPane} from './panes/contexts-pane.tsx';
import {HistoryPane} from './panes/history-pane.tsx';
import {NamespacesPane} from './panes/namespaces-pane.tsx';
import type {ContextList, UiServices} from './services.ts';
import {looksLikeProduction, textWidth, truncateEnd, truncateMiddle} from './truncate.ts';

export type AppProps = {
	services: UiServices;
	/** Picker mode (`kubehop ctx` or `kubehop ns` on a terminal) exits after a switch; app mode stays open. */
	mode: 'picker' | 'app';
	/** The pane shown first: Namespaces for `kubehop ns`. */
	pane?: PaneId;
	color: boolean;
	/** The list for the first frame, when the caller already has it: the app then opens on it, not on a loading state. */
	initial?: ContextList;
	/** `kubehop --as USER`: shown in the header, since every cluster pane then speaks as that user. */
	impersonating?: string;
	/** Where a picker switched to: a context, or a namespace of the current context. */
	onExit: (result: {switchedTo?: string; namespace?: string}) => void;
};

const chromeRows = 6;

function useTerminalSize(): {columns: number; rows: number} {
	const {stdout} = useStdout();
	const read = () => ({columns: stdout.columns || 80, rows: stdout.rows || 24});
	const [size, setSize] = useState(read);
	useEffect(() => {
		const update = () => setSize(read());
		stdout.on('resize', update);
		return () => {
			stdout.off('resize', update);
		};
	}, [stdout]);
	return size;
}

export function App({services, mode, pane: opening = 'contexts', color, initial, impersonating, onExit}: AppProps) {
	const {exit} = useApp();
	const {columns, rows} = useTerminalSize();
	const listHeight = Math.max(3, rows - chromeRows);
	const [state, dispatch] = useReducer(appReducer, listHeight, (height) => (initial ? appReducer(createAppState(height, opening), {type: 'loaded', list: initial}) : createAppState(height, opening)));

	useEffect(() => dispatch({type: 'resize', height: listHeight}), [listHeight]);
	// Fuzzy targets are prepared after the first frame, and again once the full search fields have arrived.
	const contextTargets = state.lists.contexts.items;
	useEffect(() => {
		let cancelled = false;
		void prepareForFiltering(contextTargets, () => whenTypingPauses(), () => cancelled);
		return () => {
			cancelled = true;
		};
	}, [contextTargets]);
	useEffect(() => {
		let live = true;
		// The preview and the history are not needed for the first frame.
		const afterFirstFrame = () =>
			setTimeout(() => {
				// Applying the details filters the whole list again (~40 ms at 10,000 contexts): not under the user's fingers.
				void services.details().then(async (details) => {
					await whenTypingPauses(150);
					if (live) dispatch({type: 'details', details});
				}, () => {});
				void services.history().then((entries) => live && dispatch({type: 'history', entries}), () => {});
			}, 0);
		if (initial) afterFirstFrame();
		else
			void services.contexts().then(
				(list) => {
					if (!live) return;
					dispatch({type: 'loaded', list});
					afterFirstFrame();
				},
				(error: Error) => live && dispatch({type: 'status', kind: 'error', text: error.message}),
			);
		return () => {
			live = false;
		};
	}, [services]);

	// A switch or an edit made outside the app (kubectl, kubectx, an editor in another terminal): the
	// header must never name a context that kubectl is no longer using.
	useEffect(
		() =>
			services.watchKubeconfig(() => {
				// Read after the pause, not before it: a switch made meanwhile must not be undone by older news.
				void whenTypingPauses(150)
					.then(async () => {
						const [list, details] = await Promise.all([services.contexts(), services.details()]);
						dispatch({type: 'kubeconfig-changed', list, details});
						// Apart: a history that cannot be read is not a kubeconfig that cannot.
						void services.history().then((entries) => dispatch({type: 'history', entries}), () => {});
					})
					.catch((error: Error) => dispatch({type: 'kubeconfig-unreadable', message: error.message}));
			}),
		[services],
	);

	// The namespaces of the current context: asked of its cluster only once the pane is shown (and again
	// after a context switch), so opening the app never waits on, or connects to, a cluster.
	const fetchedGeneration = useRef(-1);
	useEffect(() => {
		if (state.loading || state.pane !== 'namespaces' || fetchedGeneration.current === state.generation) return;
		fetchedGeneration.current = state.generation;
		let live = true;
		const {generation} = state;
		services.namespaces().then(
			(list) => live && dispatch({type: 'namespaces', list, generation}),
			(error: Error) => live && dispatch({type: 'namespaces-failed', message: error.message, generation}),
		);
		return () => {
			live = false;
		};
	}, [services, state.loading, state.generation, state.pane]);

	// The Access pane's matrix: asked for when the pane is shown, and again for a new context,
	// namespace or refresh (each bumps the generation).
	const fetchedAccess = useRef(-1);
	useEffect(() => {
		const {generation, namespace, refresh} = state.access;
		if (state.loading || state.pane !== 'access' || fetchedAccess.current === generation) return;
		fetchedAccess.current = generation;
		services.access(namespace, refresh).then(
			(view) => dispatch({type: 'access', view, generation}),
			(error: Error) => dispatch({type: 'access-failed', message: error.message, generation}),
		);
	}, [services, state.loading, state.pane, state.access.generation]);

	// The Certificates pane: the kubeconfig's part first, then each server's handshake as it completes.
	const fetchedCertificates = useRef(-1);
	useEffect(() => {
		const {generation, allContexts, now} = state.certificates;
		if (state.loading || state.pane !== 'certificates' || fetchedCertificates.current === generation) return;
		fetchedCertificates.current = generation;
		services.certificates(allContexts, now, (key, probe) => dispatch({type: 'certificate-probe', key, probe, generation})).then(
			(contexts) => dispatch({type: 'certificates', contexts, generation}),
			(error: Error) => dispatch({type: 'certificates-failed', message: error.message, generation}),
		);
	}, [services, state.loading, state.pane, state.certificates.generation]);

	// The API pane: discovery through the proxy, when the pane is first shown and on refresh.
	const fetchedApi = useRef(-1);
	useEffect(() => {
		const {generation, refresh} = state.api;
		if (state.loading || state.pane !== 'api' || fetchedApi.current === generation) return;
		fetchedApi.current = generation;
		services.api(refresh).then(
			(view) => dispatch({type: 'api', view, generation}),
			(error: Error) => dispatch({type: 'api-failed', message: error.message, generation}),
		);
	}, [services, state.loading, state.pane, state.api.generation]);

	const finish = (result: {switchedTo?: string; namespace?: string} = {}) => {
		onExit(result);
		exit();
	};

	// Carries out what the reducer asked for, once per request.
	const handled = useRef(0);
	useEffect(() => {
		const request = state.request;
		if (!request || request.id === handled.current) return;
		handled.current = request.id;
		const fail = (error: Error) => dispatch({type: 'status', kind: 'error', text: error.message});
		const refreshHistory = () => void services.history().then((entries) => dispatch({type: 'history', entries}), () => {});
		// A context renamed or deleted in one file may have shadowed one of the same name in a later file,
		// which kubectl now uses: read the files again (the watcher passes over this write).
		const uncovered = (name: string) =>
			void Promise.all([services.contexts(), services.details()]).then(([list, details]) => dispatch({type: 'kubeconfig-changed', list, details, generation: state.generation, edited: name}), () => {});
		const contextSwitched = (name: string) => {
			if (mode === 'picker') return finish({switchedTo: name});
			dispatch({type: 'switched', name});
			refreshHistory();
		};
		const namespaceSwitched = (name: string) => (mode === 'picker' ? finish({namespace: name}) : dispatch({type: 'namespace-switched', name}));

		switch (request.kind) {
			case 'quit':
				return finish();
			case 'switch-context':
				return void services.switchContext(request.name).then(() => contextSwitched(request.name), fail);
			case 'previous-context':
				return void services.previousContext().then(contextSwitched, fail);
			case 'switch-namespace':
				return void services.switchNamespace(request.name).then(() => namespaceSwitched(request.name), fail);
			case 'previous-namespace':
				return void services.previousNamespace().then(namespaceSwitched, fail);
			case 'rename-context':
				return void services
					.renameContext(request.from, request.to)
					.then(() => (dispatch({type: 'renamed', from: request.from, to: request.to}), refreshHistory(), uncovered(request.from)), fail);
			case 'explain':
				dispatch({type: 'explained', key: request.key, text: 'asking the server…'});
				return void services.explain(request.cell).then(
					(text) => dispatch({type: 'explained', key: request.key, text}),
					(error: Error) => dispatch({type: 'explained', key: request.key, text: `the server could not say: ${error.message}`}),
				);
			case 'raw-get':
				return void services.rawGet(request.path).then(
					(answer) => dispatch({type: 'api-answer', path: request.path, answer}),
					(error: Error) => dispatch({type: 'api-answer', path: request.path, error: error.message}),
				);
			case 'delete-context':
				return void services.deleteContext(request.name).then(() => (dispatch({type: 'deleted', name: request.name}), refreshHistory(), uncovered(request.name)), fail);
		}
	}, [state.request]);

	const tooShort = rows < chromeRows + 3;
	useInput((input, key) => {
		noteInput();
		// Nothing is shown to act on: only quitting works (q, Esc or Ctrl-C, whatever the filter holds).
		if (tooShort) {
			if (input === 'q' || key.escape || (key.ctrl && input === 'c')) dispatch({type: 'key', key: {...key, input: 'c', ctrl: true}});
			return;
		}

		for (const single of splitTypedAhead(input, key)) dispatch({type: 'key', key: single});
	});

	const details = state.details?.get(state.current);
	const production = looksLikeProduction(state.current);
	const label = (text: string, width: number) => truncateMiddle(escapeForTerminal(text), width);
	const pane = (() => {
		if (state.help) return <HelpOverlay title={panes.find((entry) => entry.id === state.pane)!.title} scopes={paneScopesOf(state)} height={listHeight + 1} width={columns} />;
		if (state.pane === 'namespaces') return <NamespacesPane state={state.lists.namespaces} current={state.currentNamespace} status={state.namespaces} width={columns} color={color} />;
		if (state.pane === 'history') return <HistoryPane state={state.lists.history} current={state.current} width={columns} color={color} />;
		if (state.pane === 'access') return <AccessPane state={state.lists.access} access={state.access} width={columns} color={color} />;
		if (state.pane === 'api') return <ApiPane state={state.lists.api} api={state.api} access={state.access} namespace={state.currentNamespace || 'default'} width={columns} color={color} />;
		if (state.pane === 'certificates') return <CertificatesPane state={state.lists.certificates} certificates={state.certificates} width={columns} color={color} checklist={certificateChecklistShown(listHeight)} />;
		return <ContextsPane state={state.lists.contexts} current={state.current} details={state.details} loading={state.loading} width={columns} color={color} />;
	})();
	// A current context deleted from the kubeconfig (here or elsewhere) is still named by current-context.
	const currentGone = Boolean(state.current && state.details && !state.details.has(state.current));
	const namespaceLabel = !state.current ? '' : currentGone ? '  (not in the kubeconfig)' : `  ns ${label(state.currentNamespace || 'default', 24)}`;
	// Cut here, in columns: Ink's own cut can leave a wide character straddling the edge, and the line wraps.
	const asLabel = impersonating ? `as ${label(impersonating, 24)} ` : '';
	const contextLabel = label(state.current || '(no current context)', Math.max(10, columns - 1 - 'kubehop '.length - textWidth(asLabel) - textWidth(namespaceLabel)));
	const whoAndWhere = details ? truncateEnd(`  user ${label(details.user, 24)}  ${label(details.server, 40)}`, Math.max(0, columns - 1 - 'kubehop '.length - textWidth(asLabel) - textWidth(contextLabel) - textWidth(namespaceLabel))) : '';
	// Below the chrome plus three list rows, lines would be squeezed onto one another: say so instead.
	if (tooShort) {
		return (
			<Box width={columns} height={rows} overflowY="hidden">
				<Text wrap="truncate">{`kubehop needs ${chromeRows + 3} rows; this terminal has ${rows}. q quits.`}</Text>
			</Box>
		);
	}

	return (
		<Box flexDirection="column" width={columns} height={rows} overflowY="hidden">
			{/* One line each, whatever the width: a wrapped header would push the frame past the terminal. */}
			<Text wrap="truncate">
				<Text bold>kubehop </Text>
				{asLabel ? <Text color={color ? 'yellow' : undefined} bold>{asLabel}</Text> : null}
				{/* Where commands will land, first: the context whole where it can be, then its namespace; the user and server after, cut first. */}
				<Text color={color ? (production ? 'red' : 'green') : undefined} bold inverse={production}>
					{contextLabel}
				</Text>
				<Text bold color={color && currentGone ? 'red' : undefined}>{namespaceLabel}</Text>
				<Text dimColor>{whoAndWhere}</Text>
			</Text>
			<Text wrap="truncate">
				{tabTitles(columns, state.pane).map(({id, title}) => (
					<Text key={id} inverse={id === state.pane} bold={id === state.pane}>{` ${title} `}</Text>
				))}
			</Text>
			{pane}
			{state.prompt ? (
				<Text color={color ? 'yellow' : undefined} bold wrap="truncate">
					{state.prompt.kind === 'confirm-delete'
						? `Delete context "${label(state.prompt.name, columns - 40)}" from its kubeconfig file? y/N`
						: state.prompt.kind === 'access-namespace'
							? `Check access in namespace: ${escapeForTerminal(state.prompt.value)}█  (Enter to check, Esc to cancel)`
							: state.prompt.kind === 'api-path'
								? `GET ${escapeForTerminal(state.prompt.value)}█  (Enter to send through the proxy, Esc to cancel)`
							: `Rename "${label(state.prompt.name, 30)}" to: ${escapeForTerminal(state.prompt.value)}█  (Enter to rename, Esc to cancel)`}
				</Text>
			) : (
				<Text color={color && state.status?.kind === 'error' ? 'red' : undefined} wrap="truncate">{state.status ? truncateEnd(escapeForTerminal(state.status.text), columns - 1) : ' '}</Text>
			)}
			<Text dimColor wrap="truncate">{footerHints(scopesOf(state)).map(({keys, hint}) => `${keys} ${hint}`).join('  ')}</Text>
		</Box>
	);
}

type InkKey = Omit<KeyEvent, 'input'> & {meta: boolean};

/**
 * The tab line: every title where they fit, else the others shortened, else the pane shown alone with
 * where it is: whatever the width, the highlighted tab says which pane this is.
 */
export function tabTitles(columns: number, shown: PaneId): Array<{id: PaneId; title: string}> {
	const fits = (titles: Array<{title: string}>) => titles.reduce((sum, {title}) => sum + title.length + 2, 0) <= columns;
	const full = panes.map(({id, title}) => ({id, title}));
	if (fits(full)) return full;
	const shortened = panes.map(({id, title, short}) => ({id, title: id === shown ? title : short}));
	if (fits(shortened)) return shortened;
	const index = panes.findIndex(({id}) => id === shown);
	return [{id: shown, title: `${panes[index]!.title} ${index + 1}/${panes.length}`}];
}

/**
 * Keys typed faster than frames can reach Ink as one chunk ("prod\r", "\t\t"), which it does not parse
 * into keys: replay such a chunk character by character, so every key means what it would have alone.
 */
export function splitTypedAhead(input: string, key: InkKey): KeyEvent[] {
	// eslint-disable-next-line no-control-regex
	if (input.length <= 1 || key.ctrl || key.meta || !/[\u0000-\u001F\u007F]/.test(input) || input.startsWith('\u001B')) return [{...key, input}];
	const plain: KeyEvent = {...key, input: '', return: false, tab: false, backspace: false, delete: false, escape: false};
	const keys: KeyEvent[] = [];
	for (const char of input) {
		if (char === '\r' || char === '\n') keys.push({...plain, return: true});
		else if (char === '\t') keys.push({...plain, tab: true});
		else if (char === '\u007F' || char === '\b') keys.push({...plain, backspace: true});
		else if (char >= '\u0001' && char <= '\u001A') keys.push({...plain, ctrl: true, input: String.fromCharCode(char.charCodeAt(0) + 96)});
		else keys.push({...plain, input: char});
	}

	return keys;
}

export type HelpLine = {kind: 'title'; text: string} | {kind: 'entry'; keys: string; text: string} | {kind: 'gap'};

/**
 * The keys of the pane shown, as the keymap says they work there: its own, the list's and the global
 * ones, a section each, in as few columns as the height allows (helpColumns).
 */
function HelpOverlay({title, scopes, height, width}: {title: string; scopes: Scope[]; height: number; width: number}) {
	const columns = helpColumns(helpSections(scopes), Math.max(1, height - 3));
	// Each column as wide as its lines need, when the width allows; otherwise shares of the width in that proportion.
	const gap = columns.length > 1 ? 2 : 0;
	const needs = columns.map((lines) => {
		const keyWidth = keyWidthOf(lines);
		return gap + Math.max(0, ...lines.map((line) => (line.kind === 'entry' ? keyWidth + line.text.length : line.kind === 'title' ? line.text.length : 0)));
	});
	const inside = width - 4;
	const total = needs.reduce((sum, need) => sum + need, 0);
	const widths = total <= inside ? needs : needs.map((need) => Math.floor((need / total) * inside));
	// Squeezed, a description goes on under itself where the rows allow, rather than losing its end.
	const shown = columns.map((lines, index) => {
		const wrapped = wrapHelpLines(lines, widths[index]! - gap);
		return wrapped.length <= Math.max(1, height - 3) ? wrapped : lines;
	});
	return (
		<Box flexDirection="column" height={height} borderStyle="round" paddingX={1}>
			<Text bold wrap="truncate">
				Keys in the {title} pane
			</Text>
			<Box>
				{shown.map((lines, index) => (
					<HelpColumn key={index} lines={lines} width={widths[index]!} gap={gap} />
				))}
			</Box>
		</Box>
	);
}

/** A column's lines with each description longer than `width` allows broken at spaces onto lines of its own, under it. */
export function wrapHelpLines(lines: HelpLine[], width: number): HelpLine[] {
	const keyWidth = keyWidthOf(lines);
	const room = width - keyWidth;
	if (room < 8) return lines;
	return lines.flatMap((line): HelpLine[] => {
		if (line.kind !== 'entry' || line.text.length <= room) return [line];
		const rows: string[] = [];
		let row = '';
		for (const word of line.text.split(' ')) {
			if (row && row.length + 1 + word.length > room) {
				rows.push(row);
				row = word;
			} else row = row ? `${row} ${word}` : word;
		}

		rows.push(row);
		return rows.map((text, index) => ({kind: 'entry', keys: index === 0 ? line.keys : '', text}));
	});
}

/** The help's lines in the fewest columns that hold them in `room` rows, a blank line between sections where there is space. */
export function helpColumns(sections: ReturnType<typeof helpSections>, room: number): HelpLine[][] {
	const linesOf = (gaps: boolean) =>
		sections.flatMap((section, index): HelpLine[] => [
			...(gaps && index > 0 ? [{kind: 'gap'} as const] : []),
			{kind: 'title', text: section.title},
			...section.entries.map((entry): HelpLine => ({kind: 'entry', keys: entry.keys, text: `${entry.description}${entry.dangerous ? ' (asks first)' : ''}`})),
		]);
	// Two columns part where a section starts, as near the middle as fits; a gap never starts a column.
	const inTwo = (lines: HelpLine[]) => {
		const starts = lines.flatMap((line, index) => (line.kind === 'title' && index > 0 ? [index] : []));
		const splits = starts.map((at) => [lines.slice(0, lines[at - 1]?.kind === 'gap' ? at - 1 : at), lines.slice(at)]);
		const fitting = splits.filter(([left, right]) => left!.length <= room && right!.length <= room);
		return fitting.sort(([a], [b]) => Math.abs(a!.length - lines.length / 2) - Math.abs(b!.length - lines.length / 2))[0];
	};

	const spaced = linesOf(true);
	const plain = linesOf(false);
	if (spaced.length <= room) return [spaced];
	if (plain.length <= room) return [plain];
	// A short terminal: as many columns as the lines need, filled in order, so that every key is still listed.
	return inTwo(spaced) ?? inTwo(plain) ?? Array.from({length: Math.ceil(plain.length / room)}, (_, index) => plain.slice(index * room, (index + 1) * room));
}

const keyWidthOf = (lines: HelpLine[]) => Math.max(0, ...lines.map((line) => (line.kind === 'entry' ? line.keys.length : 0))) + 2;

/** One column of the help: each key padded to the column's longest, so that what it does starts in one place. */
function HelpColumn({lines, width, gap}: {lines: HelpLine[]; width: number; gap: number}) {
	const keyWidth = keyWidthOf(lines);
	return (
		<Box flexDirection="column" width={width} paddingRight={gap}>
			{lines.map((line, row) =>
				line.kind === 'gap' ? (
					<Text key={row}> </Text>
				) : line.kind === 'title' ? (
					<Text key={row} bold wrap="truncate">
						{line.text}
					</Text>
				) : (
					<Text key={row} wrap="truncate">
						{`${line.keys.padEnd(keyWidth)}${line.text}`}
					</Text>
				),
			)}
		</Box>
	);
}
