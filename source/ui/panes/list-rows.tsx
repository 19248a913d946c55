import {Box, Text} from 'ink';
import {escapeForTerminal} from '../../terminal/output.ts';
import {visibleMatches, type ListState, type Match} from '../list-state.ts';
import {textWidth, truncateMiddle, truncateStart} from '../truncate.ts';

// The visible window of any pane's list: marker, highlighted matches, dimmed entries.

export function ListRows({state, isCurrent, width, color, note}: {state: ListState; isCurrent: (match: Match) => boolean; width: number; color: boolean; note?: (match: Match, index: number) => string}) {
	return (
		<Box flexDirection="column" width={width}>
			{visibleMatches(state).map((match, index) => (
				<Row key={match.item.key} match={match} selected={state.offset + index === state.selected} current={isCurrent(match)} width={width - 3} color={color} note={note?.(match, state.offset + index)} />
			))}
		</Box>
	);
}

function Row({match, selected, current, width, color, note}: {match: Match; selected: boolean; current: boolean; width: number; color: boolean; note?: string}) {
	const shown = escapeForTerminal(match.item.label);
	const room = Math.max(4, width - (note ? textWidth(note) + 2 : 0));
	const text = truncateMiddle(shown, room);
	// Marks follow the full label's characters; a cut or escaped label is shown without them.
	const marks = shown === text && shown === match.item.label ? new Set(match.indexes) : new Set<number>();
	const runs: Array<{text: string; hit: boolean}> = [];
	for (const [index, char] of [...text].entries()) {
		const hit = marks.has(index);
		const last = runs.at(-1);
		if (last && last.hit === hit) last.text += char;
		else runs.push({text: char, hit});
	}

	return (
		<Box>
			<Text color={color && current ? 'green' : undefined}>{current ? '● ' : '  '}</Text>
			<Text inverse={selected} dimColor={match.item.dim}>
				{runs.map((run, index) => (
					<Text key={index} bold={run.hit} underline={run.hit && !color} color={color && run.hit ? 'yellow' : undefined}>
						{run.text}
					</Text>
				))}
			</Text>
			{note ? <Text dimColor>{`  ${note}`}</Text> : null}
		</Box>
	);
}

export function FilterLine({state, color, extra}: {state: ListState; color: boolean; extra?: string}) {
	return (
		// One line whatever the query's length: the start of a long query gives way to its end.
		<Text wrap="truncate">
			<Text color={color ? 'cyan' : undefined}>{'> '}</Text>
			<Text>{truncateStart(escapeForTerminal(state.query), 40)}</Text>
			<Text inverse> </Text>
			<Text dimColor>{`  ${state.matches.length}/${state.items.length}${extra ? `  ${extra}` : ''}`}</Text>
		</Text>
	);
}
