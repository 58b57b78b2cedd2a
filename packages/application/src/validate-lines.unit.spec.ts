import { eventContent, prepareEvent, readPreparedEvent, validateLine } from '@budget/domain';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitLines } from './lines';
import { chunked } from './testing/chunked';
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

  it('gives the same from the bytes of the lines, split and decoded by the thread that validates them', async () => {
    const encoder = new TextEncoder();
    // Line ends of either kind, and a line that is not UTF-8 (a lone continuation byte inside a valid event).
    const notUtf8 = (() => {
      const bytes = encoder.encode(EVENTS[0] ?? '');
      const at = bytes.indexOf(0x41); // an "A"
      return Uint8Array.from([...bytes.subarray(0, at), 0x80, ...bytes.subarray(at + 1)]);
    })();
    const lineBytes = fc.oneof(
      { weight: 4, arbitrary: line.map((text) => encoder.encode(text)) },
      { weight: 1, arbitrary: fc.constant(notUtf8) },
    );
    const input = fc
      .array(fc.tuple(lineBytes, fc.constantFrom('\n', '\r\n')), { maxLength: 40 })
      .chain((lines) => fc.tuple(fc.constant(lines), fc.boolean(), fc.array(fc.nat(), { maxLength: 12 })));
    const bytesOf = (lines: [Uint8Array, string][], lastEnded: boolean): Uint8Array =>
      Buffer.concat(
        lines.map(([bytes, end], i) =>
          Buffer.concat([bytes, encoder.encode(i < lines.length - 1 || lastEnded ? end : '')]),
        ),
      );
    await fc.assert(
      fc.asyncProperty(input, async ([lines, lastEnded, cuts]) => {
        const bytes = bytesOf(lines, lastEnded);
        const textLines: string[] = [];
        for await (const text of splitLines(chunked(bytes, cuts))) textLines.push(text);
        const want = expected(textLines);
        expect(await all(validatedLines({ bytes: chunked(bytes, cuts) }, { workers: 0 }))).toEqual(want);
      }),
      { numRuns: 300 },
    );
    // Through worker threads, from the first batch on and after some done in this thread: one long input.
    const [lines] = fc.sample(
      fc.array(fc.tuple(lineBytes, fc.constantFrom('\n', '\r\n')), { minLength: 400, maxLength: 400 }),
      { numRuns: 1, seed: 3 },
    );
    const cuts = fc.sample(fc.nat(), { numRuns: 60, seed: 4 });
    if (lines === undefined) throw new Error('no sample');
    const bytes = bytesOf(lines, false);
    const textLines: string[] = [];
    for await (const text of splitLines(chunked(bytes, cuts))) textLines.push(text);
    for (const inThreadBatches of [0, 2]) {
      expect(
        await all(
          validatedLines({ bytes: chunked(bytes, cuts) }, { workers: 2, batchLines: 50, inThreadBatches }),
        ),
      ).toEqual(expected(textLines));
    }
    expect(expected(textLines).filter((l) => typeof l.verdict === 'string').length).toBeGreaterThan(0);
    expect(validateBatch([new TextDecoder().decode(notUtf8)])).not.toEqual(validateBatch([EVENTS[0] ?? '']));
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
