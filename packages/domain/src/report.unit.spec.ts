// The allocation report of CONTRACT section 4: worked examples per field, and a property against an independent
// reference model written from the contract's words.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RegionLog } from './region-log';
import { allocationReport, utilisation, type AllocationReport } from './report';
import type { BudgetEvent } from './schemas';
import { eventSequence, REGION, YEARS } from './testing/arbitraries';
import { referenceReport } from './testing/reference-report';

let counter = 0;
function event(type: string, data: Record<string, unknown>): BudgetEvent {
  counter += 1;
  const envelope = {
    id: `e${String(counter)}`,
    region: REGION,
    occurredAt: '2024-01-01T00:00:00Z',
    actor: 't',
  };
  return { ...envelope, type, data } as BudgetEvent;
}
const configured = (...funders: string[]) =>
  event('RegionConfigured', {
    name: 'R',
    funders: funders.map((id) => ({ id, name: id, municipalities: [] })),
  });
const action = (actionId: string, theme = 'in-beeld', startYear = 2024, endYear = 2024) =>
  event('ActionDefined', {
    actionId,
    theme,
    title: `T ${actionId}`,
    intendedResult: '',
    partners: [],
    startYear,
    endYear,
  });
const funding = (funder: string, amount: string, year = 2024) =>
  event('FundingCommitted', { funder, year, amount, reference: 'x' });
const budget = (actionId: string, amount: string, year = 2024) =>
  event('BudgetSet', { actionId, year, amount });
const key = (shares: Record<string, string>, actionId?: string, year = 2024) =>
  event('FundingKeySet', actionId === undefined ? { year, shares } : { year, actionId, shares });
const spend = (spendingId: string, actionId: string, amount: string, year = 2024) =>
  event('SpendingRecorded', { spendingId, actionId, year, amount, bookedOn: '2024-05-01', payee: 'p' });
const correct = (spendingId: string, amount: string) =>
  event('SpendingCorrected', { spendingId, amount, reason: 'r' });
const reverse = (spendingId: string) => event('SpendingReversed', { spendingId, reason: 'r' });
const close = (year = 2024) => event('YearClosed', { year });

/** Appends every event (rejections included) and reports `year` as of the end. */
function reportAfter(events: BudgetEvent[], year = 2024): AllocationReport {
  const log = RegionLog.empty(REGION);
  for (const e of events) log.append(e, '2024-06-01T00:00:00Z');
  return allocationReport(log.state, year, log.length);
}
const actionOf = (report: AllocationReport, actionId: string) =>
  report.themes.flatMap((t) => t.actions).find((a) => a.actionId === actionId)!;

describe('allocationReport', () => {
  it('keeps a funder whose id is `__proto__` (a valid identifier) in every per-funder figure', () => {
    const shares = JSON.parse('{"__proto__":"0.5","heerlen":"0.5"}') as Record<string, string>;
    const report = reportAfter([
      configured('heerlen', '__proto__'),
      action('A'),
      funding('__proto__', '100.00'),
      budget('A', '10.00'),
      key(shares),
      spend('s1', 'A', '3.01', 2024),
    ]);
    expect(report.funders.map((f) => f.funder)).toEqual(['__proto__', 'heerlen']);
    const allocated = actionOf(report, 'A').allocated;
    expect(Object.keys(allocated)).toEqual(['__proto__', 'heerlen']);
    expect(Object.values(allocated)).toEqual(['5.00', '5.00']);
    expect(Object.values(actionOf(report, 'A').spent).sort()).toEqual(['1.50', '1.51']);
  });

  it('lists every funder sorted by code point, with unallocated, shortfall and remaining', () => {
    const report = reportAfter([
      configured('maastricht', 'heerlen', 'Z'),
      action('A'),
      funding('maastricht', '100'),
      funding('heerlen', '10'),
      key({ maastricht: '0.5', heerlen: '0.5', Z: '0' }),
      budget('A', '60'),
      spend('s1', 'A', '80'),
    ]);
    expect(report.funders).toEqual([
      {
        funder: 'Z',
        committed: '0.00',
        allocated: '0.00',
        spent: '0.00',
        unallocated: '0.00',
        shortfall: '0.00',
        remaining: '0.00',
      },
      {
        funder: 'heerlen',
        committed: '10.00',
        allocated: '30.00',
        spent: '40.00',
        unallocated: '0.00',
        shortfall: '20.00',
        remaining: '-10.00',
      },
      {
        funder: 'maastricht',
        committed: '100.00',
        allocated: '30.00',
        spent: '40.00',
        unallocated: '70.00',
        shortfall: '0.00',
        remaining: '-10.00',
      },
    ]);
    expect(report.totals).toEqual({
      committed: '110.00',
      budget: '60.00',
      allocated: '60.00',
      unfunded: '0.00',
      spent: '80.00',
      remaining: '-20.00',
    });
    const a = actionOf(report, 'A');
    expect(a).toMatchObject({
      overspent: true,
      utilisation: '1.3333',
      remaining: '-20.00',
      spentTotal: '80.00',
    });
  });

  it('lists all three themes in contract order, each with its actions of the year sorted by code point', () => {
    const report = reportAfter([
      configured('f'),
      action('b', 'samenwerking'),
      action('B', 'samenwerking'),
      action('a', 'samenwerking'),
      action('later', 'samenwerking', 2025, 2025),
      action('earlier', 'in-beeld', 2023, 2023),
      action('x', 'opvang-hulpverlening', 2023, 2025),
    ]);
    expect(report.themes.map((t) => t.theme)).toEqual(['in-beeld', 'samenwerking', 'opvang-hulpverlening']);
    expect(report.themes.map((t) => t.actions.map((a) => a.actionId))).toEqual([[], ['B', 'a', 'b'], ['x']]);
    expect(report.themes[0]).toEqual({
      theme: 'in-beeld',
      budget: '0.00',
      allocated: { f: '0.00' },
      unfunded: '0.00',
      spent: { f: '0.00' },
      spentTotal: '0.00',
      remaining: '0.00',
      actions: [],
    });
  });

  it('gives every action a key for every funder, budget 0 when none set, utilisation null for budget 0', () => {
    const report = reportAfter([configured('g', 'f'), action('A'), key({ f: '1', g: '0' })]);
    expect(actionOf(report, 'A')).toEqual({
      actionId: 'A',
      title: 'T A',
      budget: '0.00',
      allocated: { f: '0.00', g: '0.00' },
      unfunded: '0.00',
      spent: { f: '0.00', g: '0.00' },
      spentTotal: '0.00',
      remaining: '0.00',
      utilisation: null,
      overspent: false,
      spendingCount: 0,
    });
  });

  it('rounds utilisation half-up to 4 decimals', () => {
    expect(utilisation(1n, 3n)).toBe('0.3333');
    expect(utilisation(2n, 3n)).toBe('0.6667');
    expect(utilisation(1n, 20_000n)).toBe('0.0001'); // 0.00005 exactly: half goes up
    expect(utilisation(1n, 20_001n)).toBe('0.0000'); // just under half
    expect(utilisation(0n, 5n)).toBe('0.0000');
    expect(utilisation(5n, 5n)).toBe('1.0000');
    expect(utilisation(30_001n, 10_000n)).toBe('3.0001');
    expect(utilisation(7n, 0n)).toBeNull();
    const report = reportAfter([
      configured('f'),
      action('A'),
      key({ f: '1' }),
      budget('A', '3'),
      spend('s', 'A', '1'),
    ]);
    expect(actionOf(report, 'A').utilisation).toBe('0.3333');
  });

  it('counts only active spending items, and reversed items spend nothing', () => {
    const report = reportAfter([
      configured('f'),
      action('A'),
      key({ f: '1' }),
      budget('A', '100'),
      spend('s1', 'A', '10'),
      spend('s2', 'A', '20'),
      spend('s3', 'A', '30'),
      reverse('s2'),
      correct('s3', '5.5'),
      spend('s1', 'A', '999'), // duplicate-spending: rejected, no effect
    ]);
    expect(actionOf(report, 'A')).toMatchObject({
      spendingCount: 2,
      spentTotal: '15.50',
      overspent: false,
      remaining: '84.50',
      utilisation: '0.1550',
    });
  });

  it('reports the budget as unfunded when no key resolves', () => {
    const report = reportAfter([configured('f', 'g'), action('A'), budget('A', '12.3')]);
    expect(actionOf(report, 'A')).toMatchObject({
      budget: '12.30',
      unfunded: '12.30',
      allocated: { f: '0.00', g: '0.00' },
    });
    expect(report.totals.unfunded).toBe('12.30');
    expect(report.themes[0]?.unfunded).toBe('12.30');
    // Funding makes a pro-rata key: the budget is then allocated.
    const funded = reportAfter([
      configured('f', 'g'),
      action('A'),
      budget('A', '12.3'),
      funding('f', '1'),
      funding('g', '2'),
    ]);
    expect(actionOf(funded, 'A')).toMatchObject({ unfunded: '0.00', allocated: { f: '4.10', g: '8.20' } });
  });

  it('says whether the year was closed by an accepted YearClosed', () => {
    expect(reportAfter([configured('f'), close()]).closed).toBe(true);
    expect(reportAfter([close(), configured('f')]).closed).toBe(false); // the close was rejected
    expect(reportAfter([configured('f'), close(2025)]).closed).toBe(false);
  });

  it('re-apportions earlier spending item by item after a later key change', () => {
    const events = [
      configured('f', 'g'),
      action('A'),
      key({ f: '1', g: '0' }),
      spend('s1', 'A', '0.01'),
      spend('s2', 'A', '0.01'),
      spend('s3', 'A', '0.01'),
    ];
    expect(actionOf(reportAfter(events), 'A').spent).toEqual({ f: '0.03', g: '0.00' });
    // At 0.5 / 0.5 each cent is a tie that goes to "f": 3 / 0, where apportioning the sum would give 2 / 1.
    const changed = reportAfter([...events, key({ f: '0.5', g: '0.5' })]);
    expect(actionOf(changed, 'A')).toMatchObject({ spent: { f: '0.03', g: '0.00' }, spentTotal: '0.03' });
    // An action key wins over the year key, and applies to earlier items too.
    const actionKey = reportAfter([...events, key({ f: '0', g: '1' }, 'A')]);
    expect(actionOf(actionKey, 'A').spent).toEqual({ f: '0.00', g: '0.03' });
  });

  it('re-apportions under a pro-rata key when funding changes, with unrounded ratios', () => {
    const events = [
      configured('a', 'b', 'c'),
      action('A'),
      funding('a', '1'),
      funding('b', '1'),
      funding('c', '1'),
      budget('A', '1'),
    ];
    expect(actionOf(reportAfter(events), 'A').allocated).toEqual({ a: '0.34', b: '0.33', c: '0.33' });
    const more = reportAfter([...events, funding('c', '1')]); // 1:1:2
    expect(actionOf(more, 'A').allocated).toEqual({ a: '0.25', b: '0.25', c: '0.50' });
    expect(more.funders.map((f) => f.unallocated)).toEqual(['0.75', '0.75', '1.50']);
  });

  it('reports an earlier position: the state after the first N events, rejected ones included', () => {
    const events = [
      configured('f'),
      action('A'),
      key({ f: '1' }),
      budget('A', '10'),
      spend('s1', 'A', '4'),
      spend('s1', 'A', '4'), // rejected, still a position
      reverse('s1'),
    ];
    const log = RegionLog.empty(REGION);
    const asOf: AllocationReport[] = [];
    for (const e of events) {
      log.append(e, '2024-06-01T00:00:00Z');
      asOf.push(allocationReport(log.state, 2024, log.length));
    }
    for (let n = 1; n <= events.length; n++) {
      const replayed = RegionLog.empty(REGION);
      for (const e of events.slice(0, n)) replayed.append(e, '2024-06-01T00:00:00Z');
      expect(allocationReport(replayed.state, 2024, n)).toEqual(asOf[n - 1]);
    }
    expect(asOf[4]?.asOfPosition).toBe(5);
    expect(actionOf(asOf[4]!, 'A').spentTotal).toBe('4.00');
    expect(actionOf(asOf[5]!, 'A').spentTotal).toBe('4.00');
    expect(actionOf(asOf[6]!, 'A').spentTotal).toBe('0.00');
  });

  it('always writes amounts with exactly two decimals', () => {
    const report = reportAfter([
      configured('f'),
      action('A'),
      key({ f: '1' }),
      budget('A', '7'),
      spend('s', 'A', '0.5'),
    ]);
    const amounts = JSON.stringify(report).match(/"-?\d+(\.\d+)?"/g) ?? [];
    expect(amounts.length).toBeGreaterThan(10);
    for (const amount of amounts) expect(amount).toMatch(/^"-?\d+\.\d{2}"$|^"\d\.\d{4}"$/);
  });

  it('equals an independent reference model after every event of a random sequence', () => {
    fc.assert(
      fc.property(eventSequence(), (events) => {
        const log = RegionLog.empty(REGION);
        const decided: { event: BudgetEvent; accepted: boolean }[] = [];
        for (const e of events) {
          decided.push({
            event: e,
            accepted: log.append(e, '2024-06-01T00:00:00Z').record.outcome === 'accepted',
          });
          for (const year of YEARS) {
            expect(allocationReport(log.state, year, log.length)).toEqual(
              referenceReport(REGION, year, decided),
            );
          }
        }
      }),
      { numRuns: 300 },
    );
  }, 60_000);
});
