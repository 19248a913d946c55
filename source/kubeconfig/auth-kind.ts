/** How a kubeconfig user authenticates, the way a person would say it. */
export function authKind(user: Record<string, unknown> | undefined): string {
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
