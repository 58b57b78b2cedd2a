// The ledger service keeps the journal in MongoDB: after the demo file, it balances per region and year and holds
// exactly the entries the domain ledger makes for the same events; the log delivered again changes nothing.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAmountCents } from '@budget/domain';
import {
  Allocator,
  kafkaClient,
  readJournal,
  readToEnd,
  topicNames,
  type StoredJournalEntry,
} from '@budget/engines';
import { pino } from 'pino';
import { ROOT } from '../support/cli';
import { domainJournal, expectPublishedJournal, readAllocations } from '../support/journal';
import { asyncLines } from '../support/events';
import { engineFixture, type EngineFixture } from '../support/engines-fixture';

const DEMO = join(ROOT, 'examples', 'zuid-limburg', 'events.ndjson');

let engines: EngineFixture;

beforeAll(async () => {
  engines = await engineFixture();
});

afterAll(async () => {
  await engines.stop();
});

async function storedJournal(region: string): Promise<StoredJournalEntry[]> {
  const progress = await engines.projections.progress.findById(region).lean();
  if (progress === null) throw new Error(`no progress for ${region}`);
  const entries: StoredJournalEntry[] = [];
  for await (const entry of readJournal(engines.projections, region, progress.position)) entries.push(entry);
  return entries;
}

describe('the journal in MongoDB', () => {
  it('balances per region and year and equals the domain ledger for the demo file, also after a redelivery', async () => {
    const lines = readFileSync(DEMO, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '');
    const result = await engines.store.importLines(() => asyncLines(lines));
    expect(result.ok).toBe(true);

    const expected = domainJournal(lines);
    expect(expected.size).toBeGreaterThan(0);
    for (const [region, entries] of expected) {
      expect(entries.length).toBeGreaterThan(0);
      const stored = await storedJournal(region);
      expect(stored).toEqual(entries);

      const totals = new Map<number, { debit: bigint; credit: bigint }>();
      for (const entry of stored) {
        const total = totals.get(entry.year) ?? { debit: 0n, credit: 0n };
        for (const line of entry.lines) {
          total.debit += parseAmountCents(line.debit);
          total.credit += parseAmountCents(line.credit);
        }
        totals.set(entry.year, total);
      }
      expect(totals.size).toBeGreaterThan(0);
      for (const [year, { debit, credit }] of totals) {
        expect(debit, `${region} ${String(year)}`).toBeGreaterThan(0n);
        expect(debit, `${region} ${String(year)}`).toBe(credit);
      }
    }

    // The whole log delivered to the projector once more: every record is at or below the projected position.
    const { settings, projector } = engines;
    await readToEnd(kafkaClient(settings), topicNames(settings.namespace).log, (messages) =>
      projector.project(messages),
    );
    for (const [region, entries] of expected) expect(await storedJournal(region)).toEqual(entries);
    expect(engines.failures).toEqual([]);
  });

  it('is what the allocator publishes on budget.allocations.v1: every accepted record once, the log covered without gaps', async () => {
    const { settings } = engines;
    const kafka = kafkaClient(settings);
    const allocator = new Allocator(kafka, settings, pino({ level: 'warn' }));
    await allocator.start();
    try {
      const lines = readFileSync(DEMO, 'utf8')
        .split('\n')
        .filter((line) => line.trim() !== '');
      const expected = domainJournal(lines);
      const logLengths = new Map<string, number>();
      for (const region of expected.keys()) {
        const progress = await engines.projections.progress.findById(region).lean();
        logLengths.set(region, progress?.position ?? 0);
      }
      const batches = await readAllocations(kafka, topicNames(settings.namespace).allocations, logLengths);
      for (const [region, entries] of expected) {
        expectPublishedJournal(batches, region, logLengths.get(region) ?? 0, entries);
        expect(batches.some((b) => b.region === region && b.results.length > 1)).toBe(true);
      }
    } finally {
      await allocator.stop();
    }
    expect(engines.failures).toEqual([]);
  });
});
