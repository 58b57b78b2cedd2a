// The embedded SQLite store passes the BudgetStore behaviour suite, and validates large input in a worker thread
// with the same outcome as in its own thread.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyHistory } from '@budget/application';
import type { LogRecord } from '@budget/domain';
import { EmbeddedStore } from '@budget/embedded-store';
import { tempDir } from '../support/cli';
import { EventBuilder } from '../support/events';
import { budgetStoreBehaviour } from './budget-store.behaviour';

budgetStoreBehaviour('embedded SQLite', () => {
  const store = EmbeddedStore.open(join(tempDir('behaviour'), 'data'));
  return Promise.resolve({ store, stop: () => store.close() });
});

describe('the embedded store validating in a worker thread', () => {
  /** Enough lines for several batches, with malformed lines and repeats (identical and conflicting) among them. */
  function lines(withErrors: boolean): string[] {
    const b = new EventBuilder();
    const out = [b.configured(), b.action('A1'), b.key(2024, { maastricht: '0.573', heerlen: '0.427' })].map(
      (e) => JSON.stringify(e),
    );
    const first = b.spending('s-0', 'A1', 2024, '1.00');
    out.push(JSON.stringify(first));
    for (let i = 1; i < 5000; i++) {
      out.push(
        JSON.stringify(
          b.spending(`s-${i}`, 'A1', 2024, `${1 + (i % 97)}.${String(i % 100).padStart(2, '0')}`),
        ),
      );
      if (i % 1000 === 0) out.push('', JSON.stringify(first));
      if (withErrors && i % 1500 === 0) out.push('{"broken', JSON.stringify({ ...first, actor: 'other' }));
    }
    return out;
  }

  async function importWith(workers: number, input: string[]) {
    const store = EmbeddedStore.open(join(tempDir('validation-workers'), 'data'));
    try {
      const result = await store.importLines(
        async function* () {
          await Promise.resolve();
          yield* input;
        },
        { validation: { workers, inThreadBatches: 0 }, now: () => new Date('2024-06-01T00:00:00Z') },
      );
      const history: LogRecord[] = [];
      if (result.ok) for await (const record of store.history('zuid-limburg')) history.push(record);
      return { result, history };
    } finally {
      await store.close();
    }
  }

  it('appends exactly what validating in this thread appends', async () => {
    const input = lines(false);
    const inThread = await importWith(0, input);
    const inWorker = await importWith(1, input);
    expect(inThread.result).toMatchObject({ ok: true, counts: { appended: 5003, alreadyPresent: 4 } });
    expect(inWorker.result).toEqual(inThread.result);
    expect(inWorker.history).toEqual(inThread.history);
  });

  it('refuses the same lines for the same reasons', async () => {
    const input = lines(true);
    const inThread = await importWith(0, input);
    const inWorker = await importWith(1, input);
    expect(inThread.result.ok).toBe(false);
    if (inThread.result.ok) return;
    expect(inThread.result.errors.map((e) => e.issues[0]?.reason)).toEqual([
      'not-json',
      'conflicting-id',
      'not-json',
      'conflicting-id',
      'not-json',
      'conflicting-id',
    ]);
    expect(inWorker.result).toEqual(inThread.result);
  });
});

describe('the embedded store after a refused import', () => {
  it('does not keep what the refused import had appended in memory, even when another writer catches up', async () => {
    const dataDir = join(tempDir('refused-cache'), 'data');
    const first = EmbeddedStore.open(dataDir);
    const second = EmbeddedStore.open(dataDir);
    const lines = (events: unknown[]) =>
      async function* () {
        await Promise.resolve();
        yield* events.map((e) => (typeof e === 'string' ? e : JSON.stringify(e)));
      };
    try {
      const b = new EventBuilder();
      expect((await first.importLines(lines([b.configured()]))).ok).toBe(true);
      // Two lines appended (in memory and in the open transaction) before the bad one refuses the whole import.
      const refused = await first.importLines(lines([b.action('A1'), b.action('A2'), '{"broken']));
      expect(refused.ok).toBe(false);
      // Another writer appends as many records as the refused import had: the log has the same length again.
      expect((await second.importLines(lines([b.action('B1'), b.action('B2')]))).ok).toBe(true);
      expect((await first.importLines(lines([b.action('C1')]))).ok).toBe(true);

      const history: string[] = [];
      for await (const record of first.history('zuid-limburg')) history.push(JSON.stringify(record));
      expect(history.map((line) => (JSON.parse(line) as LogRecord).data)).toMatchObject([
        {},
        { actionId: 'B1' },
        { actionId: 'B2' },
        { actionId: 'C1' },
      ]);
      expect(await verifyHistory(lines(history)())).toEqual({ ok: true, records: 4 });
    } finally {
      await first.close();
      await second.close();
    }
  });
});

describe('the embedded store and the ids of regions new to it', () => {
  const lines = (events: unknown[]) =>
    async function* () {
      await Promise.resolve();
      yield* events.map((e) => (typeof e === 'string' ? e : JSON.stringify(e)));
    };

  it('finds repeats in several new regions, after a refused import and in a region first reached after a bad line', async () => {
    const store = EmbeddedStore.open(join(tempDir('new-regions'), 'data'));
    try {
      const north = new EventBuilder('noord-limburg');
      const south = new EventBuilder('zuid-limburg');
      const central = new EventBuilder('midden-limburg');
      const spend = (b: EventBuilder, count: number) =>
        Array.from({ length: count }, (_, i) => b.spending(`s${i}`, 'A1', 2024, `${i + 1}.00`));
      const northEvents = [north.configured(), north.action('A1'), ...spend(north, 300)];
      const southEvents = [south.configured(), south.action('A1'), ...spend(south, 300)];
      const centralConfigured = central.configured();
      // Refused: a bad line, then the first lines of a third region and a repeat that differs; nothing is kept.
      const refused = await store.importLines(
        lines([
          ...northEvents,
          '{"broken',
          centralConfigured,
          { ...centralConfigured, actor: 'someone-else' },
          { ...(northEvents[7] as object), actor: 'someone-else' },
        ]),
      );
      expect(refused.ok).toBe(false);
      if (refused.ok) return;
      expect(refused.errors.map((e) => [e.line, e.issues[0]?.reason])).toEqual([
        [303, 'not-json'],
        [305, 'conflicting-id'],
        [306, 'conflicting-id'],
      ]);
      expect(await store.regions()).toEqual([]);
      // The same process again: two new regions interleaved, each repeat far from its first line, identical or not.
      const mixed = northEvents.flatMap((event, i) => [event, southEvents[i]]);
      const taken = await store.importLines(lines([...mixed, northEvents[2], southEvents[3]]));
      expect(taken).toMatchObject({ ok: true, counts: { appended: 604, alreadyPresent: 2 } });
      const conflicting = await store.importLines(
        lines([central.configured(), { ...(southEvents[250] as object), actor: 'someone-else' }]),
      );
      expect(conflicting.ok).toBe(false);
      if (conflicting.ok) return;
      expect(conflicting.errors[0]?.issues[0]?.detail).toContain('the log of zuid-limburg');
      expect(await store.regions()).toEqual(['noord-limburg', 'zuid-limburg']);
    } finally {
      await store.close();
    }
  });
});
