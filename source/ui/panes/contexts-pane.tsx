import {Box, Text} from 'ink';
import {useMemo} from 'react';
import {escapeForTerminal} from '../../terminal/output.ts';
import {selectedItem, type ListState} from '../list-state.ts';
import type {ContextDetails} from '../services.ts';
import {truncateMiddle, widestOf} from '../truncate.ts';
import {FilterLine, ListRows} from './list-rows.tsx';

type Props = {
	state: ListState;
	current: string;
	details: ReadonlyMap<string, ContextDetails> | undefined;
	loading: boolean;
	width: number;
	color: boolean;
};

/** Below this, a preview's values would be a few letters each: the names get the whole width instead. */
const narrowestPreview = 24;

/** The filter line, the visible window of contexts, and a preview of the selected one. */
export function ContextsPane({state, current, details, loading, width, color}: Props) {
	// The names as wide as the longest needs (the marker and a gap besides), at most 55%: the preview gets the rest.
	const longest = useMemo(() => widestOf(state.items.map((item) => item.label)), [state.items]);
	const splitWidth = Math.max(20, Math.min(longest + 4, Math.floor(width * 0.55)));
	const withPreview = width - splitWidth - 2 >= narrowestPreview;
	const listWidth = withPreview ? splitWidth : width;
	const selected = selectedItem(state)?.key;
	return (
		<Box flexDirection="column" height={state.height + 1} overflowY="hidden">
			<FilterLine state={state} color={color} extra={loading ? 'loading…' : undefined} />
			{!loading && state.items.length === 0 ? (
				<Text dimColor wrap="truncate">{'No contexts in the kubeconfig yet: your cloud\'s CLI or `kubectl config set-context` adds them.'}</Text>
			) : (
				<Box>
					<ListRows state={state} isCurrent={(match) => match.item.key === current} width={listWidth} color={color} />
					{withPreview ? (
						<Box flexDirection="column" paddingLeft={1} width={width - listWidth} height={state.height} overflowY="hidden">
							{selected ? <Preview name={selected} details={details?.get(selected)} width={width - listWidth - 2} height={state.height} /> : null}
						</Box>
					) : null}
				</Box>
			)}
		</Box>
	);
}

/** As many of the preview's lines as the list is tall: Yoga would squeeze the rest onto one another. */
function Preview({name, details, width, height}: {name: string; details: ContextDetails | undefined; width: number; height: number}) {
	const line = (label: string, value: string) => <Text key={label} wrap="truncate">{`${label.padEnd(10)}${truncateMiddle(escapeForTerminal(value), width - 10)}`}</Text>;
	if (!details) return <Text dimColor>{truncateMiddle(escapeForTerminal(name), width)}</Text>;
	const lines = [
		<Text key="name" bold wrap="truncate">{truncateMiddle(escapeForTerminal(name), width)}</Text>,
		line('server', details.server || '(none)'),
		line('auth', details.auth),
		line('user', details.user),
		line('cluster', details.cluster),
		line('namespace', details.namespace || 'default'),
		line('file', details.file),
		...(details.shadowedIn.length > 0 ? [line('shadows', `the same name in ${details.shadowedIn.join(', ')}`)] : []),
	];
	return <Box flexDirection="column">{lines.slice(0, Math.max(1, height))}</Box>;
}
