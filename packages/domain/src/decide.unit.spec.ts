// The decider, given / when / then (emmett's DeciderSpecification habit): every rejection reason of CONTRACT
// section 3, and the precedence where two reasons apply.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decide } from './decide';
import { evolve } from './evolve';
import { resolveKey } from './key-resolution';
import { allocationReport } from './report';
import { decisiveData, type BudgetEvent, type EventBody } from './schemas';
import { initialState } from './state';
import { eventSequence, REGION, YEARS } from './testing/arbitraries';

let counter = 0;
function event(type: string, data: Record<string, unknown>): BudgetEvent {
  counter += 1;
  return {
    id: `e${String(counter)}`,
    region: 'r',
    type,
    occurredAt: '2024-01-01T00:00:00Z',
    actor: 't',
    data,
  } as BudgetEvent;
}

const configured = (funders = ['heerlen', 'maastricht']) =>
  event('RegionConfigured', {
    name: 'R',
    funders: funders.map((id) => ({ id, name: id, municipalities: [] })),
  });
const action = (actionId: string, startYear = 2023, endYear = 2025) =>
  event('ActionDefined', {
    actionId,
    theme: 'in-beeld',
    title: actionId,
    intendedResult: '',
    partners: [],
    startYear,
    endYear,
  });
const funding = (funder: string, year: number, amount = '100.00') =>
  event('FundingCommitted', { funder, year, amount, reference: 'x' });
const budget = (actionId: string, year: number, amount = '10.00') =>
  event('BudgetSet', { actionId, year, amount });
const key = (year: number, shares: Record<string, string>, actionId?: string) =>
  event('FundingKeySet', actionId === undefined ? { year, shares } : { year, actionId, shares });
const halves = { heerlen: '0.5', maastricht: '0.5' };
const spending = (spendingId: string, actionId: string, year: number) =>
  event('SpendingRecorded', {
    spendingId,
    actionId,
    year,
    amount: '1.00',
    bookedOn: '2024-01-02',
    payee: 'p',
  });
const corrected = (spendingId: string) =>
  event('SpendingCorrected', { spendingId, amount: '2.00', reason: 'r' });
const reversed = (spendingId: string) => event('SpendingReversed', { spendingId, reason: 'r' });
const closed = (year: number) => event('YearClosed', { year });

/** given: events applied (only the accepted ones change the state); when: one more; then: its outcome. */
function given(...events: BudgetEvent[]) {
  const state = initialState('r');
  for (const e of events) if (decide(state, e).outcome === 'accepted') evolve(state, e);
  return {
    state,
    when: (e: BudgetEvent) => ({
      then: (reason: string | null) => {
        expect(decide(state, e)).toEqual(
          reason === null ? { outcome: 'accepted', reason: null } : { outcome: 'rejected', reason },
        );
      },
    }),
  };
}

const base = [configured(), action('A'), key(2024, halves)];

describe('decide', () => {
  it('region-not-configured: any event before the first accepted RegionConfigured', () => {
    for (const e of [
      action('A'),
      funding('heerlen', 2024),
      budget('A', 2024),
      closed(2024),
      key(2024, halves),
    ]) {
      given().when(e).then('region-not-configured');
    }
    given().when(configured()).then(null);
  });

  it('funders-changed: a different set of funder ids; names may change', () => {
    given(configured())
      .when(configured(['heerlen']))
      .then('funders-changed');
    given(configured())
      .when(configured(['maastricht', 'heerlen']))
      .then(null);
  });

  it('action-years-conflict: narrowing past a budget above zero or active spending, not past zero or reversed', () => {
    given(...base, budget('A', 2025))
      .when(action('A', 2023, 2024))
      .then('action-years-conflict');
    given(...base, budget('A', 2025, '0'))
      .when(action('A', 2023, 2024))
      .then(null);
    given(...base, spending('s', 'A', 2024))
      .when(action('A', 2025, 2025))
      .then('action-years-conflict');
    given(...base, spending('s', 'A', 2024), reversed('s'))
      .when(action('A', 2025, 2025))
      .then(null);
  });

  it('FundingCommitted: unknown-funder before year-closed', () => {
    given(...base, closed(2024))
      .when(funding('venlo', 2024))
      .then('unknown-funder');
    given(...base, closed(2024))
      .when(funding('heerlen', 2024))
      .then('year-closed');
    given(...base)
      .when(funding('heerlen', 2024))
      .then(null);
  });

  it('BudgetSet: unknown-action, then outside-lead-time, then year-closed', () => {
    given(...base, closed(2030))
      .when(budget('X', 2030))
      .then('unknown-action');
    given(...base, closed(2030))
      .when(budget('A', 2030))
      .then('outside-lead-time');
    given(...base, closed(2024))
      .when(budget('A', 2024))
      .then('year-closed');
  });

  it('FundingKeySet: unknown-funder (not exactly the region funders), then unknown-action, then year-closed', () => {
    given(...base, closed(2024))
      .when(key(2024, { heerlen: '1' }, 'X'))
      .then('unknown-funder');
    given(...base, closed(2024))
      .when(key(2024, { heerlen: '0.5', maastricht: '0.25', venlo: '0.25' }))
      .then('unknown-funder');
    given(...base, closed(2024))
      .when(key(2024, halves, 'X'))
      .then('unknown-action');
    given(...base, closed(2024))
      .when(key(2024, halves, 'A'))
      .then('year-closed');
  });

  it('SpendingRecorded: duplicate-spending, unknown-action, outside-lead-time, year-closed, no-funding-key, in that order', () => {
    given(...base, spending('s', 'A', 2024), closed(2030))
      .when(spending('s', 'X', 2030))
      .then('duplicate-spending');
    given(...base, closed(2030))
      .when(spending('s', 'X', 2030))
      .then('unknown-action');
    given(...base, closed(2030))
      .when(spending('s', 'A', 2030))
      .then('outside-lead-time');
    given(...base, closed(2024))
      .when(spending('s', 'A', 2024))
      .then('year-closed');
    given(...base)
      .when(spending('s', 'A', 2025))
      .then('no-funding-key');
    given(...base, spending('s', 'A', 2024), reversed('s'))
      .when(spending('s', 'A', 2024))
      .then('duplicate-spending');
  });

  it('a key resolves from the action, else the year, else pro rata to funding', () => {
    given(configured(), action('A'))
      .when(spending('s', 'A', 2025))
      .then('no-funding-key');
    given(configured(), action('A'), key(2025, halves, 'A'))
      .when(spending('s', 'A', 2025))
      .then(null);
    given(configured(), action('A'), key(2025, halves))
      .when(spending('s', 'A', 2025))
      .then(null);
    given(configured(), action('A'), funding('heerlen', 2025, '0'))
      .when(spending('s', 'A', 2025))
      .then('no-funding-key');
    given(configured(), action('A'), funding('heerlen', 2025))
      .when(spending('s', 'A', 2025))
      .then(null);
  });

  it('SpendingCorrected and SpendingReversed: unknown-spending, then spending-reversed, then year-closed', () => {
    for (const change of [corrected, reversed]) {
      given(...base)
        .when(change('s'))
        .then('unknown-spending');
      given(...base, spending('s', 'A', 2024), reversed('s'), closed(2024))
        .when(change('s'))
        .then('spending-reversed');
      given(...base, spending('s', 'A', 2024), closed(2024))
        .when(change('s'))
        .then('year-closed');
      given(...base, spending('s', 'A', 2024))
        .when(change('s'))
        .then(null);
    }
  });

  it('YearClosed: year-closed when already closed', () => {
    given(...base, closed(2024))
      .when(closed(2024))
      .then('year-closed');
    given(...base)
      .when(closed(2024))
      .then(null);
  });

  it('region-not-configured comes first for every type, whatever else is wrong', () => {
    const all = [
      action('A', 2030, 2030),
      funding('venlo', 2024),
      budget('X', 2024),
      key(2024, { venlo: '1' }, 'X'),
      spending('s', 'X', 2024),
      corrected('s'),
      reversed('s'),
      closed(2024),
    ];
    expect(new Set(all.map((e) => e.type)).size).toBe(8);
    for (const e of all) given().when(e).then('region-not-configured');
    // A rejected RegionConfigured does not configure: there is none, so the first one is always accepted.
    given(funding('heerlen', 2024)).when(configured()).then(null);
  });

  it('RegionConfigured again with the same funder ids but new names and municipalities is accepted', () => {
    const renamed = event('RegionConfigured', {
      name: 'Zuid-Limburg (nieuw)',
      funders: [
        { id: 'maastricht', name: 'Gemeente Maastricht', municipalities: ['Vaals', 'Meerssen'] },
        { id: 'heerlen', name: 'Gemeente Heerlen', municipalities: ['Kerkrade'] },
      ],
    });
    given(configured()).when(renamed).then(null);
    given(configured())
      .when(configured(['heerlen', 'maastricht', 'venlo']))
      .then('funders-changed');
  });

  it('a rejected SpendingRecorded does not use up its spendingId', () => {
    given(...base, spending('s', 'X', 2024))
      .when(spending('s', 'A', 2024))
      .then(null);
  });

  it('ActionDefined of a new action, and widening an existing one, are accepted', () => {
    given(configured())
      .when(action('A', 2024, 2024))
      .then(null);
    given(...base, budget('A', 2024), spending('s', 'A', 2024))
      .when(action('A', 2020, 2030))
      .then(null);
  });

  it('resolves the key of (action, year): the action key, else the year key, else pro rata, else none', () => {
    const actionKey = { heerlen: '1', maastricht: '0' };
    const yearKey = { heerlen: '0', maastricht: '1' };
    const all = given(
      configured(),
      action('A'),
      action('B'),
      funding('heerlen', 2024, '3'),
      funding('maastricht', 2024, '1'),
      key(2024, yearKey),
      key(2024, actionKey, 'A'),
    );
    expect(resolveKey(all.state, 'A', 2024)?.numerators).toEqual([1_000_000_000n, 0n]);
    expect(resolveKey(all.state, 'B', 2024)?.numerators).toEqual([0n, 1_000_000_000n]);
    const proRata = given(
      configured(),
      action('A'),
      funding('heerlen', 2024, '3'),
      funding('maastricht', 2024, '1'),
    );
    const key2024 = resolveKey(proRata.state, 'A', 2024);
    expect(key2024 && { numerators: key2024.numerators, denominator: key2024.denominator }).toEqual({
      numerators: [300n, 100n],
      denominator: 400n,
    });
    expect(resolveKey(proRata.state, 'A', 2025)).toBeUndefined();
    // The latest accepted key wins; a rejected one changes nothing.
    const latest = given(
      ...base,
      key(2024, actionKey),
      key(2024, yearKey),
      closed(2024),
      key(2024, actionKey),
    );
    expect(resolveKey(latest.state, 'A', 2024)?.numerators).toEqual([0n, 1_000_000_000n]);
  });
});

describe('decisiveData', () => {
  it('gives the same outcomes and reports as the whole events (what a replay decides from)', () => {
    fc.assert(
      fc.property(eventSequence(), (events) => {
        const whole = initialState(REGION);
        const cut = initialState(REGION);
        for (const e of events) {
          const body = { type: e.type, data: decisiveData(e.type, e.data) } as EventBody;
          const outcome = decide(whole, e);
          expect(decide(cut, body)).toEqual(outcome);
          if (outcome.outcome === 'accepted') {
            evolve(whole, e);
            evolve(cut, body);
          }
        }
        for (const year of YEARS) {
          expect(allocationReport(cut, year, events.length)).toEqual(
            allocationReport(whole, year, events.length),
          );
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('keeps only the fields deciding reads of a payment, and whole data of the other types', () => {
    const data = {
      spendingId: 's',
      actionId: 'A',
      year: 2024,
      amount: '1.00',
      bookedOn: '2024-01-02',
      payee: 'P',
    };
    expect(decisiveData('SpendingRecorded', data)).toEqual({
      spendingId: 's',
      actionId: 'A',
      year: 2024,
      amount: '1.00',
    });
    expect(decisiveData('SpendingReversed', { spendingId: 's', reason: 'r' })).toEqual({ spendingId: 's' });
    const action = { actionId: 'A', theme: 'in-beeld', title: 'T' };
    expect(decisiveData('ActionDefined', action)).toBe(action);
    expect(decisiveData('SpendingRecorded', null)).toBeNull();
  });
});
