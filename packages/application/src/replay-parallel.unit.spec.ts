import { sealRecord, type LogRecord } from '@budget/domain';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NOT_UTF8_PROBLEM, replayHistory, verifyHistory } from './audit';
import { eachLine, splitLineBatches, splitLines } from './lines';
import { replayHistoryInParallel } from './replay-parallel';
import { verifyHistoryInParallel } from './verify-parallel';
import { demoHistory } from './testing/demo-history';

const RECORDS = demoHistory();

function source(text: string, chunkBytes = 1000) {
  return {
    bytes: async function* (): AsyncGenerator<Uint8Array> {
      const bytes = Buffer.from(text, 'utf8');
      for (let at = 0; at < bytes.length; at += chunkBytes) {
        await Promise.resolve();
        yield bytes.subarray(at, at + chunkBytes);
      }
    },
    lineBatches: async function* (): AsyncGenerator<string[]> {
      await Promise.resolve();
      const all = text.split('\n');
      if (all.at(-1) === '') all.pop();
      // Batches of odd sizes, as chunks of a file give them.
      for (let at = 0; at < all.length; at += 7) yield all.slice(at, at + 7);
    },
  };
}

/** The lines of the text one at a time, as the sequential replay and verification read them. */
function linesOf(text: string): AsyncGenerator<string> {
  return eachLine(source(text).lineBatches());
}

/** Changes the recorded outcome of one record and seals the chain again from there: only the outcome is wrong. */
function withForgedOutcome(records: LogRecord[], at: number): LogRecord[] {
  const out: LogRecord[] = [];
  let prevHash = records[0]?.prevHash ?? '';
  records.forEach((record, i) => {
    const changed =
      i === at
        ? record.outcome === 'accepted'
          ? { ...record, outcome: 'rejected' as const, reason: 'year-closed' as const }
          : { ...record, outcome: 'accepted' as const, reason: null }
        : record;
    const sealed = sealRecord({ ...changed, prevHash });
    out.push(sealed);
    prevHash = sealed.hash;
  });
  return out;
}

const text = (records: LogRecord[]) => `${records.map((r) => JSON.stringify(r)).join('\n')}\n`;

describe('replayHistoryInParallel', () => {
  it('gives the report of the sequential replay for an intact history, with worker threads', async () => {
    const input = text(RECORDS);
    const sequential = await replayHistory(linesOf(input), 2024);
    const parallel = await replayHistoryInParallel(source(input), 2024, { workers: 2, blockBytes: 5000 });
    expect(sequential.ok && sequential.discrepancies).toEqual([]);
    expect(parallel).toEqual(sequential);
  });

  it('decides an intact history from what the workers return alone, reading no line itself', async () => {
    const input = text(RECORDS);
    const unread = {
      bytes: () => source(input).bytes(),
      lineBatches: (): AsyncIterable<string[]> => {
        throw new Error('the fast path read the lines');
      },
    };
    for (const workers of [0, 2]) {
      const parallel = await replayHistoryInParallel(unread, 2024, { workers, blockBytes: 3000 });
      expect(parallel).toEqual(await replayHistory(linesOf(input), 2024));
    }
  });

  it('gives what the sequential replay gives for a forged outcome, a broken chain or a bad line', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: RECORDS.length - 1 }),
        fc.constantFrom('outcome', 'amount', 'garbage', 'delete', 'none'),
        fc.integer({ min: 200, max: 20_000 }),
        async (at, kind, blockBytes) => {
          let lines = (kind === 'outcome' ? withForgedOutcome(RECORDS, at) : RECORDS).map((r) =>
            JSON.stringify(r),
          );
          if (kind === 'amount') lines[at] = (lines[at] ?? '').replace(/"amount":"(\d)/, '"amount":"9$1');
          if (kind === 'garbage') lines.splice(at, 0, '{"id":');
          if (kind === 'delete') lines = lines.filter((_, i) => i !== at);
          const input = `${lines.join('\n')}\n`;
          const sequential = await replayHistory(linesOf(input), 2024);
          const parallel = await replayHistoryInParallel(source(input), 2024, { workers: 0, blockBytes });
          expect(parallel).toEqual(sequential);
          if (kind === 'outcome') expect(sequential.ok && sequential.discrepancies.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 200 },
    );
  }, 120_000);

  it('names a field added to one record, in verify and in both replays, and only that record', async () => {
    const lines = RECORDS.map((r) => JSON.stringify(r));
    lines[9] = (lines[9] ?? '').replace(/}$/, ',"note":"added later"}');
    const input = `${lines.join('\n')}\n`;
    const verified = await verifyHistory(linesOf(input));
    expect(verified).toMatchObject({ ok: false, position: 10, problem: 'hash does not match the record' });
    const sequential = await replayHistory(linesOf(input), 2024);
    expect(sequential.ok && sequential.discrepancies.map((d) => [d.position, d.recorded])).toEqual([
      [10, `hash ${RECORDS[9]?.hash ?? ''}`],
    ]);
    expect(await replayHistoryInParallel(source(input), 2024, { workers: 0 })).toEqual(sequential);
  });

  it('refuses a partial history (an export from a later position) in both replays, naming where it starts', async () => {
    for (const from of [2, 50, RECORDS.length]) {
      const input = text(RECORDS.slice(from - 1));
      const expected = {
        ok: false,
        position: 1,
        line: 1,
        problem: `the file starts at position ${from}, not at position 1: a replay needs the whole history (an export without --from-position)`,
      };
      expect(await replayHistory(linesOf(input), 2024)).toEqual(expected);
      for (const workers of [0, 2]) {
        expect(await replayHistoryInParallel(source(input), 2024, { workers, blockBytes: 3000 })).toEqual(
          expected,
        );
      }
    }
  });

  it('refuses a line that is not UTF-8 in verify and in both replays, at its position, as the line reader does', async () => {
    // Record 10's actor holds U+FFFD and the chain is sealed over that; then its three UTF-8 bytes become one 0xFF,
    // which decodes to U+FFFD again: only the bytes tell that the line is not what was hashed.
    const at = 9;
    let prevHash = RECORDS[0]?.prevHash ?? '';
    const sealed = RECORDS.map((record, i) => {
      const next = sealRecord({ ...(i === at ? { ...record, actor: 'a\uFFFD' } : record), prevHash });
      prevHash = next.hash;
      return next;
    });
    const good = Buffer.from(text(sealed), 'utf8');
    const mark = good.indexOf(Buffer.from('a\uFFFD', 'utf8'));
    const bytes = Buffer.concat([good.subarray(0, mark + 1), Buffer.from([0xff]), good.subarray(mark + 4)]);
    const chunks = async function* (): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < bytes.length; i += 1000) {
        await Promise.resolve();
        yield Buffer.from(bytes.subarray(i, i + 1000));
      }
    };
    const refused = { ok: false, position: at + 1, line: at + 1, problem: NOT_UTF8_PROBLEM };
    expect(await verifyHistory(splitLines(chunks()))).toEqual(refused);
    expect(await replayHistory(splitLines(chunks()), 2024)).toEqual(refused);
    for (const workers of [0, 2]) {
      expect(await verifyHistoryInParallel(chunks(), { workers, blockBytes: 3000 })).toEqual(refused);
      const input = { bytes: chunks, lineBatches: () => splitLineBatches(chunks()) };
      expect(await replayHistoryInParallel(input, 2024, { workers, blockBytes: 3000 })).toEqual(refused);
    }
    // The same history with the bytes as sealed is intact.
    const whole = async function* (): AsyncGenerator<Uint8Array> {
      await Promise.resolve();
      yield good;
    };
    expect(await verifyHistoryInParallel(whole(), { workers: 0, blockBytes: 3000 })).toEqual({
      ok: true,
      records: RECORDS.length,
    });
  });

  it('refuses an empty history, or one of blank lines only, as the sequential replay does', async () => {
    for (const input of ['', '\n  \n\n']) {
      const parallel = await replayHistoryInParallel(source(input), 2024, { workers: 0 });
      expect(parallel).toEqual(await replayHistory(linesOf(input), 2024));
      expect(parallel).toEqual({
        ok: false,
        position: 1,
        line: 0,
        problem: 'the file holds no records (it is empty or has only blank lines)',
      });
    }
  });
});
