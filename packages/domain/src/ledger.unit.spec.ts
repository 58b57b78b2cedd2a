// The double-entry ledger agrees with the allocation report after every event, and every entry balances.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JournalEntry } from './ledger';
import type { BudgetEvent } from './schemas';
import { reconcile } from './reconciliation';
import { RegionLog } from './region-log';
import { allocationReport } from './report';
import { evolve } from './evolve';
import { restoreSnapshot, snapshotOf, yearSnapshot, type RegionSnapshot } from './snapshot';
import { eventSequence, REGION, YEARS } from './testing/arbitraries';
import { validateRecord } from './validation';

const RECORDED_AT = '2024-06-01T00:00:00Z';

function debitsEqualCredits(entry: JournalEntry): boolean {
  const debit = entry.lines.reduce((sum, line) => sum + line.debitCents, 0n);
  const credit = entry.lines.reduce((sum, line) => sum + line.creditCents, 0n);
  return debit === credit;
}

/** Every check of this file, after one more event. */
function expectInAgreement(log: RegionLog, entries: JournalEntry[]): void {
  for (const entry of entries) expect(debitsEqualCredits(entry), entry.memo).toBe(true);
  for (const year of YEARS) {
    expect(log.ledger.trialBalance(year).balanced).toBe(true);
    const report = allocationReport(log.state, year, log.length);
    expect(reconcile(log.ledger, report)).toEqual([]);
  }
}

describe('ledger', () => {
  it('generates only well-formed events (a check of the arbitrary itself)', () => {
    fc.assert(
      fc.property(eventSequence(), (events) => {
        for (const event of events) expect(validateRecord(event)).toEqual({ ok: true, event });
      }),
      { numRuns: 200 },
    );
  });

  it('balances every entry and reconciles with the report after every event of a random sequence', () => {
    fc.assert(
      fc.property(eventSequence(), (events) => {
        const log = RegionLog.empty(REGION);
        for (const event of events) {
          const { entries } = log.append(event, RECORDED_AT);
          expectInAgreement(log, entries);
        }
      }),
      { numRuns: 400 },
    );
  }, 60_000);

  it('sees accepted events of every kind in the random sequences (the property is not vacuous)', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(eventSequence(), (events) => {
        const log = RegionLog.empty(REGION);
        for (const event of events) {
          const { record } = log.append(event, RECORDED_AT);
          seen.add(record.outcome === 'accepted' ? record.type : `${record.type}:${record.reason ?? ''}`);
        }
      }),
      { numRuns: 300 },
    );
    for (const type of [
      'ActionDefined',
      'FundingCommitted',
      'BudgetSet',
      'FundingKeySet',
      'SpendingRecorded',
      'SpendingCorrected',
      'SpendingReversed',
      'YearClosed',
      'SpendingRecorded:duplicate-spending',
      'SpendingRecorded:no-funding-key',
      'SpendingCorrected:year-closed',
      'SpendingReversed:spending-reversed',
      'ActionDefined:action-years-conflict',
    ]) {
      expect(seen.has(type), `${type} not among ${[...seen].sort().join(', ')}`).toBe(true);
    }
  });
});

/** Everything a restart must reproduce: the records' hashes, every year's report and trial balance, all balances. */
function observable(log: RegionLog, hashes: string[]) {
  return {
    hashes,
    length: log.length,
    lastHash: log.lastHash,
    reports: YEARS.map((year) => allocationReport(log.state, year, log.length)),
    trialBalances: YEARS.map((year) => log.ledger.trialBalance(year)),
    balances: log.ledger.balances,
  };
}

function appendAll(log: RegionLog, events: readonly BudgetEvent[], hashes: string[]): void {
  for (const event of events) hashes.push(log.append(event, RECORDED_AT).record.hash);
}

describe('snapshotOf / restoreSnapshot', () => {
  it('restoring a snapshot (through JSON) and appending more gives what never snapshotting gives', () => {
    fc.assert(
      fc.property(eventSequence(), fc.nat(), (events, cut) => {
        const at = events.length === 0 ? 0 : cut % (events.length + 1);
        const straight = RegionLog.empty(REGION);
        const straightHashes: string[] = [];
        appendAll(straight, events, straightHashes);

        const before = RegionLog.empty(REGION);
        const hashes: string[] = [];
        appendAll(before, events.slice(0, at), hashes);
        // Reports read before the snapshot fill the spent caches; the restored log starts without them.
        for (const year of YEARS) allocationReport(before.state, year, before.length);
        const stored = JSON.parse(JSON.stringify(snapshotOf(before))) as RegionSnapshot;
        const restored = restoreSnapshot(stored);
        appendAll(restored, events.slice(at), hashes);

        expect(observable(restored, hashes)).toEqual(observable(straight, straightHashes));
        for (const year of YEARS) {
          expect(reconcile(restored.ledger, allocationReport(restored.state, year, restored.length))).toEqual(
            [],
          );
        }
      }),
      { numRuns: 300 },
    );
  }, 60_000);

  it('restores a version 1 snapshot (items as tuples, as stores wrote them before) to the same state', () => {
    fc.assert(
      fc.property(eventSequence(), (events) => {
        const log = RegionLog.empty(REGION);
        const hashes: string[] = [];
        appendAll(log, events, hashes);
        const current = JSON.parse(JSON.stringify(snapshotOf(log))) as RegionSnapshot;
        expect(current.version).toBe(3);
        const v1 = {
          ...current,
          version: 1,
          actions: current.actions.map((action) => ({
            definition: action.definition,
            years: action.years.map((entry) => {
              const columns = entry.items as unknown as { ids: string; cents: string; inactive: number[] };
              const ids = columns.ids === '' ? [] : columns.ids.split(' ');
              const cents = columns.cents === '' ? [] : columns.cents.split(' ');
              return {
                ...entry,
                items: ids.map((id, i) => [id, cents[i], columns.inactive.includes(i) ? 0 : 1]),
              };
            }),
          })),
        } as unknown as RegionSnapshot;
        expect(observable(restoreSnapshot(v1), hashes)).toEqual(observable(log, hashes));
        expect(observable(restoreSnapshot(current), hashes)).toEqual(observable(log, hashes));
      }),
      { numRuns: 200 },
    );
  }, 60_000);

  it('keeps amounts beyond 2^53 cents exact, as strings', () => {
    const log = RegionLog.empty(REGION);
    const hashes: string[] = [];
    appendAll(log, [], hashes);
    const snapshot = snapshotOf(log);
    const item = { actionId: 'a', year: 2024 };
    const restored = restoreSnapshot({
      ...snapshot,
      config: { name: 'r', funders: [] },
      actions: [
        {
          definition: {
            actionId: item.actionId,
            name: 'A',
            theme: 'prevention',
            startYear: 2024,
            endYear: 2024,
          },
          years: [
            {
              year: item.year,
              budgetCents: '0',
              key: null,
              items: { ids: 's1 s2', cents: '90071992547409930 5', inactive: [1] },
            },
          ],
        },
      ],
    } as unknown as RegionSnapshot);
    expect(restored.state.spending.item('s1')).toMatchObject({
      amountCents: 90071992547409930n,
      active: true,
    });
    expect(restored.state.spending.item('s2')).toMatchObject({ amountCents: 5n, active: false });
    const again = snapshotOf(restored).actions[0]?.years[0]?.items;
    expect(again).toEqual({ ids: 's1 s2', cents: '90071992547409930 5', inactive: [1] });
  });

  it("one year's snapshot, plus the later accepted events of that year, gives that year's report", () => {
    fc.assert(
      fc.property(eventSequence(), fc.nat(), (events, cut) => {
        const at = events.length === 0 ? 0 : cut % (events.length + 1);
        const straight = RegionLog.empty(REGION);
        const appended = events.map((event) => straight.append(event, RECORDED_AT));
        const before = RegionLog.empty(REGION);
        for (const event of events.slice(0, at)) before.append(event, RECORDED_AT);
        const whole = JSON.parse(JSON.stringify(snapshotOf(before))) as RegionSnapshot;
        for (const year of [...YEARS, 2099]) {
          // What an as-of report in the embedded store does: restore the year's part of the nearest checkpoint,
          // then apply the accepted events after it that concern the year or no year at all.
          const state = restoreSnapshot(yearSnapshot(whole, year)).state;
          for (const { record, year: concerns } of appended.slice(at)) {
            if (record.outcome === 'accepted' && (concerns === null || concerns === year))
              evolve(state, record);
          }
          expect(allocationReport(state, year, straight.length)).toEqual(
            allocationReport(straight.state, year, straight.length),
          );
        }
      }),
      { numRuns: 300 },
    );
  }, 60_000);
});
