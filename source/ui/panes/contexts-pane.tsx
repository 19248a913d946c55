import {Box, Text} from 'ink';
import {escapeForTerminal} from '../../terminal/output.ts';
import {visibleMatches, type ListState, type Match} from '../list-state.ts';
import type {ContextDetails} from '../services.ts';
import {truncateMiddle} from '../truncate.ts';

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
	const selected = state.matches[state.selected]?.item.key;
	const preview = selected ? details?.get(selected) : undefined;
	return (
		<Box flexDirection="column" height={state.height + 1}>
			<Box>
				<Text color={color ? 'cyan' : undefined}>{'> '}</Text>
				<Text>{escapeForTerminal(state.query)}</Text>
				<Text inverse> </Text>
				<Text dimColor>{`  ${state.matches.length}/${state.items.length}${loading ? '  loading…' : ''}`}</Text>
			</Box>
			<Box>
				<Box flexDirection="column" width={listWidth}>
					{visibleMatches(state).map((match, index) => (
						<Row key={match.item.key} match={match} selected={state.offset + index === state.selected} current={match.item.key === current} width={listWidth - 3} color={color} />
					))}
				</Box>
				<Box flexDirection="column" paddingLeft={1} width={width - listWidth}>
					{selected ? <Preview name={selected} details={preview} width={width - listWidth - 2} /> : null}
				</Box>
			</Box>
		</Box>
	);
}

function Row({match, selected, current, width, color}: {match: Match; selected: boolean; current: boolean; width: number; color: boolean}) {
	const shown = escapeForTerminal(match.item.label);
	const highlight = new Set(shown === match.item.label ? match.indexes : []);
	const text = truncateMiddle(shown, width);
	// Highlighting follows characters of the full label; a cut label keeps only the marks it still shows.
	const parts = shown === text ? [...text].map((char, index) => ({char, hit: highlight.has(index)})) : [...text].map((char) => ({char, hit: false}));
	return (
		<Box>
			<Text color={color && current ? 'green' : undefined}>{current ? '● ' : '  '}</Text>
			<Text inverse={selected}>
				{parts.map((part, index) => (
					<Text key={index} bold={part.hit} underline={part.hit && !color} color={color && part.hit ? 'yellow' : undefined}>
						{part.char}
					</Text>
				))}
			</Text>
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
			{line('file', details.shadowedIn.length > 0 ? `${details.file} (shadows ${details.shadowedIn.length})` : details.file)}
		</Box>
	);
}
