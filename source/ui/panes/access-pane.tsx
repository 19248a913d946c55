import {Box, Text} from 'ink';
import {cellGlyph, type Cell, type CellState} from '../../access/matrix.ts';
import {escapeForTerminal} from '../../terminal/output.ts';
import type {AccessPane as AccessPaneState} from '../app-state.ts';
import {selectedItem, visibleMatches, type ListState} from '../list-state.ts';
import {matrixLayout, truncateResource} from '../access-layout.ts';
import {padTo, truncateEnd, widestOf} from '../truncate.ts';
import {FilterLine} from './list-rows.tsx';
import {Spinner} from './spinner.tsx';

// Who the current context is, and the can-i matrix: resources by verbs, one glyph per cell so it reads
// without colour, the selected cell explained underneath.

const stateColor: Record<CellState, string | undefined> = {allowed: 'green', denied: 'red', 'n/a': undefined, limited: 'yellow', unknown: undefined, error: 'magenta'};

export function AccessPane({state, access, width, color}: {state: ListState; access: AccessPaneState; width: number; color: boolean}) {
	const {status} = access;
	if (status.kind === 'loading') {
		return (
			<Box flexDirection="column" height={state.height + 5}>
				<Box>
					<Spinner />
					<Text>{` asking the server who you are and what you may do${access.namespace ? ` in ${escapeForTerminal(access.namespace)}` : ''}…`}</Text>
				</Box>
			</Box>
		);
	}

	if (status.kind === 'error') {
		return (
			<Box flexDirection="column" height={state.height + 5}>
				<Text color={color ? 'red' : undefined} wrap="wrap">{escapeForTerminal(status.message)}</Text>
				<Text dimColor>Ctrl-R asks again; the other panes keep working.</Text>
			</Box>
		);
	}

	const {view} = status;
	const {identity, matrix} = view;
	const {nameWidth, cellWidth, showScope, firstVerb, verbCount, heading} = matrixLayout(width, matrix.verbs.length, widestOf(matrix.rows.map((candidate) => candidate.name)), access.column);
	const shownVerbs = matrix.verbs.slice(firstVerb, firstVerb + verbCount);
	const who = identity.serviceAccount ? `service account ${identity.serviceAccount.namespace}/${identity.serviceAccount.name}` : identity.username || '(anonymous)';
	const verb = matrix.verbs[access.column] ?? '';
	const selectedName = selectedItem(state)?.key;
	const row = matrix.rows.find((candidate) => candidate.name === selectedName);
	const cell = row?.cells[verb];
	const explanation = access.explanation?.key === `${selectedName}\u0000${verb}` ? access.explanation.text : undefined;
	const extra = Object.entries(identity.extra).map(([key, values]) => `${key.slice(key.lastIndexOf('/') + 1)}=${values.join(',')}`);
	// Longest last: a narrow terminal cuts the extra fields, not who or where.
	const summary = [
		escapeForTerminal(who),
		`ns ${escapeForTerminal(matrix.namespace)}`,
		`groups ${escapeForTerminal(identity.groups.join(', ') || '-')}`,
		view.constrained ? 'constrained (✓ needs your impersonate-on)' : '',
		`${view.requests} requests, ${Math.round(view.elapsedMs)} ms`,
		identity.uid ? `uid ${escapeForTerminal(identity.uid)}` : '',
		extra.length > 0 ? `extra ${escapeForTerminal(extra.join(' '))}` : '',
	].filter(Boolean).join('  ');
	return (
		<Box flexDirection="column" height={state.height + 5}>
			<Box>
				{/* One Text, cut as a whole: on a narrow terminal a wrapped badge would push the frame past the terminal. */}
				<Text wrap="truncate">
					{truncateEnd(summary, Math.max(10, width - (identity.bypassesRbac ? 26 : 0)))}
					{identity.bypassesRbac ? (
						<Text color={color ? 'yellow' : undefined} bold>
							{'  system:masters: no RBAC'}
						</Text>
					) : null}
				</Text>
			</Box>
			<FilterLine state={state} color={color} extra={[matrix.incomplete ? `incomplete review: ${matrix.accessReviews} cells asked one by one` : '', access.onlyWithAccess ? 'only with access' : ''].filter(Boolean).join(', ')} />
			<Box width={width}>
				<Text bold>{'RESOURCE'.slice(0, nameWidth).padEnd(nameWidth + 2)}</Text>
				{shownVerbs.map((name, index) => (
					<Text key={name} bold inverse={firstVerb + index === access.column}>
						{heading(name).padEnd(cellWidth - 1)}
					</Text>
				)).flatMap((element, index) => [element, <Text key={`gap-${index}`}> </Text>])}
				{showScope ? <Text bold>{'SCOPE'}</Text> : null}
			</Box>
			{/* A mark sits under its heading's second letter, or, where headings are one letter (3-wide cells), under it. */}
			{visibleMatches(state).map((match, index) => {
				const matrixRow = matrix.rows.find((candidate) => candidate.name === match.item.key);
				const selected = state.offset + index === state.selected;
				return (
					<Box key={match.item.key} width={width}>
						<Text inverse={selected}>{padTo(truncateResource(escapeForTerminal(match.item.label), nameWidth), nameWidth)}</Text>
						<Text>{'  '}</Text>
						{shownVerbs.map((name, index) => {
							const state = matrixRow?.cells[name]?.state ?? 'unknown';
							return (
								<Text key={name} color={color ? stateColor[state] : undefined} dimColor={state === 'n/a'} inverse={selected && firstVerb + index === access.column}>
									{`${cellWidth > 3 ? ' ' : ''}${cellGlyph[state]}      `.slice(0, cellWidth)}
								</Text>
							);
						})}
						{showScope ? <Text dimColor>{matrixRow && !matrixRow.namespaced ? 'cluster' : ''}</Text> : null}
					</Box>
				);
			})}
			<Box flexGrow={1} />
			<Text wrap="truncate" color={color && cell ? stateColor[cell.state] : undefined}>
				{row && cell ? describeCell(row.name, verb, cell, matrix.namespace, row.namespaced) : ' '}
			</Text>
			<Text wrap="truncate" dimColor>
				{explanation ?? (matrix.problem ? `partial: ${matrix.problem}` : nonResourceLine(matrix.nonResourceRules))}
			</Text>
		</Box>
	);
}

function describeCell(name: string, verb: string, cell: Cell, namespace: string, namespaced: boolean): string {
	const where = namespaced ? ` in ${namespace}` : cell.name === undefined ? ' cluster-wide' : ` (namespace ${cell.name} itself)`;
	const source = cell.source === 'review' ? ' (access review)' : cell.source === 'rules' ? ' (rules review)' : '';
	return escapeForTerminal(`${cellGlyph[cell.state]} ${verb} ${name}${where}: ${cell.state}${source}${cell.why ? ` - ${cell.why}` : ''}`);
}

function nonResourceLine(rules: ReadonlyArray<{verbs: readonly string[]; nonResourceURLs?: readonly string[]}>): string {
	if (rules.length === 0) return 'non-resource URLs: none';
	return `non-resource URLs: ${rules.map((rule) => `${rule.verbs.join(',')} ${(rule.nonResourceURLs ?? []).join(' ')}`).join('; ')}`;
}
