// When validatedLines starts worker threads, and that it closes them and its input on every way out.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { demoHistory } from './testing/demo-history';
import { validatedLines } from './validate-lines';
import type { WorkerRequest, WorkerResults } from './worker';

const pools = vi.hoisted(() => ({ started: 0, closed: 0, shortVerdicts: false }));

vi.mock('./worker-pool', async (importOriginal) => {
  const real = await importOriginal<typeof import('./worker-pool')>();
  class CountedPool extends real.WorkerPool {
    constructor(size: number) {
      super(size);
      pools.started += 1;
    }
    override async close(): Promise<void> {
      pools.closed += 1;
      await super.close();
    }
    // Stands for a worker that answers a batch with too few verdicts.
    override async run<K extends WorkerRequest['kind']>(
      request: Extract<WorkerRequest, { kind: K }>,
      transfer?: ArrayBuffer[],
    ): Promise<WorkerResults[K]> {
      const result = await super.run<K>(request, transfer);
      if (pools.shortVerdicts && Array.isArray(result)) return result.slice(1) as WorkerResults[K];
      return result;
    }
  }
  return { WorkerPool: CountedPool };
});

const EVENT = (() => {
  const { id, region, type, occurredAt, actor, data } = demoHistory()[0] ?? {};
  return JSON.stringify({ id, region, type, occurredAt, actor, data });
})();

/** `count` lines; `closed` says whether the reader was closed (its finally ran). */
function source(count: number) {
  const state = { closed: false };
  async function* lines(): AsyncGenerator<string> {
    try {
      for (let i = 0; i < count; i++) {
        await Promise.resolve();
        yield EVENT;
      }
    } finally {
      state.closed = true;
    }
  }
  return { lines: lines(), state };
}

async function drain(batches: AsyncIterable<unknown[]>): Promise<number> {
  let lines = 0;
  for await (const batch of batches) lines += batch.length;
  return lines;
}

beforeEach(() => {
  pools.started = 0;
  pools.closed = 0;
  pools.shortVerdicts = false;
});

describe('validatedLines and its worker threads', () => {
  it('starts no worker for input that fits in half of the lines validated in this thread', async () => {
    const { lines, state } = source(20);
    expect(await drain(validatedLines(lines, { workers: 1, batchLines: 10, inThreadBatches: 4 }))).toBe(20);
    expect(pools.started).toBe(0);
    expect(state.closed).toBe(true);
  });

  it('starts workers once the input goes on beyond half of them, and closes them and the input at the end', async () => {
    for (const count of [21, 41]) {
      pools.started = 0;
      pools.closed = 0;
      const { lines, state } = source(count);
      expect(await drain(validatedLines(lines, { workers: 1, batchLines: 10, inThreadBatches: 4 }))).toBe(
        count,
      );
      expect([pools.started, pools.closed]).toEqual([1, 1]);
      expect(state.closed).toBe(true);
    }
  });

  it('closes the workers and the input when the reader stops early', async () => {
    const { lines, state } = source(100);
    for await (const batch of validatedLines(lines, { workers: 1, batchLines: 10, inThreadBatches: 0 })) {
      expect(batch).toHaveLength(10);
      break;
    }
    expect([pools.started, pools.closed]).toEqual([1, 1]);
    expect(state.closed).toBe(true);
  });

  it('fails when a worker answers a batch of bytes with too few verdicts', async () => {
    pools.shortVerdicts = true;
    const state = { closed: false };
    async function* bytes(): AsyncGenerator<Uint8Array> {
      try {
        // Three chunks of 20 lines each, the last without its "\n".
        for (let chunk = 0; chunk < 3; chunk++) {
          await Promise.resolve();
          const text = Array.from({ length: 20 }, () => EVENT).join('\n');
          yield Buffer.from(chunk < 2 ? `${text}\n` : text);
        }
      } finally {
        state.closed = true;
      }
    }
    await expect(
      drain(validatedLines({ bytes: bytes() }, { workers: 1, inThreadBatches: 0 })),
    ).rejects.toThrow('19 verdicts for a batch of 20 lines');
    expect([pools.started, pools.closed]).toEqual([1, 1]);
    expect(state.closed).toBe(true);
  });

  it('fails, closing the workers and the input, when a worker answers a batch with too few verdicts', async () => {
    pools.shortVerdicts = true;
    const { lines, state } = source(50);
    await expect(
      drain(validatedLines(lines, { workers: 1, batchLines: 10, inThreadBatches: 0 })),
    ).rejects.toThrow('9 verdicts for a batch of 10 lines');
    expect([pools.started, pools.closed]).toEqual([1, 1]);
    expect(state.closed).toBe(true);
  });
});
