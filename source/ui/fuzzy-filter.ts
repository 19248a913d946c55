import fuzzysort from 'fuzzysort';

// Fuzzy matching over several fields per entry, fast enough to run on every key at 10,000 entries.
//
// Matching is fuzzysort's: a word matches a field when its letters appear in order, ignoring case and
// accents (the tests hold the two to the same answers). Ranking runs on plain char codes here, because
// fuzzysort builds a result object per matching field: 40-60 ms for one letter over 10,000 contexts on
// this 2-core machine, where this loop takes 2-4 ms. fuzzysort still marks the matched characters of
// the rows on screen.

export type Searchable = {readonly search: readonly string[]};

/**
 * A list's fields as ids of their strings, `stride` per entry, and per string what one pass of the
 * matcher learnt: its lower-case form once needed, its score for the pass's word, and a word
 * it failed, which any longer word starting the same way fails too.
 */
type Prepared = {
	fields: Int32Array;
	stride: number;
	texts: string[];
	normalised: Array<string | undefined>;
	failed: Array<string | undefined>;
	memoPass: Int32Array;
	memoScore: Float64Array;
};

const preparedLists = new WeakMap<readonly Searchable[], Prepared>();
let pass = 0;

/** Lower case without accents, as fuzzysort compares. */
function normalise(text: string): string {
	// eslint-disable-next-line no-control-regex
	return /^[\u0000-\u007F]*$/.test(text) ? text.toLowerCase() : text.normalize('NFD').replace(/[\u0300-\u036F]/g, '').toLowerCase();
}

/**
 * Gives a list's fields their ids, once; a list already prepared costs one lookup. A field equal to the
 * one above it shares its id (namespaces and file names repeat), and nothing is lower-cased until a
 * query first reaches it: at 10,000 contexts this runs between the first frame and the first key.
 */
export function prepareTargets(items: readonly Searchable[]): Prepared {
	let prepared = preparedLists.get(items);
	if (prepared) return prepared;
	let stride = 1;
	for (const item of items) stride = Math.max(stride, item.search.length);
	const fields = new Int32Array(items.length * stride).fill(-1);
	const texts: string[] = [];
	let above: readonly string[] = [];
	for (let position = 0; position < items.length; position++) {
		const {search} = items[position]!;
		for (let field = 0; field < search.length; field++) {
			const text = search[field]!;
			fields[position * stride + field] = above[field] === text ? fields[(position - 1) * stride + field]! : texts.push(text) - 1;
		}

		above = search;
	}

	prepared = {fields, stride, texts, normalised: new Array(texts.length), failed: new Array(texts.length), memoPass: new Int32Array(texts.length), memoScore: new Float64Array(texts.length)};
	preparedLists.set(items, prepared);
	return prepared;
}

/**
 * Lower-cases the prepared strings of `items` from `from` on, `count` at a time, so that the first key
 * does not: a caller with time to spare runs it in slices. Returns where to go on, or undefined when done.
 */
export function normaliseTargets(items: readonly Searchable[], from: number, count: number): number | undefined {
	const prepared = prepareTargets(items);
	const end = Math.min(prepared.texts.length, from + count);
	for (let id = from; id < end; id++) prepared.normalised[id] ??= normalise(prepared.texts[id]!);
	return end < prepared.texts.length ? end : undefined;
}

/** `word`'s score against one prepared string, computed once per pass. */
function scoreOf(prepared: Prepared, id: number, word: string): number {
	if (prepared.memoPass[id] === pass) return prepared.memoScore[id]!;
	prepared.memoPass[id] = pass;
	const failed = prepared.failed[id];
	let score = -1;
	if (failed === undefined || !word.startsWith(failed)) {
		score = wordScore(word, (prepared.normalised[id] ??= normalise(prepared.texts[id]!)));
		if (score < 0) prepared.failed[id] = word;
	}

	prepared.memoScore[id] = score;
	return score;
}

const isSeparator = (code: number) => code === 45 || code === 95 || code === 46 || code === 47 || code === 58 || code === 64 || code === 32 || code === 44;
const startsWord = (text: string, index: number) => index === 0 || isSeparator(text.charCodeAt(index - 1));

/**
 * How well `word` (normalised) matches `text`, or -1. The whole field beats a prefix, a prefix beats a
 * word start, a word start beats any other substring, and those beat letters scattered over the field;
 * scattered letters score by how tight their window is and how many start a word. Shorter fields win ties.
 */
export function wordScore(word: string, text: string): number {
	const brevity = (0.05 * word.length) / text.length;
	const at = text.indexOf(word);
	if (at === 0) return (word.length === text.length ? 1 : 0.9) + brevity;
	if (at > 0) return (startsWord(text, at) ? 0.8 : 0.7) + brevity;

	let index = 0;
	for (let letter = 0; letter < word.length; letter++, index++) {
		index = text.indexOf(word[letter]!, index);
		if (index < 0) return -1;
	}

	// The tightest window ending where the forward scan ended: walk back from its last letter.
	const end = index - 1;
	let start = end;
	let wordStarts = 0;
	for (let letter = word.length - 1; letter >= 0; letter--, start--) {
		start = text.lastIndexOf(word[letter]!, start);
		if (startsWord(text, start)) wordStarts++;
	}

	const window = end - start;
	return 0.4 * (word.length / window) + (0.2 * wordStarts) / word.length + brevity;
}

/**
 * The positions in `items` of the entries matching `query`, best first; equal scores keep the entries'
 * own order (recent first). Every space-separated word must fit inside one field of the entry, as in
 * fzf, and a word found in the label (the first field) counts more than one found in, say, the file
 * name. `candidates` narrows the search to positions a shorter query matched.
 */
export function fuzzyFilter(query: string, items: readonly Searchable[], candidates?: Int32Array): Int32Array {
	const words = query.split(' ').filter(Boolean).map(normalise);
	if (words.length === 0) return everyPosition(items.length);
	const prepared = prepareTargets(items);
	const {fields, stride} = prepared;
	const count = candidates?.length ?? items.length;
	const totals = new Float64Array(count);
	for (const word of words) {
		pass++;
		for (let index = 0; index < count; index++) {
			if (totals[index]! < 0) continue;
			const base = (candidates ? candidates[index]! : index) * stride;
			let best = -1;
			for (let field = 0; field < stride; field++) {
				const id = fields[base + field]!;
				if (id < 0) continue;
				const score = scoreOf(prepared, id, word);
				// 0.75: a name that starts with the word, or has it at a word's start, ranks above an exact
				// match in another field (typing `jane` means jane@prod before the context whose user is jane).
				if (score >= 0) best = Math.max(best, field === 0 ? score : score * 0.75);
			}

			totals[index] = best < 0 ? -1 : totals[index]! + best;
		}
	}

	// One numeric sort: the mean word score (quantised, best first) in the high digits, the position in the low ones.
	const keys = new Float64Array(count);
	let matchedCount = 0;
	for (let index = 0; index < count; index++) {
		if (totals[index]! < 0) continue;
		const position = candidates ? candidates[index]! : index;
		keys[matchedCount++] = (2e6 - Math.round((totals[index]! / words.length) * 1e6)) * 2 ** 24 + position;
	}

	const sorted = keys.subarray(0, matchedCount).sort();
	const positions = new Int32Array(matchedCount);
	for (let index = 0; index < matchedCount; index++) positions[index] = sorted[index]! % 2 ** 24;
	return positions;
}

function everyPosition(count: number): Int32Array {
	const positions = new Int32Array(count);
	for (let position = 0; position < count; position++) positions[position] = position;
	return positions;
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
