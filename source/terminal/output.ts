// Plain text when the stream is not a terminal or NO_COLOR is set; names are escaped before they reach
// a terminal, so a context called "\e]0;pwned\a" can't retitle the window or move the cursor.

export type Stream = {write(text: string): unknown; isTTY?: boolean};

export type Output = {
	stdout: Stream;
	stderr: Stream;
	color: {stdout: boolean; stderr: boolean};
};

export function createOutput(stdout: Stream, stderr: Stream, env: Record<string, string | undefined>, noColorFlag: boolean): Output {
	const allowed = !noColorFlag && !env.NO_COLOR && env.TERM !== 'dumb';
	const forced = Boolean(env.FORCE_COLOR) && env.FORCE_COLOR !== '0';
	return {
		stdout,
		stderr,
		color: {stdout: allowed && (forced || Boolean(stdout.isTTY)), stderr: allowed && (forced || Boolean(stderr.isTTY))},
	};
}

// C0, DEL, C1 controls and the bidirectional overrides that can disguise a name.
// eslint-disable-next-line no-control-regex
const unsafe = /[\u0000-\u001F\u007F-\u009F\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

export function escapeForTerminal(text: string): string {
	return text.replace(unsafe, (char) => {
		const code = char.charCodeAt(0);
		return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
	});
}

/** A name as it may be shown on this stream: raw into a pipe, escaped on a terminal. */
export function shown(stream: Stream, text: string): string {
	return stream.isTTY ? escapeForTerminal(text) : text;
}

const codes = {bold: [1, 22], dim: [2, 22], red: [31, 39], green: [32, 39], yellow: [33, 39], cyan: [36, 39]} as const;

export type Style = keyof typeof codes;

export function paint(enabled: boolean, style: Style, text: string): string {
	if (!enabled) return text;
	const [open, close] = codes[style];
	return `\u001B[${open}m${text}\u001B[${close}m`;
}

export function success(output: Output, message: string): void {
	output.stderr.write(`${output.color.stderr ? `${paint(true, 'green', '✔')} ` : ''}${message}\n`);
}

export function warn(output: Output, message: string): void {
	output.stderr.write(`${paint(output.color.stderr, 'yellow', 'warning:')} ${message}\n`);
}

export function printJson(output: Output, value: unknown): void {
	output.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

// eslint-disable-next-line no-control-regex
const colourSequences = /^(?:\u001B\[[\d;]*m)+$/;

/**
 * The current context or namespace in a list, marked as kubectx marks it: bold green, or the colours a
 * kubectx user set in KUBECTX_CURRENT_FGCOLOR and KUBECTX_CURRENT_BGCOLOR (`$(tput setaf 6)` and the
 * like). Only colour sequences are taken from those; anything else in them is ignored.
 */
export function paintCurrent(output: Output, env: Record<string, string | undefined>, label: string): string {
	if (!output.color.stdout) return label;
	const chosen = [env.KUBECTX_CURRENT_FGCOLOR, env.KUBECTX_CURRENT_BGCOLOR].filter((value): value is string => value !== undefined && colourSequences.test(value));
	return chosen.length > 0 ? `${chosen.join('')}${label}\u001B[0m` : paint(true, 'green', paint(true, 'bold', label));
}

// East Asian wide and fullwidth characters (Unicode's EastAsianWidth W and F, the ranges names use):
// two columns each on a terminal. Without string-width, whose emoji tables the scripted paths need not load.
const wide = /[\u1100-\u115F\u2E80-\u303E\u3041-\u33FF\u3400-\u4DBF\u4E00-\u9FFF\uA000-\uA4CF\uA960-\uA97F\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6]|[\u{1F300}-\u{1F64F}\u{1F680}-\u{1F6FF}\u{1F900}-\u{1F9FF}\u{1FA70}-\u{1FAFF}\u{20000}-\u{3FFFD}]/u;

const printableAscii = /^[\u0020-\u007E]*$/;

/** The columns a table cell takes: wide characters count two. */
export function columnsOf(text: string): number {
	if (printableAscii.test(text)) return text.length;
	let columns = 0;
	for (const character of text) columns += wide.test(character) ? 2 : 1;
	return columns;
}

/** A table cell padded to `width` columns. */
export function padColumns(text: string, width: number): string {
	return `${text}${' '.repeat(Math.max(0, width - columnsOf(text)))}`;
}
