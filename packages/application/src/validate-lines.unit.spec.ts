import { eventContent, prepareEvent, readPreparedEvent, validateLine } from '@budget/domain';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { demoHistory } from './testing/demo-history';
import { validateBatch, validatedLines, type ValidatedLine } from './validate-lines';

/** The demo's events as import lines, with the fields a record adds dropped. */
const EVENTS = demoHistory().map(({ id, region, type, occurredAt, actor, data }) =>
  JSON.stringify({ id, region, type, occurredAt, actor, data }),
);

/** Lines of every kind a verdict distinguishes: valid, blank, not JSON, against the schema, a lone surrogate. */
const line = fc.oneof(
  fc.constantFrom(...EVENTS),
  fc.constantFrom('', '   ', '{"broken', '{}', '[1]'),
  fc.constantFrom(...EVENTS).map((text) => text.replace('"actor":"', '"actor":"\\ud800')),
  fc.constantFrom(...EVENTS).map((text) => text.replace('"actor":"', '"actor":"\\u00e9')),
);

async function* from(lines: string[]): AsyncGenerator<string> {
  await Promise.resolve();
  yield* lines;
}

async function all(batches: AsyncIterable<ValidatedLine[]>): Promise<ValidatedLine[]> {
  const out: ValidatedLine[] = [];
  for await (const batch of batches) out.push(...batch);
  return out;
}

/** What validateLine says of each line, as a verdict. */
function expected(lines: string[]): ValidatedLine[] {
  return lines.map((text, i) => {
    if (text.trim() === '') return { line: i + 1, verdict: null };
    const result = validateLine(text, { content: true });
    return {
      line: i + 1,
      verdict: result.ok ? prepareEvent(result.event, result.content) : result.issues,
    };
  });
}

describe('validatedLines', () => {
  it('gives every line, numbered and in order, with the verdict validateLine gives it, in any batch size', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(line, { maxLength: 60 }),
        fc.integer({ min: 1, max: 7 }),
        async (lines, size) => {
          expect(await all(validatedLines(from(lines), { workers: 0, batchLines: size }))).toEqual(
            expected(lines),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('gives the same from worker threads, from the first batch or after the batches done in this thread', async () => {
    const lines = fc.sample(line, { numRuns: 500, seed: 7 });
    for (const inThreadBatches of [0, 3]) {
      const viaWorkers = await all(
        validatedLines(from(lines), { workers: 2, batchLines: 50, inThreadBatches }),
      );
      expect(viaWorkers).toEqual(expected(lines));
    }
    expect(expected(lines).filter((l) => typeof l.verdict === 'string').length).toBeGreaterThan(0);
    expect(expected(lines).filter((l) => Array.isArray(l.verdict)).length).toBeGreaterThan(0);
  });

  it('refuses a number of workers that is not a whole number >= 0', async () => {
    await expect(all(validatedLines(from(['']), { workers: -1 }))).rejects.toThrow('workers must be');
  });

  it('can be left after a few batches', async () => {
    const lines = Array.from({ length: 1000 }, (_, i) => EVENTS[i % EVENTS.length] ?? '');
    const seen: number[] = [];
    for await (const batch of validatedLines(from(lines), {
      workers: 1,
      batchLines: 100,
      inThreadBatches: 1,
    })) {
      seen.push(batch.length);
      if (seen.length === 3) break;
    }
    expect(seen).toEqual([100, 100, 100]);
  });
});

describe('validateBatch', () => {
  it('says null for blank lines, the prepared event for valid ones, and the issues for the rest', () => {
    const [blank, valid, broken] = validateBatch(['  ', EVENTS[0] ?? '', '{"broken']);
    expect(blank).toBeNull();
    if (typeof valid !== 'string') throw new Error('the valid line has no prepared event');
    const event = JSON.parse(EVENTS[0] ?? '') as Parameters<typeof eventContent>[0];
    expect(readPreparedEvent(valid).content).toBe(eventContent(event));
    expect(broken).toEqual([expect.objectContaining({ reason: 'not-json' })]);
  });
});
