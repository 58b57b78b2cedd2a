// The real domain core agrees with the independent reference model (written from the contract alone) on every
// outcome and every report, for random event sequences: TigerBeetle's auditor habit.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RegionLog, allocationReport, reconcile, type BudgetEvent } from '@budget/domain';
import { eventSequenceArb } from './arbitraries';
import { referenceOutcomes, referenceReport, type RefEvent } from './model';

/** Runs a sequence through the real core, one RegionLog per region, keeping each region's log as of every position. */
function runCore(events: RefEvent[]) {
  const logs = new Map<string, RegionLog>();
  const outcomes = events.map((event) => {
    let log = logs.get(event.region);
    if (log === undefined) {
      log = RegionLog.empty(event.region);
      logs.set(event.region, log);
    }
    const { record } = log.append(event as unknown as BudgetEvent, '2026-01-01T00:00:00.000Z');
    return { outcome: record.outcome, reason: record.reason };
  });
  return { logs, outcomes };
}

function yearsOf(events: RefEvent[]): number[] {
  const years = new Set<number>([2023, 2024, 2025, 2026]);
  for (const e of events) if (typeof e.data.year === 'number') years.add(e.data.year);
  return [...years];
}

describe('the domain core against the reference model', () => {
  it('decides every event as the model does', () => {
    fc.assert(
      fc.property(eventSequenceArb({ regionCount: 2 }), (events) => {
        expect(runCore(events).outcomes).toEqual(referenceOutcomes(events));
      }),
      { numRuns: 1000 },
    );
  }, 120_000);

  it('reports every region and year as the model does, and its ledger reconciles with the report', () => {
    fc.assert(
      fc.property(eventSequenceArb({ regionCount: 2 }), (events) => {
        const { logs } = runCore(events);
        for (const [region, log] of logs) {
          for (const year of yearsOf(events)) {
            const report = allocationReport(log.state, year, log.length);
            expect(report).toEqual(referenceReport(events, region, year));
            expect(reconcile(log.ledger, report)).toEqual([]);
          }
          log.ledger.assertBalanced();
        }
      }),
      { numRuns: 500 },
    );
  }, 120_000);

  it('reports as of every earlier position as the model does', () => {
    fc.assert(
      fc.property(
        eventSequenceArb({ regionCount: 1, maxLength: 40 }),
        fc.integer({ min: 2023, max: 2026 }),
        (events, year) => {
          const region = events[0]?.region;
          if (region === undefined) return;
          const own = events.filter((e) => e.region === region);
          for (let position = 0; position <= own.length; position++) {
            const { logs } = runCore(own.slice(0, position));
            const log = logs.get(region) ?? RegionLog.empty(region);
            expect(allocationReport(log.state, year, position)).toEqual(
              referenceReport(own, region, year, position),
            );
          }
        },
      ),
      { numRuns: 200 },
    );
  }, 120_000);
});
