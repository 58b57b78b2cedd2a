import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AllocationBatcher, type AllocationBatch, type AllocationResult } from './allocator';

function result(region: string, position: number, memoLength = 10): AllocationResult {
  return {
    region,
    position,
    eventId: `e${String(position)}`,
    type: 'SpendingRecorded',
    entries: [{ year: 2024, memo: 'm'.repeat(memoLength), lines: [] }],
  };
}

const parse = (batcher: AllocationBatcher): AllocationBatch[] =>
  batcher.finish().map((m) => JSON.parse(String(m.value)) as AllocationBatch);

describe('allocation messages', () => {
  it('cover each region without gaps, keep every result once and in order, whatever the interleaving', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ region: fc.constantFrom('a', 'b', 'c'), accepted: fc.boolean() }), {
          maxLength: 900,
        }),
        (records) => {
          const batcher = new AllocationBatcher();
          const lengths = new Map<string, number>();
          const expected = new Map<string, number[]>();
          for (const { region, accepted } of records) {
            const position = (lengths.get(region) ?? 0) + 1;
            lengths.set(region, position);
            if (accepted) expected.set(region, [...(expected.get(region) ?? []), position]);
            batcher.add(region, position, accepted ? result(region, position) : undefined);
          }
          const batches = parse(batcher);
          for (const [region, length] of lengths) {
            const own = batches.filter((b) => b.region === region);
            let next = 1;
            for (const b of own) {
              expect(b.from).toBe(next);
              expect(b.results.length).toBeLessThanOrEqual(200);
              next = b.to + 1;
            }
            expect(next - 1).toBe(length);
            expect(own.flatMap((b) => b.results.map((r) => r.position))).toEqual(expected.get(region) ?? []);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('close a message at 200 results or about 256 KiB, far below the broker limit', () => {
    const batcher = new AllocationBatcher();
    for (let p = 1; p <= 450; p++) batcher.add('a', p, result('a', p));
    expect(parse(batcher).map((b) => b.results.length)).toEqual([200, 200, 50]);

    const big = new AllocationBatcher();
    for (let p = 1; p <= 100; p++) big.add('a', p, result('a', p, 20_000));
    const sizes = big.finish().map((m) => String(m.value).length);
    expect(sizes.length).toBeGreaterThan(1);
    for (const size of sizes) expect(size).toBeLessThan(300 * 1024);
  });

  it('writes each message exactly as JSON.stringify of the batch it holds', () => {
    const batcher = new AllocationBatcher();
    batcher.add('a', 1, result('a', 1));
    batcher.add('a', 2, undefined);
    batcher.add('a', 3, {
      ...result('a', 3),
      entries: [{ year: 2024, memo: 'quote " and \\ é', lines: [] }],
    });
    batcher.add('b', 1, undefined);
    const messages = batcher.finish();
    for (const message of messages) {
      const batch = JSON.parse(String(message.value)) as AllocationBatch;
      expect(String(message.value)).toBe(JSON.stringify(batch));
      expect(message.key).toBe(batch.region);
    }
    expect(messages.map((m) => JSON.parse(String(m.value)) as AllocationBatch)).toEqual([
      {
        region: 'a',
        from: 1,
        to: 3,
        results: [
          result('a', 1),
          { ...result('a', 3), entries: [{ year: 2024, memo: 'quote " and \\ é', lines: [] }] },
        ],
      },
      { region: 'b', from: 1, to: 1, results: [] },
    ]);
  });
});
