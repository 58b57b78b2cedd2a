import { defineConfig } from 'vitest/config';

// Tiers live in the file name (emmett's habit): *.unit.spec.ts, *.int.spec.ts, *.e2e.spec.ts.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
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
          include: ['tests/**/*.engines.spec.ts'],
          testTimeout: 180_000,
          hookTimeout: 900_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/**/*.e2e.spec.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
