//! fast-check arbitraries for tests: well-formed event sequences of one region over a small id space, so that
//! duplicates, unknown references, closed years and other rejections happen often. Not exported from index.ts.
import fc from 'fast-check';
import { formatCents } from '../money';
import { THEMES, type BudgetEvent } from '../schemas';

export const REGION = 'r';
/**
 * Not in code-point order on purpose: "Z" sorts before "heerlen:Z". Identifiers may hold ':', and action
 * "A:heerlen" with funder "Z" against action "A" with funder "heerlen:Z" would share account names if the ledger
 * joined them naively.
 */
export const FUNDERS = ['maastricht', 'heerlen:Z', 'Z'] as const;
export const YEARS = [2023, 2024, 2025] as const;
const ACTIONS = ['A', 'B', 'c', 'A:heerlen'] as const;
const SPENDINGS = ['s1', 's2', 's3', 's4', 's5'] as const;

type Draft = Pick<BudgetEvent, 'type' | 'data'>;

const year = fc.constantFrom(...YEARS);
const actionId = fc.constantFrom(...ACTIONS, 'X');
const spendingId = fc.constantFrom(...SPENDINGS);

/** An input amount in one of the contract's spellings: "12", "12.5" or "12.50". */
function amountOf(minCents: number, maxCents: number): fc.Arbitrary<string> {
  return fc
    .tuple(fc.integer({ min: minCents, max: maxCents }), fc.constantFrom('two', 'short'))
    .map(([cents, spelling]) => {
      const text = formatCents(BigInt(cents));
      if (spelling === 'two') return text;
      return text.replace(/\.00$/, '').replace(/(\.\d)0$/, '$1');
    });
}

/** Shares in billionths summing to exactly 10^9 over `funders`, as contract share strings. */
export function sharesOver(funders: readonly string[]): fc.Arbitrary<Record<string, string>> {
  return fc
    .array(
      fc.oneof(fc.constantFrom(0, 500_000_000, 1_000_000_000), fc.integer({ min: 0, max: 1_000_000_000 })),
      {
        minLength: funders.length - 1,
        maxLength: funders.length - 1,
      },
    )
    .map((cuts) => {
      const points = [0, ...cuts.sort((a, b) => a - b), 1_000_000_000];
      const shares: Record<string, string> = {};
      funders.forEach((id, i) => {
        const nanos = (points[i + 1] ?? 0) - (points[i] ?? 0);
        shares[id] =
          nanos === 1_000_000_000 ? '1' : `0.${String(nanos).padStart(9, '0')}`.replace(/0+$/, '0');
      });
      return shares;
    });
}

/** Mostly the region's funders; sometimes one too few (rejected as unknown-funder). */
const keyShares = fc.oneof(
  { weight: 5, arbitrary: sharesOver(FUNDERS) },
  { weight: 1, arbitrary: sharesOver(FUNDERS.slice(0, 2)) },
);

const regionConfigured = fc.constantFrom('Zuid-Limburg', 'ZL').map((name): Draft => ({
  type: 'RegionConfigured',
  data: { name, funders: FUNDERS.map((id) => ({ id, name: id.toUpperCase(), municipalities: [id] })) },
}));

const actionDefined = fc
  .record({ actionId, theme: fc.constantFrom(...THEMES), from: year, span: fc.integer({ min: 0, max: 2 }) })
  .map(({ actionId: id, theme, from, span }): Draft => ({
    type: 'ActionDefined',
    data: {
      actionId: id,
      theme,
      title: `title of ${id}`,
      intendedResult: '',
      partners: [],
      startYear: from,
      endYear: Math.min(from + span, 2025),
    },
  }));

const fundingCommitted = fc
  .record({ funder: fc.constantFrom(...FUNDERS, 'venlo'), year, amount: amountOf(0, 500_000) })
  .map((data): Draft => ({ type: 'FundingCommitted', data: { ...data, reference: 'grant' } }));

const budgetSet = fc
  .record({ actionId, year, amount: amountOf(0, 300_000) })
  .map((data): Draft => ({ type: 'BudgetSet', data }));

const fundingKeySet = fc
  .record({ year, actionId: fc.option(actionId, { nil: undefined }), shares: keyShares })
  .map(({ year: y, actionId: a, shares }): Draft => ({
    type: 'FundingKeySet',
    data: a === undefined ? { year: y, shares } : { year: y, actionId: a, shares },
  }));

const spendingRecorded = fc
  .record({ spendingId, actionId, year, amount: amountOf(1, 200_000) })
  .map((data): Draft => ({
    type: 'SpendingRecorded',
    data: { ...data, bookedOn: `${String(data.year)}-03-01`, payee: 'partner' },
  }));

const spendingCorrected = fc
  .record({ spendingId, amount: amountOf(1, 200_000) })
  .map((data): Draft => ({ type: 'SpendingCorrected', data: { ...data, reason: 'typo' } }));

const spendingReversed = spendingId.map((id): Draft => ({
  type: 'SpendingReversed',
  data: { spendingId: id, reason: 'wrong action' },
}));

const yearClosed = year.map((y): Draft => ({ type: 'YearClosed', data: { year: y } }));

const anyDraft: fc.Arbitrary<Draft> = fc.oneof(
  { weight: 1, arbitrary: regionConfigured },
  { weight: 3, arbitrary: actionDefined },
  { weight: 4, arbitrary: fundingCommitted },
  { weight: 4, arbitrary: budgetSet },
  { weight: 3, arbitrary: fundingKeySet },
  { weight: 6, arbitrary: spendingRecorded },
  { weight: 3, arbitrary: spendingCorrected },
  { weight: 3, arbitrary: spendingReversed },
  { weight: 1, arbitrary: yearClosed },
);

function toEvent(draft: Draft, index: number): BudgetEvent {
  return {
    id: `e${String(index + 1)}`,
    region: REGION,
    occurredAt: '2024-01-01T00:00:00Z',
    actor: 'tester',
    ...draft,
  } as BudgetEvent;
}

/**
 * A sequence of well-formed events with unique ids. Mostly it starts with RegionConfigured (so most events are
 * decided on their merits); sometimes events come before it (region-not-configured).
 */
export function eventSequence(maxLength = 60): fc.Arbitrary<BudgetEvent[]> {
  // A prologue of actions over all years and some funding makes spending likely to be accepted.
  const prologue = fc
    .tuple(
      regionConfigured,
      fc.uniqueArray(fc.constantFrom(...ACTIONS), { maxLength: 3 }),
      fc.constantFrom(...THEMES),
      fc.array(fundingCommitted, { maxLength: 3 }),
    )
    .map(([configured, ids, theme, funding]): Draft[] => [
      configured,
      ...ids.map((id): Draft => ({
        type: 'ActionDefined',
        data: {
          actionId: id,
          theme,
          title: id,
          intendedResult: '',
          partners: [],
          startYear: 2023,
          endYear: 2025,
        },
      })),
      ...funding,
    ]);
  const start = fc.oneof(
    { weight: 9, arbitrary: prologue },
    { weight: 1, arbitrary: fc.array(anyDraft, { maxLength: 3 }) },
  );
  return fc
    .tuple(start, fc.array(anyDraft, { maxLength, size: 'max' }))
    .map(([head, tail]) => [...head, ...tail].map(toEvent));
}
