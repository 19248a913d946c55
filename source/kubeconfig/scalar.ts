// kubectl reads kubeconfig through go-yaml v2 (YAML 1.1), then decodes JSON into typed structs.
// An unquoted `yes` or `012` therefore becomes a bool or an int, and a string field then fails to load.
// These rules mirror go-yaml v2's resolve.go for plain (unquoted) scalars.

export type ScalarType = 'string' | 'bool' | 'int' | 'float' | 'null';

const nullWords = new Set(['', '~', 'null', 'Null', 'NULL']);
const boolWords = new Set([
	'y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON', 'true', 'True', 'TRUE',
	'n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF', 'false', 'False', 'FALSE',
]);
const specialFloats = new Set(['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF', '.nan', '.NaN', '.NAN']);
// Go's strconv.ParseInt(s, 0, 64) after go-yaml strips underscores: decimal, 0x, 0o, 0b and leading-zero octal.
const goInteger = /^[-+]?(?:0[xX][\da-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9]\d*)$/;
const yamlFloat = /^[-+]?(?:\.\d+|\d+(?:\.\d*)?)(?:[eE][-+]?\d+)?$/;

export function resolvePlainScalar(text: string): ScalarType {
	// Fast exit for the common case, without hashing: names, URLs and base64 data start with a letter or '/'.
	const first = text.charCodeAt(0);
	const couldBeSpecial = (first >= 48 && first <= 57) || first === 43 || first === 45 || first === 46 || text.length <= 5;
	if (!couldBeSpecial) return 'string';
	if (nullWords.has(text)) return 'null';
	if (boolWords.has(text)) return 'bool';
	if (specialFloats.has(text)) return 'float';
	const digits = text.includes('_') ? text.replaceAll('_', '') : text;
	if (goInteger.test(digits)) return 'int';
	if (yamlFloat.test(digits)) return 'float';
	return 'string';
}

/** True when `text` may be written unquoted and still reads back as this exact string in YAML 1.1 and 1.2. */
export function isSafePlainScalar(text: string): boolean {
	if (text === '' || text.trim() !== text) return false;
	if (resolvePlainScalar(text) !== 'string') return false;
	// YAML 1.2 core schema extras and timestamps: keep anything number- or date-like quoted.
	if (/^[-+]?[\d.]/.test(text) && /^[-+]?[\d._:eE+-]+$/.test(text)) return false;
	if (/^\d{4}-\d\d?-\d\d?/.test(text)) return false;
	if (/^[-?:,[\]{}#&*!|>'"%@`]/.test(text) && !/^[-?:][^\s]/.test(text)) return false;
	if (/^[,[\]{}#&*!|>'"%@`]/.test(text)) return false;
	if (text.includes(': ') || text.includes(' #') || text.endsWith(':')) return false;
	// Control characters, line breaks and non-printables never go out unquoted.
	// eslint-disable-next-line no-control-regex
	if (/[\u0000-\u001F\u007F-\u009F\u2028\u2029\uFEFF]/.test(text)) return false;
	return true;
}

export function doubleQuoted(text: string): string {
	// JSON string syntax is valid YAML double-quoted syntax; escape the line separators YAML treats as breaks.
	return JSON.stringify(text).replaceAll('\u2028', '\\u2028').replaceAll('\u2029', '\\u2029').replaceAll('\u0085', '\\u0085');
}

export function singleQuoted(text: string): string | undefined {
	// eslint-disable-next-line no-control-regex
	if (/[\u0000-\u001F\u007F-\u009F\u2028\u2029]/.test(text)) return undefined;
	return `'${text.replaceAll("'", "''")}'`;
}

/**
 * isSafePlainScalar, inside `{...}` or `[...]` too. There go-yaml v2 (as libyaml) ends a plain scalar at
 * `,` `?` `[` `]` `{` `}`, and refuses a `:` before one: `{name: a?}` and `{name: ::1}` stop kubectl
 * loading the file. Names with any of them, or with `:` or `#`, are quoted there.
 */
export function isSafeFlowPlainScalar(text: string): boolean {
	return isSafePlainScalar(text) && !/[,?[\]{}:#]/.test(text);
}

export type ScalarStyle = 'plain' | 'single' | 'double' | 'block';

/**
 * Renders a string for YAML, keeping the style the file already used where it can still say the same
 * thing; `flow` when it goes inside a flow mapping or sequence.
 */
export function renderScalar(text: string, preferred: ScalarStyle = 'plain', flow = false): string {
	if (preferred === 'single') return singleQuoted(text) ?? doubleQuoted(text);
	if (preferred === 'double') return doubleQuoted(text);
	return (flow ? isSafeFlowPlainScalar(text) : isSafePlainScalar(text)) ? text : doubleQuoted(text);
}
