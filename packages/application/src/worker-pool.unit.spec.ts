import { describe, expect, it } from 'vitest';
import { WorkerPool } from './worker-pool';
import type { CheckOptions } from './verify-block';

describe('WorkerPool', () => {
  it('answers requests by kind from a worker thread', async () => {
    const pool = new WorkerPool(1);
    try {
      const verdicts = await pool.run({ kind: 'validate-lines', batch: ['', '{"broken'] });
      expect(verdicts[0]).toBeNull();
      expect(verdicts[1]).toEqual([expect.objectContaining({ reason: 'not-json' })]);
    } finally {
      await pool.close();
    }
  });

  it('fails what waits on a worker that died, and refuses later requests at once instead of hanging', async () => {
    const pool = new WorkerPool(1);
    try {
      // Bytes that are not bytes: the worker's handler throws, and an uncaught error ends the worker.
      const bad = { kind: 'check-block', index: 0, firstLine: 1, bytes: null, options: {} } as unknown as {
        kind: 'check-block';
        index: number;
        firstLine: number;
        bytes: Uint8Array;
        options: CheckOptions;
      };
      await expect(pool.run(bad)).rejects.toThrow();
      // Long after the worker has exited (its exit event fails only what waits at that moment):
      await new Promise((resolve) => setTimeout(resolve, 200));
      await expect(pool.run({ kind: 'validate-lines', batch: [''] })).rejects.toThrow();
    } finally {
      await pool.close();
    }
  });
});
