import {Box} from 'ink';
import {useMemo} from 'react';
import {historySteps} from '../app-state.ts';
import type {ListState} from '../list-state.ts';
import {FilterLine, ListRows} from './list-rows.tsx';

/** The previous stack, newest first: entry N is what `kubehop ctx -N` (or the digit N) jumps to. */
export function HistoryPane({state, current, width, color}: {state: ListState; current: string; width: number; color: boolean}) {
	const when = (at: string | undefined) => (!at || at.startsWith('1970') ? 'from kubectx' : at.replace('T', ' ').replace(/:\d\d\.\d+Z$/, ''));
	const steps = useMemo(() => historySteps(state.items, current), [state.items, current]);
	const step = (key: string) => (steps.has(key) ? `-${steps.get(key)}` : '');
	return (
		<Box flexDirection="column" height={state.height + 1}>
			<FilterLine state={state} color={color} />
			<ListRows state={state} isCurrent={(match) => match.item.label === current} width={width} color={color} note={(match) => `${match.item.label === current ? 'now' : step(match.item.key)}  ${when(match.item.note)}${match.item.dim ? '  (gone)' : ''}`} />
		</Box>
	);
}
