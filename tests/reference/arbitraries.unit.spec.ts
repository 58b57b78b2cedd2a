// Property tests of the generators (./arbitraries.ts) and of the reference model's own invariants (./model.ts).
// The generators must only produce well-formed input (section 2), or a differential test would blame the core for
// rejecting a malformed file; and the model must satisfy the identities section 4 implies.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { amountCentsArb, eventSequenceArb, keyArb } from './arbitraries';
import type { RefEvent, RefReport } from './model';
import { parseAmountCents, referenceApportion, referenceOutcomes, referenceReport } from './model';

const ID_RE = /^[A-Za-z0-9._:-]{1,64}$/;
const AMOUNT_RE = /^-?(0|[1-9][0-9]*)(\.[0-9]{1,2})?$/;
const SHARE_RE = /^(0|1)(\.[0-9]{1,9})?$/;
const ISO_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?(Z|[+-]\d{2}:\d{2})$/;
const THEMES = ['in-beeld', 'samenwerking', 'opvang-hulpverlening'];

function checkWellFormed(e: RefEvent): void {
  const d = e.data;
  const isId = (v: unknown) => typeof v === 'string' && ID_RE.test(v);
  const isYear = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 2000 && v <= 2100;
  const isAmount = (v: unknown) => typeof v === 'string' && AMOUNT_RE.test(v) && !v.startsWith('-');
  const isPositive = (v: unknown) => isAmount(v) && parseAmountCents(v as string) > 0n;
  expect(isId(e.id) && isId(e.region), e.id).toBe(true);
  expect(ISO_RE.test(e.occurredAt) && !Number.isNaN(Date.parse(e.occurredAt)), e.occurredAt).toBe(true);
  expect(typeof e.actor).toBe('string');
  switch (e.type) {
    case 'RegionConfigured': {
      const funders = d['funders'] as Array<Record<string, unknown>>;
      expect(funders.length).toBeGreaterThan(0);
      for (const f of funders) expect(isId(f['id']) && typeof f['name'] === 'string').toBe(true);
      expect(new Set(funders.map((f) => f['id'])).size).toBe(funders.length);
      break;
    }
    case 'ActionDefined':
      expect(isId(d['actionId']) && THEMES.includes(d['theme'] as string)).toBe(true);
      expect(isYear(d['startYear']) && isYear(d['endYear'])).toBe(true);
      expect(d['startYear'] as number).toBeLessThanOrEqual(d['endYear'] as number);
      break;
    case 'FundingCommitted':
      expect(isId(d['funder']) && isYear(d['year']) && isAmount(d['amount'])).toBe(true);
      break;
    case 'BudgetSet':
      expect(isId(d['actionId']) && isYear(d['year']) && isAmount(d['amount'])).toBe(true);
      break;
    case 'FundingKeySet': {
      expect(isYear(d['year'])).toBe(true);
      if ('actionId' in d) expect(isId(d['actionId'])).toBe(true);
      const shares = Object.entries(d['shares'] as Record<string, string>);
      let sum = 0n; // in units of 10^-9
      for (const [funder, share] of shares) {
        expect(isId(funder) && SHARE_RE.test(share), share).toBe(true);
        const [whole = '0', frac = ''] = share.split('.');
        sum += BigInt(whole) * 1_000_000_000n + BigInt(frac.padEnd(9, '0'));
      }
      expect(sum).toBe(1_000_000_000n);
      break;
    }
    case 'SpendingRecorded':
      expect(isId(d['spendingId']) && isId(d['actionId']) && isYear(d['year'])).toBe(true);
      expect(isPositive(d['amount'])).toBe(true);
      expect(/^\d{4}-\d{2}-\d{2}$/.test(d['bookedOn'] as string)).toBe(true);
      break;
    case 'SpendingCorrected':
      expect(isId(d['spendingId']) && isPositive(d['amount'])).toBe(true);
      break;
    case 'SpendingReversed':
      expect(isId(d['spendingId'])).toBe(true);
      break;
    case 'YearClosed':
      expect(isYear(d['year'])).toBe(true);
      break;
    default:
      throw new Error(`unexpected type ${e.type}`);
  }
}

const sumCents = (xs: Iterable<string>) => Array.from(xs).reduce((s, x) => s + parseAmountCents(x), 0n);

/** Identities that follow from section 4's definitions. */
function checkReportIdentities(r: RefReport): void {
  for (const t of r.themes) {
    for (const a of t.actions) {
      const budget = parseAmountCents(a.budget);
      const unfunded = parseAmountCents(a.unfunded);
      // Either fully allocated (key) or fully unfunded (no key).
      expect(sumCents(Object.values(a.allocated)) + unfunded).toBe(budget);
      expect(unfunded === 0n || unfunded === budget).toBe(true);
      expect(sumCents(Object.values(a.spent))).toBe(parseAmountCents(a.spentTotal));
      expect(parseAmountCents(a.remaining)).toBe(budget - parseAmountCents(a.spentTotal));
      expect(a.overspent).toBe(parseAmountCents(a.spentTotal) > budget);
      expect(Object.keys(a.allocated)).toEqual(r.funders.map((f) => f.funder));
    }
    expect(parseAmountCents(t.budget)).toBe(sumCents(t.actions.map((a) => a.budget)));
  }
  expect(parseAmountCents(r.totals.allocated)).toBe(sumCents(r.funders.map((f) => f.allocated)));
  expect(parseAmountCents(r.totals.allocated) + parseAmountCents(r.totals.unfunded)).toBe(
    parseAmountCents(r.totals.budget),
  );
  expect(parseAmountCents(r.totals.spent)).toBe(sumCents(r.funders.map((f) => f.spent)));
  for (const f of r.funders) {
    const net = parseAmountCents(f.committed) - parseAmountCents(f.allocated);
    expect(parseAmountCents(f.unallocated) - parseAmountCents(f.shortfall)).toBe(net);
  }
}

describe('referenceApportion properties', () => {
  it('hands out exactly the amount, floor or floor + 1 each, extra cents to the largest remainders', () => {
    fc.assert(
      fc.property(amountCentsArb, keyArb, (x, key) => {
        const got = referenceApportion(x, key);
        let total = 0n;
        const extra: Array<{ funder: string; rem: bigint; den: bigint; got1: boolean }> = [];
        for (const s of key) {
          const floor = (x * s.num) / s.den; // x >= 0, so truncation is floor
          const g = got.get(s.funder) ?? -1n;
          expect(g === floor || g === floor + 1n).toBe(true);
          total += g;
          extra.push({
            funder: s.funder,
            rem: x * s.num - floor * s.den,
            den: s.den,
            got1: g === floor + 1n,
          });
        }
        expect(total).toBe(x);
        // No funder without the extra cent ranks above one with it (remainder, then lower id).
        for (const w of extra.filter((e) => e.got1)) {
          for (const l of extra.filter((e) => !e.got1)) {
            const cmp = w.rem * l.den - l.rem * w.den;
            expect(cmp > 0n || (cmp === 0n && w.funder < l.funder)).toBe(true);
          }
        }
        // Independent of the order in which shares are listed.
        expect(referenceApportion(x, key.slice().reverse())).toEqual(got);
      }),
      { numRuns: 500 },
    );
  });
});

describe('eventSequenceArb', () => {
  it('produces only well-formed events with unique ids', () => {
    fc.assert(
      fc.property(eventSequenceArb(), (events) => {
        expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
        events.forEach(checkWellFormed);
      }),
      { numRuns: 100 },
    );
  });

  it('reaches every rejection reason and accepts every event type (coverage of the bias)', () => {
    const seen = new Set<string>();
    for (const events of fc.sample(eventSequenceArb(), { numRuns: 200, seed: 7 })) {
      referenceOutcomes(events).forEach((o, i) => seen.add(o.reason ?? `accepted ${events[i]?.type ?? ''}`));
    }
    const reasons = [
      'region-not-configured',
      'funders-changed',
      'action-years-conflict',
      'unknown-funder',
      'year-closed',
      'unknown-action',
      'outside-lead-time',
      'duplicate-spending',
      'no-funding-key',
      'unknown-spending',
      'spending-reversed',
    ];
    const types = [
      'RegionConfigured',
      'ActionDefined',
      'FundingCommitted',
      'BudgetSet',
      'FundingKeySet',
    ].concat(['SpendingRecorded', 'SpendingCorrected', 'SpendingReversed', 'YearClosed']);
    for (const r of [...reasons, ...types.map((t) => `accepted ${t}`)]) expect(seen, r).toContain(r);
  });
});

describe('reference model invariants on generated histories', () => {
  it('reports satisfy the section 4 identities for every region, year and prefix', () => {
    fc.assert(
      fc.property(
        eventSequenceArb({ maxLength: 40 }),
        fc.integer({ min: 2022, max: 2027 }),
        (events, year) => {
          for (const region of new Set(events.map((e) => e.region))) {
            const n = events.filter((e) => e.region === region).length;
            for (const pos of [0, Math.floor(n / 2), n])
              checkReportIdentities(referenceReport(events, region, year, pos));
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it('a region is unaffected by other regions and by events after the as-of position', () => {
    fc.assert(
      fc.property(eventSequenceArb({ regionCount: 2 }), fc.nat(100), (events, cut) => {
        const outcomes = referenceOutcomes(events);
        for (const region of new Set(events.map((e) => e.region))) {
          const own = events.filter((e) => e.region === region);
          const ownOutcomes = outcomes.filter((_, i) => events[i]?.region === region);
          expect(referenceOutcomes(own)).toEqual(ownOutcomes);
          const pos = Math.min(cut, own.length);
          expect(referenceReport(events, region, 2024, pos)).toEqual(
            referenceReport(own.slice(0, pos), region, 2024),
          );
        }
      }),
      { numRuns: 100 },
    );
  });
});
