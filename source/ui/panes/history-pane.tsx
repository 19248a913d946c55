import {Box} from 'ink';
import type {ListState} from '../list-state.ts';
import {FilterLine, ListRows} from './list-rows.tsx';

/** The previous stack, newest first: entry N is what `kubehop ctx -N` (or the digit N) jumps to. */
export function HistoryPane({state, width, color}: {state: ListState; width: number; color: boolean}) {
	const when = (at: string | undefined) => (!at || at.startsWith('1970') ? 'from kubectx' : at.replace('T', ' ').replace(/:\d\d\.\d+Z$/, ''));
	return (
		<Box flexDirection="column" height={state.height + 1}>
			<FilterLine state={state} color={color} />
			<ListRows state={state} isCurrent={(match) => match.item.key === '0'} width={width} color={color} note={(match) => `${match.item.key === '0' ? 'now' : `-${match.item.key}`}  ${when(match.item.note)}${match.item.dim ? '  (gone)' : ''}`} />
		</Box>
	);
}
