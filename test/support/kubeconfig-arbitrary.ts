import fc from 'fast-check';

// Generated kubeconfigs in the styles real ones come in: comments, every quoting style, odd names,
// compact or indented lists, CRLF, a missing final newline and trailing extra documents.

const nameCharacters = fc.constantFrom(...'abcxyz019-_.:/@ é'.split(''));
export const contextName = fc
	.array(nameCharacters, {minLength: 1, maxLength: 12})
	.map((chars) => chars.join('').trim())
	.filter((name) => name.length > 0);

const awkwardValues = fc.constantFrom('yes', 'no', 'on', 'off', 'y', 'true', 'null', '~', '123', '012', '0x1F', '1e3', '1_000', '2001-12-14', '-', ': x', '#x', 'a #b', "it's", 'say "hi"', '');

export const stringValue = fc.oneof(contextName, awkwardValues);

export type Quoting = 'plain' | 'single' | 'double';

export function quote(value: string, quoting: Quoting): string {
	const plainSafe = /^[a-z0-9][a-z0-9_.\/@:-]*$/i.test(value) && !/^(?:y|yes|n|no|on|off|true|false|null|~)$/i.test(value) && !/^[-+\d.]/.test(value) && !value.includes(': ') && !value.endsWith(':');
	if (quoting === 'plain' && plainSafe) return value;
	if (quoting === 'single' || (quoting === 'plain' && !value.includes("'"))) return `'${value.replaceAll("'", "''")}'`;
	return JSON.stringify(value);
}

const comment = fc.constantFrom('', '  # note', ' #x');
const quoting = fc.constantFrom<Quoting>('plain', 'single', 'double');

type Entry = {name: string; namespace: string | undefined; quoting: Quoting; comment: string};

const entry = fc.record({
	name: contextName,
	namespace: fc.option(stringValue, {nil: undefined}),
	quoting,
	comment,
});

export const kubeconfigText = () =>
	fc
		.record({
			contexts: fc.uniqueArray(entry, {selector: (item) => item.name, maxLength: 6}),
			current: fc.option(contextName, {nil: undefined}),
			currentQuoting: quoting,
			compact: fc.boolean(),
			crlf: fc.boolean(),
			finalNewline: fc.boolean(),
			extraDocument: fc.boolean(),
			headerComment: fc.boolean(),
			emptyNamespace: fc.boolean(),
		})
		.map((shape) => {
			const pad = shape.compact ? '' : '  ';
			const lines: string[] = [];
			if (shape.headerComment) lines.push('# managed by hand, keep this comment');
			lines.push('apiVersion: v1', 'kind: Config', 'clusters:', `${pad}- cluster:`, `${pad}    server: https://127.0.0.1:6443`, `${pad}  name: c`);
			lines.push(shape.contexts.length === 0 ? 'contexts: []' : 'contexts:');
			for (const item of shape.contexts as Entry[]) {
				lines.push(`${pad}- context:`, `${pad}    cluster: c`);
				if (item.namespace !== undefined) lines.push(`${pad}    namespace: ${quote(item.namespace, item.quoting)}${item.comment}`);
				else if (shape.emptyNamespace) lines.push(`${pad}    namespace:`);
				lines.push(`${pad}    user: u`, `${pad}  name: ${quote(item.name, item.quoting)}${item.comment}`);
			}

			if (shape.current !== undefined) lines.push(`current-context: ${quote(shape.current, shape.currentQuoting)}`);
			lines.push('users:', `${pad}- name: u`, `${pad}  user:`, `${pad}    token: abc`);
			if (shape.extraDocument) lines.push('---', '# a second document kubectl ignores', 'extra: true');
			const text = lines.join(shape.crlf ? '\r\n' : '\n');
			return shape.finalNewline ? text + (shape.crlf ? '\r\n' : '\n') : text;
		});
