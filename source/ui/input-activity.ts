// Background work in the app (the preview's details, the matcher's preparation) yields to typing: it
// runs in slices, and a slice waits until no key has come for a moment. A fast typist's keys then each
// get their frame at once, and the work goes on in the pauses between words.

let lastInputAt = Number.NEGATIVE_INFINITY;

export function noteInput(now = performance.now()): void {
	lastInputAt = now;
}

/** Resolves on a later turn of the event loop, once `quietMs` have passed since the last key. */
export function whenTypingPauses(quietMs = 40): Promise<void> {
	return new Promise((resolve) => {
		const wait = () => {
			const left = lastInputAt + quietMs - performance.now();
			if (left <= 0) setImmediate(resolve);
			else setTimeout(wait, left);
		};

		wait();
	});
}
