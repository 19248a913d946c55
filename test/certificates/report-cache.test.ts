import fs from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {digestWithoutCurrentContext} from '../../source/certificates/report-cache.ts';
import {parseArguments} from '../../source/commands/arguments.ts';
import {runCerts} from '../../source/commands/certs.ts';
import {createCommandContext} from '../../source/commands/command-context.ts';
import {execRecordKey, recordExpiry} from '../../source/cluster/exec-expiry.ts';
import {createOutput} from '../../source/terminal/output.ts';
import {makeOpensslFixtures, type OpensslFixtures} from '../support/openssl-fixtures.ts';
import {tempTree, type TempTree} from '../support/temp-tree.ts';

// `kubehop certs -A` read back from its cache must say exactly what a fresh read says, at any clock;
// anything the facts came from that changes (a kubeconfig, a CA or certificate file, a token file, a
// file that appears) must send it back to the files; a switch of current-context must not; and the
// cache must hold nothing secret. The report's clock is injected, which also decides which files have
// settled (a file changed within the last 100 ms is not trusted by its stat).

let fixtures: OpensslFixtures;
beforeAll(() => {
	fixtures = makeOpensslFixtures();
});
afterAll(() => fixtures?.cleanup());

const b64 = (text: string) => Buffer.from(text).toString('base64');
const jwt = (claims: Record<string, unknown>) => `${Buffer.from(JSON.stringify({alg: 'none', typ: 'JWT'})).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;
const hour = 3_600_000;
const secrets = {token: jwt({sub: 'system:serviceaccount:ci:deployer', exp: 2_000_000_000, iss: 'https://kubernetes.default.svc'}), password: 'hunter2-password', refresh: 'refresh-token-secret'};

function fleet(tree: TempTree, current = 'inline'): string {
	tree.file('pki/ca.crt', fixtures.ca.pem);
	tree.file('pki/jane.crt', fixtures.jane.pem);
	tree.file('pki/jane.key', fs.readFileSync(fixtures.jane.key, 'utf8'));
	tree.file('pki/token', secrets.token);
	const key = b64(fs.readFileSync(fixtures.admin.key, 'utf8'));
	const lines = [
		'apiVersion: v1',
		'kind: Config',
		'clusters:',
		'- name: main',
		'  cluster:',
		'    server: https://127.0.0.1:1',
		`    certificate-authority-data: ${b64(fixtures.ca.pem)}`,
		'- name: from-file',
		'  cluster:',
		'    server: https://127.0.0.1:2',
		'    certificate-authority: ../pki/ca.crt',
		'users:',
		'- name: inline',
		'  user:',
		`    client-certificate-data: ${b64(fixtures.admin.pem)}`,
		`    client-key-data: ${key}`,
		'- name: files',
		'  user:',
		'    client-certificate: ../pki/jane.crt',
		'    client-key: ../pki/jane.key',
		'- name: missing',
		'  user:',
		'    client-certificate: ../pki/later.crt',
		'- name: token-file',
		'  user:',
		'    tokenFile: ../pki/token',
		'- name: plugin',
		'  user:',
		'    exec:',
		'      apiVersion: client.authentication.k8s.io/v1',
		'      command: aws',
		'      env:',
		'      - name: AWS_SECRET_ACCESS_KEY',
		`        value: ${secrets.password}`,
		'- name: oidc',
		'  user:',
		'    auth-provider:',
		'      name: oidc',
		'      config:',
		`        id-token: ${jwt({sub: 'jane@example.com', exp: 1_900_000_000})}`,
		`        refresh-token: ${secrets.refresh}`,
		'- name: basic',
		'  user:',
		'    username: bob',
		`    password: ${secrets.password}`,
		'contexts:',
		...['inline', 'files', 'missing', 'token-file', 'plugin', 'oidc', 'basic'].flatMap((user) => [`- name: ${user}`, '  context:', `    cluster: ${user === 'files' ? 'from-file' : 'main'}`, `    user: ${user}`]),
		`current-context: ${current}`,
		'',
	];
	return tree.file('kube/config', lines.join('\n'));
}

/** `kubehop certs -A --offline --json` in-process, counting how often the kubeconfig itself was parsed. */
async function certs(tree: TempTree, kubeconfig: string, now: Date, loaded?: Awaited<ReturnType<ReturnType<typeof createCommandContext>['load']>>): Promise<{status: number; report: Record<string, unknown>; parsed: number; stderr: string}> {
	let stdout = '';
	let stderr = '';
	const env = {HOME: tree.home, KUBECONFIG: kubeconfig, NO_COLOR: '1'};
	const {flags, operands} = parseArguments(['certs', '-A', '--offline', '--json']);
	const output = createOutput({write: (text: string) => (stdout += text)}, {write: (text: string) => (stderr += text)}, env, flags.noColor);
	const context = createCommandContext(env, tree.root, output, flags);
	let parsed = 0;
	const load = context.load;
	context.load = () => {
		parsed++;
		return loaded ? Promise.resolve(loaded) : load();
	};

	const status = await runCerts(operands.slice(1), context, now);
	const report = stdout ? (JSON.parse(stdout) as Record<string, unknown>) : {};
	return {status, report, parsed, stderr};
}

/** The same report, for comparing runs: `now` aside. */
const comparable = ({now: _now, ...report}: Record<string, unknown>) => report;

/** What a kubehop switch does to the file: the value of current-context, spliced. */
function switchTo(file: string, name: string): void {
	const text = fs.readFileSync(file, 'utf8');
	const changed = text.replace(/^current-context: .*$/m, `current-context: ${name}`);
	fs.writeFileSync(`${file}.tmp`, changed, {mode: 0o600});
	fs.renameSync(`${file}.tmp`, file);
}

const cacheFiles = (tree: TempTree) => {
	const directory = path.join(tree.home, '.cache', 'kubehop', 'certs');
	return fs.existsSync(directory) ? fs.readdirSync(directory).map((name) => path.join(directory, name)) : [];
};

describe('the certs report cache', () => {
	it('answers what the files say, at any clock, and holds nothing secret', async () => {
		const tree = tempTree();
		const kubeconfig = fleet(tree);
		recordExpiry({HOME: tree.home}, execRecordKey('plugin', {command: 'aws', env: [{name: 'AWS_SECRET_ACCESS_KEY', value: secrets.password}]}), '2030-03-17T17:56:40Z');
		// An hour on: every file has settled.
		const now = new Date(Date.now() + hour);
		const fresh = await certs(tree, kubeconfig, now);
		expect(fresh.parsed).toBe(1);
		expect(cacheFiles(tree)).toHaveLength(2);
		const cached = await certs(tree, kubeconfig, now);
		expect(cached.parsed).toBe(0);
		expect(comparable(cached.report)).toEqual(comparable(fresh.report));
		expect(cached.status).toBe(fresh.status);

		// Years on, from the cache: days left and severities follow the clock, not the cache.
		const later = new Date(Date.UTC(2032, 0, 1));
		const cachedLater = await certs(tree, kubeconfig, later);
		expect(cachedLater.parsed).toBe(0);
		fs.rmSync(path.dirname(cacheFiles(tree)[0]!), {recursive: true});
		const freshLater = await certs(tree, kubeconfig, later);
		expect(freshLater.parsed).toBe(1);
		expect(comparable(cachedLater.report)).toEqual(comparable(freshLater.report));
		expect(JSON.stringify(cachedLater.report)).toContain('"severity":"expired"');

		const stored = cacheFiles(tree).map((file) => fs.readFileSync(file, 'utf8')).join('\n');
		for (const secret of [secrets.token, secrets.password, secrets.refresh, 'PRIVATE KEY', b64(fs.readFileSync(fixtures.admin.key, 'utf8')).slice(0, 40)]) expect(stored).not.toContain(secret);
		for (const file of cacheFiles(tree)) expect(fs.statSync(file).mode & 0o777).toBe(0o600);
	});

	it('goes back to the files when anything the facts came from changes', async () => {
		const tree = tempTree();
		const kubeconfig = fleet(tree);
		const now = () => new Date(Date.now() + hour);
		const first = await certs(tree, kubeconfig, now());
		expect((await certs(tree, kubeconfig, now())).parsed).toBe(0);
		const subjects = (report: Record<string, unknown>) => (report.rows as Array<{context: string; summary: string}>).filter((row) => row.context === 'files' || row.context === 'missing').map((row) => row.summary);
		expect(subjects(first.report)).toContain('CN=jane, O=developers');

		// A certificate file replaced (cert rotation), then a file that was missing appears, then a token file changes.
		tree.file('pki/jane.crt', fixtures.node01.pem);
		const rotated = await certs(tree, kubeconfig, now());
		expect(rotated.parsed).toBe(1);
		expect(subjects(rotated.report)).toContain('CN=system:node:node01, O=system:nodes');
		tree.file('pki/later.crt', fixtures.jane.pem);
		const appeared = await certs(tree, kubeconfig, now());
		expect(appeared.parsed).toBe(1);
		expect(subjects(appeared.report)).toContain('CN=jane, O=developers');
		tree.file('pki/token', jwt({sub: 'someone-else', exp: 2_100_000_000}));
		const retokened = await certs(tree, kubeconfig, now());
		expect(retokened.parsed).toBe(1);
		expect(JSON.stringify(retokened.report)).toContain('sub someone-else');

		// The kubeconfig itself: a user's data changed, the file the same size.
		const text = fs.readFileSync(kubeconfig, 'utf8');
		fs.writeFileSync(kubeconfig, text.replace('username: bob', 'username: eve'));
		const edited = await certs(tree, kubeconfig, now());
		expect(edited.parsed).toBe(1);
		expect(JSON.stringify(edited.report)).toContain('user \\"eve\\"');
		expect((await certs(tree, kubeconfig, now())).parsed).toBe(0);
	});

	it('a switch of current-context is not a change; a current-context kubectl would refuse is', async () => {
		const tree = tempTree();
		const kubeconfig = fleet(tree);
		const now = () => new Date(Date.now() + hour);
		const first = await certs(tree, kubeconfig, now());
		switchTo(kubeconfig, 'basic');
		const afterSwitch = await certs(tree, kubeconfig, now());
		expect(afterSwitch.parsed).toBe(0);
		expect(comparable(afterSwitch.report)).toEqual(comparable(first.report));
		// The new stat is learnt: the next run needs no digest either, and still parses nothing.
		expect((await certs(tree, kubeconfig, now())).parsed).toBe(0);
		switchTo(kubeconfig, '"quoted name" # a comment');
		expect((await certs(tree, kubeconfig, now())).parsed).toBe(0);

		// `yes` is a YAML 1.1 boolean: kubectl cannot read the file, and neither may the cache hide it.
		switchTo(kubeconfig, 'yes');
		await expect(certs(tree, kubeconfig, now())).rejects.toThrow(`error loading config file "${kubeconfig}": current-context`);
	});

	it('a current-context line that moved, or a file rewritten another way, is read again', async () => {
		const tree = tempTree();
		const kubeconfig = fleet(tree);
		const now = () => new Date(Date.now() + hour);
		await certs(tree, kubeconfig, now());
		const text = fs.readFileSync(kubeconfig, 'utf8');
		const line = /^current-context: .*\n/m.exec(text)![0];
		fs.writeFileSync(kubeconfig, line + text.replace(line, ''));
		expect((await certs(tree, kubeconfig, now())).parsed).toBe(1);
		fs.writeFileSync(kubeconfig, `${fs.readFileSync(kubeconfig, 'utf8')}\n`);
		expect((await certs(tree, kubeconfig, now())).parsed).toBe(1);
		// A damaged entry is only a miss.
		for (const file of cacheFiles(tree)) fs.writeFileSync(file, '{"format": 1, "files": [');
		const repaired = await certs(tree, kubeconfig, now());
		expect(repaired.parsed).toBe(1);
		expect(repaired.report.rows).toBeDefined();
		expect((await certs(tree, kubeconfig, now())).parsed).toBe(0);
	});

	it('facts and file list written by different runs do not pair up', async () => {
		const tree = tempTree();
		const kubeconfig = fleet(tree);
		const now = () => new Date(Date.now() + hour);
		await certs(tree, kubeconfig, now());
		const factsFile = cacheFiles(tree).find((file) => !file.endsWith('.files.json'))!;
		const oldFacts = fs.readFileSync(factsFile);
		tree.file('pki/jane.crt', fixtures.node01.pem);
		await certs(tree, kubeconfig, now());
		// As if a run had written its facts and stopped before its file list: the list is the newer run's.
		fs.writeFileSync(factsFile, oldFacts);
		const paired = await certs(tree, kubeconfig, now());
		expect(paired.parsed).toBe(1);
		expect(JSON.stringify(paired.report)).toContain('CN=system:node:node01');
	});

	it('facts from a parse older than the file (an app that loaded the kubeconfig earlier) are not kept', async () => {
		const tree = tempTree();
		const kubeconfig = fleet(tree);
		const {loadKubeconfig} = await import('../../source/kubeconfig/load.ts');
		const earlier = await loadKubeconfig({precedence: [kubeconfig]} as Parameters<typeof loadKubeconfig>[0]);
		fs.writeFileSync(kubeconfig, fs.readFileSync(kubeconfig, 'utf8').replace('username: bob', 'username: eve'));
		const now = new Date(Date.now() + hour);
		await certs(tree, kubeconfig, now, earlier);
		expect(cacheFiles(tree)).toEqual([]);
		const fresh = await certs(tree, kubeconfig, now);
		expect(fresh.parsed).toBe(1);
		expect(JSON.stringify(fresh.report)).toContain('user \\"eve\\"');
	});

	it('a file changed moments ago is not trusted by its stat: nothing is kept until it settles', async () => {
		const tree = tempTree();
		const kubeconfig = fleet(tree);
		await certs(tree, kubeconfig, new Date());
		expect(cacheFiles(tree)).toEqual([]);
		await certs(tree, kubeconfig, new Date(Date.now() + hour));
		expect(cacheFiles(tree)).toHaveLength(2);
	});
});

describe('digestWithoutCurrentContext', () => {
	const digest = (text: string, at?: number) => digestWithoutCurrentContext(Buffer.from(text), at);

	it('leaves out only a one-line current-context value, where the parser found it', () => {
		const base = 'apiVersion: v1\ncurrent-context: a\nusers: []\n';
		const at = base.indexOf('current-context');
		expect(digest(base, at).at).toBe(at);
		expect(digest(base, at).digest).toBe(digest(base.replace('current-context: a', 'current-context: arn:aws:eks:us-east-1:1:cluster/b # note'), at).digest);
		// Not where the parser found the key, or no key found: every byte counts.
		expect(digest(base, at + 1).at).toBe(-1);
		expect(digest(base, -2).digest).not.toBe(digest(base.replace('a\n', 'b\n'), -2).digest);
		for (const value of ['|', '[a]', '{a: b}', 'a: b', '"unterminated', '&anchor a', 'a, b', 'a#b']) {
			expect(digest(`apiVersion: v1\ncurrent-context: ${value}\nusers: []\n`).at, value).toBe(-1);
		}

		expect(digest('current-context: a\ncurrent-context: b\n').at).toBe(-1);
	});

	it('says whether the value is one kubectl reads as a string', () => {
		for (const [value, isString] of [['a', true], ['"a b"', true], ["'it''s'", true], ['', true], ['yes', false], ['123', false], ['"\\q"', false], ['~', true]] as const) {
			expect(digest(`current-context: ${value}\n`).valueIsString, value).toBe(isString);
		}
	});
});
