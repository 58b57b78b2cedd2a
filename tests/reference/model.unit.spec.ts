// Hand-computed examples for the reference model (./model.ts), worked out from CONTRACT.md sections 3 and 4.
// Every expected figure below was computed by hand (the arithmetic is in the comments), not by running the model:
// these tests are why we trust the model enough to judge the real core with it.
import { describe, expect, it } from 'vitest';
import type { RefEvent } from './model';
import {
  formatCents,
  parseAmountCents,
  referenceApportion,
  referenceOutcomes,
  referenceReport,
} from './model';

/** Minimal event-log builder: sequential ids, fixed timestamps (occurredAt never matters to the rules). */
class Log {
  readonly events: RefEvent[] = [];
  constructor(readonly region = 'zuid-limburg') {}

  add(type: string, data: Record<string, unknown>, region = this.region): RefEvent {
    const e: RefEvent = {
      id: `e-${String(this.events.length + 1)}`,
      region,
      type,
      occurredAt: '2024-03-01T10:00:00Z',
      actor: 'tester',
      data,
    };
    this.events.push(e);
    return e;
  }
  configured(funders: string[], region = this.region): this {
    this.add(
      'RegionConfigured',
      {
        name: 'Zuid-Limburg',
        funders: funders.map((id) => ({ id, name: `Gemeente ${id}`, municipalities: [id] })),
      },
      region,
    );
    return this;
  }
  action(actionId: string, theme: string, startYear: number, endYear: number, region = this.region): this {
    const data = {
      actionId,
      theme,
      title: `Actie ${actionId}`,
      intendedResult: 'r',
      partners: [],
      startYear,
      endYear,
    };
    this.add('ActionDefined', data, region);
    return this;
  }
  funding(funder: string, year: number, amount: string): this {
    this.add('FundingCommitted', { funder, year, amount, reference: 'circulaire' });
    return this;
  }
  budget(actionId: string, year: number, amount: string): this {
    this.add('BudgetSet', { actionId, year, amount });
    return this;
  }
  key(year: number, shares: Record<string, string>, actionId?: string): this {
    this.add('FundingKeySet', actionId === undefined ? { year, shares } : { year, actionId, shares });
    return this;
  }
  spend(spendingId: string, actionId: string, year: number, amount: string): this {
    const data = {
      spendingId,
      actionId,
      year,
      amount,
      bookedOn: `${String(year)}-03-01`,
      payee: 'GGD',
      description: 'd',
    };
    this.add('SpendingRecorded', data);
    return this;
  }
  correct(spendingId: string, amount: string): this {
    this.add('SpendingCorrected', { spendingId, amount, reason: 'typo' });
    return this;
  }
  reverse(spendingId: string): this {
    this.add('SpendingReversed', { spendingId, reason: 'wrong action' });
    return this;
  }
  close(year: number): this {
    this.add('YearClosed', { year });
    return this;
  }
}

const SCALE = 1_000_000_000n;
const dec = (funder: string, nine: bigint) => ({ funder, num: nine, den: SCALE });

describe('amount helpers', () => {
  it('parses every input spelling and prints exactly two decimals', () => {
    expect(parseAmountCents('0')).toBe(0n);
    expect(parseAmountCents('12.5')).toBe(1250n);
    expect(parseAmountCents('12.05')).toBe(1205n);
    expect(parseAmountCents('-3.5')).toBe(-350n);
    expect(formatCents(0n)).toBe('0.00');
    expect(formatCents(120000n)).toBe('1200.00');
    expect(formatCents(-350n)).toBe('-3.50');
    expect(formatCents(-1n)).toBe('-0.01');
  });
});

describe('referenceApportion (largest remainder, exact)', () => {
  it('100.00 over 0.573 / 0.427 -> 57.30 / 42.70 (no remainder)', () => {
    // 10000 * 0.573 = 5730 exactly; 10000 * 0.427 = 4270 exactly; nothing left over.
    const m = referenceApportion(10000n, [dec('maastricht', 573_000_000n), dec('heerlen', 427_000_000n)]);
    expect(m).toEqual(
      new Map([
        ['maastricht', 5730n],
        ['heerlen', 4270n],
      ]),
    );
  });

  it('0.01 over 0.5 / 0.5: the tie goes to the lower funder id in code-point order', () => {
    // 1 * 0.5 = 0.5 each: floors 0 and 0, remainders equal, 1 cent left -> lowest id.
    expect(referenceApportion(1n, [dec('maastricht', SCALE / 2n), dec('heerlen', SCALE / 2n)])).toEqual(
      new Map([
        ['maastricht', 0n],
        ['heerlen', 1n],
      ]),
    );
    // Code points, not case-insensitive: 'V' (U+0056) < 'h' (U+0068), so "Venlo" wins over "heerlen".
    expect(referenceApportion(1n, [dec('heerlen', SCALE / 2n), dec('Venlo', SCALE / 2n)])).toEqual(
      new Map([
        ['heerlen', 0n],
        ['Venlo', 1n],
      ]),
    );
  });

  it('0.01 over 0.573 / 0.427: the cent goes to the larger remainder, not the lower id', () => {
    // 0.573 vs 0.427 remainders: maastricht wins although "heerlen" < "maastricht".
    expect(referenceApportion(1n, [dec('heerlen', 427_000_000n), dec('maastricht', 573_000_000n)])).toEqual(
      new Map([
        ['heerlen', 0n],
        ['maastricht', 1n],
      ]),
    );
  });

  it('pro-rata 1/3 : 2/3 with exact rationals: 100.00 -> 33.33 / 66.67', () => {
    // 10000 * 1/3 = 3333 r 1/3; 10000 * 2/3 = 6666 r 2/3; 1 cent left -> larger remainder (maastricht).
    const m = referenceApportion(10000n, [
      { funder: 'heerlen', num: 10000n, den: 30000n },
      { funder: 'maastricht', num: 20000n, den: 30000n },
    ]);
    expect(m).toEqual(
      new Map([
        ['heerlen', 3333n],
        ['maastricht', 6667n],
      ]),
    );
  });

  it('1.00 over 0.333333333 / 0.333333333 / 0.333333334: the largest remainder beats id order', () => {
    // 100 * 0.333333333 = 33.3333333 (r .3333333) twice; 100 * 0.333333334 = 33.3333334 (r .3333334).
    // 100 - 99 = 1 cent left -> maastricht, though "a.b" and "heerlen" have lower ids.
    const m = referenceApportion(100n, [
      dec('a.b', 333_333_333n),
      dec('heerlen', 333_333_333n),
      dec('maastricht', 333_333_334n),
    ]);
    expect(m).toEqual(
      new Map([
        ['a.b', 33n],
        ['heerlen', 33n],
        ['maastricht', 34n],
      ]),
    );
  });

  it('0.02 over three equal thirds: two cents to the two lowest ids', () => {
    // 2 * 1/3 = 0 r 2/3 each; 2 cents left -> "Venlo" then "a.b" (code points 'V' < 'a' < 'h').
    const third = { num: 1n, den: 3n };
    const m = referenceApportion(2n, [
      { funder: 'heerlen', ...third },
      { funder: 'a.b', ...third },
      { funder: 'Venlo', ...third },
    ]);
    expect(m).toEqual(
      new Map([
        ['heerlen', 0n],
        ['a.b', 1n],
        ['Venlo', 1n],
      ]),
    );
  });

  it('refuses shares that do not sum to exactly 1', () => {
    expect(() => referenceApportion(100n, [dec('a', 333_333_333n), dec('b', 666_666_666n)])).toThrow();
  });
});

describe('referenceOutcomes: each reason, first applicable wins', () => {
  it('walks through every rejection reason in one log', () => {
    const log = new Log();
    const expected: Array<string | null> = [];
    const step = (reason: string | null, f: () => unknown) => {
      f();
      expected.push(reason);
    };
    step('region-not-configured', () => log.funding('heerlen', 2024, '1'));
    step(null, () => log.configured(['heerlen', 'maastricht']));
    step(null, () => log.configured(['maastricht', 'heerlen'])); // same set, other order: fine
    step('funders-changed', () => log.configured(['heerlen']));
    step(null, () => log.action('a', 'in-beeld', 2023, 2025));
    step(null, () => log.budget('a', 2025, '10.00'));
    step('action-years-conflict', () => log.action('a', 'in-beeld', 2023, 2024)); // 2025 has budget 10.00
    step('unknown-funder', () => log.funding('sittard', 2024, '1'));
    step('unknown-action', () => log.budget('zz', 2024, '1'));
    step('outside-lead-time', () => log.budget('a', 2026, '1'));
    step('unknown-funder', () => log.key(2024, { heerlen: '1' })); // maastricht missing
    step('unknown-funder', () => log.key(2024, { heerlen: '0.5', maastricht: '0.5', venlo: '0' })); // extra
    step('unknown-action', () => log.key(2024, { heerlen: '0.5', maastricht: '0.5' }, 'zz'));
    step('no-funding-key', () => log.spend('s1', 'a', 2024, '1.00')); // no key, nothing committed in 2024
    step(null, () => log.funding('heerlen', 2023, '0')); // zero commitment is accepted but gives no pro-rata key
    step('no-funding-key', () => log.spend('s1', 'a', 2023, '1.00'));
    step(null, () => log.key(2024, { heerlen: '0.5', maastricht: '0.5' }));
    step(null, () => log.spend('s1', 'a', 2024, '1.00')); // s1 was never ACCEPTED before: no duplicate
    step('duplicate-spending', () => log.spend('s1', 'zz', 2099, '1.00')); // duplicate beats unknown-action
    step('unknown-action', () => log.spend('s2', 'zz', 2024, '1.00'));
    step('outside-lead-time', () => log.spend('s2', 'a', 2026, '1.00'));
    step('unknown-spending', () => log.correct('s9', '2.00'));
    step('unknown-spending', () => log.reverse('s2')); // s2 was only ever rejected
    step(null, () => log.reverse('s1'));
    step('spending-reversed', () => log.correct('s1', '2.00'));
    step('spending-reversed', () => log.reverse('s1'));
    step('duplicate-spending', () => log.spend('s1', 'a', 2024, '1.00')); // a reversed id stays used
    step(null, () => log.spend('s3', 'a', 2024, '2.00'));
    step(null, () => log.close(2024));
    step('year-closed', () => log.close(2024));
    step('year-closed', () => log.funding('heerlen', 2024, '1'));
    step('unknown-funder', () => log.funding('sittard', 2024, '1')); // funder check comes before year-closed
    step('year-closed', () => log.budget('a', 2024, '1'));
    step('outside-lead-time', () => log.budget('a', 2026, '1')); // lead time before year-closed (2026 open anyway)
    step('year-closed', () => log.key(2024, { heerlen: '1', maastricht: '0' }));
    step('year-closed', () => log.spend('s4', 'a', 2024, '1.00'));
    step('year-closed', () => log.correct('s3', '5.00')); // s3 is booked in closed 2024
    step('year-closed', () => log.reverse('s3'));
    step('spending-reversed', () => log.correct('s1', '5.00')); // reversed s1 is in closed 2024: reversed first
    // Order of reasons where more than one applies (2024 is closed; 2023 and 2026 get closed too):
    step('unknown-action', () => log.budget('zz', 2024, '1')); // unknown-action before year-closed
    step('unknown-funder', () => log.key(2024, { heerlen: '1' }, 'zz')); // before unknown-action, year-closed
    step('unknown-action', () => log.key(2024, { heerlen: '1', maastricht: '0' }, 'zz')); // before year-closed
    step(null, () => log.close(2026));
    step('outside-lead-time', () => log.budget('a', 2026, '1')); // before year-closed
    step('outside-lead-time', () => log.spend('s5', 'a', 2026, '1.00')); // before year-closed
    step(null, () => log.close(2023));
    step('year-closed', () => log.spend('s5', 'a', 2023, '1.00')); // before no-funding-key (2023 has no key)
    step('action-years-conflict', () => log.action('a', 'samenwerking', 2025, 2025)); // active s3 in 2024
    step(null, () => log.budget('a', 2025, '0')); // 2025 is open
    step(null, () => log.action('a', 'samenwerking', 2024, 2024)); // 2025 budget now 0, s3 inside: narrowing ok
    step('outside-lead-time', () => log.budget('a', 2025, '5.00'));
    step('region-not-configured', () => log.action('x', 'in-beeld', 2024, 2024, 'noord')); // other region
    step(null, () => log.configured(['Venlo'], 'noord'));
    step(null, () => log.action('x', 'in-beeld', 2024, 2024, 'noord')); // 2024 is closed only in zuid-limburg

    const got = referenceOutcomes(log.events);
    expect(got.map((o) => o.reason)).toEqual(expected);
    expect(got.map((o) => o.outcome)).toEqual(expected.map((r) => (r === null ? 'accepted' : 'rejected')));
  });

  it('processes regions independently and keeps the input index alignment', () => {
    const log = new Log('r1');
    log.configured(['heerlen'], 'r1'); // 0 accepted
    log.action('x', 'in-beeld', 2024, 2024, 'r2'); // 1 rejected: r2 not configured
    log.configured(['maastricht'], 'r2'); // 2 accepted: r2's first RegionConfigured, other funders than r1
    log.action('x', 'in-beeld', 2024, 2024, 'r2'); // 3 accepted
    expect(referenceOutcomes(log.events)).toEqual([
      { outcome: 'accepted', reason: null },
      { outcome: 'rejected', reason: 'region-not-configured' },
      { outcome: 'accepted', reason: null },
      { outcome: 'accepted', reason: null },
    ]);
  });
});

describe('referenceReport', () => {
  it('a full report: exact shape, key order and hand-computed figures', () => {
    const log = new Log()
      .configured(['maastricht', 'heerlen']) // 1
      .action('b', 'in-beeld', 2023, 2025) // 2
      .action('Act.3', 'in-beeld', 2024, 2024) // 3
      .action('act-2', 'opvang-hulpverlening', 2023, 2025) // 4
      .key(2024, { maastricht: '0.573', heerlen: '0.427' }) // 5
      .budget('b', 2024, '100') // 6
      .budget('Act.3', 2024, '0.01') // 7
      .funding('maastricht', 2024, '50') // 8
      .funding('heerlen', 2024, '60.00') // 9
      .spend('s1', 'b', 2024, '10') // 10
      .spend('s2', 'b', 2024, '0.01') // 11
      .budget('act-2', 2024, '3.0') // 12
      .key(2024, { heerlen: '0', maastricht: '1' }, 'act-2') // 13
      .spend('s3', 'act-2', 2024, '4.00') // 14
      .action('later', 'samenwerking', 2025, 2025); // 15: years exclude 2024, so not listed

    // b: budget 10000 by .573/.427 -> m 5730, h 4270.
    //    s1 1000 -> m 573, h 427 (exact). s2 1 cent -> remainders .573 (m) vs .427 (h) -> m 1.
    //    spent m 574, h 427 = 1001 = 10.01; remaining 100.00 - 10.01 = 89.99; utilisation 1001/10000 = 0.1001.
    // Act.3: budget 1 cent -> m 1 (remainder .573 > .427), h 0. No spending: utilisation 0/1 = 0.0000.
    // in-beeld (Act.3 before b: 'A' < 'b'): budget 100.01; allocated m 57.31, h 42.70; spent m 5.74 h 4.27;
    //    spentTotal 10.01; remaining 90.00.
    // act-2: action key m=1, h=0 -> allocated m 3.00; spent m 4.00; remaining -1.00; 400/300 = 1.33333 -> 1.3333.
    // heerlen: committed 60.00; allocated 42.70; spent 4.27; unallocated 17.30; shortfall 0; remaining 38.43.
    // maastricht: committed 50.00; allocated 57.31 + 3.00 = 60.31; spent 5.74 + 4.00 = 9.74;
    //    unallocated 0; shortfall 60.31 - 50.00 = 10.31; remaining 60.31 - 9.74 = 50.57.
    // totals: committed 110.00; budget 103.01; allocated 103.01; unfunded 0; spent 14.01; remaining 89.00.
    const zero = { heerlen: '0.00', maastricht: '0.00' };
    const expected = {
      region: 'zuid-limburg',
      year: 2024,
      closed: false,
      asOfPosition: 15,
      funders: [
        {
          funder: 'heerlen',
          committed: '60.00',
          allocated: '42.70',
          spent: '4.27',
          unallocated: '17.30',
          shortfall: '0.00',
          remaining: '38.43',
        },
        {
          funder: 'maastricht',
          committed: '50.00',
          allocated: '60.31',
          spent: '9.74',
          unallocated: '0.00',
          shortfall: '10.31',
          remaining: '50.57',
        },
      ],
      themes: [
        {
          theme: 'in-beeld',
          budget: '100.01',
          allocated: { heerlen: '42.70', maastricht: '57.31' },
          unfunded: '0.00',
          spent: { heerlen: '4.27', maastricht: '5.74' },
          spentTotal: '10.01',
          remaining: '90.00',
          actions: [
            {
              actionId: 'Act.3',
              title: 'Actie Act.3',
              budget: '0.01',
              allocated: { heerlen: '0.00', maastricht: '0.01' },
              unfunded: '0.00',
              spent: zero,
              spentTotal: '0.00',
              remaining: '0.01',
              utilisation: '0.0000',
              overspent: false,
              spendingCount: 0,
            },
            {
              actionId: 'b',
              title: 'Actie b',
              budget: '100.00',
              allocated: { heerlen: '42.70', maastricht: '57.30' },
              unfunded: '0.00',
              spent: { heerlen: '4.27', maastricht: '5.74' },
              spentTotal: '10.01',
              remaining: '89.99',
              utilisation: '0.1001',
              overspent: false,
              spendingCount: 2,
            },
          ],
        },
        {
          theme: 'samenwerking',
          budget: '0.00',
          allocated: zero,
          unfunded: '0.00',
          spent: zero,
          spentTotal: '0.00',
          remaining: '0.00',
          actions: [],
        },
        {
          theme: 'opvang-hulpverlening',
          budget: '3.00',
          allocated: { heerlen: '0.00', maastricht: '3.00' },
          unfunded: '0.00',
          spent: { heerlen: '0.00', maastricht: '4.00' },
          spentTotal: '4.00',
          remaining: '-1.00',
          actions: [
            {
              actionId: 'act-2',
              title: 'Actie act-2',
              budget: '3.00',
              allocated: { heerlen: '0.00', maastricht: '3.00' },
              unfunded: '0.00',
              spent: { heerlen: '0.00', maastricht: '4.00' },
              spentTotal: '4.00',
              remaining: '-1.00',
              utilisation: '1.3333',
              overspent: true,
              spendingCount: 1,
            },
          ],
        },
      ],
      totals: {
        committed: '110.00',
        budget: '103.01',
        allocated: '103.01',
        unfunded: '0.00',
        spent: '14.01',
        remaining: '89.00',
      },
    };
    const report = referenceReport(log.events, 'zuid-limburg', 2024);
    expect(report).toEqual(expected);
    // toEqual ignores key order; the serialised text pins it to the contract's order.
    expect(JSON.stringify(report)).toBe(JSON.stringify(expected));
  });

  it('pro rata to committed funding (1/3 : 2/3), unfunded before any key, re-apportioned as funding grows', () => {
    const log = new Log()
      .configured(['maastricht', 'heerlen']) // 1
      .action('a', 'samenwerking', 2024, 2024) // 2
      .budget('a', 2024, '100.00') // 3
      .funding('heerlen', 2024, '100') // 4
      .funding('maastricht', 2024, '200') // 5
      .spend('s1', 'a', 2024, '0.01') // 6
      .funding('heerlen', 2024, '100'); // 7: heerlen now 200 of 400 -> 1/2
    const action = (n: number) => referenceReport(log.events, 'zuid-limburg', 2024, n).themes[1]?.actions[0];

    // As of 3: no key at all (nothing committed) -> allocated 0 / 0, unfunded = budget 100.00.
    expect(action(3)).toMatchObject({
      allocated: { heerlen: '0.00', maastricht: '0.00' },
      unfunded: '100.00',
      utilisation: '0.0000',
    });
    // As of 6: pro rata 100/300 and 200/300. Budget 10000 -> h 3333 r 1/3, m 6666 r 2/3 -> m gets the cent.
    // s1 = 1 cent -> h 0 r 1/3, m 0 r 2/3 -> m.
    expect(action(6)).toMatchObject({
      allocated: { heerlen: '33.33', maastricht: '66.67' },
      unfunded: '0.00',
      spent: { heerlen: '0.00', maastricht: '0.01' },
      spendingCount: 1,
    });
    // As of 7: 200/400 each = 1/2. Budget -> 50.00 / 50.00. s1 1 cent -> tie .5/.5 -> "heerlen" (lower id).
    expect(action(7)).toMatchObject({
      allocated: { heerlen: '50.00', maastricht: '50.00' },
      spent: { heerlen: '0.01', maastricht: '0.00' },
    });
    const full = referenceReport(log.events, 'zuid-limburg', 2024);
    expect(full.funders.map((f) => [f.funder, f.committed, f.allocated, f.unallocated])).toEqual([
      ['heerlen', '200.00', '50.00', '150.00'],
      ['maastricht', '200.00', '50.00', '150.00'],
    ]);
  });

  it('key precedence and re-apportioning of earlier spending; corrections and reversals', () => {
    const log = new Log()
      .configured(['heerlen', 'maastricht']) // 1
      .action('A', 'in-beeld', 2024, 2024) // 2
      .action('B', 'in-beeld', 2024, 2024) // 3
      .funding('heerlen', 2024, '900') // 4: pro rata would be 100% heerlen; explicit keys override it
      .key(2024, { heerlen: '0.5', maastricht: '0.5' }) // 5
      .spend('s1', 'A', 2024, '10.00') // 6
      .spend('s2', 'B', 2024, '10.00') // 7
      .key(2024, { heerlen: '0.25', maastricht: '0.75' }, 'A') // 8: action key for A
      .key(2024, { heerlen: '1', maastricht: '0' }) // 9: later year key; A keeps its action key
      .correct('s1', '20.00') // 10
      .reverse('s2'); // 11
    const spentOf = (n: number) =>
      referenceReport(log.events, 'zuid-limburg', 2024, n).themes[0]?.actions.map((a) => [
        a.actionId,
        a.spent,
        a.spendingCount,
      ]);
    // As of 7: year key 0.5/0.5 for both: 1000 -> 500/500.
    expect(spentOf(7)).toEqual([
      ['A', { heerlen: '5.00', maastricht: '5.00' }, 1],
      ['B', { heerlen: '5.00', maastricht: '5.00' }, 1],
    ]);
    // As of 8: A re-apportioned by its own key: 1000 * .25 = 250, * .75 = 750. B unchanged.
    expect(spentOf(8)).toEqual([
      ['A', { heerlen: '2.50', maastricht: '7.50' }, 1],
      ['B', { heerlen: '5.00', maastricht: '5.00' }, 1],
    ]);
    // As of 9: the newest year key (1/0) replaces the old one for B only; the action key still wins for A.
    expect(spentOf(9)).toEqual([
      ['A', { heerlen: '2.50', maastricht: '7.50' }, 1],
      ['B', { heerlen: '10.00', maastricht: '0.00' }, 1],
    ]);
    // As of 11: s1 corrected to 20.00 -> 5.00 / 15.00; s2 reversed -> B spends nothing, count 0.
    expect(spentOf(11)).toEqual([
      ['A', { heerlen: '5.00', maastricht: '15.00' }, 1],
      ['B', { heerlen: '0.00', maastricht: '0.00' }, 0],
    ]);
  });

  it('each spending item is apportioned on its own, not their sum', () => {
    // Three items of 0.01 at 0.5/0.5: each tie goes to heerlen -> heerlen 0.03, maastricht 0.00.
    // (Apportioning the sum 0.03 would give 0.02 / 0.01.)
    const log = new Log()
      .configured(['maastricht', 'heerlen'])
      .action('a', 'in-beeld', 2024, 2024)
      .key(2024, { heerlen: '0.5', maastricht: '0.5' })
      .spend('s1', 'a', 2024, '0.01')
      .spend('s2', 'a', 2024, '0.01')
      .spend('s3', 'a', 2024, '0.01');
    const a = referenceReport(log.events, 'zuid-limburg', 2024).themes[0]?.actions[0];
    expect(a?.spent).toEqual({ heerlen: '0.03', maastricht: '0.00' });
  });

  it('utilisation rounds half-up to 4 decimals; null when the budget is 0', () => {
    const log = new Log()
      .configured(['heerlen'])
      .action('a', 'in-beeld', 2024, 2024)
      .action('z', 'in-beeld', 2024, 2024)
      .key(2024, { heerlen: '1' })
      .budget('a', 2024, '200.00')
      .spend('s1', 'a', 2024, '0.01') // 1 / 20000 = 0.00005 -> half-up -> 0.0001
      .spend('s2', 'z', 2024, '5.00'); // budget 0: utilisation null, overspent, remaining -5.00
    const [a, z] = referenceReport(log.events, 'zuid-limburg', 2024).themes[0]?.actions ?? [];
    expect(a).toMatchObject({ utilisation: '0.0001', overspent: false, remaining: '199.99' });
    expect(z).toMatchObject({ budget: '0.00', utilisation: null, overspent: true, remaining: '-5.00' });
  });

  it('as-of position counts rejected events too, and reflects closed years', () => {
    const log = new Log()
      .configured(['heerlen']) // 1
      .funding('heerlen', 2024, '10') // 2
      .funding('ghost', 2024, '99') // 3 rejected, still a position
      .close(2024) // 4
      .funding('heerlen', 2024, '5'); // 5 rejected: year-closed
    const at = (n?: number) => referenceReport(log.events, 'zuid-limburg', 2024, n);
    expect(at(0)).toMatchObject({ asOfPosition: 0, closed: false, funders: [] });
    expect(at(3)).toMatchObject({
      asOfPosition: 3,
      closed: false,
      funders: [{ funder: 'heerlen', committed: '10.00' }],
    });
    expect(at(4)).toMatchObject({ asOfPosition: 4, closed: true });
    expect(at()).toMatchObject({ asOfPosition: 5, closed: true, totals: { committed: '10.00' } });
    // Past the end: the report reflects (and says) the whole log.
    expect(at(99).asOfPosition).toBe(5);
    // Another year is unaffected by the close.
    expect(referenceReport(log.events, 'zuid-limburg', 2025).closed).toBe(false);
  });

  it('a redefined action moves theme, title and years; the report follows the current definition', () => {
    const log = new Log()
      .configured(['heerlen'])
      .action('a', 'in-beeld', 2023, 2025)
      .budget('a', 2023, '0')
      .action('a', 'opvang-hulpverlening', 2024, 2025); // 2023 has budget 0: narrowing accepted
    const r2023 = referenceReport(log.events, 'zuid-limburg', 2023);
    const r2024 = referenceReport(log.events, 'zuid-limburg', 2024);
    expect(r2023.themes.map((t) => t.actions.length)).toEqual([0, 0, 0]);
    expect(r2024.themes.map((t) => t.actions.map((a) => a.actionId))).toEqual([[], [], ['a']]);
  });
});
