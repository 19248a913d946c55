import {Box, Text, useApp, useInput, useStdout} from 'ink';
import {useEffect, useReducer, useRef, useState} from 'react';
import {escapeForTerminal} from '../terminal/output.ts';
import {appReducer, createAppState, panes, scopesOf} from './app-state.ts';
import {footerBindings, keymap} from './keymap.ts';
import {ContextsPane} from './panes/contexts-pane.tsx';
import type {UiServices} from './services.ts';
import {looksLikeProduction, truncateMiddle} from './truncate.ts';

export type AppProps = {
	services: UiServices;
	/** Picker mode (`kubehop ctx` on a terminal) exits after a switch; app mode stays open. */
	mode: 'picker' | 'app';
	color: boolean;
	onExit: (result: {switchedTo?: string}) => void;
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

export function App({services, mode, color, onExit}: AppProps) {
	const {exit} = useApp();
	const {columns, rows} = useTerminalSize();
	const listHeight = Math.max(3, rows - chromeRows);
	const [state, dispatch] = useReducer(appReducer, listHeight, createAppState);

	useEffect(() => dispatch({type: 'list', action: {type: 'resize', height: listHeight}}), [listHeight]);
	useEffect(() => {
		let live = true;
		void services.contexts().then(
			(list) => {
				if (!live) return;
				dispatch({type: 'loaded', list});
				// The preview needs the full kubeconfig: read it only after the first frame is out.
				setTimeout(() => void services.details().then((details) => live && dispatch({type: 'details', details}), () => {}), 0);
			},
			(error: Error) => live && dispatch({type: 'status', kind: 'error', text: error.message}),
		);
		return () => {
			live = false;
		};
	}, [services]);

	const finish = (switchedTo?: string) => {
		onExit({switchedTo});
		exit();
	};

	// Carries out what the reducer asked for, once per request.
	const handled = useRef(0);
	useEffect(() => {
		const request = state.request;
		if (!request || request.id === handled.current) return;
		handled.current = request.id;
		if (request.kind === 'quit') return finish();
		const work = request.kind === 'switch' ? services.switchContext(request.name).then(() => request.name) : services.previousContext();
		work.then(
			(name) => (mode === 'picker' ? finish(name) : dispatch({type: 'switched', name})),
			(error: Error) => dispatch({type: 'status', kind: 'error', text: error.message}),
		);
	}, [state.request]);

	useInput((input, key) => dispatch({type: 'key', key: {...key, input}}));

	const details = state.details?.get(state.current);
	const production = looksLikeProduction(state.current);
	const label = (text: string, width: number) => truncateMiddle(escapeForTerminal(text), width);
	return (
		<Box flexDirection="column" width={columns} height={rows}>
			<Box>
				<Text bold>kubehop </Text>
				<Text color={color ? (production ? 'red' : 'green') : undefined} bold inverse={production}>
					{label(state.current || '(no current context)', Math.max(10, columns - 60))}
				</Text>
				{details ? <Text dimColor>{`  ${label(details.server, 30)}  user ${label(details.user, 14)}  ns ${label(details.namespace || 'default', 14)}`}</Text> : null}
			</Box>
			<Box>
				{panes.map((pane) => (
					<Text key={pane.id} inverse={pane.id === state.pane} bold={pane.id === state.pane}>{` ${pane.title} `}</Text>
				))}
			</Box>
			{state.help ? (
				<HelpOverlay height={listHeight + 1} />
			) : (
				<ContextsPane state={state.contexts} current={state.current} details={state.details} loading={state.loading} width={columns} color={color} />
			)}
			<Text color={color && state.status?.kind === 'error' ? 'red' : undefined}>{state.status ? escapeForTerminal(state.status.text) : ' '}</Text>
			<Text dimColor wrap="truncate">{footerBindings(scopesOf(state)).map((binding) => `${binding.keys} ${binding.hint}`).join('  ')}</Text>
		</Box>
	);
}

function HelpOverlay({height}: {height: number}) {
	return (
		<Box flexDirection="column" height={height} borderStyle="round" paddingX={1}>
			<Text bold>Keys</Text>
			{keymap.map((binding) => (
				<Text key={binding.action}>
					{binding.keys.padEnd(18)} {binding.description}
					{binding.dangerous ? ' (asks first)' : ''}
				</Text>
			))}
		</Box>
	);
}
