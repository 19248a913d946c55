// Context names are often long and alike at the start (arn:aws:eks:us-east-1:123456789012:cluster/…):
// cutting the middle keeps both the account and the cluster name visible.

export function truncateMiddle(text: string, width: number): string {
	const characters = [...text];
	if (characters.length <= width) return text;
	if (width <= 1) return '…'.slice(0, width);
	const tail = Math.floor((width - 1) / 2);
	const head = width - 1 - tail;
	return `${characters.slice(0, head).join('')}…${characters.slice(characters.length - tail).join('')}`;
}

/** Cut at the end: for lines whose start says the most (a checklist item, a summary). */
export function truncateEnd(text: string, width: number): string {
	const characters = [...text];
	if (characters.length <= width) return text;
	return width <= 1 ? '…'.slice(0, width) : `${characters.slice(0, width - 1).join('')}…`;
}

/** Whether a name looks like production, for the header's warning colour. */
export function looksLikeProduction(name: string): boolean {
	return /(?:^|[^a-z])(?:prod|prd|production)(?:$|[^a-z])/i.test(name);
}
