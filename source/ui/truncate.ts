import stringWidth from 'string-width';

// Context names are often long and alike at the start (arn:aws:eks:us-east-1:123456789012:cluster/…):
// cutting the middle keeps both the account and the cluster name visible. Widths are terminal columns,
// not characters: a Korean or Japanese name takes two columns a character, and a table padded by
// characters would wrap its rows.

const printableAscii = /^[\u0020-\u007E]*$/;

/** The columns `text` takes on a terminal. */
export function textWidth(text: string): number {
	return printableAscii.test(text) ? text.length : stringWidth(text);
}

/** The columns the widest of `texts` takes, and at least `floor`. */
export function widestOf(texts: readonly string[], floor = 0): number {
	return texts.reduce((widest, text) => Math.max(widest, textWidth(text)), floor);
}

/** `text` and spaces up to `width` columns (nothing added when it is wider already). */
export function padTo(text: string, width: number): string {
	return `${text}${' '.repeat(Math.max(0, width - textWidth(text)))}`;
}

/** The characters from the start of `characters` that fit in `width` columns. */
export function fitting(characters: readonly string[], width: number): string {
	let taken = '';
	let used = 0;
	for (const character of characters) {
		const columns = textWidth(character);
		if (used + columns > width) break;
		taken += character;
		used += columns;
	}

	return taken;
}

export function truncateMiddle(text: string, width: number): string {
	if (textWidth(text) <= width) return text;
	if (width <= 1) return '…'.slice(0, Math.max(0, width));
	const characters = [...text];
	const tail = [...fitting([...characters].reverse(), Math.floor((width - 1) / 2))].reverse().join('');
	const head = fitting(characters, width - 1 - textWidth(tail));
	return `${head}…${tail}`;
}

/** Cut at the end: for lines whose start says the most (a checklist item, a summary). */
export function truncateEnd(text: string, width: number): string {
	if (textWidth(text) <= width) return text;
	return width <= 1 ? '…'.slice(0, Math.max(0, width)) : `${fitting([...text], width - 1)}…`;
}

/** Cut at the start: for a query, whose end is what is being typed. */
export function truncateStart(text: string, width: number): string {
	if (textWidth(text) <= width) return text;
	return width <= 1 ? '…'.slice(0, Math.max(0, width)) : `…${[...fitting([...text].reverse(), width - 1)].reverse().join('')}`;
}

/** Whether a name looks like production, for the header's warning colour. */
export function looksLikeProduction(name: string): boolean {
	return /(?:^|[^a-z])(?:prod|prd|production)(?:$|[^a-z])/i.test(name);
}
