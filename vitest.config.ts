import { defineConfig } from 'vitest/config';

/** Removes each test file's temporary directories after it. */
const CLEANUP = './tests/support/cleanup.ts';

// Tiers live in the file name (emmett's habit): *.unit.spec.ts, *.int.spec.ts, *.e2e.spec.ts.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          setupFiles: [CLEANUP],
          include: [
            'packages/*/src/**/*.unit.spec.ts',
            'services/*/src/**/*.unit.spec.ts',
            'tests/**/*.unit.spec.ts',
            'bench/**/*.unit.spec.ts',
          ],
        },
      },
      {
        test: {
          name: 'int',
          setupFiles: [CLEANUP],
          include: [
            'packages/*/src/**/*.int.spec.ts',
            'services/*/src/**/*.int.spec.ts',
            'tests/**/*.int.spec.ts',
          ],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          // Needs a real Kafka broker and MongoDB-wire server: see tests/support/engines.ts.
          name: 'engines',
          setupFiles: [CLEANUP],
          include: ['tests/**/*.engines.spec.ts'],
          testTimeout: 180_000,
          hookTimeout: 900_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          setupFiles: [CLEANUP],
          include: ['tests/**/*.e2e.spec.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
