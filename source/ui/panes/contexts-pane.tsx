import {Box, Text} from 'ink';
import {escapeForTerminal} from '../../terminal/output.ts';
import {selectedItem, type ListState} from '../list-state.ts';
import type {ContextDetails} from '../services.ts';
import {truncateMiddle} from '../truncate.ts';
import {FilterLine, ListRows} from './list-rows.tsx';

type Props = {
	state: ListState;
	current: string;
	details: ReadonlyMap<string, ContextDetails> | undefined;
	loading: boolean;
	width: number;
	color: boolean;
};

/** The filter line, the visible window of contexts, and a preview of the selected one. */
export function ContextsPane({state, current, details, loading, width, color}: Props) {
	const listWidth = Math.max(20, Math.floor(width * 0.55));
	const selected = selectedItem(state)?.key;
	return (
		<Box flexDirection="column" height={state.height + 1}>
			<FilterLine state={state} color={color} extra={loading ? 'loading…' : undefined} />
			<Box>
				<ListRows state={state} isCurrent={(match) => match.item.key === current} width={listWidth} color={color} />
				<Box flexDirection="column" paddingLeft={1} width={width - listWidth}>
					{selected ? <Preview name={selected} details={details?.get(selected)} width={width - listWidth - 2} /> : null}
				</Box>
			</Box>
		</Box>
	);
}

function Preview({name, details, width}: {name: string; details: ContextDetails | undefined; width: number}) {
	const line = (label: string, value: string) => <Text>{`${label.padEnd(10)}${truncateMiddle(escapeForTerminal(value), Math.max(8, width - 10))}`}</Text>;
	if (!details) return <Text dimColor>{truncateMiddle(escapeForTerminal(name), width)}</Text>;
	return (
		<Box flexDirection="column">
			<Text bold>{truncateMiddle(escapeForTerminal(name), width)}</Text>
			{line('server', details.server || '(none)')}
			{line('auth', details.auth)}
			{line('user', details.user)}
			{line('cluster', details.cluster)}
			{line('namespace', details.namespace || 'default')}
			{line('file', details.file)}
			{details.shadowedIn.length > 0 ? line('shadows', `the same name in ${details.shadowedIn.join(', ')}`) : null}
		</Box>
	);
}
