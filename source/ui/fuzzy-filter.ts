import fuzzysort from 'fuzzysort';

// Fuzzy matching over several fields per entry, fast enough to run on every key at 10,000 entries.
//
// fuzzysort's `keys` mode builds a result object per entry and field and looks every field up in a
// string cache: ~60 ms for one letter over 10,000 contexts here. Scoring prepared targets directly,
// sharing one target between equal strings (most contexts share a namespace and a file), and narrowing
// from the previous matches keeps a key within a frame.

export type Searchable = {readonly search: readonly string[]};

type Target = Fuzzysort.Prepared;
type Prepared = {fields: Int32Array; position: number};

// Every distinct string prepared once, by id; a word's score per id is remembered for one pass.
const targets: Target[] = [];
const idOfText = new Map<string, number>();
const preparedItems = new WeakMap<Searchable, Prepared>();
let memoPass = new Int32Array(0);
let memoScore = new Float64Array(0);
let pass = 0;

function idOf(text: string): number {
	let id = idOfText.get(text);
	if (id === undefined) {
		id = targets.push(fuzzysort.prepare(text)) - 1;
		idOfText.set(text, id);
	}

	return id;
}

/** Prepares every entry's fields; entries already prepared cost a lookup. */
export function prepareTargets(items: readonly Searchable[]): void {
	for (const [position, item] of items.entries()) {
		const known = preparedItems.get(item);
		if (known) known.position = position;
		else preparedItems.set(item, {fields: Int32Array.from(item.search, idOf), position});
	}

	if (memoPass.length < targets.length) {
		memoPass = new Int32Array(targets.length * 2);
		memoScore = new Float64Array(targets.length * 2);
	}
}

/**
 * The entries matching `query`, best first; equal scores keep the entries' own order (recent first).
 * Every space-separated word must fit inside one field of the entry, as in fzf, and a word found in the
 * label (the first field) counts more than one found in, say, the file name.
 */
export function fuzzyFilter<T extends Searchable>(query: string, items: readonly T[], candidates: readonly T[] = items): T[] {
	const words = query.split(' ').filter(Boolean);
	if (words.length === 0) return [...items];
	prepareTargets(items);
	const totals = new Float64Array(candidates.length);
	const fieldsOf = candidates.map((item) => preparedItems.get(item)!.fields);
	for (const word of words) {
		pass++;
		for (let index = 0; index < candidates.length; index++) {
			if (totals[index]! < 0) continue;
			const fields = fieldsOf[index]!;
			let best = -1;
			for (let field = 0; field < fields.length; field++) {
				const id = fields[field]!;
				if (memoPass[id] !== pass) {
					memoPass[id] = pass;
					memoScore[id] = fuzzysort.single(word, targets[id]!)?.score ?? -1;
				}

				const score = memoScore[id]!;
				if (score >= 0) best = Math.max(best, field === 0 ? score : score * 0.9);
			}

			totals[index] = best < 0 ? -1 : totals[index]! + best;
		}
	}

	const order: number[] = [];
	for (let index = 0; index < candidates.length; index++) if (totals[index]! >= 0) order.push(index);
	const positions = order.map((index) => preparedItems.get(candidates[index]!)!.position);
	const byOrder = new Int32Array(candidates.length);
	for (const [rank, index] of order.entries()) byOrder[index] = positions[rank]!;
	order.sort((a, b) => totals[b]! - totals[a]! || byOrder[a]! - byOrder[b]!);
	return order.map((index) => candidates[index]!);
}

/**
 * Runs the matcher over a slice of the entries, so the engine has compiled it before the first real key:
 * a cold first pass over 10,000 entries costs several times a warm one.
 */
export function warmUpFilter(items: readonly Searchable[]): void {
	const sample = items.slice(0, 2000);
	for (const query of ['e', 'ta', 'o-1']) fuzzyFilter(query, sample);
}

/** Whether a longer query can only match a subset of what the shorter one matched. */
export function narrows(previous: string, next: string): boolean {
	return previous.trim() !== '' && next.startsWith(previous);
}

/** Which characters of `label` the query's words matched, for highlighting. */
export function highlightedIndexes(query: string, label: string): number[] {
	const marks = new Set<number>();
	for (const word of query.split(' ')) {
		if (!word) continue;
		const result = fuzzysort.single(word, label);
		if (result) for (const index of result.indexes) marks.add(index);
	}

	return [...marks].sort((a, b) => a - b);
}
