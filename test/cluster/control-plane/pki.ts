import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

// The cluster's certificates, made with openssl exactly the way the seed notes teach it: a CA with
// CN=KUBERNETES-CA, then per identity a key, a CSR with the subject (CN = user, O = groups), and a
// certificate signed by the CA; servers get their SANs from an extension file.

export type Identity = {key: string; cert: string};

export type Pki = {
	directory: string;
	ca: Identity;
	apiserver: Identity;
	etcdServer: Identity;
	etcdClient: Identity;
	admin: Identity;
	jane: Identity;
	serviceAccountKey: string;
	serviceAccountPublicKey: string;
};

const apiserverNames = ['kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local', 'localhost'];

function openssl(directory: string, args: string[]): void {
	execFileSync('openssl', args, {cwd: directory, stdio: ['ignore', 'ignore', 'pipe']});
}

function serverExtensions(dnsNames: string[], ips: string[]): string {
	const names = [...dnsNames.map((name, index) => `DNS.${index + 1} = ${name}`), ...ips.map((ip, index) => `IP.${index + 1} = ${ip}`)];
	return ['[req]', 'req_extensions = v3_req', 'distinguished_name = req_distinguished_name', '[req_distinguished_name]', '[v3_req]', 'basicConstraints = CA:FALSE', 'keyUsage = nonRepudiation, digitalSignature, keyEncipherment', 'extendedKeyUsage = serverAuth, clientAuth', 'subjectAltName = @alt_names', '[alt_names]', ...names, ''].join('\n');
}

const clientExtensions = ['[v3_req]', 'basicConstraints = CA:FALSE', 'keyUsage = digitalSignature, keyEncipherment', 'extendedKeyUsage = clientAuth', ''].join('\n');

function issue(directory: string, name: string, subject: string, extensions: string): Identity {
	const extensionFile = `${name}.cnf`;
	fs.writeFileSync(path.join(directory, extensionFile), extensions);
	openssl(directory, ['genrsa', '-out', `${name}.key`, '2048']);
	openssl(directory, ['req', '-new', '-key', `${name}.key`, '-subj', subject, '-out', `${name}.csr`, ...(extensions.includes('[req]') ? ['-config', extensionFile] : [])]);
	openssl(directory, ['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.crt`, '-days', '365', '-extensions', 'v3_req', '-extfile', extensionFile]);
	return {key: path.join(directory, `${name}.key`), cert: path.join(directory, `${name}.crt`)};
}

export function createPki(directory: string): Pki {
	fs.mkdirSync(directory, {recursive: true, mode: 0o700});
	openssl(directory, ['genrsa', '-out', 'ca.key', '2048']);
	openssl(directory, ['req', '-new', '-key', 'ca.key', '-subj', '/CN=KUBERNETES-CA', '-out', 'ca.csr']);
	// A CA certificate needs CA:TRUE, which the seed's bare `-signkey` leaves to openssl's defaults.
	fs.writeFileSync(path.join(directory, 'ca.cnf'), '[v3_ca]\nbasicConstraints = critical, CA:TRUE\nkeyUsage = critical, keyCertSign, cRLSign, digitalSignature\nsubjectKeyIdentifier = hash\n');
	openssl(directory, ['x509', '-req', '-in', 'ca.csr', '-signkey', 'ca.key', '-out', 'ca.crt', '-days', '3650', '-extensions', 'v3_ca', '-extfile', 'ca.cnf']);
	openssl(directory, ['genrsa', '-out', 'sa.key', '2048']);
	openssl(directory, ['rsa', '-in', 'sa.key', '-pubout', '-out', 'sa.pub']);
	return {
		directory,
		ca: {key: path.join(directory, 'ca.key'), cert: path.join(directory, 'ca.crt')},
		apiserver: issue(directory, 'apiserver', '/CN=kube-apiserver', serverExtensions(apiserverNames, ['127.0.0.1', '10.96.0.1'])),
		etcdServer: issue(directory, 'etcd-server', '/CN=etcd-server', serverExtensions(['localhost'], ['127.0.0.1'])),
		etcdClient: issue(directory, 'etcd-client', '/CN=kube-apiserver-etcd-client', clientExtensions),
		admin: issue(directory, 'admin', '/CN=admin/O=system:masters', clientExtensions),
		jane: issue(directory, 'jane', '/CN=jane', clientExtensions),
		serviceAccountKey: path.join(directory, 'sa.key'),
		serviceAccountPublicKey: path.join(directory, 'sa.pub'),
	};
}
