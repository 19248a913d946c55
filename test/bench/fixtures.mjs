// Kubeconfig fixture generator shared by the benchmark (and usable from tests).
// Every context gets its own cluster (certificate-authority-data) and its own user
// (client-certificate-data + client-key-data), ~5.5 KB per context, like a real
// kubeconfig with embedded credentials. The blobs are random bytes, base64-encoded:
// valid base64 is all kubectl checks when it loads the file.
import {randomBytes} from 'node:crypto';
import {writeFileSync} from 'node:fs';

// Raw sizes chosen to resemble PEM payloads: CA cert, client cert, 2048-bit RSA key.
const CA_BYTES = 1100;
const CERT_BYTES = 1150;
const KEY_BYTES = 1700;

/** Context name for index i of an n-context fixture: ctx-0000, ctx-0001, ... */
export function contextName(i, n) {
	return `ctx-${String(i).padStart(Math.max(4, String(n - 1).length), '0')}`;
}

/**
 * Kubeconfig YAML text with n contexts (ctx-0000 ...), each with its own
 * cluster-NNNN and user-NNNN; current-context is the first one.
 * `random(size)` must return a Buffer (default: crypto.randomBytes).
 */
export function kubeconfigYaml(n, {random = randomBytes, currentContext = contextName(0, n)} = {}) {
	const clusters = [];
	const contexts = [];
	const users = [];
	for (let i = 0; i < n; i++) {
		const id = contextName(i, n).slice('ctx-'.length);
		clusters.push(
			`- cluster:\n    certificate-authority-data: ${random(CA_BYTES).toString('base64')}\n` +
				`    server: https://127.${(i >> 8) & 255}.${i & 255}.1:6443\n  name: cluster-${id}\n`,
		);
		contexts.push(`- context:\n    cluster: cluster-${id}\n    namespace: default\n    user: user-${id}\n  name: ctx-${id}\n`);
		users.push(
			`- name: user-${id}\n  user:\n    client-certificate-data: ${random(CERT_BYTES).toString('base64')}\n` +
				`    client-key-data: ${random(KEY_BYTES).toString('base64')}\n`,
		);
	}
	return [
		'apiVersion: v1\n',
		'clusters:\n',
		...clusters,
		'contexts:\n',
		...contexts,
		`current-context: ${currentContext}\n`,
		'kind: Config\n',
		'preferences: {}\n',
		'users:\n',
		...users,
	].join('');
}

/** Write an n-context kubeconfig to path; returns its size in bytes. */
export function writeKubeconfig(path, n, options) {
	const text = kubeconfigYaml(n, options);
	writeFileSync(path, text, {mode: 0o600});
	return Buffer.byteLength(text);
}
