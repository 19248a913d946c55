import {render} from 'ink-testing-library';
import stringWidth from 'string-width';
import {afterEach, describe, expect, it} from 'vitest';
import {App, helpColumns, splitTypedAhead, tabTitles, wrapHelpLines, type HelpLine} from '../../source/ui/app.tsx';
import {helpSections} from '../../source/ui/keymap.ts';
import {appReducer, createAppState, panes, type PaneId} from '../../source/ui/app-state.ts';
import type {Cell} from '../../source/access/matrix.ts';
import {probeKey} from '../../source/ui/certificates-state.ts';
import type {AccessView, ContextDetails, UiServices} from '../../source/ui/services.ts';

// The app through ink-testing-library with services that keep their state in memory.
// Tests wait on what the frame shows, never on a fixed delay.

const cleanups: Array<() => void> = [];
afterEach(() => {
	for (const cleanup of cleanups.splice(0)) cleanup();
});

function fakeServices(initialNames: string[], current: string) {
	// The kubeconfig's contexts, as renames and deletes leave them; a renamed one keeps its cluster and server.
	const names = initialNames;
	const origin = new Map<string, string>();
	const originOf = (name: string) => origin.get(name) ?? name;
	const state = {current, previous: '', namespace: 'default', kubeconfigNamespace: '', kubeconfigBroken: '', watchers: [] as Array<() => void>, renamed: [] as string[], deleted: [] as string[], accessAsked: [] as string[], accessFails: false, constrained: undefined as string | undefined, certificatesAsked: [] as boolean[], rawPaths: [] as string[], apiCalls: 0, finishProbe: () => {}};
	const services: UiServices = {
		async contexts() {
			if (state.kubeconfigBroken) throw new Error(state.kubeconfigBroken);
			return {names, current: state.current, recent: [state.current]};
		},
		details: async () =>
			new Map(names.map((name): [string, ContextDetails] => [name, {cluster: `cl-${originOf(name)}`, user: 'me', namespace: name === state.current ? state.kubeconfigNamespace : '', server: `https://${originOf(name)}.example:6443`, file: '/home/me/.kube/config', shadowedIn: [], auth: 'bearer token'}])),
		watchKubeconfig(onChange) {
			state.watchers.push(onChange);
			return () => void (state.watchers = state.watchers.filter((watcher) => watcher !== onChange));
		},
		async switchContext(name) {
			state.previous = state.current;
			state.current = name;
		},
		async previousContext() {
			[state.current, state.previous] = [state.previous, state.current];
			return state.current;
		},
		namespaces: async () => ({names: ['default', 'dev', 'kube-system'], current: state.namespace, verified: true}),
		async switchNamespace(name) {
			state.namespace = name;
		},
		previousNamespace: async () => (state.namespace = 'default'),
		async renameContext(from, to) {
			state.renamed.push(`${from}=>${to}`);
			names.splice(names.indexOf(from), 1, to);
			origin.set(to, originOf(from));
			if (state.current === from) state.current = to;
		},
		async deleteContext(name) {
			state.deleted.push(name);
			if (names.includes(name)) names.splice(names.indexOf(name), 1);
		},
		history: async () => [{name: state.current, at: '2026-11-28T10:00:00.000Z', exists: true}, {name: 'gone-ctx', at: '2026-11-27T10:00:00.000Z', exists: false}],
		async access(namespace) {
			state.accessAsked.push(namespace ?? '(own)');
			if (state.accessFails) throw new Error('context "dev" (https://dev.example:6443) did not answer within 5s');
			return {...fakeAccessView(namespace ?? 'default'), constrained: state.constrained};
		},
		async api() {
			state.apiCalls++;
			return {
				proxyUrl: 'http://127.0.0.1:8001',
				groups: [
					{name: '', paths: ['/api/v1'], versions: [{version: 'v1', preferred: true, stability: 'GA', stale: false, resources: 1}], origin: 'built-in'},
					{name: 'flights.com', paths: ['/apis/flights.com/v1'], versions: [{version: 'v1', preferred: true, stability: 'GA', stale: false, resources: 1}], origin: 'CRD'},
				],
				resources: [
					{group: '', version: 'v1', resource: 'pods', singular: 'pod', kind: 'Pod', namespaced: true, verbs: ['get', 'list'], shortNames: ['po'], categories: ['all'], subresources: [{name: 'log', verbs: ['get'], kind: 'Pod'}]},
					{group: 'flights.com', version: 'v1', resource: 'flighttickets', singular: 'flightticket', kind: 'FlightTicket', namespaced: true, verbs: ['get', 'list'], shortNames: ['ft'], categories: [], subresources: []},
				],
				aggregated: true,
				requests: 2,
				elapsedMs: 5,
			};
		},
		async rawGet(path) {
			state.rawPaths.push(path);
			return {status: 200, contentType: 'application/json', body: JSON.stringify({kind: 'FlightTicketList', items: [{metadata: {name: 'my-ticket'}}]})};
		},
		async certificates(allContexts, now, onProbe) {
			state.certificatesAsked.push(allContexts);
			const target = {server: 'https://127.0.0.1:6443', caPem: undefined, tlsServerName: undefined, insecureSkipTlsVerify: false};
			// The handshake completes when the test says so, after the kubeconfig's part is on screen.
			state.finishProbe = () => onProbe(probeKey(target), {kind: 'unreachable', message: '127.0.0.1:6443 refused the connection'});
			const expires = new Date(now.getTime() + 3 * 86_400_000);
			return [
				{
					context: 'dev',
					server: target.server,
					cluster: 'c',
					user: 'me',
					auth: 'token',
					probeTarget: target,
					rows: [{context: 'dev', role: 'token', expires, severity: 'critical', summary: 'sub me, exp soon', notes: []}],
				},
			];
		},
		async explain(cell) {
			return `the server says allowed: RBAC: allowed by RoleBinding "dev-user-binding/${cell.namespace}" of Role "developer-role" to User "jane"`;
		},
	};
	return {services, state};
}

function fakeAccessView(namespace: string): AccessView {
	const verbs = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];
	const row = (name: string, allowed: string[], supported = verbs, namespaced = true) => ({
		name,
		group: '',
		resource: name.split('/')[0]!,
		subresource: name.split('/')[1] ?? '',
		kind: 'Pod',
		namespaced,
		shortNames: [],
		cells: Object.fromEntries(verbs.map((verb) => [verb, {state: supported.includes(verb) ? (allowed.includes(verb) ? 'allowed' : 'denied') : 'n/a', source: 'rules', why: allowed.includes(verb) ? 'rule: get,list,create pods in groups ""' : 'no rule allows it'} as Cell])),
	});
	return {
		context: 'dev',
		identity: {username: 'jane', uid: '', groups: ['system:authenticated'], extra: {}, bypassesRbac: false},
		matrix: {namespace, verbs, rows: [row('nodes', [], verbs, false), row('pods', ['get', 'list', 'create']), row('pods/log', [], ['get'])], nonResourceRules: [{verbs: ['get'], nonResourceURLs: ['/healthz']}], incomplete: false, evaluationErrors: [], accessReviews: 0},
		requests: 4,
		elapsedMs: 12,
	};
}

async function until(frame: () => string | undefined, predicate: (text: string) => boolean): Promise<string> {
	const deadline = Date.now() + 5000;
	for (;;) {
		const text = frame() ?? '';
		if (predicate(text)) return text;
		if (Date.now() > deadline) throw new Error(`frame never matched:\n${text}`);
		await new Promise((resolve) => setImmediate(resolve));
	}
}

function start(names: string[], current: string, mode: 'picker' | 'app' = 'app', pane: PaneId = 'contexts') {
	const {services, state} = fakeServices(names, current);
	const exits: Array<{switchedTo?: string; namespace?: string}> = [];
	const instance = render(<App services={services} mode={mode} pane={pane} color={false} onExit={(result) => exits.push(result)} />);
	cleanups.push(() => instance.unmount());
	return {...instance, state, exits, services};
}

const names = ['dev', 'staging', 'arn:aws:eks:us-east-1:123456789012:cluster/prod', 'evil\u001B]0;pwned\u0007'];

describe('the kubehop app', () => {
	it('shows the current context with its details, and escapes control characters in names', async () => {
		const app = start(names, 'dev');
		const frame = await until(app.lastFrame, (text) => text.includes('https://dev.example:6443') && text.includes('bearer token'));
		expect(frame).toContain('● dev');
		expect(frame).toContain('evil\\x1b]0;pwned\\x07');
		expect(frame).not.toContain('\u0007');
		expect(frame).toContain('Esc/q/^C quit');
	});

	it('opens on the list itself when the caller already has it, with no loading frame first', () => {
		const {services} = fakeServices(names, 'staging');
		const instance = render(<App services={services} initial={{names, current: 'staging', recent: ['staging', 'dev']}} mode="app" color={false} onExit={() => {}} />);
		cleanups.push(() => instance.unmount());
		const first = instance.frames[0] ?? '';
		expect(first).toContain('4/4');
		expect(first).not.toContain('loading');
		expect(first.indexOf('● staging')).toBeLessThan(first.indexOf('  dev'));
	});

	it('filters as the user types, switches on Enter, and goes back with "-"', async () => {
		const app = start(names, 'dev');
		await until(app.lastFrame, (text) => text.includes('4/4'));
		app.stdin.write('stag');
		await until(app.lastFrame, (text) => text.includes('> stag'));
		app.stdin.write('\r');
		await until(app.lastFrame, (text) => text.includes('Switched to context "staging".'));
		expect(app.state.current).toBe('staging');
		await until(app.lastFrame, (text) => text.includes('4/4'));
		app.stdin.write('-');
		await until(app.lastFrame, (text) => text.includes('Switched to context "dev".'));
		expect(app.state.current).toBe('dev');
	});

	it('treats "-" and "q" as part of a non-empty query even when typed faster than frames, and Esc clears it first', async () => {
		const app = start(names, 'dev');
		await until(app.lastFrame, (text) => text.includes('4/4'));
		app.stdin.write('a');
		app.stdin.write('-');
		app.stdin.write('q');
		await until(app.lastFrame, (text) => text.includes('> a-q'));
		expect(app.exits).toEqual([]);
		app.stdin.write('\u001B');
		await until(app.lastFrame, (text) => text.includes('4/4'));
		app.stdin.write('q');
		await until(() => String(app.exits.length), (text) => text === '1');
	});

	it('in picker mode, exits after the switch and reports where it went', async () => {
		const app = start(names, 'dev', 'picker');
		await until(app.lastFrame, (text) => text.includes('4/4'));
		app.stdin.write('prod');
		await until(app.lastFrame, (text) => text.includes('1/4'));
		app.stdin.write('\r');
		await until(() => JSON.stringify(app.exits), (text) => text.includes('switchedTo'));
		expect(app.exits).toEqual([{switchedTo: 'arn:aws:eks:us-east-1:123456789012:cluster/prod'}]);
	});

	it('as the namespace picker (kubehop ns), opens on the namespaces, and exits after the switch, or after "-"', async () => {
		const app = start(names, 'dev', 'picker', 'namespaces');
		await until(app.lastFrame, (text) => text.includes('kube-system') && text.includes('3/3'));
		app.stdin.write('kube');
		await until(app.lastFrame, (text) => text.includes('1/3'));
		app.stdin.write('\r');
		await until(() => JSON.stringify(app.exits), (text) => text.includes('namespace'));
		expect(app.exits).toEqual([{namespace: 'kube-system'}]);
		expect(app.state.namespace).toBe('kube-system');

		const back = start(names, 'dev', 'picker', 'namespaces');
		await until(back.lastFrame, (text) => text.includes('3/3'));
		back.stdin.write('-');
		await until(() => JSON.stringify(back.exits), (text) => text.includes('namespace'));
		expect(back.exits).toEqual([{namespace: 'default'}]);
	});

	it("opens the help on the pane's own keys, generated from the keymap, and Esc closes it without quitting", async () => {
		const app = start(names, 'dev');
		await until(app.lastFrame, (text) => text.includes('4/4'));
		app.stdin.write('?');
		const frame = await until(app.lastFrame, (text) => text.includes('Keys in the Contexts pane'));
		expect(frame).toContain('rename a context (asks first)');
		// Each key stands apart from what it does, however long its name.
		expect(frame).toMatch(/Shift-Tab \/ ← {2,}previous pane/);
		expect(frame).toContain('Esc/q/? close');
		app.stdin.write('\u001B');
		await until(app.lastFrame, (text) => !text.includes('Keys in'));
		expect(app.exits).toEqual([]);
		// The History pane's help has its own keys.
		app.stdin.write('\t\t?');
		const history = await until(app.lastFrame, (text) => text.includes('Keys in the History pane'));
		expect(history).toContain('1–9');
		expect(history).not.toContain('rename a context');
	});

	it('lays the help out in columns that fit any height, every key listed once', () => {
		const sections = helpSections(['global', 'access', 'list']);
		const entries = sections.reduce((count, section) => count + section.entries.length, 0);
		for (let room = 1; room <= 30; room++) {
			const columns = helpColumns(sections, room);
			expect(columns.every((lines) => lines.length <= room && lines[0]?.kind !== 'gap'), `room ${room}`).toBe(true);
			expect(columns.flat().filter((line) => line.kind === 'entry')).toHaveLength(entries);
		}

		// Tall enough: one column with a blank line between sections; else two, parted where a section starts.
		expect(helpColumns(sections, 30)).toHaveLength(1);
		const two = helpColumns(sections, 16);
		expect(two).toHaveLength(2);
		expect(two[1]![0]).toMatchObject({kind: 'title'});
	});

	it('switches namespaces in the Namespaces pane, and shows the history with gone entries', async () => {
		const app = start(names, 'dev');
		await until(app.lastFrame, (text) => text.includes('4/4'));
		app.stdin.write('\t');
		await until(app.lastFrame, (text) => text.includes('kube-system'));
		app.stdin.write('sys\r');
		await until(app.lastFrame, (text) => text.includes('Active namespace is "kube-system".'));
		expect(app.state.namespace).toBe('kube-system');
		app.stdin.write('\t');
		const frame = await until(app.lastFrame, (text) => text.includes('gone-ctx'));
		expect(frame).toContain('(gone)');
	});

	it('asks before deleting or renaming, and does nothing when the answer is no', async () => {
		const app = start([...names], 'dev');
		await until(app.lastFrame, (text) => text.includes('4/4') && text.includes('cl-dev'));
		app.stdin.write('\u0004');
		await until(app.lastFrame, (text) => text.includes('Delete context "dev" from its kubeconfig file? y/N'));
		app.stdin.write('n');
		await until(app.lastFrame, (text) => text.includes('Cancelled.'));
		expect(app.state.deleted).toEqual([]);
		app.stdin.write('\u0004');
		await until(app.lastFrame, (text) => text.includes('y/N'));
		app.stdin.write('y');
		// dev was the current context: current-context still names it, as kubectl and kubectx leave it.
		const deleted = await until(app.lastFrame, (text) => text.includes('Deleted context dev, the current one: pick another before kubectl can work again.'));
		expect(deleted.split('\n')[0]).toBe('kubehop dev  (not in the kubeconfig)');
		expect(app.state.deleted).toEqual(['dev']);
		app.stdin.write('\u0012');
		await until(app.lastFrame, (text) => text.includes('Rename "'));
		app.stdin.write('\u007F\u007F');
		app.stdin.write('-x');
		app.stdin.write('\r');
		await until(app.lastFrame, (text) => text.includes('renamed to'));
		expect(app.state.renamed).toHaveLength(1);
		expect(app.state.renamed[0]).toMatch(/=>.*-x$/);
	});

	it('after deleting a context that shadowed one of the same name in a later file, shows and says that one', async () => {
		const app = start(['dev', 'staging'], 'dev');
		await until(app.lastFrame, (text) => text.includes('2/2') && text.includes('cl-dev'));
		const details = app.services.details;
		// KUBECONFIG=a:b, both defining dev: once a's is gone, kubectl uses b's.
		app.services.deleteContext = async (name) => void app.state.deleted.push(name);
		app.services.details = async () => new Map([...(await details())].map(([name, detail]) => [name, name === 'dev' ? {...detail, cluster: 'cl-b', file: '/home/me/b.yaml'} : detail]));
		app.stdin.write('\u0004');
		await until(app.lastFrame, (text) => text.includes('y/N'));
		app.stdin.write('y');
		const frame = await until(app.lastFrame, (text) => text.includes('Context "dev" is now the one in /home/me/b.yaml, which it shadowed.'));
		expect(app.state.deleted).toEqual(['dev']);
		expect(frame.split('\n')[0]).toMatch(/^kubehop dev {2}ns default {2}user me/);
		expect(frame).not.toContain('not in the kubeconfig');
		expect(frame).toContain('2/2');
	});

	it('renames the current context in the app and keeps its header and preview', async () => {
		const app = start([...names], 'dev');
		await until(app.lastFrame, (text) => text.includes('4/4') && text.includes('cl-dev'));
		app.stdin.write('\u0012');
		await until(app.lastFrame, (text) => text.includes('Rename "'));
		app.stdin.write('-x');
		app.stdin.write('\r');
		const renamed = await until(app.lastFrame, (text) => text.includes('renamed to "dev-x"'));
		expect(app.state.renamed).toEqual(['dev=>dev-x']);
		// The watcher passes over kubehop's own write, so the app itself knows dev-x is dev's details.
		expect(renamed.split('\n')[0]).toMatch(/^kubehop dev-x {2}ns default/);
		expect(renamed).toContain('cluster   cl-dev');
	});

	it('reads the certificates of every context again when the kubeconfig changes elsewhere', async () => {
		const contexts = [...names];
		const app = start(contexts, 'dev');
		await until(app.lastFrame, (text) => text.includes('4/4'));
		app.stdin.write('\t\t\t\t');
		await until(app.lastFrame, (text) => text.includes('STATUS') && text.includes('<7d'));
		app.stdin.write('\u0001');
		await until(app.lastFrame, (text) => text.includes('all contexts') && text.includes('<7d'));
		// kubectl config rename-context staging staging-2 in another terminal.
		contexts[1] = 'staging-2';
		for (const watcher of app.state.watchers) watcher();
		await until(() => app.state.certificatesAsked.join(), (asked) => asked === 'false,true,true');
		// The same names, but a credential may have been rotated (kubectl config set-credentials).
		await until(app.lastFrame, (text) => text.includes('<7d'));
		for (const watcher of app.state.watchers) watcher();
		await until(() => app.state.certificatesAsked.join(), (asked) => asked === 'false,true,true,true');
	});

	it('follows a switch, a namespace change and a new context made outside the app, and asks the panes again', async () => {
		const app = start(names, 'dev');
		await until(app.lastFrame, (text) => text.includes('4/4'));
		app.stdin.write('\t\t\t');
		await until(app.lastFrame, (text) => text.includes('RESOURCE') && text.includes('pods/log'));
		expect(app.state.accessAsked).toEqual(['(own)']);
		app.stdin.write('po');
		await until(app.lastFrame, (text) => text.includes('> po'));
		// kubectl config use-context in another terminal.
		app.state.current = 'staging';
		for (const watcher of app.state.watchers) watcher();
		const switched = await until(app.lastFrame, (text) => text.includes('The current context was changed outside kubehop: now "staging".'));
		expect(switched.split('\n')[0]).toMatch(/^kubehop staging {2}ns default/);
		// The pane asks again for the new context; the user's filter stays.
		await until(app.lastFrame, (text) => text.includes('pods/log') && text.includes('> po'));
		expect(app.state.accessAsked).toEqual(['(own)', '(own)']);
		// kubectl config set-context --current --namespace payments.
		app.state.kubeconfigNamespace = 'payments';
		for (const watcher of app.state.watchers) watcher();
		const moved = await until(app.lastFrame, (text) => text.includes('The namespace was changed outside kubehop: now "payments".'));
		expect(moved.split('\n')[0]).toMatch(/^kubehop staging {2}ns payments/);
		await until(() => app.state.accessAsked.join(), (asked) => asked === '(own),(own),(own)');
		app.unmount();
		expect(app.state.watchers).toHaveLength(0);
	});

	it('jumps with a digit to the history entry -N reaches, past gone entries; in a filter a digit is typed', () => {
		const plain = {upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageUp: false, pageDown: false, return: false, escape: false, ctrl: false, tab: false, shift: false, backspace: false, delete: false, meta: false};
		const list = {names: ['dev', 'staging', 'prod'], current: 'dev', recent: []};
		let state = appReducer(appReducer(createAppState(20, 'history'), {type: 'loaded', list}), {type: 'history', entries: [{name: 'dev', at: 't', exists: true}, {name: 'gone-ctx', at: 't', exists: false}, {name: 'staging', at: 't', exists: true}, {name: 'prod', at: 't', exists: true}]});
		expect(appReducer(state, {type: 'key', key: {...plain, input: '1'}}).request).toMatchObject({kind: 'switch-context', name: 'staging'});
		expect(appReducer(state, {type: 'key', key: {...plain, input: '2'}}).request).toMatchObject({kind: 'switch-context', name: 'prod'});
		// Filtering for eu-west-1 or prod-2 types the digit, and switches nowhere unasked.
		state = appReducer(state, {type: 'key', key: {...plain, input: 'p'}});
		state = appReducer(state, {type: 'key', key: {...plain, input: '2'}});
		expect(state.request).toBeUndefined();
		expect(state.lists.history.query).toBe('p2');
	});

	it('lays out names in Hangul by terminal columns: no row runs into the next', async () => {
		const korean = '운영-클러스터-서울-리전-프로덕션-아주-긴-이름-입니다';
		const app = start([korean, 'dev'], korean);
		const frame = await until(app.lastFrame, (text) => text.includes('2/2') && text.includes('cluster   cl-'));
		const lines = frame.split('\n');
		expect(lines[0]).toMatch(/^kubehop 운영-/);
		expect(lines.filter((line) => stringWidth(line) > 100)).toEqual([]);
		// The list row, then dev's on the very next line: nothing wrapped.
		expect(lines.findIndex((line) => line.startsWith('  dev'))).toBe(lines.findIndex((line) => line.startsWith('● 운영-')) + 1);
	});

	it('says how contexts come about when the kubeconfig has none, under the filter line', async () => {
		const app = start([], '');
		const frame = await until(app.lastFrame, (text) => text.includes('No contexts in the kubeconfig yet'));
		expect(frame.split('\n').slice(0, 4)).toEqual(['kubehop (no current context)', expect.stringContaining('Contexts'), '>    0/0', expect.stringMatching(/^No contexts in the kubeconfig yet: your cloud's CLI or `kubectl config set-context` adds them\.$/)]);
	});

	it('says at once when an edit made elsewhere breaks the kubeconfig, and when it is readable again', async () => {
		const app = start(names, 'dev');
		await until(app.lastFrame, (text) => text.includes('4/4'));
		app.state.kubeconfigBroken = 'error loading config file "/home/me/.kube/config": current-context, line 3: "yes" is read as a YAML 1.1 boolean';
		for (const watcher of app.state.watchers) watcher();
		await until(app.lastFrame, (text) => text.includes('The kubeconfig cannot be read now: error loading config file "/home/me/.kube/config": current-'));
		app.state.kubeconfigBroken = '';
		for (const watcher of app.state.watchers) watcher();
		const fixed = await until(app.lastFrame, (text) => text.includes('The kubeconfig can be read again.'));
		expect(fixed.split('\n')[0]).toMatch(/^kubehop dev /);
	});

	it('reads the certificates again when their pane is shown after ten minutes, so days left follow the clock', () => {
		const ready = (minutesAgo: number) => {
			const state = createAppState(20, 'api');
			return {...state, certificates: {...state.certificates, status: {kind: 'ready' as const}, now: new Date(Date.now() - minutesAgo * 60_000)}};
		};
		const shown = (state: ReturnType<typeof ready>) => appReducer(state, {type: 'focus', by: -1});
		expect(shown(ready(11)).certificates).toMatchObject({generation: 1, status: {kind: 'loading'}});
		expect(shown(ready(9)).certificates).toMatchObject({generation: 0, status: {kind: 'ready'}});
	});

	it('reads the certificates again after a change elsewhere even while a read is in flight, and after renaming the current context', () => {
		const list = {names: ['dev', 'staging'], current: 'dev', recent: ['dev']};
		const details = new Map(list.names.map((name): [string, ContextDetails] => [name, {cluster: 'c', user: 'me', namespace: '', server: 'https://c:6443', file: '/k', shadowedIn: [], auth: 'token'}]));
		const state = appReducer(appReducer(createAppState(20, 'certificates'), {type: 'loaded', list}), {type: 'details', details});
		expect(state.certificates.status.kind).toBe('loading');
		// That read saw the files before staging became prod: its answer must not be kept.
		const renamedElsewhere = appReducer(state, {type: 'kubeconfig-changed', list: {...list, names: ['dev', 'prod']}, details: new Map([['dev', details.get('dev')!], ['prod', details.get('staging')!]])});
		expect(renamedElsewhere.certificates.generation).toBe(state.certificates.generation + 1);
		// The current context's own rows carry its name.
		const renamedHere = appReducer(state, {type: 'renamed', from: 'dev', to: 'dev-2'});
		expect(renamedHere.certificates.generation).toBe(state.certificates.generation + 1);
		expect(appReducer(state, {type: 'renamed', from: 'staging', to: 'staging-2'}).certificates.generation).toBe(state.certificates.generation);
	});

	it('offers no namespace of the old context while the new context\'s are loading', () => {
		const plain = {upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageUp: false, pageDown: false, return: false, escape: false, ctrl: false, tab: false, shift: false, backspace: false, delete: false, meta: false};
		const list = {names: ['prod', 'slow'], current: 'prod', recent: []};
		let state = appReducer(appReducer(createAppState(20, 'namespaces'), {type: 'loaded', list}), {type: 'namespaces', list: {names: ['default', 'kube-system', 'payments'], current: 'default', verified: true}, generation: 0});
		expect(state.lists.namespaces.items).toHaveLength(3);
		// Switched to a context whose server is slow to answer: its namespaces are not prod's.
		state = appReducer(state, {type: 'switched', name: 'slow'});
		expect(state.namespaces.kind).toBe('loading');
		expect(state.lists.namespaces.items).toEqual([]);
		expect(appReducer(state, {type: 'key', key: {...plain, input: '', return: true}}).request).toBeUndefined();
	});

	it('takes a change seen before the details have arrived as no change to the context: no pane asks again', () => {
		const list = {names: ['dev', 'staging'], current: 'dev', recent: []};
		const details = new Map(list.names.map((name): [string, ContextDetails] => [name, {cluster: `cl-${name}`, user: 'me', namespace: '', server: `https://${name}:6443`, file: '/a.yaml', shadowedIn: [], auth: 'token'}]));
		const loaded = appReducer(createAppState(20), {type: 'loaded', list});
		expect(loaded.details).toBeUndefined();
		const seen = appReducer(loaded, {type: 'kubeconfig-changed', list, details});
		expect({generation: seen.generation, access: seen.access.generation, status: seen.status}).toEqual({generation: loaded.generation, access: loaded.access.generation, status: loaded.status});
	});

	it('after deleting the current context that shadowed another, asks every pane again for the uncovered one; after a switch since, only the list follows', () => {
		const list = {names: ['dev', 'staging'], current: 'dev', recent: []};
		const details = new Map(list.names.map((name): [string, ContextDetails] => [name, {cluster: `cl-${name}`, user: 'me', namespace: '', server: `https://${name}:6443`, file: '/a.yaml', shadowedIn: [], auth: 'token'}]));
		const deleted = appReducer(appReducer(appReducer(createAppState(20), {type: 'loaded', list}), {type: 'details', details}), {type: 'deleted', name: 'dev'});
		const uncovered = new Map([...details, ['dev', {...details.get('dev')!, cluster: 'cl-b', server: 'https://b:6443', file: '/b.yaml'}]]);
		const read = {type: 'kubeconfig-changed' as const, list, details: uncovered, generation: deleted.generation, edited: 'dev'};
		const after = appReducer(deleted, read);
		expect(after.access.generation).toBe(deleted.access.generation + 1);
		expect(after.status).toEqual({kind: 'info', text: 'Context "dev" is now the one in /b.yaml, which it shadowed.'});
		// Read for the state before a switch the user made meanwhile: the uncovered context is listed again,
		// but the switch stands and no pane asks again.
		const switched = appReducer(deleted, {type: 'switched', name: 'staging'});
		expect(switched.lists.contexts.items.map((item) => item.key)).toEqual(['staging']);
		const late = appReducer(switched, read);
		expect(late.lists.contexts.items.map((item) => item.key)).toEqual(['staging', 'dev']);
		expect({current: late.current, status: late.status, generation: late.generation, access: late.access.generation}).toEqual({current: 'staging', status: switched.status, generation: switched.generation, access: switched.access.generation});
		// A namespace chosen since stays chosen: the late read knows nothing of it.
		const renamespaced = appReducer(switched, {type: 'namespace-switched', name: 'payments'});
		const stillPayments = appReducer(renamespaced, read);
		expect({namespace: stillPayments.currentNamespace, status: stillPayments.status, access: stillPayments.access.generation}).toEqual({namespace: 'payments', status: renamespaced.status, access: renamespaced.access.generation});
	});

	it('takes kubehop\'s own write, seen again by the watcher, as no change to the list or the context', () => {
		const list = {names: ['dev', 'staging'], current: 'dev', recent: ['dev']};
		const details = new Map(list.names.map((name): [string, ContextDetails] => [name, {cluster: 'c', user: 'me', namespace: 'payments', server: 'https://c:6443', file: '/k', shadowedIn: [], auth: 'token'}]));
		const state = appReducer(appReducer(appReducer(createAppState(20), {type: 'loaded', list}), {type: 'details', details}), {type: 'switched', name: 'staging'});
		const seen = appReducer(state, {type: 'kubeconfig-changed', list: {...list, current: 'staging'}, details});
		expect({status: seen.status, generation: seen.generation, access: seen.access.generation, current: seen.current, namespace: seen.currentNamespace}).toEqual({status: state.status, generation: state.generation, access: state.access.generation, current: 'staging', namespace: 'payments'});
		// A context added elsewhere joins the end of the list; the order on screen stays.
		const grown = appReducer(state, {type: 'kubeconfig-changed', list: {...list, names: ['aaa-new', ...list.names], current: 'staging'}, details});
		expect(grown.lists.contexts.items.map((item) => item.key)).toEqual([...state.lists.contexts.items.map((item) => item.key), 'aaa-new']);
	});

	it('replays keys that arrive in one chunk, such as two quick Tabs', async () => {
		const app = start(names, 'dev');
		await until(app.lastFrame, (text) => text.includes('4/4'));
		app.stdin.write('\t\t');
		await until(app.lastFrame, (text) => text.includes('gone-ctx'));
	});

	it('says so on a terminal too short for its lines, rather than drawing them on one another; only quitting works there', async () => {
		const app = start([...names], 'dev');
		await until(app.lastFrame, (text) => text.includes('4/4'));
		const resize = (rows: number) => {
			Object.defineProperty(app.stdout, 'rows', {value: rows, configurable: true});
			app.stdout.emit('resize');
		};

		resize(7);
		await until(app.lastFrame, (text) => text.trimEnd() === 'kubehop needs 9 rows; this terminal has 7. q quits.');
		resize(24);
		await until(app.lastFrame, (text) => text.includes('4/4'));
		resize(7);
		await until(app.lastFrame, (text) => text.startsWith('kubehop needs 9 rows'));
		// Unseen, nothing acts: not Enter, not Ctrl-D then y; q, read after them, quits.
		app.stdin.write('\r');
		app.stdin.write('\u0004');
		app.stdin.write('y');
		app.stdin.write('q');
		await until(() => String(app.exits.length), (count) => count === '1');
		expect(app.exits).toEqual([{}]);
		expect(app.state.deleted).toEqual([]);
		expect(app.state.current).toBe('dev');
	});

	it('puts each Access mark under its heading at every cell width', async () => {
		const app = start(names, 'dev');
		await until(app.lastFrame, (text) => text.includes('4/4'));
		app.stdin.write('\t\t\t');
		await until(app.lastFrame, (text) => text.includes('RESOURCE') && text.includes('pods/log'));
		for (const columns of [100, 60, 40]) {
			Object.defineProperty(app.stdout, 'columns', {value: columns, configurable: true});
			app.stdout.emit('resize');
			const lines = (await until(app.lastFrame, (text) => text.split('\n').every((line) => stringWidth(line) <= columns) && text.includes('RESOURCE'))).split('\n');
			const heading = lines.find((line) => line.startsWith('RESOURCE'))!;
			const row = lines.find((line) => /^pods\s/.test(line))!;
			// get, the first verb: its heading's letter (or its second letter, in wider cells) over its mark.
			const first = heading.search(/(?<=RESOURCE\s+)\S/);
			if (columns === 40) expect(heading).toMatch(/ g {2}l {2}w /);
			const mark = row.search(/[✓✗·~?!]/);
			expect(mark - first, `${columns} columns:\n${heading}\n${row}`).toBe(heading.slice(first).startsWith('g ') ? 0 : 1);
		}
	});

	it('wraps a squeezed help description under itself, at spaces, rather than cutting its end', () => {
		const lines: HelpLine[] = [{kind: 'title', text: 'Everywhere'}, {kind: 'entry', keys: 'Esc / q / Ctrl-C', text: 'quit (Esc, q: with an empty filter)'}, {kind: 'entry', keys: 'Tab', text: 'next pane'}];
		const wrapped = wrapHelpLines(lines, 40);
		expect(wrapped).toEqual([lines[0], {kind: 'entry', keys: 'Esc / q / Ctrl-C', text: 'quit (Esc, q: with an'}, {kind: 'entry', keys: '', text: 'empty filter)'}, lines[2]]);
		expect(wrapHelpLines(lines, 80)).toEqual(lines);
	});

	it('keeps the tab of the pane shown whole on a narrow terminal: the others shorten, or it stands alone', () => {
		const line = (columns: number, shown: PaneId) => tabTitles(columns, shown).map(({title}) => ` ${title} `).join('');
		expect(line(80, 'certificates')).toBe(' Contexts  Namespaces  History  Access  Certificates  API ');
		for (const columns of [40, 50, 57]) {
			for (const shown of ['contexts', 'namespaces', 'history', 'access', 'certificates', 'api'] as const) {
				const tabs = tabTitles(columns, shown);
				expect(line(columns, shown).length, `${columns} ${shown}`).toBeLessThanOrEqual(columns);
				expect(tabs.find(({id}) => id === shown)?.title).toBe(panes.find(({id}) => id === shown)!.title);
				expect(tabs).toHaveLength(6);
			}
		}

		expect(line(30, 'certificates')).toBe(' Certificates 5/6 ');
	});

	it('reads a control key inside a typed-ahead chunk as that control key', () => {
		const plain = {upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageUp: false, pageDown: false, return: false, escape: false, ctrl: false, tab: false, shift: false, backspace: false, delete: false, meta: false};
		const keys = splitTypedAhead('ft\u0007\r', plain);
		expect(keys.map((key) => [key.input, key.ctrl, key.return])).toEqual([['f', false, false], ['t', false, false], ['g', true, false], ['', false, true]]);
	});

	it('shows the Access matrix when its pane opens, moves between verbs, explains a cell, and checks another namespace', async () => {
		const app = start(names, 'dev');
		await until(app.lastFrame, (text) => text.includes('4/4'));
		app.stdin.write('\t\t\t');
		const frame = await until(app.lastFrame, (text) => text.includes('RESOURCE') && text.includes('pods/log'));
		expect(frame).toContain('jane  ns default  groups system:authenticated  4 requests');
		expect(frame).toMatch(/pods\s+✓\s+✓\s+✗\s+✓/);
		expect(frame).toContain('non-resource URLs: get /healthz');
		expect(app.state.accessAsked).toEqual(['(own)']);
		app.stdin.write('pods');
		await until(app.lastFrame, (text) => text.includes('> pods'));
		app.stdin.write('\u001B[C');
		await until(app.lastFrame, (text) => text.includes('✓ list pods in default: allowed (rules review)'));
		app.stdin.write('\r');
		await until(app.lastFrame, (text) => text.includes('RoleBinding "dev-user-binding/default"'));
		app.stdin.write('\u0014');
		await until(app.lastFrame, (text) => text.includes('Check access in namespace: default'));
		app.stdin.write('\u007F'.repeat(7) + 'prod\r');
		await until(app.lastFrame, (text) => text.includes('jane  ns prod'));
		expect(app.state.accessAsked).toEqual(['(own)', 'prod']);
	});

	it('explains a cell that does not apply without asking the server, which would only say "not allowed"', async () => {
		const app = start(names, 'dev');
		await until(app.lastFrame, (text) => text.includes('4/4'));
		app.stdin.write('\t\t\t');
		await until(app.lastFrame, (text) => text.includes('pods/log'));
		app.stdin.write('log');
		await until(app.lastFrame, (text) => text.includes('> log'));
		app.stdin.write('\u001B[C');
		await until(app.lastFrame, (text) => text.includes('· list pods/log in default: n/a'));
		app.stdin.write('\r');
		const frame = await until(app.lastFrame, (text) => text.includes('list does not apply: discovery lists only get for pods/log'));
		expect(frame).not.toContain('the server says');
	});

	it('says in the Access pane when the identity is impersonated by constrained impersonation', async () => {
		const app = start(names, 'dev');
		app.state.constrained = 'user-info';
		await until(app.lastFrame, (text) => text.includes('4/4'));
		app.stdin.write('\t\t\t');
		await until(app.lastFrame, (text) => text.includes('constrained (✓ needs your impersonate-on)'));
	});

	it('keeps the app working when the Access pane cannot reach the cluster', async () => {
		const app = start(names, 'dev');
		app.state.accessFails = true;
		await until(app.lastFrame, (text) => text.includes('4/4'));
		app.stdin.write('\t\t\t');
		await until(app.lastFrame, (text) => text.includes('did not answer within 5s') && text.includes('Ctrl-R asks again'));
		app.stdin.write('\t\t');
		await until(app.lastFrame, (text) => text.includes('4/4'));
	});

	it('shows the Certificates fleet at once and each live check when it completes, for the current context or all', async () => {
		const app = start(names, 'dev');
		await until(app.lastFrame, (text) => text.includes('4/4'));
		app.stdin.write('\t\t\t\t');
		const first = await until(app.lastFrame, (text) => text.includes('STATUS') && text.includes('<7d'));
		expect(first).toContain('checking 1 server');
		app.state.finishProbe();
		const checked = await until(app.lastFrame, (text) => text.includes('unreachable: 127.0.0.1:6443 refused the connection'));
		expect(checked).toContain('current context');
		// The selected server row's detail says the error once, as its verdict.
		app.stdin.write('\u001B[A'.repeat(5));
		const selected = await until(app.lastFrame, (text) => text.includes('· server certificate ·'));
		expect(selected.split('\n').filter((line) => line.trim() === 'unreachable: 127.0.0.1:6443 refused the connection')).toHaveLength(1);
		app.stdin.write('\u0001');
		await until(app.lastFrame, (text) => text.includes('all contexts'));
		expect(app.state.certificatesAsked).toEqual([false, true]);
	});

	it('browses API groups and resources, finds a CRD by its short name, and GETs a path through the proxy', async () => {
		const app = start(names, 'dev');
		await until(app.lastFrame, (text) => text.includes('4/4'));
		app.stdin.write('\t\t\t\t\t');
		const tree = await until(app.lastFrame, (text) => text.includes('flights.com/v1') && text.includes('aggregated discovery: 2 requests'));
		expect(tree).toMatch(/flights\.com\/v1\s+GA · preferred · CRD/);
		app.stdin.write('ft');
		const found = await until(app.lastFrame, (text) => text.includes('FlightTicket (flights.com/v1)'));
		expect(found).toContain('curl http://127.0.0.1:8001/apis/flights.com/v1/namespaces/default/flighttickets');
		// Ranked by the filter, a resource is not under its own group's heading: its row names the group version.
		expect(found.split('\n').find((line) => line.includes('flighttickets (ft)'))).toMatch(/^flighttickets \(ft\)\s+FlightTicket\s+namespaced\s+flights\.com\/v1$/);
		app.stdin.write('\r');
		const answer = await until(app.lastFrame, (text) => text.includes('HTTP 200') && text.includes('"my-ticket"'));
		expect(answer).toContain('"kind": "FlightTicketList"');
		expect(app.state.rawPaths).toEqual(['/apis/flights.com/v1/namespaces/default/flighttickets']);
		// Over the answer ? helps, as its footer says, though the filter behind it holds "ft".
		app.stdin.write('?');
		await until(app.lastFrame, (text) => text.includes('Keys in the API pane'));
		app.stdin.write('\u001B');
		await until(app.lastFrame, (text) => !text.includes('Keys in the API pane') && text.includes('HTTP 200'));
		app.stdin.write('\u001B');
		await until(app.lastFrame, (text) => text.includes('> ft') && !text.includes('> ft?'));
		app.stdin.write('\u0007');
		await until(app.lastFrame, (text) => text.includes('GET /apis/flights.com/v1/namespaces/default/flighttickets█'));
		app.stdin.write('\u007F'.repeat(60) + '/version\r');
		await until(app.lastFrame, (text) => text.includes('GET /version  HTTP 200'));
		expect(app.state.rawPaths.at(-1)).toBe('/version');
	});

	it('reads the API again after a context switch: the proxy it went through belonged to the old context', async () => {
		const app = start(names, 'dev');
		await until(app.lastFrame, (text) => text.includes('4/4'));
		app.stdin.write('\t\t\t\t\t');
		await until(app.lastFrame, (text) => text.includes('aggregated discovery: 2 requests'));
		expect(app.state.apiCalls).toBe(1);
		app.stdin.write('\t');
		await until(app.lastFrame, (text) => text.includes('4/4'));
		app.stdin.write('stag\r');
		await until(app.lastFrame, (text) => text.includes('Switched to context "staging".'));
		app.stdin.write('\t\t\t\t\t');
		await until(app.lastFrame, (text) => text.includes('aggregated discovery: 2 requests') && app.state.apiCalls === 2);
	});
});

