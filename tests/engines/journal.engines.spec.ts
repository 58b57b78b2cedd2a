// The ledger service keeps the journal in MongoDB: after the demo file, it balances per region and year and holds
// exactly the entries the domain ledger makes for the same events; the log delivered again changes nothing.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegionLog, formatCents, parseAmountCents, validateLine, type BudgetEvent } from '@budget/domain';
import {
  Allocator,
  kafkaClient,
  readJournal,
  readToEnd,
  topicNames,
  type AllocationBatch,
  type StoredJournalEntry,
} from '@budget/engines';
import { pino } from 'pino';
import { ROOT } from '../support/cli';
import { engineFixture, type EngineFixture } from '../support/engines-fixture';

const DEMO = join(ROOT, 'examples', 'zuid-limburg', 'events.ndjson');

let engines: EngineFixture;

beforeAll(async () => {
  engines = await engineFixture();
});

afterAll(async () => {
  await engines.stop();
});

/** The domain ledger's journal for the same file, per region, with amounts as the journal stores them. */
function domainJournal(lines: string[]): Map<string, StoredJournalEntry[]> {
  const logs = new Map<string, RegionLog>();
  const journals = new Map<string, StoredJournalEntry[]>();
  for (const line of lines) {
    const validation = validateLine(line);
    if (!validation.ok) throw new Error(`the demo file has a bad line: ${line}`);
    const event: BudgetEvent = validation.event;
    let log = logs.get(event.region);
    if (log === undefined) {
      log = RegionLog.empty(event.region);
      logs.set(event.region, log);
      journals.set(event.region, []);
    }
    for (const entry of log.append(event, '2026-01-01T00:00:00.000Z').entries) {
      journals.get(event.region)?.push({
        position: entry.position,
        eventId: entry.eventId,
        year: entry.year,
        memo: entry.memo,
        lines: entry.lines.map((l) => ({
          account: l.account,
          debit: formatCents(l.debitCents),
          credit: formatCents(l.creditCents),
        })),
      });
    }
  }
  return journals;
}

async function storedJournal(region: string): Promise<StoredJournalEntry[]> {
  const progress = await engines.projections.progress.findById(region).lean();
  if (progress === null) throw new Error(`no progress for ${region}`);
  const entries: StoredJournalEntry[] = [];
  for await (const entry of readJournal(engines.projections, region, progress.position)) entries.push(entry);
  return entries;
}

async function* toAsync(lines: string[]): AsyncGenerator<string> {
  for (const line of lines) yield await Promise.resolve(line);
}

describe('the journal in MongoDB', () => {
  it('balances per region and year and equals the domain ledger for the demo file, also after a redelivery', async () => {
    const lines = readFileSync(DEMO, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '');
    const result = await engines.store.importLines(() => toAsync(lines));
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
      // Read the topic until the allocator has covered every region's whole log.
      let batches: AllocationBatch[] = [];
      const deadline = Date.now() + 60_000;
      for (;;) {
        batches = [];
        await readToEnd(kafka, topicNames(settings.namespace).allocations, (messages) => {
          for (const m of messages)
            batches.push(JSON.parse(m.value?.toString('utf8') ?? 'null') as AllocationBatch);
        });
        const covered = (region: string) =>
          Math.max(0, ...batches.filter((b) => b.region === region).map((b) => b.to));
        if ([...logLengths].every(([region, length]) => covered(region) === length)) break;
        if (Date.now() > deadline) throw new Error('the allocator did not cover the log in 60 s');
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      for (const [region, entries] of expected) {
        const own = batches.filter((b) => b.region === region);
        let next = 1;
        for (const batch of own) {
          expect(batch.from, region).toBe(next);
          expect(batch.to).toBeGreaterThanOrEqual(batch.from);
          next = batch.to + 1;
        }
        expect(next - 1).toBe(logLengths.get(region));
        const published = own.flatMap((b) =>
          b.results.flatMap((r) =>
            r.entries.map((e) => ({
              position: r.position,
              eventId: r.eventId,
              year: e.year,
              memo: e.memo,
              lines: e.lines,
            })),
          ),
        );
        expect(published).toEqual(entries);
        expect(own.some((b) => b.results.length > 1)).toBe(true);
      }
    } finally {
      await allocator.stop();
    }
    expect(engines.failures).toEqual([]);
  });
});
