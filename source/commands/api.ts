import {connect} from '../cluster/api-client.ts';
import {groupOrigins, summariseGroups, type GroupSummary} from '../discovery/api-groups.ts';
import {discover, preferredResources, type ApiResource, type Discovery} from '../discovery/discovery.ts';
import {KubehopError, UsageError} from '../errors/kubehop-error.ts';
import {paint, printJson, shown} from '../terminal/output.ts';
import type {CommandContext} from './command-context.ts';

/** What `kubehop api --json` prints. */
export type ApiJson = {
	context: string;
	aggregated: boolean;
	discoveryRequests: number;
	requests: number;
	groups: GroupSummary[];
	resources: ApiResource[];
	failures: Discovery['failures'];
};

// `kubehop api`: what `kubectl api-resources -o wide` lists, plus every group's versions, their
// stability and where they come from, in as few requests as the server allows.

export async function runApi(operands: string[], context: CommandContext): Promise<number> {
	let contextName: string | undefined;
	let withOrigins = false;
	for (let index = 0; index < operands.length; index++) {
		const argument = operands[index]!;
		if (argument === '--origins') {
			withOrigins = true;
			continue;
		}

		if (argument === '--context') contextName = operands[++index];
		else if (argument.startsWith('--context=')) contextName = argument.slice('--context='.length);
		else throw new UsageError(`unsupported argument '${argument}'`, 'see kubehop api --help');
		if (contextName === undefined) throw new UsageError('flag --context needs a value');
	}

	const config = await context.load();
	// An empty --context, as in kubectl, means the current context.
	const name = contextName || config.currentContext;
	if (!name) throw new KubehopError('current-context is not set', 'pick a context first: kubehop ctx NAME, or pass --context');
	const client = await connect(config, name, {timeoutMs: context.flags.timeoutMs, env: context.env});
	try {
		const discovery = await discover(client);
		const discoveryRequests = client.requests;
		// Origins cost a third request (the APIServices), so they are asked for only with --origins.
		const origins = withOrigins ? await groupOrigins(client) : undefined;
		const groups = summariseGroups(discovery, origins);
		const resources = preferredResources(discovery);
		// Like kubectl's "unable to retrieve the complete list of server APIs", whatever the output format.
		const warn = () => {
			for (const failure of discovery.failures) context.output.stderr.write(`warning: ${shown(context.output.stderr, `${failure.groupVersion}: ${failure.message}`)}\n`);
		};
		if (context.flags.json) {
			printJson(context.output, {context: name, aggregated: discovery.aggregated, discoveryRequests, requests: client.requests, groups, resources, failures: discovery.failures} satisfies ApiJson);
			warn();
			return discovery.failures.length > 0 ? 1 : 0;
		}

		const {output} = context;
		const color = output.color.stdout;
		const rows = resources.map((resource) => [
			resource.resource,
			resource.shortNames.join(','),
			resource.group ? `${resource.group}/${resource.version}` : resource.version,
			String(resource.namespaced),
			resource.kind,
			// As kubectl api-resources -o wide prints them (1.32 and 1.37 here; older kubectl printed a Go slice, [get list]).
			resource.verbs.join(','),
			resource.categories.join(','),
		]);
		const header = ['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND', 'VERBS', 'CATEGORIES'];
		const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
		const line = (cells: string[]) => cells.map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]! + 3))).join('').trimEnd();
		const lines = [paint(color, 'bold', line(header)), ...rows.map((row) => shown(output.stdout, line(row)))];
		lines.push('', paint(color, 'bold', `GROUP                                VERSIONS (* preferred)${withOrigins ? '                 ORIGIN' : ''}`));
		for (const group of groups) {
			const versions = group.versions.map((version) => `${version.version}${version.preferred ? '*' : ''}${version.stability === 'GA' ? '' : ` ${version.stability}`}${version.stale ? ' STALE' : ''}`).join(', ');
			lines.push(shown(output.stdout, `${(group.name || '(core) /api').padEnd(37)}${withOrigins ? `${versions.padEnd(39)}${group.origin}` : versions}`));
		}

		lines.push('', paint(color, 'dim', `${discovery.aggregated ? 'aggregated discovery' : 'discovery one group version at a time'}: ${discoveryRequests} requests`));
		output.stdout.write(`${lines.join('\n')}\n`);
		warn();
		return discovery.failures.length > 0 ? 1 : 0;
	} finally {
		client.close();
	}
}
