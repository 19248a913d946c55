import {spawnSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {controlPlane, itWithCluster} from '../support/control-plane.ts';
import {cliPath} from '../support/kubehop-binary.ts';
import {tempTree} from '../support/temp-tree.ts';
import {fileChanges, poll, TmuxSession} from '../support/tmux.ts';

// The real binary in a real terminal (tmux), typed at as a person would, against the run's real
// kube-apiserver and a kubeconfig split over two files; kubectl, reading the same KUBECONFIG, is the oracle.

const width = 100;
const height = 30;
const timeout = 60_000;

/**
 * A copy of dist/ with every pack it loads, so a rebuild during a long session cannot pull the binary
 * away mid-test. An incomplete dist/ is a failure to fix (npm run build), not something to wait out.
 */
function snapshotBinary(): string {
	// The loader names every pack it may read (source/bundle/build.mjs), and each pack is named by a digest.
	const complete = (directory: string) => {
		const loader = path.join(directory, 'chunks', 'code-cache.js');
		const packs = fs.existsSync(loader) ? (fs.readFileSync(loader, 'utf8').match(/[\w-]+\.[\da-f]{12}\.js/g) ?? []) : [];
		return packs.length > 0 && [...packs, 'ui-vendor.js'].every((name) => fs.existsSync(path.join(directory, 'chunks', name)));
	};
	const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'kubehop-dist-'));
	fs.cpSync(path.dirname(cliPath), copy, {recursive: true});
	if (fs.existsSync(path.join(copy, 'cli.js')) && complete(copy)) return copy;
	fs.rmSync(copy, {recursive: true, force: true});
	throw new Error(`${cliPath} is missing or incomplete: run npm run build first`);
}

type Setup = {directory: string; home: string; kubeconfig: string};

/** File A: the cluster's own kubeconfig (current context admin). File B: more contexts on A's cluster and user. */
function multiFileKubeconfig(): Setup {
	const tree = tempTree();
	const a = tree.file('kube/a.yaml', fs.readFileSync(controlPlane()!.kubeconfig, 'utf8'));
	const b = tree.file('kube/b.yaml', [
		'apiVersion: v1',
		'kind: Config',
		'contexts:',
		'- context:\n    cluster: kubehop-local\n    namespace: dev\n    user: admin\n  name: dev@kubehop-local',
		'- context:\n    cluster: kubehop-local\n    namespace: kube-system\n    user: admin\n  name: ops@kubehop-local',
		'',
	].join('\n'));
	return {directory: tree.root, home: tree.home, kubeconfig: `${a}:${b}`};
}

function environment({home, kubeconfig}: Setup): string[] {
	return ['env', '-i', `HOME=${home}`, `KUBECONFIG=${kubeconfig}`, `PATH=${process.env.PATH}`, 'TERM=xterm-256color', 'PS1=hop$ ', 'HISTFILE=/dev/null'];
}

/** kubectl with the same KUBECONFIG list and HOME as the app: what any other tool would now see. */
function kubectl(setup: Setup, args: string[]): string {
	const result = spawnSync(controlPlane()!.kubectl, args, {encoding: 'utf8', env: {PATH: process.env.PATH, HOME: setup.home, KUBECONFIG: setup.kubeconfig}, timeout: 30_000});
	if (result.status !== 0) throw new Error(`kubectl ${args.join(' ')} failed: ${result.stderr}`);
	return result.stdout.trim();
}

const currentContext = (setup: Setup) => kubectl(setup, ['config', 'current-context']);
const currentNamespace = (setup: Setup) => kubectl(setup, ['config', 'view', '--minify', '-o', 'jsonpath={..namespace}']);

/** Waits for kubectl to report `expected`, asking again whenever the kubeconfig's directory changes (the write may land just after the screen updates). */
async function kubectlSays(setup: Setup, read: () => string, expected: string): Promise<void> {
	let last = '';
	const directories = [...new Set(setup.kubeconfig.split(path.delimiter).map((file) => path.dirname(file)))];
	await poll(() => ((last = read()) === expected ? true : undefined), {what: `kubectl to report ${expected}`, seen: () => last, changes: fileChanges(...directories)});
}

const header = (lines: string[]) => lines[0] ?? '';
/** The frame fills the terminal: the footer is the last row drawn, on one of the last two (Ink leaves the cursor below the frame). */
const footerAtBottom = (rows: number) => (lines: string[]) => {
	const last = lines.findLastIndex((line) => line.trim() !== '');
	return lines.length === rows && last >= rows - 2 && /quit.*help/.test(lines[last]!);
};
const listLoaded = (lines: string[]) => lines.some((line) => line.includes('dev@kubehop-local')) && !lines.join('\n').includes('loading…');
const prompt = (lines: string[]) => lines.filter((line) => line.trim() !== '').at(-1) === 'hop$';

describe.sequential('the terminal UI in a real terminal, against the real control plane', () => {
	let session: TmuxSession | undefined;
	let setup: Setup;
	let dist = '';
	let cli = '';

	beforeAll(async () => {
		dist = snapshotBinary();
		cli = path.join(dist, 'cli.js');
	});

	afterAll(() => {
		if (dist) fs.rmSync(dist, {recursive: true, force: true});
	});

	afterEach(async () => {
		await session?.kill();
		session = undefined;
	});

	const app = (args: string[] = []) => {
		setup = multiFileKubeconfig();
		session = new TmuxSession(setup.directory, [...environment(setup), process.execPath, cli, ...args], {width, height});
		return session;
	};

	const run = (tui: TmuxSession, command: string) => {
		tui.type(command);
		tui.keys('Enter');
	};

	const shell = async () => {
		setup = multiFileKubeconfig();
		session = new TmuxSession(setup.directory, [...environment(setup), 'bash', '--norc', '--noprofile'], {width, height});
		await session.waitForScreen(prompt, 'the shell prompt');
		return session;
	};

	itWithCluster('app mode: a fuzzy query and Enter switch the context, and - switches back', async () => {
		const tui = app();
		await tui.waitForScreen((lines) => header(lines).startsWith('kubehop admin@kubehop-local') && listLoaded(lines), 'the loaded context list');
		expect(currentContext(setup)).toBe('admin@kubehop-local');

		tui.type('devkub');
		await tui.waitForScreen((lines) => lines.some((line) => line.startsWith('> devkub')), 'the query');
		tui.keys('Enter');
		await tui.waitForScreen((lines) => header(lines).startsWith('kubehop dev@kubehop-local'), 'the header to show dev@kubehop-local');
		await kubectlSays(setup, () => currentContext(setup), 'dev@kubehop-local');

		tui.keys('-');
		await tui.waitForScreen((lines) => header(lines).startsWith('kubehop admin@kubehop-local'), 'the header to show admin@kubehop-local again');
		await kubectlSays(setup, () => currentContext(setup), 'admin@kubehop-local');
	}, timeout);

	itWithCluster('follows a switch and a namespace change made with kubectl in another terminal', async () => {
		const tui = app();
		await tui.waitForScreen((lines) => header(lines).startsWith('kubehop admin@kubehop-local  ns default') && listLoaded(lines), 'the loaded context list');
		kubectl(setup, ['config', 'use-context', 'dev@kubehop-local']);
		await tui.waitForScreen((lines) => header(lines).startsWith('kubehop dev@kubehop-local  ns dev') && lines.some((line) => line.includes('changed outside kubehop: now "dev@kubehop-local"')), 'the header to follow kubectl to dev@kubehop-local');
		kubectl(setup, ['config', 'set-context', '--current', '--namespace', 'kube-public']);
		await tui.waitForScreen((lines) => header(lines).startsWith('kubehop dev@kubehop-local  ns kube-public'), 'the header to follow kubectl to kube-public');
		// The app's own switch after that starts from where kubectl left things.
		tui.keys('-');
		await tui.waitForScreen((lines) => header(lines).startsWith('kubehop admin@kubehop-local'), 'the header to show admin@kubehop-local again');
		await kubectlSays(setup, () => currentContext(setup), 'admin@kubehop-local');
	}, timeout);

	itWithCluster('the Namespaces pane lists the cluster namespaces, filters, and Enter switches the namespace', async () => {
		const tui = app();
		await tui.waitForScreen((lines) => header(lines).startsWith('kubehop admin@kubehop-local') && listLoaded(lines), 'the loaded context list');
		tui.keys('Tab');
		await tui.waitForScreen((lines) => lines[1]?.includes('Namespaces') === true && lines.some((line) => /\bstaging\b/.test(line)), 'the Namespaces pane listing staging');

		tui.type('stag');
		await tui.waitForScreen((lines) => lines.some((line) => line.startsWith('> stag')), 'the query');
		tui.keys('Enter');
		await kubectlSays(setup, () => currentNamespace(setup), 'staging');
		expect(currentContext(setup)).toBe('admin@kubehop-local');
	}, timeout);

	itWithCluster('redraws to fit when the terminal is resized', async () => {
		const tui = app();
		await tui.waitForScreen((lines) => footerAtBottom(height)(lines) && listLoaded(lines), 'the first frame');
		for (const [columns, rows] of [[80, 24], [120, 35]] as const) {
			tui.resize(columns, rows);
			const lines = await tui.waitForScreen((lines) => footerAtBottom(rows)(lines) && header(lines).startsWith('kubehop admin@kubehop-local'), `a ${columns}x${rows} frame`);
			// A row wider than the terminal would wrap and push the header off the top.
			expect(lines.filter((line) => [...line].length > columns)).toEqual([]);
			expect(lines.filter((line) => line.startsWith('kubehop '))).toHaveLength(1);
			expect(lines[1]).toContain('Contexts');
		}
	}, timeout);

	itWithCluster('the Certificates pane fits a short terminal: below 18 rows its checklist gives way to its verdict', async () => {
		const tui = app();
		await tui.waitForScreen((lines) => header(lines).startsWith('kubehop admin@kubehop-local') && listLoaded(lines), 'the loaded context list');
		for (let tab = 0; tab < 4; tab++) tui.keys('Tab');
		await tui.waitForScreen((lines) => lines.some((line) => line.includes('kubectl will connect')), 'the checked certificates');
		for (const [rows, checklist] of [[12, false], [17, false], [18, true], [30, true]] as const) {
			tui.resize(80, rows);
			const lines = await tui.waitForScreen((lines) => footerAtBottom(rows)(lines) && header(lines).startsWith('kubehop admin@kubehop-local') && lines.some((line) => line.startsWith('STATUS')), `an 80x${rows} frame`);
			// Lines squeezed onto one another would lose the header or run the checklist into a row.
			expect(lines.filter((line) => line.startsWith('kubehop '))).toHaveLength(1);
			expect(lines.some((line) => line.includes('kubectl will connect'))).toBe(true);
			expect(lines.some((line) => /^[✓✗?] Issuer /.test(line)), `${rows} rows`).toBe(checklist);
		}
	}, timeout);

	itWithCluster('Ctrl-C leaves the alternate screen and gives the shell a cooked terminal back', async () => {
		const tui = await shell();
		run(tui, 'echo MARKER-$((6*7))');
		await tui.waitForScreen((lines) => lines.includes('MARKER-42') && prompt(lines), 'the marker');
		run(tui, `${process.execPath} ${cli}`);
		await tui.waitForScreen((lines) => header(lines).startsWith('kubehop admin@kubehop-local') && listLoaded(lines), 'the app on the alternate screen');
		expect(tui.screen()).not.toContain('MARKER-42');

		tui.keys('C-c');
		await tui.waitForScreen((lines) => lines.includes('MARKER-42') && prompt(lines), 'the shell and its scrollback back');
		run(tui, 'stty -a');
		const lines = await tui.waitForScreen((lines) => lines.some((line) => /\bicanon\b/.test(line)) && prompt(lines), 'stty -a');
		const flags = lines.join(' ').split(/[\s;]+/);
		expect(flags).toEqual(expect.arrayContaining(['icanon', 'echo', 'isig']));
		expect(flags).not.toEqual(expect.arrayContaining(['-icanon']));
		expect(flags).not.toEqual(expect.arrayContaining(['-echo']));
	}, timeout);

	itWithCluster.each([['SIGTERM', 143], ['SIGHUP', 129]] as const)('%s (kill, a closed window) also leaves the alternate screen, and the exit code says so', async (signal, code) => {
		const tui = await shell();
		run(tui, 'echo MARKER-$((6*7))');
		await tui.waitForScreen((lines) => lines.includes('MARKER-42') && prompt(lines), 'the marker');
		run(tui, `${process.execPath} ${cli}; echo exit=$?`);
		await tui.waitForScreen((lines) => header(lines).startsWith('kubehop admin@kubehop-local') && listLoaded(lines), 'the app on the alternate screen');
		// The snapshot's path is this run's own: only the app started above matches it.
		const pids = spawnSync('pgrep', ['-f', `^${process.execPath} ${cli}$`], {encoding: 'utf8'}).stdout.trim().split('\n').filter(Boolean);
		expect(pids).toHaveLength(1);
		process.kill(Number(pids[0]), signal);
		const lines = await tui.waitForScreen((lines) => lines.includes(`exit=${code}`) && prompt(lines), 'the shell and its scrollback back');
		expect(lines).toContain('MARKER-42');
		expect(lines.join('\n')).not.toContain('Esc/q/^C quit');
	}, timeout);

	/** Runs a picker from the shell, types `query`, presses Enter, and returns the shell's screen after it. */
	const pick = async (command: string, ready: (lines: string[]) => boolean, query: string) => {
		const tui = await shell();
		run(tui, `${process.execPath} ${cli} ${command}`);
		await tui.waitForScreen(ready, `the ${command} picker`);
		tui.type(query);
		await tui.waitForScreen((lines) => lines.some((line) => line.startsWith(`> ${query}`)), 'the query');
		tui.keys('Enter');
		return (await tui.waitForScreen(prompt, 'the shell prompt after the picker')).join('\n');
	};

	itWithCluster('picker mode: kubehop ctx switches, says so on the shell, and exits', async () => {
		const screen = await pick('ctx', (lines) => header(lines).startsWith('kubehop admin@kubehop-local') && listLoaded(lines), 'opskub');
		// kubectx's words (kubehop may prefix them with a check mark).
		expect(screen).toMatch(/^(?:✔ )?Switched to context "ops@kubehop-local"\.$/m);
		expect(currentContext(setup)).toBe('ops@kubehop-local');
		expect(currentNamespace(setup)).toBe('kube-system');
	}, timeout);

	itWithCluster('picker mode: kubehop ns opens on the namespaces, switches one, says so as kubens does, and exits', async () => {
		const screen = await pick('ns', (lines) => lines[1]?.includes('Namespaces') === true && lines.some((line) => /\bstaging\b/.test(line)), 'stag');
		expect(screen).toMatch(/^(?:✔ )?Active namespace is "staging"\.$/m);
		expect(currentNamespace(setup)).toBe('staging');
		expect(currentContext(setup)).toBe('admin@kubehop-local');
	}, timeout);

	itWithCluster('picker mode: leaving kubehop ctx without a choice fails as kubectx does, so `kubectx && kubectl …` stops', async () => {
		const tui = await shell();
		run(tui, `${process.execPath} ${cli} ctx; echo exit=$?`);
		await tui.waitForScreen((lines) => header(lines).startsWith('kubehop admin@kubehop-local') && listLoaded(lines), 'the ctx picker');
		tui.keys('Escape');
		const screen = (await tui.waitForScreen((lines) => lines.includes('exit=1') && prompt(lines), 'the shell after the picker')).join('\n');
		expect(screen).toMatch(/^error: you did not choose any of the options$/m);
		expect(currentContext(setup)).toBe('admin@kubehop-local');
	}, timeout);

	itWithCluster('the Access, Certificates and API panes show the real cluster, and the app keeps working', async () => {
		const tui = app();
		await tui.waitForScreen((lines) => header(lines).startsWith('kubehop admin@kubehop-local') && listLoaded(lines), 'the loaded context list');
		for (let tab = 0; tab < 3; tab++) tui.keys('Tab');
		const access = await tui.waitForScreen((lines) => lines.some((line) => line.startsWith('RESOURCE')) && lines.some((line) => line.startsWith('admin  ns default')), 'the can-i matrix');
		expect(access.join('\n')).toContain('system:masters: no RBAC');
		expect(access.some((line) => /^bindings\s+·\s+·\s+·\s+✓/.test(line))).toBe(true);

		tui.keys('Tab');
		const certificates = await tui.waitForScreen((lines) => lines.some((line) => line.includes('kubectl will connect')), 'the checked server certificate');
		expect(certificates.join('\n')).toContain('O=system:masters');
		expect(certificates.some((line) => line.startsWith('✓ SANs     127.0.0.1 is in'))).toBe(true);

		tui.keys('Tab');
		await tui.waitForScreen((lines) => lines.some((line) => line.includes('aggregated discovery: 2 requests')) && lines.some((line) => line.startsWith('core /api/v1')), 'the API group tree');
		tui.type('ft');
		const found = await tui.waitForScreen((lines) => lines.some((line) => line.includes('FlightTicket (flights.com/v1)')), 'FlightTicket found by its short name');
		expect(found.some((line) => line.startsWith('flights.com/v1') && line.includes('CRD'))).toBe(true);
		tui.keys('Enter');
		const answer = await tui.waitForScreen((lines) => lines.some((line) => line.includes('HTTP 200')) && lines.some((line) => line.includes('"apiVersion": "flights.com/v1"')), 'the GET through the proxy');
		expect(answer.some((line) => /^curl http:\/\/127\.0\.0\.1:\d+\/apis\/flights\.com\/v1\/namespaces\/default\/flighttickets$/.test(line))).toBe(true);
		// The answer scrolls: the ticket's name is further down.
		for (let page = 0; page < 3; page++) tui.keys('PageDown');
		await tui.waitForScreen((lines) => lines.some((line) => line.includes('"my-ticket"') || line.includes('"New York"')), 'the ticket further down the answer');
		// Esc and Tab read together would be Alt-Tab, so the next key waits for the answer to close, as a person would.
		tui.keys('Escape');
		await tui.waitForScreen((lines) => !lines.some((line) => line.includes('HTTP 200')), 'the answer closed');
		tui.keys('Tab');
		await tui.waitForScreen((lines) => listLoaded(lines) && lines.some((line) => line.startsWith('>')), 'the Contexts pane again');
	}, timeout);

	itWithCluster('kubehop --as jane shows the Access matrix as jane, and says so in the header', async () => {
		const tui = app(['--as', 'jane']);
		await tui.waitForScreen((lines) => header(lines).startsWith('kubehop as jane admin@kubehop-local') && listLoaded(lines), 'the app, impersonating');
		for (let tab = 0; tab < 3; tab++) tui.keys('Tab');
		const access = await tui.waitForScreen((lines) => lines.some((line) => line.startsWith('jane  ns default')), 'the matrix as jane');
		expect(access.join('\n')).not.toContain('system:masters');
		tui.type('pods');
		await tui.waitForScreen((lines) => lines.some((line) => /^pods\s+✓\s+✓\s+✗\s+✓/.test(line)), "jane's row for pods: get, list and create");
	}, timeout);

	itWithCluster('kubehop --as auditor: get on the namespaces row in dev is asked about namespace dev itself, and Enter asks the server that', async () => {
		const tui = app(['--as', 'auditor']);
		await tui.waitForScreen((lines) => header(lines).startsWith('kubehop as auditor admin@kubehop-local') && listLoaded(lines), 'the app, impersonating');
		for (let tab = 0; tab < 3; tab++) tui.keys('Tab');
		await tui.waitForScreen((lines) => lines.some((line) => line.startsWith('auditor  ns default')), 'the matrix as auditor');
		tui.keys('C-t');
		await tui.waitForScreen((lines) => lines.some((line) => line.startsWith('Check access in namespace: default')), 'the namespace prompt');
		for (let index = 0; index < 'default'.length; index++) tui.keys('BSpace');
		tui.type('dev');
		tui.keys('Enter');
		await tui.waitForScreen((lines) => lines.some((line) => line.startsWith('auditor  ns dev')), 'the matrix in dev');
		tui.type('namespaces');
		// RoleBinding auditor-flight-viewer in dev grants get on namespaces: GET /api/v1/namespaces/dev, nothing cluster-wide.
		await tui.waitForScreen((lines) => lines.some((line) => /^namespaces\s+✓\s+✗\s+✗/.test(line)), 'get allowed, list and watch denied');
		tui.keys('Enter');
		const explained = await tui.waitForScreen((lines) => lines.some((line) => line.startsWith('the server says')), 'the server\'s answer');
		expect(explained.join('\n')).toMatch(/the server says allowed: RBAC: allowed by RoleBinding "auditor-flight-viewer\/dev"/);
	}, timeout);

	itWithCluster('kubehop --as admin, for a user who may not impersonate: the Access and API panes both say so', async () => {
		setup = multiFileKubeconfig();
		kubectl(setup, ['config', 'use-context', 'jane@kubehop-local']);
		const tui = (session = new TmuxSession(setup.directory, [...environment(setup), process.execPath, cli, '--as', 'admin'], {width, height}));
		await tui.waitForScreen((lines) => header(lines).startsWith('kubehop as admin jane@kubehop-local') && listLoaded(lines), 'the app, impersonating');
		const refused = (lines: string[]) => lines.some((line) => line.startsWith('you may not impersonate user "admin" on context "jane@kubehop-local"'));
		for (let tab = 0; tab < 3; tab++) tui.keys('Tab');
		await tui.waitForScreen(refused, 'the Access pane saying so');
		for (let tab = 0; tab < 2; tab++) tui.keys('Tab');
		// Not the proxy's bare "discovery failed with HTTP 403".
		await tui.waitForScreen((lines) => refused(lines) && lines.some((line) => line.startsWith('Ctrl-R tries again')), 'the API pane saying so');
	}, timeout);

	itWithCluster('every pane fits an 80x24 terminal', async () => {
		setup = multiFileKubeconfig();
		const tui = (session = new TmuxSession(setup.directory, [...environment(setup), process.execPath, cli], {width: 80, height: 24}));
		await tui.waitForScreen((lines) => header(lines).startsWith('kubehop admin@kubehop-local') && listLoaded(lines), 'the loaded context list');
		// What each pane shows once loaded: the frame must fit with it on screen.
		const loaded: Record<string, (lines: string[]) => boolean> = {
			Namespaces: (lines) => lines.some((line) => /\bstaging\b/.test(line)),
			History: (lines) => lines.some((line) => line.startsWith('> ')) && !lines.some((line) => /\bstaging\b/.test(line)),
			Access: (lines) => lines.some((line) => line.startsWith('RESOURCE')),
			Certificates: (lines) => lines.some((line) => line.startsWith('STATUS')) && lines.some((line) => line.includes('kubectl will connect')),
			API: (lines) => lines.some((line) => line.startsWith('core /api/v1')),
		};
		for (const [pane, shown] of Object.entries(loaded)) {
			tui.keys('Tab');
			// The footer's hints are cut at 80 columns; quit comes before the cut.
			const lines = await tui.waitForScreen((lines) => lines.length === 24 && /quit/.test(lines.findLast((line) => line.trim() !== '') ?? '') && shown(lines), `the ${pane} pane at 80x24`);
			expect(lines[0], `${pane}:\n${lines.join("\n")}`).toMatch(/^kubehop admin@kubehop-local/);
			expect(lines[1]).toMatch(/^ Contexts {2}Namespaces/);
		}
	}, timeout);
});

describe('the terminal UI when the server cannot be asked', () => {
	it('offers the namespaces the kubeconfig knows, says why, and Enter switches to one', async () => {
		// A port nothing listens on: taken, then given back.
		const refused = spawnSync(process.execPath, ['-e', "const s = require('node:net').createServer().listen(0, '127.0.0.1', () => { process.stdout.write(String(s.address().port)); s.close(); })"], {encoding: 'utf8'}).stdout;
		const tree = tempTree({
			'home/.kube/config': `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://127.0.0.1:${refused}\ncontexts:\n- name: off-vpn\n  context: {cluster: c, user: u, namespace: team-a}\n- name: other\n  context: {cluster: c, user: u, namespace: team-b}\nusers:\n- name: u\n  user: {token: t}\ncurrent-context: off-vpn\n`,
		});
		const kubeconfig = path.join(tree.home, '.kube', 'config');
		const tui = new TmuxSession(tree.root, ['env', '-i', `HOME=${tree.home}`, `PATH=${process.env.PATH}`, 'TERM=xterm-256color', process.execPath, cliPath], {width, height});
		try {
			await tui.waitForScreen((lines) => lines.some((line) => line.includes('off-vpn')), 'the context list');
			tui.keys('Tab');
			const listed = await tui.waitForScreen((lines) => lines.some((line) => line.includes('is unreachable')) && lines.some((line) => /\bteam-b\b/.test(line)), 'the known namespaces');
			expect(listed.join('\n')).toMatch(/is unreachable: connect ECONNREFUSED 127\.0\.0\.1:\d+; s/);
			tui.type('team-b');
			await tui.waitForScreen((lines) => lines.some((line) => line.startsWith('> team-b')), 'the query');
			tui.keys('Enter');
			await tui.waitForScreen((lines) => lines.some((line) => line.includes('Active namespace is "team-b".')), 'the switch');
			expect(fs.readFileSync(kubeconfig, 'utf8')).toContain('- name: off-vpn\n  context: {cluster: c, user: u, namespace: team-b}');
			// The API pane reads through kubehop's own proxy, which answers 500: the fault is the server's, named as above.
			for (let tab = 0; tab < 4; tab++) tui.keys('Tab');
			const api = await tui.waitForScreen((lines) => lines.some((line) => line.startsWith('Ctrl-R tries again')), 'the API pane saying why');
			expect(api.join('\n')).toMatch(new RegExp(`context "off-vpn" \\(https://127\\.0\\.0\\.1:${refused}\\) is unreachable: connect ECONNREFUSED`));
			expect(api.join('\n')).not.toContain('the proxy at');
		} finally {
			await tui.kill();
		}
	}, timeout);
});
