import {spawn} from 'node:child_process';
import {KubehopError} from '../errors/kubehop-error.ts';
import {recordExpiry} from './exec-expiry.ts';

// Client credentials from exec plugins, run as client-go runs them (k8s.io/client-go/plugin/pkg/client/auth/exec):
// the kubeconfig's env on top of the process's own, KUBERNETES_EXEC_INFO describing the request, the
// ExecCredential read from stdout and checked, and the credential kept until its expirationTimestamp.
// kubehop never gives a plugin the terminal (the TUI owns it), so a plugin that must prompt is refused
// with a clear error, and its stderr is shown only when it fails.

export type ExecConfig = {
	command: string;
	args?: string[];
	env?: Array<{name: string; value: string}>;
	apiVersion?: string;
	installHint?: string;
	provideClusterInfo?: boolean;
	interactiveMode?: string;
};

export type ExecCredentialStatus = {token?: string; clientCertificateData?: string; clientKeyData?: string; expirationTimestamp?: string};

const supportedVersions = ['client.authentication.k8s.io/v1', 'client.authentication.k8s.io/v1beta1'];

/** Checks the stanza as client-go does before it runs anything. */
export function execConfigOf(value: unknown, user: string): ExecConfig {
	const exec = value as Partial<ExecConfig> | null;
	if (!exec || typeof exec !== 'object' || typeof exec.command !== 'string' || exec.command === '') throw new KubehopError(`user "${user}": exec has no command`);
	if (!exec.apiVersion || !supportedVersions.includes(exec.apiVersion)) throw new KubehopError(`user "${user}": exec plugin: invalid apiVersion "${exec.apiVersion ?? ''}"`, `use one of ${supportedVersions.join(', ')}`);
	if (exec.apiVersion.endsWith('/v1') && !exec.interactiveMode) throw new KubehopError(`user "${user}": exec plugin: interactiveMode must be specified for ${exec.apiVersion}`);
	if (exec.interactiveMode && !['Never', 'IfAvailable', 'Always'].includes(exec.interactiveMode)) throw new KubehopError(`user "${user}": exec plugin: invalid interactiveMode "${exec.interactiveMode}"`);
	if (exec.interactiveMode === 'Always') throw new KubehopError(`user "${user}": exec plugin "${exec.command}" needs an interactive terminal (interactiveMode: Always), which kubehop does not give it`, 'log in with kubectl first, or set interactiveMode: IfAvailable');
	return exec as ExecConfig;
}

/** The ExecCredential's spec.cluster, as client-go fills it in (base64 CA data, fields left out when empty). */
export type ClusterInfo = {server: string; 'certificate-authority-data'?: string; 'tls-server-name'?: string; 'insecure-skip-tls-verify'?: true; config?: unknown};

const running = new Map<string, Promise<ExecCredentialStatus>>();

/**
 * The plugin's current credential: reused while it has not expired (and for the life of the process
 * when it carries no expiry, as client-go does), run again otherwise. `record` keeps its expiry (never
 * the credential) where `kubehop certs` can show it.
 */
export async function execCredential(exec: ExecConfig, {user, cluster, env, record}: {user: string; cluster: ClusterInfo; env: NodeJS.ProcessEnv; record?: string}): Promise<ExecCredentialStatus> {
	const key = JSON.stringify([exec, cluster.server]);
	const cached = running.get(key);
	if (cached) {
		const status = await cached.catch(() => undefined);
		if (status && (!status.expirationTimestamp || Date.parse(status.expirationTimestamp) > Date.now())) return status;
	}

	const fresh = runPlugin(exec, user, cluster, env);
	running.set(key, fresh);
	const status = await fresh.catch((error: unknown) => {
		running.delete(key);
		throw error;
	});
	if (record && status.expirationTimestamp) recordExpiry(env, record, status.expirationTimestamp);
	return status;
}

function runPlugin(exec: ExecConfig, user: string, cluster: ClusterInfo, env: NodeJS.ProcessEnv): Promise<ExecCredentialStatus> {
	const info = {kind: 'ExecCredential', apiVersion: exec.apiVersion, spec: {interactive: false, ...(exec.provideClusterInfo ? {cluster} : {})}};
	const pluginEnv: NodeJS.ProcessEnv = {...env};
	for (const entry of exec.env ?? []) pluginEnv[entry.name] = entry.value;
	pluginEnv.KUBERNETES_EXEC_INFO = JSON.stringify(info);
	const where = `user "${user}": exec plugin "${exec.command}"`;
	return new Promise((resolve, reject) => {
		const child = spawn(exec.command, exec.args ?? [], {env: pluginEnv, stdio: ['ignore', 'pipe', 'pipe']});
		const stdout: Buffer[] = [];
		const stderr: Buffer[] = [];
		child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
		child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
		child.on('error', (error: NodeJS.ErrnoException) => {
			reject(error.code === 'ENOENT' ? new KubehopError(`${where}: executable not found`, exec.installHint?.trim() || 'install it, or fix the command in the kubeconfig') : new KubehopError(`${where}: ${error.message}`));
		});
		child.on('close', (code) => {
			const said = Buffer.concat(stderr).toString('utf8').trim().split('\n').slice(-3).join(' / ');
			if (code !== 0) return reject(new KubehopError(`${where} exited with status ${code}${said ? `: ${said}` : ''}`));
			try {
				resolve(checkedStatus(JSON.parse(Buffer.concat(stdout).toString('utf8')) as unknown, exec.apiVersion!, where));
			} catch (error) {
				reject(error instanceof KubehopError ? error : new KubehopError(`${where}: its output is not an ExecCredential: ${(error as Error).message}`));
			}
		});
	});
}

function checkedStatus(output: unknown, apiVersion: string, where: string): ExecCredentialStatus {
	const credential = output as {kind?: unknown; apiVersion?: unknown; status?: ExecCredentialStatus} | null;
	if (credential?.apiVersion !== apiVersion) throw new KubehopError(`${where} is configured to use API version ${apiVersion}, plugin returned version ${String(credential?.apiVersion)}`);
	const status = credential.status;
	if (!status || typeof status !== 'object') throw new KubehopError(`${where} didn't return a status field`);
	if (!status.token && !(status.clientCertificateData && status.clientKeyData)) {
		throw new KubehopError(status.clientCertificateData || status.clientKeyData ? `${where} returned only half of a client certificate and key` : `${where} didn't return a token or cert/key pair`);
	}

	if (status.expirationTimestamp !== undefined && Number.isNaN(Date.parse(status.expirationTimestamp))) throw new KubehopError(`${where} returned an invalid expirationTimestamp "${status.expirationTimestamp}"`);
	return status;
}
