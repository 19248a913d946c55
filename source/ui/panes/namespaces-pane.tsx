import {Box, Text} from 'ink';
import {escapeForTerminal} from '../../terminal/output.ts';
import type {NamespaceStatus} from '../app-state.ts';
import type {ListState} from '../list-state.ts';
import {FilterLine, ListRows} from './list-rows.tsx';
import {Spinner} from './spinner.tsx';

/** The current context's namespaces from its cluster, with loading, forbidden and unreachable states. */
export function NamespacesPane({state, current, status, width, color}: {state: ListState; current: string; status: NamespaceStatus; width: number; color: boolean}) {
	return (
		<Box flexDirection="column" height={state.height + 1}>
			<FilterLine state={state} color={color} />
			{status.kind === 'loading' ? (
				<Box>
					<Spinner />
					<Text> loading namespaces from the cluster…</Text>
				</Box>
			) : null}
			{status.kind === 'error' ? <Text color={color ? 'red' : undefined} wrap="wrap">{escapeForTerminal(status.message)}</Text> : null}
			{status.kind === 'ready' && !status.verified ? <Text color={color ? 'yellow' : undefined} wrap="truncate">{status.note ?? 'not verified'}</Text> : null}
			{status.kind === 'ready' ? <ListRows state={state} isCurrent={(match) => match.item.key === current} width={width} color={color} /> : null}
		</Box>
	);
}
