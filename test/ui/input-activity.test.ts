import {afterEach, describe, expect, it, vi} from 'vitest';
import {noteInput, whenTypingPauses} from '../../source/ui/input-activity.ts';

describe('whenTypingPauses', () => {
	afterEach(() => {
		vi.useRealTimers();
	});

	it('waits until no key has come for the quiet time, each key starting it again', async () => {
		vi.useFakeTimers({toFake: ['setTimeout', 'setImmediate', 'performance']});
		noteInput();
		let resolved = false;
		void whenTypingPauses(40).then(() => {
			resolved = true;
		});
		await vi.advanceTimersByTimeAsync(30);
		expect(resolved).toBe(false);
		noteInput();
		await vi.advanceTimersByTimeAsync(30);
		expect(resolved).toBe(false);
		await vi.advanceTimersByTimeAsync(15);
		expect(resolved).toBe(true);
	});

	it('without recent keys, still yields to the event loop first', async () => {
		vi.useFakeTimers({toFake: ['setTimeout', 'setImmediate', 'performance']});
		await vi.advanceTimersByTimeAsync(1000);
		let resolved = false;
		void whenTypingPauses(40).then(() => {
			resolved = true;
		});
		await Promise.resolve();
		expect(resolved).toBe(false);
		await vi.advanceTimersByTimeAsync(0);
		expect(resolved).toBe(true);
	});
});
