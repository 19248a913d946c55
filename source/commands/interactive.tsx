import {render} from 'ink';
import type {MergedKubeconfig} from '../kubeconfig/load.ts';
import {switchContextIndexed} from '../kubeconfig/indexed-switch.ts';
import {App} from '../ui/app.tsx';
import type {ContextDetails, UiServices} from '../ui/services.ts';
import type {CommandContext} from './command-context.ts';
import {announce, contextSummary, switchBack} from './ctx.ts';

// The full-screen UI, loaded only on a terminal: Ink and React never load on the scripted paths.

export async function runInteractive(mode: 'picker' | 'app', context: CommandContext): Promise<number> {
	const services: UiServices = {
		async contexts() {
			const index = await context.loadIndex();
			const stack = await context.history().contextStack(index.currentContext);
			return {names: [...index.contexts], current: index.currentContext, recent: stack.map((entry) => entry.name)};
		},
		async details() {
			const config = await context.load();
			return new Map([...config.contexts.keys()].map((name) => [name, detailsOf(config, name)]));
		},
		async switchContext(name) {
			const result = await switchContextIndexed(context.selection, context.indexCache, () => name);
			await context.history().recordContext(result.previous, result.name);
		},
		async previousContext() {
			const result = await switchBack(1, context);
			await context.history().recordContext(result.previous, result.name);
			return result.name;
		},
	};

	let switchedTo: string | undefined;
	// A full-screen app draws on the alternate screen and gives the user's scrollback back on any exit.
	const leaveAlternateScreen = () => process.stdout.write('\u001B[?1049l');
	process.stdout.write('\u001B[?1049h\u001B[H');
	process.once('exit', leaveAlternateScreen);
	try {
		const instance = render(<App services={services} mode={mode} color={context.output.color.stdout} onExit={(result) => (switchedTo = result.switchedTo)} />, {exitOnCtrlC: false});
		await instance.waitUntilExit();
	} finally {
		process.off('exit', leaveAlternateScreen);
		leaveAlternateScreen();
	}

	// Picker mode ends like kubectx: one line saying where you are now.
	if (switchedTo) announce(switchedTo, context);
	return 0;
}

function detailsOf(config: MergedKubeconfig, name: string): ContextDetails {
	const summary = contextSummary(config, name);
	const context = config.contexts.get(name);
	const user = context ? config.users.get(context.data.user)?.data : undefined;
	return {...summary, auth: authOf(user)};
}

/** How the context authenticates, the way a person would say it. */
export function authOf(user: Record<string, unknown> | undefined): string {
	if (!user) return 'none (no such user)';
	const exec = user.exec as {command?: string} | null | undefined;
	if (exec?.command) return `exec plugin: ${exec.command}`;
	const provider = user['auth-provider'] as {name?: string} | null | undefined;
	if (provider?.name) return provider.name === 'oidc' ? 'OIDC (auth provider)' : `auth provider: ${provider.name}`;
	if (user['client-certificate-data'] || user['client-certificate']) return 'client certificate';
	if (user.token || user.tokenFile) return 'bearer token';
	if (user.username) return 'basic auth';
	return 'none';
}
