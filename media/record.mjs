// `npm run media`: records the real kubehop TUI against a real local control plane (kube-apiserver and etcd,
// started like `npm run demo`) inside tmux, and writes media/screenshot.svg, media/screenshot.png, media/demo.svg
// and, when ImageMagick is installed, media/demo.gif. Nothing here touches the user's ~/.kube: HOME is temporary.
import {execFileSync, spawnSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';
import {build} from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const media = path.join(root, 'media');
const [columns, rows] = [100, 28];
const socket = 'kubehop-media';
const started = Date.now();
const log = (text) => console.error(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${text}`);

// ---------------------------------------------------------------- the cluster (as test/cluster/demo.mjs does)

async function loadClusterTools() {
	const outfile = path.join(root, 'node_modules', '.cache', 'kubehop-media-cluster.mjs');
	await build({
		stdin: {
			contents: "export {resolveBinaries} from '../test/cluster/control-plane/binaries.ts';\nexport {startControlPlane} from '../test/cluster/control-plane/control-plane.ts';\n",
			resolveDir: media,
			loader: 'ts',
		},
		bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', outfile, logLevel: 'warning',
	});
	return import(pathToFileURL(outfile).href);
}

// Realistic neighbours for the demo cluster's three contexts, in a second kubeconfig file. kubehop only reads them.
function cloudKubeconfig() {
	const eks = (region, name, host) => ({
		name: `arn:aws:eks:${region}:123456789012:cluster/${name}`,
		// Every server in this kubeconfig is on loopback: the app may connect to the current context's server.
		server: `https://127.0.${Number.parseInt(host.slice(0, 2), 16)}.1:443`,
		user: `- name: arn:aws:eks:${region}:123456789012:cluster/${name}\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n      command: aws\n      args: [--region, ${region}, eks, get-token, --cluster-name, ${name}, --output, json]\n      env: [{name: AWS_PROFILE, value: acme-${name.split('-').at(-1)}}]`,
		namespace: name.split('-')[0],
	});
	const gke = (zone, name, ip) => ({
		name: `gke_acme-platform_${zone}_${name}`,
		server: `https://127.${ip.split('.').slice(1).join('.')}`,
		user: `- name: gke_acme-platform_${zone}_${name}\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n      command: gke-gcloud-auth-plugin\n      provideClusterInfo: true`,
		namespace: name.startsWith('ml') ? 'models' : 'analytics',
	});
	const local = (name, server, file) => ({
		name,
		server,
		user: `- name: ${name}\n  user:\n    client-certificate: ${file}/client.crt\n    client-key: ${file}/client.key`,
	});
	const entries = [
		eks('eu-west-1', 'payments-prod', 'B3F1C0DE5A7E4C2D9F8A6B1E0C3D7A52'),
		eks('eu-west-1', 'payments-staging', '6D2E9A41C7B05F3E8A1D4C6B9E2F7031'),
		eks('us-east-1', 'checkout-prod', 'F09A7C3E1B5D4A6E2C8F0B9D3A7E51C4'),
		gke('europe-west1-b', 'data-prod', '34.76.112.45'),
		gke('europe-west1-b', 'data-dev', '35.195.20.187'),
		eks('ap-southeast-2', 'search-prod', '1C7E5B90A3D64F2E8B0A9C1D5E7F3B68'),
		gke('us-central1', 'ml-training', '34.122.8.201'),
		gke('us-central1', 'ml-serving-prod', '35.224.61.9'),
		local('oidc@platform-dev.acme.internal', 'https://127.0.0.2:6443', '/home/dev/.kube/oidc'),
		local('kind-local', 'https://127.0.0.1:40743', '/home/dev/.kind/local'),
		local('minikube', 'https://127.0.0.3:8443', '/home/dev/.minikube/profiles/minikube'),
		local('docker-desktop', 'https://127.0.0.4:6443', '/home/dev/.docker/desktop/kube'),
	];
	return [
		'apiVersion: v1',
		'kind: Config',
		'clusters:',
		...entries.map((entry) => `- cluster:\n    server: ${entry.server}\n  name: ${entry.name}`),
		'contexts:',
		...entries.map((entry) => `- context:\n    cluster: ${entry.name}\n    user: ${entry.name}${entry.namespace ? `\n    namespace: ${entry.namespace}` : ''}\n  name: ${entry.name}`),
		'users:',
		...entries.map((entry) => entry.user),
		'',
	].join('\n');
}

// ---------------------------------------------------------------- tmux

const tmux = (...args) => execFileSync('tmux', ['-L', socket, ...args], {encoding: 'utf8'});
const screenAnsi = () => tmux('capture-pane', '-p', '-e', '-t', 'media');
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const plain = (ansi) => ansi.replace(/\u001B\[[\d;:]*m/g, '');

/** Polls the pane until `test(plainText, ansiText)` holds, then until it stops changing (Ink may paint in more than one write). */
async function waitFor(description, test, {timeoutMs = 15_000} = {}) {
	const deadline = Date.now() + timeoutMs;
	let ansi = '';
	for (;;) {
		ansi = screenAnsi();
		if (test(plain(ansi), ansi)) break;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${description}; the pane shows:\n${plain(ansi)}`);
		await pause(40);
	}

	for (let previous = ''; ansi !== previous && Date.now() < deadline; ) {
		previous = ansi;
		await pause(120);
		ansi = screenAnsi();
	}

	return ansi;
}

const keys = (...names) => tmux('send-keys', '-t', 'media', ...names);
const literal = (text) => tmux('send-keys', '-t', 'media', '-l', text);
const lines = (text) => text.split('\n');

// ---------------------------------------------------------------- ANSI SGR -> SVG

const theme = {
	background: '#0d1117', foreground: '#d0d7de', title: '#161b22', border: '#30363d',
	// black red green yellow blue magenta cyan white, then the bright eight
	palette: ['#484f58', '#ff7b72', '#3fb950', '#d29922', '#58a6ff', '#bc8cff', '#39c5cf', '#b1bac4', '#6e7681', '#ffa198', '#56d364', '#e3b341', '#79c0ff', '#d2a8ff', '#56d4dd', '#f0f6fc'],
};
const font = {size: 14, width: 8.43, height: 19, family: "'SF Mono', Menlo, 'DejaVu Sans Mono', Consolas, 'Liberation Mono', monospace"};

function color256(n) {
	if (n < 16) return theme.palette[n];
	if (n >= 232) return `#${((n - 232) * 10 + 8).toString(16).padStart(2, '0').repeat(3)}`;
	const level = (v) => (v === 0 ? 0 : v * 40 + 55).toString(16).padStart(2, '0');
	const i = n - 16;
	return `#${level(Math.floor(i / 36))}${level(Math.floor(i / 6) % 6)}${level(i % 6)}`;
}

/** One line of `capture-pane -e` output into runs of text sharing a style. */
function parseLine(line) {
	const runs = [];
	let style = {};
	for (const [, codes, text] of line.matchAll(/(?:\u001B\[([\d;:]*)m)?([^\u001B]*)/g)) {
		if (codes !== undefined) {
			const list = codes === '' ? [0] : codes.split(/[;:]/).map(Number);
			style = {...style};
			for (let i = 0; i < list.length; i++) {
				const code = list[i];
				if (code === 0) style = {};
				else if (code === 1) style.bold = true;
				else if (code === 2) style.dim = true;
				else if (code === 22) style.bold = style.dim = false;
				else if (code === 3) style.italic = true;
				else if (code === 23) style.italic = false;
				else if (code === 4) style.underline = true;
				else if (code === 24) style.underline = false;
				else if (code === 7) style.inverse = true;
				else if (code === 27) style.inverse = false;
				else if (code >= 30 && code <= 37) style.fg = theme.palette[code - 30];
				else if (code >= 90 && code <= 97) style.fg = theme.palette[code - 82];
				else if (code >= 40 && code <= 47) style.bg = theme.palette[code - 40];
				else if (code >= 100 && code <= 107) style.bg = theme.palette[code - 92];
				else if (code === 39) style.fg = undefined;
				else if (code === 49) style.bg = undefined;
				else if (code === 38 || code === 48) {
					const value = list[i + 1] === 5 ? color256(list[i + 2]) : `#${list.slice(i + 2, i + 5).map((v) => v.toString(16).padStart(2, '0')).join('')}`;
					i += list[i + 1] === 5 ? 2 : 4;
					style[code === 38 ? 'fg' : 'bg'] = value;
				}
			}
		}

		if (text) runs.push({text, style});
	}

	return runs;
}

const escapeXml = (text) => text.replace(/[&<>"]/g, (char) => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;'})[char]);

// Box-drawing characters become lines, which meet across rows whatever the font and line height.
const boxArms = {'─': 'lr', '│': 'ud', '┌': 'rd', '╭': 'rd', '┐': 'ld', '╮': 'ld', '└': 'ur', '╰': 'ur', '┘': 'ul', '╯': 'ul', '├': 'udr', '┤': 'udl', '┬': 'lrd', '┴': 'lru', '┼': 'udlr'};

function boxPath(char, x, y) {
	const [cx, cy] = [x + font.width / 2, y + font.height / 2];
	const ends = [...boxArms[char]].map((arm) => ({u: [cx, y], d: [cx, y + font.height], l: [x, cy], r: [x + font.width, cy]})[arm].map((v) => v.toFixed(1)).join(' '));
	return '╭╮╰╯'.includes(char) ? `M${ends[0]}Q${cx.toFixed(1)} ${cy.toFixed(1)} ${ends[1]}` : ends.map((end) => `M${cx.toFixed(1)} ${cy.toFixed(1)}L${end}`).join('');
}

/** A screen of ANSI text as SVG elements, positioned cell by cell so any monospace font lines up. */
function renderScreen(ansi, {x0, y0}) {
	const parts = [];
	lines(ansi).slice(0, rows).forEach((line, row) => {
		let column = 0;
		const y = y0 + row * font.height;
		for (const {text, style} of parseLine(line)) {
			let fg = style.fg ?? theme.foreground;
			let bg = style.bg;
			if (style.inverse) [fg, bg] = [bg ?? theme.background, fg];
			const x = (at) => x0 + at * font.width;
			const chars = [...text];
			if (bg) parts.push(`<rect x="${x(column).toFixed(1)}" y="${y}" width="${(chars.length * font.width).toFixed(1)}" height="${font.height}" fill="${bg}"/>`);
			// Split the run into box-drawing characters and text.
			for (const [, box, plain] of text.matchAll(/([─│┌╭┐╮└╰┘╯├┤┬┴┼]+)|([^─│┌╭┐╮└╰┘╯├┤┬┴┼]+)/g)) {
				const opacity = style.dim ? ' opacity="0.55"' : '';
				if (box) parts.push(`<path d="${[...box].map((char, index) => boxPath(char, x(column + index), y)).join('')}" fill="none" stroke="${fg}" stroke-width="1.3"${opacity}/>`);
				if (plain?.trim()) {
					const attributes = [`x="${x(column).toFixed(1)}"`, `y="${(y + font.height * 0.76).toFixed(1)}"`];
					if (fg !== theme.foreground) attributes.push(`fill="${fg}"`);
					if (style.bold) attributes.push('font-weight="bold"');
					if (style.italic) attributes.push('font-style="italic"');
					if (style.underline) attributes.push('text-decoration="underline"');
					parts.push(`<text ${attributes.join(' ')}${opacity}>${escapeXml(plain)}</text>`);
				}

				column += [...(box ?? plain)].length;
			}
		}
	});
	return parts.join('');
}

const padding = 16;
const titleHeight = 32;
const width = Math.round(columns * font.width + padding * 2);
const height = titleHeight + rows * font.height + padding * 2 - 6;

/** The window around the screen(s): rounded frame, title bar with three dots and a title. */
function svgDocument(body, {title, style = ''}) {
	const dots = ['#ff5f57', '#febc2e', '#28c840'].map((fill, index) => `<circle cx="${20 + index * 20}" cy="${titleHeight / 2}" r="6" fill="${fill}"/>`).join('');
	return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">
${style ? `<style>${style}</style>` : ''}
<rect x="0.5" y="0.5" width="${width - 1}" height="${height - 1}" rx="10" fill="${theme.background}" stroke="${theme.border}"/>
<path d="M0.5 ${titleHeight}V10.5a10 10 0 0 1 10-10H${width - 10.5}a10 10 0 0 1 10 10V${titleHeight}Z" fill="${theme.title}" stroke="${theme.border}"/>
${dots}<text x="${width / 2}" y="${titleHeight / 2 + 5}" text-anchor="middle" fill="#8b949e" font-family="${font.family}" font-size="13">${escapeXml(title)}</text>
<g font-family="${font.family}" font-size="${font.size}" fill="${theme.foreground}" xml:space="preserve">
${body}
</g>
</svg>
`;
}

const screenOrigin = {x0: padding, y0: titleHeight + padding - 6};
const stillSvg = (ansi, title) => svgDocument(renderScreen(ansi, screenOrigin), {title});

/** Frames shown one after another by CSS keyframes (steps, so no cross-fades), looping forever. */
function animatedSvg(frames, title) {
	const total = frames.reduce((sum, frame) => sum + frame.ms, 0);
	let at = 0;
	const percent = (ms) => `${((ms / total) * 100).toFixed(3)}%`;
	// Without CSS animation (rsvg, some previews) the poster frame shows; with it, the keyframes decide.
	const rules = [`g.f{animation:${(total / 1000).toFixed(2)}s steps(1,end) infinite}`];
	const groups = frames.map((frame, index) => {
		const [start, end] = [at, (at += frame.ms)];
		rules.push(`@keyframes k${index}{0%{opacity:${start === 0 ? 1 : 0}}${start === 0 ? '' : `${percent(start)}{opacity:1}`}${end >= total ? '' : `${percent(end)}{opacity:0}`}100%{opacity:${end >= total ? 1 : 0}}}#f${index}{animation-name:k${index}}`);
		return `<g class="f" id="f${index}" opacity="${frame.poster ? 1 : 0}">${renderScreen(frame.ansi, screenOrigin)}</g>`;
	});
	return svgDocument(groups.join('\n'), {title, style: rules.join('')});
}

// ---------------------------------------------------------------- conversions

const has = (tool) => spawnSync('sh', ['-c', `command -v ${tool}`], {stdio: 'ignore'}).status === 0;

function toPng(svgFile, pngFile, scale = 2) {
	execFileSync('rsvg-convert', ['--zoom', String(scale), '--output', pngFile, svgFile]);
}

function gif(frames, title, file) {
	const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'kubehop-gif-'));
	try {
		const args = [];
		frames.forEach((frame, index) => {
			const svg = path.join(directory, `${index}.svg`);
			fs.writeFileSync(svg, stillSvg(frame.ansi, title));
			toPng(svg, path.join(directory, `${index}.png`), 1);
			args.push('-delay', String(Math.round(frame.ms / 10)), path.join(directory, `${index}.png`));
		});
		execFileSync('convert', ['-loop', '0', ...args, '-layers', 'Optimize', file]);
	} finally {
		fs.rmSync(directory, {recursive: true, force: true});
	}
}

// ---------------------------------------------------------------- the recording

async function record(cluster) {
	const frames = [];
	const shoot = async (ms, description, test, {poster = false} = {}) => {
		const ansi = await waitFor(description, test);
		frames.push({ansi, ms, poster});
		return plain(ansi);
	};

	const activeTab = (ansi) => parseLine(lines(ansi)[1] ?? '').find((run) => run.style.inverse)?.text.trim();
	const header = (text) => lines(text)[0] ?? '';
	const filterLine = (text) => lines(text).find((line) => line.startsWith('> ')) ?? '';
	const type = async (text, {last = 900} = {}) => {
		for (const [index, char] of [...text].entries()) {
			literal(char);
			const typed = text.slice(0, index + 1);
			await shoot(index === text.length - 1 ? last : 140, `the filter "${typed}"`, (screen) => filterLine(screen).startsWith(`> ${typed}`) && / \d+\/\d+/.test(filterLine(screen)));
		}
	};

	// A shell prompt first, so the demo starts where a user does.
	await shoot(700, 'the prompt', (text) => text.includes('$'));
	for (const [index, char] of [...'kubehop'].entries()) {
		literal(char);
		await shoot(index === 6 ? 400 : 110, 'the command line', (text) => lines(text)[0].endsWith(`$ ${'kubehop'.slice(0, index + 1)}`));
	}

	keys('Enter');
	const opened = await shoot(1800, 'the app with details', (text) => header(text).startsWith('kubehop ') && header(text).includes(cluster.server.replace('https://', '')) && filterLine(text).includes('/'), {poster: true});
	const tabs = lines(opened)[1].trim().split(/\s+/);
	log(`the app is open; panes: ${tabs.join(', ')}`);

	// A fuzzy query, Enter to switch (the header changes), `-` to come back.
	await type('jnlo', {last: 1300});
	keys('Enter');
	await shoot(1600, 'the switch to jane', (text) => header(text).startsWith(`kubehop ${cluster.contexts.jane}`) && filterLine(text).startsWith('>  '));
	literal('-');
	await shoot(1600, 'the switch back', (text) => header(text).startsWith(`kubehop ${cluster.contexts.admin}`));

	// Every other pane, if this build has any, then round to the contexts again.
	for (const pane of tabs.slice(1)) {
		keys('Tab');
		await shoot(2000, `the ${pane} pane`, (text, ansi) => activeTab(ansi) === pane && !text.includes('loading'));
	}

	if (tabs.length > 1) {
		keys('Tab');
		await shoot(900, 'the contexts pane again', (text, ansi) => activeTab(ansi) === tabs[0]);
	}

	literal('?');
	await shoot(2600, 'the help overlay', (text) => text.includes('Keys'));
	literal('?');
	await shoot(700, 'the help closed', (text) => !text.includes('Keys') && filterLine(text).startsWith('> '));

	// The still: a query narrowing a long list, with the preview of the selection (not part of the animation).
	literal('dataprod');
	const still = await waitFor('the screenshot query', (text) => filterLine(text).startsWith('> dataprod') && / \d+\/\d+/.test(filterLine(text)) && text.includes('server'));
	keys('Escape');
	await waitFor('the cleared filter', (text) => filterLine(text).startsWith('>  '));

	literal('q');
	await shoot(2500, 'the prompt again', (text) => !text.includes('Contexts') && lines(text.trimEnd()).at(-1).endsWith('$'));
	return {frames, still};
}

// The raw captures are kept, so `node media/record.mjs --from-cache` redraws the media without recording again.
const capturesFile = path.join(root, 'node_modules', '.cache', 'kubehop-media-captures.json');

async function main() {
	if (process.argv.includes('--from-cache')) return render(JSON.parse(fs.readFileSync(capturesFile, 'utf8')));
	if (!fs.existsSync(path.join(root, 'dist', 'cli.js'))) throw new Error('dist/cli.js is missing: run npm run build first (npm run media does)');
	if (!has('tmux')) throw new Error('tmux is needed: apt-get install -y tmux');
	const {resolveBinaries, startControlPlane} = await loadClusterTools();
	log('resolving kube-apiserver, etcd and kubectl (built once, then cached)...');
	const binaries = resolveBinaries();
	log('starting the control plane...');
	const cluster = await startControlPlane(binaries);
	let frames;
	let still;
	try {
		log(`control plane up at ${cluster.server}`);
		const bin = path.join(cluster.home, 'bin');
		fs.mkdirSync(bin, {recursive: true});
		// A copy of the build, so a rebuild running alongside (it empties dist/ first) cannot pull it from under the app.
		fs.cpSync(path.join(root, 'dist'), path.join(cluster.home, 'kubehop'), {recursive: true});
		fs.symlinkSync(path.join(cluster.home, 'kubehop', 'cli.js'), path.join(bin, 'kubehop'));
		fs.symlinkSync(binaries.kubectl, path.join(bin, 'kubectl'));
		const clouds = path.join(cluster.home, '.kube', 'clouds.yaml');
		fs.writeFileSync(clouds, cloudKubeconfig(), {mode: 0o600});
		const env = {
			HOME: cluster.home,
			KUBECONFIG: [cluster.kubeconfig, clouds].join(path.delimiter),
			PATH: [bin, path.dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(path.delimiter),
			TERM: 'xterm-256color',
			LANG: 'C.UTF-8',
			PS1: '\\[\\e[1;32m\\]~/work\\[\\e[0m\\] $ ',
		};
		tmux('-f', '/dev/null', 'new-session', '-d', '-s', 'media', '-x', String(columns), '-y', String(rows), '-c', cluster.home, 'env', '-i', ...Object.entries(env).map(([key, value]) => `${key}=${value}`), 'bash', '--norc', '--noprofile');
		tmux('set-option', '-t', 'media', 'status', 'off');
		({frames, still} = await record(cluster));
	} finally {
		spawnSync('tmux', ['-L', socket, 'kill-server'], {stdio: 'ignore'});
		await cluster.stop();
		log('control plane stopped, tmux server killed');
	}

	fs.writeFileSync(capturesFile, JSON.stringify({frames, still}));
	render({frames, still});
}

function render({frames, still}) {
	const title = 'kubehop — ~/work';
	fs.writeFileSync(path.join(media, 'screenshot.svg'), stillSvg(still, title));
	fs.writeFileSync(path.join(media, 'demo.svg'), animatedSvg(frames, title));
	log(`wrote media/screenshot.svg and media/demo.svg (${frames.length} frames, ${(frames.reduce((sum, frame) => sum + frame.ms, 0) / 1000).toFixed(1)} s loop)`);
	if (has('rsvg-convert')) {
		toPng(path.join(media, 'screenshot.svg'), path.join(media, 'screenshot.png'));
		log('wrote media/screenshot.png');
	} else {
		console.error('rsvg-convert is missing, so no media/screenshot.png: sudo apt-get install -y librsvg2-bin (Debian/Ubuntu) or brew install librsvg (macOS)');
	}

	if (has('rsvg-convert') && has('convert')) {
		gif(frames, title, path.join(media, 'demo.gif'));
		log('wrote media/demo.gif');
	} else {
		console.error('No media/demo.gif: it needs rsvg-convert and ImageMagick (sudo apt-get install -y librsvg2-bin imagemagick).');
	}
}

await main();
