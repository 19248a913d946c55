import type {Impersonation} from '../cluster/api-client.ts';
import {KubehopError, UsageError} from '../errors/kubehop-error.ts';
import {createFilter, defaultAcceptHosts, defaultAcceptPaths, defaultRejectMethods, defaultRejectPaths, FilterPatternError} from '../proxy/filter.ts';
import {normalizePrefix} from '../proxy/routing.ts';
import {paint, shown, warn} from '../terminal/output.ts';
import {commandFlags, parseDuration, readImpersonation} from './arguments.ts';
import type {MergedKubeconfig} from '../kubeconfig/load.ts';
import type {CommandContext} from './command-context.ts';
import {version} from './help.ts';

// `kubehop proxy`: kubectl proxy's flags, defaults and output, on the current (or --context) context.

export const defaultProxyPort = 8001;

export type ProxyArguments = {
	port: number;
	address: string;
	unixSocket?: string;
	apiPrefix: string;
	acceptHosts: string;
	acceptPaths: string;
	rejectPaths: string;
	rejectMethods: string;
	disableFilter: boolean;
	appendServerPath: boolean;
	keepAliveMs: number;
	context?: string;
	impersonate: Impersonation;
};

export function parseProxyArguments(operands: string[]): ProxyArguments {
	const options: ProxyArguments = {
		port: defaultProxyPort,
		address: '127.0.0.1',
		apiPrefix: '/',
		acceptHosts: defaultAcceptHosts,
		acceptPaths: defaultAcceptPaths,
		rejectPaths: defaultRejectPaths,
		rejectMethods: defaultRejectMethods,
		disableFilter: false,
		appendServerPath: false,
		keepAliveMs: 0,
		impersonate: {},
	};
	for (const flag of commandFlags(operands)) {
		const {argument, name, value, boolean} = flag;
		switch (name) {
			case '-p':
			case '--port': {
				const text = value();
				if (!/^\d+$/.test(text) || Number(text) > 65_535) throw new UsageError(`invalid port "${text}": use a number from 0 to 65535 (0 picks a free port)`);
				options.port = Number(text);
				break;
			}

			case '--address':
				options.address = value();
				break;
			case '-u':
			case '--unix-socket':
				options.unixSocket = value();
				break;
			case '--api-prefix':
				options.apiPrefix = value();
				break;
			case '--accept-hosts':
				options.acceptHosts = value();
				break;
			case '--accept-paths':
				options.acceptPaths = value();
				break;
			case '--reject-paths':
				options.rejectPaths = value();
				break;
			case '--reject-methods':
				options.rejectMethods = value();
				break;
			case '--disable-filter':
				options.disableFilter = boolean();
				break;
			case '--append-server-path':
				options.appendServerPath = boolean();
				break;
			case '--keepalive':
				options.keepAliveMs = parseDuration(value());
				break;
			case '--context':
				// Empty, as in kubectl, means the current context.
				options.context = value() || undefined;
				break;
			case '-w':
			case '--www':
			case '-P':
			case '--www-prefix':
				throw new UsageError(`kubehop proxy serves the API only: ${name} (static files) is not supported`, 'serve static files with kubectl proxy --www, or any static file server');
			default:
				if (!readImpersonation(flag, options.impersonate)) throw new UsageError(`unsupported argument '${argument}'`, 'see kubehop proxy --help');
		}
	}

	// kubectl compares the port with its default, so "--port 8001 --unix-socket PATH" passes.
	if (options.unixSocket !== undefined && options.port !== defaultProxyPort) throw new UsageError('cannot set --unix-socket and --port at the same time');
	if (!options.apiPrefix.startsWith('/')) throw new UsageError(`--api-prefix must start with "/" (got "${options.apiPrefix}")`);
	options.apiPrefix = normalizePrefix(options.apiPrefix);
	if (!options.disableFilter) {
		try {
			createFilter(options);
		} catch (error) {
			if (error instanceof FilterPatternError) throw new UsageError(error.message);
			throw error;
		}
	}

	return options;
}

export type StopSignal = {stopped: Promise<unknown>; dispose(): void};

/** Ctrl-C, or SIGTERM from a supervisor. */
function processSignals(): StopSignal {
	let stop = () => {};
	const stopped = new Promise<void>((resolve) => (stop = resolve));
	const dispose = () => {
		process.off('SIGINT', stop);
		process.off('SIGTERM', stop);
	};

	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
	return {stopped, dispose};
}

export async function runProxy(operands: string[], context: CommandContext, stopSignal: () => StopSignal = processSignals): Promise<number> {
	const options = parseProxyArguments(operands);
	const config = await context.load();
	const contextName = options.context ?? config.currentContext;
	if (!contextName) throw new KubehopError('current-context is not set', 'pick a context first: kubehop ctx NAME, or pass --context');
	const {output} = context;
	// kubectl's warnings, in the same cases.
	if (options.disableFilter) {
		if (options.unixSocket === undefined) warn(output, 'Request filter disabled, your proxy is vulnerable to XSRF attacks, please be cautious');
	} else if (options.rejectPaths === '' || options.rejectMethods === '') {
		warn(output, 'Request filter has been relaxed, your proxy may be vulnerable to attacks, please be cautious');
	}

	if (!options.appendServerPath) {
		const clusterName = config.contexts.get(contextName)?.data.cluster;
		const server = clusterName === undefined ? undefined : config.clusters.get(clusterName)?.data.server;
		let serverPath = '';
		try {
			serverPath = typeof server === 'string' ? new URL(server).pathname : '';
		} catch {}

		if (serverPath !== '' && serverPath !== '/') warn(output, `Your kube context contains a server path ${shown(output.stderr, serverPath)}, use --append-server-path to automatically append the path to each request`);
	}

	// Listen for a stop request from the start: a signal during start-up still ends the proxy cleanly.
	const stop = stopSignal();
	try {
		return await serve(options, config, contextName, context, stop.stopped);
	} finally {
		stop.dispose();
	}
}

async function serve(options: ProxyArguments, config: MergedKubeconfig, contextName: string, {output, env}: CommandContext, stopped: Promise<unknown>): Promise<number> {
	const {startProxy} = await import('../proxy/server.ts');
	const proxy = await startProxy({
		config,
		context: contextName,
		env,
		impersonate: Object.keys(options.impersonate).length > 0 ? options.impersonate : undefined,
		address: options.address,
		port: options.port,
		unixSocket: options.unixSocket,
		apiPrefix: options.apiPrefix,
		acceptHosts: options.acceptHosts,
		acceptPaths: options.acceptPaths,
		rejectPaths: options.rejectPaths,
		rejectMethods: options.rejectMethods,
		disableFilter: options.disableFilter,
		appendServerPath: options.appendServerPath,
		keepAliveMs: options.keepAliveMs,
		userAgent: `kubehop/${version}`,
		onError: (message) => output.stderr.write(`${paint(output.color.stderr, 'red', 'error:')} ${shown(output.stderr, message)}\n`),
	});
	output.stdout.write(`Starting to serve on ${proxy.address}\n`);
	await stopped;
	await proxy.close();
	return 0;
}
