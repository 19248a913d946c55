// Times the real TUI in a pseudo-terminal (util-linux `script`): the first useful frame (the list is
// counted on screen), key-to-frame latency while typing a query, and peak RSS, at a given size.
import {spawn} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const percentile = (values, p) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil((p / 100) * values.length) - 1)];

/**
 * One session: open the app, wait for the list, type `query` a key at a time, quit. Sessions that share
 * a `home` share kubehop's index cache, as a user's launches do; the first one in a fresh home is cold.
 * By default each key goes the moment the previous frame is seen; `pace` types as a person does: the
 * first key `firstKeyMs` after the list appears, each next one `betweenKeysMs` after the previous key's frame.
 */
export async function tuiSession({cli, kubeconfig, contexts, query, home, env = {}, pace}) {
	const rssFile = path.join(home, `rss-${process.pid}-${Math.random().toString(36).slice(2)}`);
	const command = `stty cols 100 rows 30; exec /usr/bin/time -f %M -o ${rssFile} ${process.execPath} ${cli}`;
	const started = performance.now();
	const child = spawn('script', ['-qfec', command, '/dev/null'], {env: {PATH: process.env.PATH, HOME: home, KUBECONFIG: kubeconfig, TERM: 'xterm-256color', NO_COLOR: '1', ...env}, stdio: ['pipe', 'pipe', 'ignore']});
	let screen = '';
	let waiter;
	child.stdout.on('data', (chunk) => {
		screen += chunk.toString('utf8');
		if (waiter && screen.includes(waiter.text)) {
			const {resolve} = waiter;
			waiter = undefined;
			resolve(performance.now());
		}
	});
	const waitFor = (text, timeoutMs = 30_000) =>
		new Promise((resolve, reject) => {
			if (screen.includes(text)) return resolve(performance.now());
			const timer = setTimeout(() => reject(new Error(`timed out waiting for ${JSON.stringify(text)}; the screen shows:\n${screen.slice(-2000)}`)), timeoutMs);
			waiter = {text, resolve: (at) => (clearTimeout(timer), resolve(at))};
		});
	try {
		const firstFrame = (await waitFor(`${contexts}/${contexts}`)) - started;
		const latencies = [];
		let typed = '';
		for (const char of query) {
			if (pace) await new Promise((resolve) => setTimeout(resolve, typed === '' ? pace.firstKeyMs : pace.betweenKeysMs));
			typed += char;
			screen = '';
			const sent = performance.now();
			child.stdin.write(char);
			latencies.push((await waitFor(`> ${typed}`)) - sent);
		}

		child.stdin.write('\u0003');
		await new Promise((resolve) => child.once('exit', resolve));
		const rssMiB = Number(fs.readFileSync(rssFile, 'utf8').trim().split('\n').at(-1)) / 1024;
		return {firstFrame, latencies, rssMiB};
	} finally {
		child.kill('SIGKILL');
		fs.rmSync(rssFile, {force: true});
	}
}

export function summarise(sessions) {
	const latencies = sessions.flatMap((session) => session.latencies);
	return {
		...keyLatencies(sessions),
		firstFrameMs: median(sessions.map((session) => session.firstFrame)),
		peakRssMiB: Math.max(...sessions.map((session) => session.rssMiB)),
	};
}

export function keyLatencies(sessions) {
	const latencies = sessions.flatMap((session) => session.latencies);
	return {keyMedianMs: median(latencies), keyP95Ms: percentile(latencies, 95)};
}
