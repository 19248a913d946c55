import {fileURLToPath} from 'node:url';
import {defineConfig} from 'vitest/config';

export default defineConfig({
	root: fileURLToPath(new URL('..', import.meta.url)),
	test: {
		include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
		globalSetup: ['test/cluster/global-setup.ts'],
		// Black-box and kubectl-oracle tests spawn real processes; a loaded 2-core machine needs headroom.
		testTimeout: 120_000,
		hookTimeout: 120_000,
		pool: 'forks',
	},
});
