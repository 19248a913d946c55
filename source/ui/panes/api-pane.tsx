import {Box, Text} from 'ink';
import {cellGlyph} from '../../access/matrix.ts';
import {escapeForTerminal} from '../../terminal/output.ts';
import type {AccessPane} from '../app-state.ts';
import {apiEntries, entryKey, entryPath, type ApiEntry, type ApiPane as ApiState} from '../api-state.ts';
import {selectedItem, visibleMatches, type ListState} from '../list-state.ts';
import {padTo, textWidth, truncateEnd, truncateMiddle, widestOf} from '../truncate.ts';
import {FilterLine} from './list-rows.tsx';
import {Spinner} from './spinner.tsx';

// API groups, versions and resources as the seed notes explore them with `kubectl proxy` and curl:
// every view shows the curl command that reads the same thing through the same proxy.

export function ApiPane({state, api, access, namespace, width, color}: {state: ListState; api: ApiState; access: AccessPane; namespace: string; width: number; color: boolean}) {
	const height = state.height + 6;
	if (api.status.kind === 'loading') {
		return (
			<Box height={height}>
				<Spinner />
				<Text> starting a proxy and reading /api and /apis…</Text>
			</Box>
		);
	}

	if (api.status.kind === 'error') {
		return (
			<Box flexDirection="column" height={height} overflowY="hidden">
				<Text color={color ? 'red' : undefined} wrap="wrap">{escapeForTerminal(api.status.message)}</Text>
				<Text dimColor>Ctrl-R tries again; the other panes keep working.</Text>
			</Box>
		);
	}

	const {view} = api.status;
	if (api.console) {
		const {console} = api;
		const rows = Math.max(1, height - 2);
		return (
			<Box flexDirection="column" height={height} overflowY="hidden">
				<Text bold wrap="truncate">
					{`GET ${escapeForTerminal(console.path)}  ${console.answer ? `HTTP ${console.answer.status}` : console.error ? 'failed' : '…'}  ${console.lines.length} lines`}
				</Text>
				<Text dimColor wrap="truncate">{`curl ${view.proxyUrl}${escapeForTerminal(console.path)}`}</Text>
				{console.lines.slice(console.offset, console.offset + rows).map((line, index) => (
					<Text key={console.offset + index} wrap="truncate" color={color && console.answer && console.answer.status >= 400 ? 'red' : undefined}>
						{escapeForTerminal(line) || ' '}
					</Text>
				))}
			</Box>
		);
	}

	const entries = new Map(apiEntries(view).map((entry) => [entryKey(entry), entry]));
	const selected = entries.get(selectedItem(state)?.key ?? '');
	const groupVersions = view.groups.reduce((count, group) => count + group.versions.length, 0);
	const columns = resourceColumns(width, view.resources);
	return (
		<Box flexDirection="column" height={height} overflowY="hidden">
			<FilterLine state={state} color={color} extra={`${view.groups.length} groups, ${groupVersions} versions, ${view.resources.length} resources · ${view.aggregated ? 'aggregated discovery' : 'discovery per group version'}: ${view.requests} requests, ${Math.round(view.elapsedMs)} ms`} />
			{visibleMatches(state).map((match, index) => {
				const entry = entries.get(match.item.key);
				if (!entry) return null;
				return <EntryRow key={match.item.key} entry={entry} selected={state.offset + index === state.selected} ranked={state.query !== ''} width={width} columns={columns} color={color} />;
			})}
			<Box flexGrow={1} />
			{selected ? <Detail entry={selected} proxyUrl={view.proxyUrl} namespace={namespace} access={access} width={width} color={color} /> : <Text> </Text>}
		</Box>
	);
}


const namesOf = (resource: {resource: string; shortNames: readonly string[]}) => `${resource.resource}${resource.shortNames.length > 0 ? ` (${resource.shortNames.join(',')})` : ''}`;

/**
 * The resource rows' name and kind columns: as wide as their widest cell (up to 36 and 30), the kind
 * then the name giving way, down to 16 and 20, so that the scope still shows at 80 columns.
 */
export function resourceColumns(width: number, resources: ReadonlyArray<{resource: string; shortNames: readonly string[]; kind: string}>): {nameWidth: number; kindWidth: number} {
	let nameWidth = Math.min(36, widestOf(resources.map(namesOf), 8));
	let kindWidth = Math.min(30, widestOf(resources.map((resource) => resource.kind), 4));
	// Two spaces before the name, two after it, one after the kind, then 'namespaced'; the last column free.
	const over = () => 2 + nameWidth + 2 + kindWidth + 1 + 'namespaced'.length - (width - 1);
	kindWidth -= Math.max(0, Math.min(over(), kindWidth - Math.min(kindWidth, 16)));
	nameWidth -= Math.max(0, Math.min(over(), nameWidth - Math.min(nameWidth, 20)));
	return {nameWidth, kindWidth};
}

/**
 * `ranked`: a filter orders the rows by how well they match, so a resource no longer sits under its own
 * group version: it is not indented then, and says its group version where the verbs go.
 */
function EntryRow({entry, selected, ranked, width, columns, color}: {entry: ApiEntry; selected: boolean; ranked: boolean; width: number; columns: {nameWidth: number; kindWidth: number}; color: boolean}) {
	if (entry.kind === 'group') {
		const {group, version} = entry;
		const name = group.name ? `${group.name}/${version.version}` : `core /api/${version.version}`;
		const badges = [version.stability, version.preferred ? 'preferred' : '', group.origin === 'CRD' || group.origin === 'aggregated' ? group.origin : '', version.stale ? 'STALE' : ''].filter(Boolean).join(' · ');
		return (
			<Text wrap="truncate">
				<Text bold inverse={selected}>{truncateMiddle(escapeForTerminal(name), Math.max(10, width - badges.length - 4))}</Text>
				<Text color={color ? (version.stale ? 'red' : version.stability === 'GA' ? 'green' : 'yellow') : undefined}>{`  ${badges}`}</Text>
			</Text>
		);
	}

	const {resource} = entry;
	const {nameWidth, kindWidth} = columns;
	const kindAndScope = `  ${padTo(truncateMiddle(resource.kind, kindWidth), kindWidth)} ${(resource.namespaced ? 'namespaced' : 'cluster').padEnd(10)}`;
	// The verbs (or, ranked, the group version) fill what is left, if anything: the detail underneath lists them all.
	const restRoom = width - 1 - 2 - nameWidth - textWidth(kindAndScope) - 2;
	const rest = ranked ? `${resource.group || 'core'}/${resource.version}` : resource.verbs.join(',');
	const restText = restRoom >= 3 ? `  ${(ranked ? truncateMiddle : truncateEnd)(rest, restRoom)}` : '';
	const name = ranked ? padTo(truncateMiddle(escapeForTerminal(namesOf(resource)), nameWidth + 2), nameWidth + 2) : `  ${padTo(truncateMiddle(escapeForTerminal(namesOf(resource)), nameWidth), nameWidth)}`;
	return (
		<Text wrap="truncate">
			<Text inverse={selected}>{name}</Text>
			<Text dimColor>{escapeForTerminal(`${kindAndScope}${restText}`)}</Text>
		</Text>
	);
}

function Detail({entry, proxyUrl, namespace, access, width, color}: {entry: ApiEntry; proxyUrl: string; namespace: string; access: AccessPane; width: number; color: boolean}) {
	const path = entryPath(entry, namespace);
	const line = (text: string) => truncateMiddle(escapeForTerminal(text), width - 1);
	if (entry.kind === 'group') {
		const {group, version} = entry;
		return (
			<Box flexDirection="column">
				<Text bold wrap="truncate">{line(`${group.name || 'core'} ${version.version}: ${version.stability}${version.preferred ? ', the preferred version' : ''}, ${version.resources} resources, ${group.origin === 'unknown' ? 'origin unknown (APIServices not readable)' : group.origin}`)}</Text>
				<Text wrap="truncate">{line(`versions: ${group.versions.map((candidate) => `${candidate.version}${candidate.preferred ? '*' : ''}`).join(', ')}`)}</Text>
				{version.stale ? <Text wrap="truncate" color={color ? 'red' : undefined}>{line('its API server is unavailable: the resources may be out of date')}</Text> : <Text> </Text>}
				<Text wrap="truncate" color={color ? 'cyan' : undefined}>{line(`curl ${proxyUrl}${path}`)}</Text>
				<Text wrap="truncate" dimColor>{line('Ctrl-G sends a GET for this path (or any other) through the proxy')}</Text>
			</Box>
		);
	}

	const {resource} = entry;
	const rowName = resource.group ? `${resource.resource}.${resource.group}` : resource.resource;
	const matrix = access.status.kind === 'ready' ? access.status.view.matrix : undefined;
	const row = matrix?.rows.find((candidate) => candidate.name === rowName);
	const permissions = row && matrix ? `can-i in ${row.namespaced ? matrix.namespace : 'the cluster'}: ${matrix.verbs.map((verb) => `${verb} ${cellGlyph[row.cells[verb]?.state ?? 'unknown']}`).join('  ')}` : 'can-i: open the Access pane once to see this resource\'s row here';
	return (
		<Box flexDirection="column">
			<Text bold wrap="truncate">{line(`${resource.kind} (${resource.group || 'core'}/${resource.version}) · ${resource.namespaced ? 'namespaced' : 'cluster-scoped'} · short names ${resource.shortNames.join(', ') || '-'} · categories ${resource.categories.join(', ') || '-'}`)}</Text>
			<Text wrap="truncate">{line(`verbs ${resource.verbs.join(', ') || '-'} · subresources ${resource.subresources.map((sub) => sub.name).join(', ') || '-'}`)}</Text>
			<Text wrap="truncate">{line(permissions)}</Text>
			<Text wrap="truncate" color={color ? 'cyan' : undefined}>{line(`curl ${proxyUrl}${path}`)}</Text>
			<Text wrap="truncate" dimColor>{line('Ctrl-G sends a GET through the proxy; Esc closes the answer')}</Text>
		</Box>
	);
}
