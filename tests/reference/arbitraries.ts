// fast-check generators for differential tests of the domain core against the reference model (./model.ts).
//
// Every generated event is WELL-FORMED per CONTRACT.md section 2 (so `budget import` must accept the file), but the
// sequences are biased so that the business rules of section 3 fire often: few regions, few funders, few action and
// spending ids and a small year range, so that ids and years collide; keys, commitments with odd ratios, budgets of
// zero, redefinitions with narrower lead times, corrections and reversals of unknown or reversed items, closed years.
// Event ids are unique within a sequence, so no line is a duplicate or a conflict.
import fc from 'fast-check';
import type { RefEvent, RefShare } from './model';

// ---------------------------------------------------------------------------------------------------------------
// Pools. Ids are chosen so that code-point order differs from case-insensitive / locale order:
// "Venlo" < "a.b" < "heerlen" < "maastricht" (uppercase sorts before lowercase, "." before letters).
// No purely numeric ids: JS objects put integer-like keys first, which would confuse key-order checks.
// ---------------------------------------------------------------------------------------------------------------

export const FUNDER_POOL = ['heerlen', 'maastricht', 'Venlo', 'a.b', 'Maastricht-2'] as const;
/** Funder id never configured in any region: provokes unknown-funder. */
export const GHOST_FUNDER = 'sittard:geleen';
export const REGION_POOL = ['zuid-limburg', 'noord.midden-LB', 'Z:1'] as const;
// "act-10" < "act-2" in code-point order (not numeric); "Act.3" sorts first.
export const ACTION_POOL = ['act-2', 'act-10', 'Act.3', 'b'] as const;
export const SPENDING_POOL = ['s1', 's2', 's3', 'S-4', 's.5', 's:6', 's_7', 's10'] as const;
export const THEME_POOL = ['in-beeld', 'samenwerking', 'opvang-hulpverlening'] as const;

const MUNICIPALITIES = [
  'Beek',
  'Heerlen',
  'Kerkrade',
  'Maastricht',
  'Vaals',
  'Stein',
  'Venlo',
  'Gulpen-Wittem',
];
const PARTNERS = ['AVIM', 'Veilig Thuis', 'GGD', 'CoMensha', 'Politie Limburg', 'Leger des Heils'];

// ---------------------------------------------------------------------------------------------------------------
// Money and shares
// ---------------------------------------------------------------------------------------------------------------

/** Non-negative amounts in cents, biased to edge values (0, 1 cent, odd cents) and spanning large magnitudes. */
export const amountCentsArb: fc.Arbitrary<bigint> = fc.oneof(
  { arbitrary: fc.constantFrom(0n, 1n, 2n, 3n, 7n, 99n, 100n, 101n, 10_000n, 33_333n, 100_001n), weight: 3 },
  { arbitrary: fc.bigInt({ min: 0n, max: 100_000n }), weight: 4 },
  { arbitrary: fc.bigInt({ min: 0n, max: 10_000_000_000n }), weight: 2 },
  { arbitrary: fc.bigInt({ min: 0n, max: 10n ** 15n }), weight: 1 },
);

const positiveCentsArb: fc.Arbitrary<bigint> = amountCentsArb.filter((c) => c > 0n);

/** Renders cents as a section 1 input amount, choosing among equivalent spellings ("5", "5.0", "5.00"). */
export function renderAmount(cents: bigint, style: number): string {
  if (cents < 0n) throw new Error('renderAmount: negative');
  const whole = (cents / 100n).toString();
  const frac = cents % 100n;
  if (frac === 0n) return [whole, `${whole}.0`, `${whole}.00`][style % 3] ?? whole;
  if (frac % 10n === 0n && style % 2 === 0) return `${whole}.${(frac / 10n).toString()}`;
  return `${whole}.${frac.toString().padStart(2, '0')}`;
}

export const amountStringArb = (centsArb: fc.Arbitrary<bigint> = amountCentsArb): fc.Arbitrary<string> =>
  fc.tuple(centsArb, fc.nat(2)).map(([c, style]) => renderAmount(c, style));

const SCALE = 1_000_000_000n; // shares have at most 9 decimals

/** n non-negative integer parts summing to exactly 10^9 (i.e. shares summing to exactly 1), in random order. */
export function sharePartsArb(n: number): fc.Arbitrary<bigint[]> {
  if (n < 1) throw new Error('sharePartsArb: need at least one funder');
  // Granularity g: parts are multiples of g, so some keys have few decimals ("0.5", "1", "0") and some have nine.
  const cut = fc.constantFrom(1n, 1_000n, 1_000_000n, 10_000_000n, 100_000_000n, SCALE).chain((g) => {
    const units = Number(SCALE / g); // at most 10^9: exact as a JS number, and this is not money
    return fc
      .array(fc.integer({ min: 0, max: units }), { minLength: n - 1, maxLength: n - 1 })
      .map((cuts) => {
        const points = [0, ...cuts.sort((a, b) => a - b), units];
        const parts: bigint[] = [];
        for (let i = 1; i < points.length; i++)
          parts.push(BigInt((points[i] ?? 0) - (points[i - 1] ?? 0)) * g);
        return parts;
      });
  });
  // Near-equal split: 1/3 becomes 0.333333333 + 0.333333333 + 0.333333334.
  const equal = fc.constant(
    Array.from({ length: n }, (_, i) => SCALE / BigInt(n) + (i === n - 1 ? SCALE % BigInt(n) : 0n)),
  );
  // The natural population key of the domain brief.
  const population: Array<fc.Arbitrary<bigint[]>> =
    n === 2 ? [fc.constant([573_000_000n, 427_000_000n])] : [];
  return fc
    .oneof(
      { arbitrary: cut, weight: 4 },
      { arbitrary: equal, weight: 2 },
      ...population.map((arbitrary) => ({ arbitrary, weight: 1 })),
    )
    .chain((parts) => fc.shuffledSubarray(parts, { minLength: parts.length, maxLength: parts.length }));
}

/** Renders a part of 10^9 as a share string: canonical ("0.5", "1", "0") or padded to nine decimals. */
export function renderShare(part: bigint, padded: boolean): string {
  const whole = (part / SCALE).toString();
  const frac = (part % SCALE).toString().padStart(9, '0');
  if (padded) return `${whole}.${frac}`;
  const trimmed = frac.replace(/0+$/, '');
  return trimmed === '' ? whole : `${whole}.${trimmed}`;
}

/** A `shares` object for FundingKeySet over exactly these funder ids, summing to exactly 1. */
export function sharesRecordArb(funders: readonly string[]): fc.Arbitrary<Record<string, string>> {
  return fc
    .tuple(
      sharePartsArb(funders.length),
      fc.boolean(),
      fc.shuffledSubarray([...funders], { minLength: funders.length, maxLength: funders.length }),
    )
    .map(([parts, padded, order]) => {
      // Random key order in the object: order must not matter to the system.
      const record: Record<string, string> = {};
      order.forEach((f) => {
        const i = funders.indexOf(f);
        record[f] = renderShare(parts[i] ?? 0n, padded);
      });
      return record;
    });
}

const funderIdArb: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...FUNDER_POOL), weight: 3 },
  { arbitrary: fc.stringMatching(/^[A-Za-z._:-][A-Za-z0-9._:-]{0,11}$/), weight: 1 },
);

/**
 * A key for apportionment property tests: distinct funders with exact rational shares summing to exactly 1.
 * Mixes decimal keys (den = 10^9, as a FundingKeySet gives) and pro-rata keys (committed_f / total committed).
 */
export const keyArb: fc.Arbitrary<RefShare[]> = fc
  .uniqueArray(funderIdArb, { minLength: 1, maxLength: 5 })
  .chain((funders) => {
    const decimal = sharePartsArb(funders.length).map((parts) =>
      funders.map((funder, i) => ({ funder, num: parts[i] ?? 0n, den: SCALE })),
    );
    const proRata = fc
      .array(amountCentsArb, { minLength: funders.length, maxLength: funders.length })
      .filter((cs) => cs.some((c) => c > 0n))
      .map((cs) => {
        const total = cs.reduce((s, c) => s + c, 0n);
        return funders.map((funder, i) => ({ funder, num: cs[i] ?? 0n, den: total }));
      });
    return fc.oneof(decimal, proRata);
  });

// ---------------------------------------------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------------------------------------------

export type EventSequenceOptions = {
  /** Default 0. */
  minLength?: number;
  /** Upper bound on the body of random events (a preamble of up to 9 events per region comes on top). Default 80. */
  maxLength?: number;
  /** Number of regions; default 1 or 2 at random. */
  regionCount?: 1 | 2;
  /** Years used by budgets, funding, keys, spending and closes. Default 2023..2026. */
  minYear?: number;
  maxYear?: number;
};

type RegionSetup = {
  region: string;
  funders: string[];
  /** Where the first RegionConfigured goes: at the start (usual), somewhere later, or nowhere. */
  configure: 'early' | 'late' | 'missing';
  lateAt: number; // 0..1000, fraction of the body for 'late'
  preambleActions: string[]; // actions defined right after an early RegionConfigured
};

type Draft = { region: string; type: string; data: Record<string, unknown> };

const textArb = (words: readonly string[]): fc.Arbitrary<string> =>
  fc.array(fc.constantFrom(...words), { minLength: 1, maxLength: 3 }).map((w) => w.join(' '));

const TEXT_WORDS = ['signalering', 'training', 'opvang', 'controle', 'voorlichting', 'zorg', 'wijkteam'];

/** Any valid ISO-8601 instant, in UTC ("Z", with or without millis) or with a +hh:mm / -hh:mm offset. */
export const occurredAtArb: fc.Arbitrary<string> = fc
  .tuple(
    fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 11, 31) }),
    fc.constantFrom('Z', 'Zmillis', '+01:00', '+02:00', '-05:30'),
  )
  .map(([ms, style]) => {
    const d = new Date(Math.floor(ms / 1000) * 1000);
    if (style === 'Zmillis') return new Date(ms).toISOString();
    if (style === 'Z') return d.toISOString().replace('.000Z', 'Z');
    // Local wall time = UTC + offset.
    const sign = style.startsWith('-') ? -1 : 1;
    const [hh = '0', mm = '0'] = style.slice(1).split(':');
    const offsetMs = sign * (Number(hh) * 60 + Number(mm)) * 60_000;
    return new Date(d.getTime() + offsetMs).toISOString().replace('.000Z', style);
  });

const bookedOnArb: fc.Arbitrary<string> = fc
  .integer({ min: Date.UTC(2022, 0, 1), max: Date.UTC(2027, 11, 31) })
  .map((ms) => new Date(ms).toISOString().slice(0, 10));

function regionConfiguredData(funders: readonly string[], nameSeed: number): Record<string, unknown> {
  return {
    name: `Regio ${nameSeed}`,
    funders: funders.map((id, i) => ({
      id,
      name: `Gemeente ${id} ${nameSeed}`,
      municipalities: [MUNICIPALITIES[(i + nameSeed) % MUNICIPALITIES.length] ?? 'Beek'],
    })),
  };
}

type DraftArbs = {
  all: Array<fc.WeightedArbitrary<Draft>>;
  funding: fc.Arbitrary<Draft>;
};

function draftArbs(s: RegionSetup, minYear: number, maxYear: number): DraftArbs {
  const region = s.region;
  const yearArb = fc.integer({ min: minYear, max: maxYear });
  const actionIdArb = fc.constantFrom(...ACTION_POOL);
  const spendingIdArb = fc.constantFrom(...SPENDING_POOL);
  const draft =
    (type: string) =>
    (data: Record<string, unknown>): Draft => ({ region, type, data });
  // Funding amounts from a small pool make odd ratios (1/3, 2/3, 1/7) likely; zero commitments happen too.
  const fundingAmountArb = fc.oneof(
    fc.constantFrom('100', '200', '300', '0', '0.01', '700.00', '1000000', '0.03'),
    amountStringArb(),
  );
  const budgetAmountArb = fc.oneof(
    { arbitrary: fc.constant('0'), weight: 1 },
    { arbitrary: fc.constantFrom('100', '1000.00', '0.01', '33.33', '250000'), weight: 2 },
    { arbitrary: amountStringArb(), weight: 3 },
  );
  const spendingAmountArb = fc.oneof(
    fc.constantFrom('0.01', '0.02', '1', '10.00', '33.33', '99.99'),
    amountStringArb(positiveCentsArb),
  );
  // Mostly the region's exact funder set; sometimes one missing or a stranger added (unknown-funder).
  const keyFundersArb: fc.Arbitrary<string[]> = fc.oneof(
    { arbitrary: fc.constant<string[]>(s.funders), weight: 9 },
    {
      arbitrary: fc.constant<string[]>(
        s.funders.length > 1 ? s.funders.slice(1) : [...s.funders, GHOST_FUNDER],
      ),
      weight: 1,
    },
    { arbitrary: fc.constant<string[]>([...s.funders, GHOST_FUNDER]), weight: 1 },
  );
  const actionYearsArb = fc
    .oneof(
      // Wide lead time around the year range (keeps many budgets and spending inside it).
      fc.tuple(
        fc.integer({ min: minYear - 1, max: minYear + 1 }),
        fc.integer({ min: maxYear - 1, max: maxYear + 1 }),
      ),
      // Any lead time, often narrow: redefinitions shrink the years and may hit action-years-conflict.
      fc.tuple(
        fc.integer({ min: minYear - 1, max: maxYear + 1 }),
        fc.integer({ min: minYear - 1, max: maxYear + 1 }),
      ),
    )
    .map(([a, b]) => (a <= b ? [a, b] : [b, a]));

  const funding = fc
    .record({
      funder: fc.oneof(
        { arbitrary: fc.constantFrom(...s.funders), weight: 9 },
        { arbitrary: fc.constant(GHOST_FUNDER), weight: 1 },
      ),
      year: yearArb,
      amount: fundingAmountArb,
      reference: fc.constantFrom('meicirculaire 2024', 'septembercirculaire', 'besluit 2023/17'),
    })
    .map(draft('FundingCommitted'));

  const all: Array<fc.WeightedArbitrary<Draft>> = [
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          fc.oneof(
            // Same funder set again (shuffled, new names): accepted.
            { arbitrary: fc.shuffledSubarray(s.funders, { minLength: s.funders.length }), weight: 3 },
            // Another set (may coincidentally equal the configured one): funders-changed.
            { arbitrary: fc.shuffledSubarray([...FUNDER_POOL], { minLength: 1, maxLength: 3 }), weight: 2 },
          ),
          fc.nat(99),
        )
        .map(([funders, seed]) => draft('RegionConfigured')(regionConfiguredData(funders, seed))),
    },
    {
      weight: 10,
      arbitrary: fc
        .record({
          actionId: actionIdArb,
          theme: fc.constantFrom(...THEME_POOL),
          title: textArb(TEXT_WORDS),
          intendedResult: textArb(TEXT_WORDS),
          partners: fc.uniqueArray(fc.constantFrom(...PARTNERS), { maxLength: 3 }),
          years: actionYearsArb,
        })
        .map(({ years, ...rest }) =>
          draft('ActionDefined')({ ...rest, startYear: years[0], endYear: years[1] }),
        ),
    },
    { weight: 12, arbitrary: funding },
    {
      weight: 14,
      arbitrary: fc
        .record({ actionId: actionIdArb, year: yearArb, amount: budgetAmountArb })
        .map(draft('BudgetSet')),
    },
    {
      weight: 10,
      arbitrary: fc
        .tuple(
          yearArb,
          fc.option(actionIdArb, { nil: undefined, freq: 2 }),
          keyFundersArb.chain(sharesRecordArb),
        )
        .map(([year, actionId, shares]) =>
          draft('FundingKeySet')(actionId === undefined ? { year, shares } : { year, actionId, shares }),
        ),
    },
    {
      weight: 20,
      arbitrary: fc
        .record({
          spendingId: spendingIdArb,
          actionId: actionIdArb,
          year: yearArb,
          amount: spendingAmountArb,
          bookedOn: bookedOnArb,
          payee: fc.constantFrom(...PARTNERS),
          invoiceRef: fc.option(fc.stringMatching(/^INV-[0-9]{1,6}$/), { nil: undefined }),
          description: textArb(TEXT_WORDS),
        })
        .map(({ invoiceRef, ...rest }) =>
          draft('SpendingRecorded')(invoiceRef === undefined ? rest : { ...rest, invoiceRef }),
        ),
    },
    {
      weight: 7,
      arbitrary: fc
        .record({ spendingId: spendingIdArb, amount: spendingAmountArb, reason: textArb(TEXT_WORDS) })
        .map(draft('SpendingCorrected')),
    },
    {
      weight: 5,
      arbitrary: fc
        .record({ spendingId: spendingIdArb, reason: textArb(TEXT_WORDS) })
        .map(draft('SpendingReversed')),
    },
    { weight: 3, arbitrary: fc.record({ year: yearArb }).map(draft('YearClosed')) },
  ];
  return { all, funding };
}

/**
 * Sequences of well-formed event records (section 2) for one or two regions, with unique ids, biased towards
 * interesting rule interactions. Up to `maxLength` body events plus a preamble of up to 9 per region
 * (so at most ~98 by default).
 */
export function eventSequenceArb(opts: EventSequenceOptions = {}): fc.Arbitrary<RefEvent[]> {
  const minYear = opts.minYear ?? 2023;
  const maxYear = opts.maxYear ?? 2026;
  const minLength = opts.minLength ?? 0;
  const maxLength = opts.maxLength ?? 80;
  const regionCountArb: fc.Arbitrary<number> =
    opts.regionCount === undefined
      ? fc.oneof({ arbitrary: fc.constant(1), weight: 3 }, { arbitrary: fc.constant(2), weight: 2 })
      : fc.constant(opts.regionCount);

  const setupArb = (region: string): fc.Arbitrary<RegionSetup> =>
    fc.record({
      region: fc.constant(region),
      funders: fc.oneof(
        { arbitrary: fc.shuffledSubarray([...FUNDER_POOL], { minLength: 2, maxLength: 3 }), weight: 9 },
        { arbitrary: fc.shuffledSubarray([...FUNDER_POOL], { minLength: 1, maxLength: 1 }), weight: 1 },
      ),
      configure: fc.oneof(
        { arbitrary: fc.constant('early' as const), weight: 17 },
        { arbitrary: fc.constant('late' as const), weight: 2 },
        { arbitrary: fc.constant('missing' as const), weight: 1 },
      ),
      lateAt: fc.nat(1000),
      preambleActions: fc.shuffledSubarray([...ACTION_POOL], { minLength: 2, maxLength: 4 }),
    });

  const setupsArb = regionCountArb.chain((k) =>
    fc
      .shuffledSubarray([...REGION_POOL], { minLength: k, maxLength: k })
      .chain((regions) => fc.tuple(...regions.map(setupArb))),
  );

  return setupsArb.chain((setups) => {
    const arbs = setups.map((s) => draftArbs(s, minYear, maxYear));
    const anyDraft = fc.oneof(...arbs.map((a) => fc.oneof(...a.all)));
    // Preamble after an early RegionConfigured: a few actions over the whole year range and a few commitments,
    // so that budgets, keys and spending in the body are often accepted and the interesting rules get reached.
    const preambleArbs: Array<fc.Arbitrary<Draft[]>> = [];
    setups.forEach((s, i) => {
      const regionArbs = arbs[i];
      if (s.configure !== 'early' || regionArbs === undefined) return;
      for (const actionId of s.preambleActions) {
        preambleArbs.push(
          fc.constantFrom(...THEME_POOL).map((theme): Draft[] => [
            {
              region: s.region,
              type: 'ActionDefined',
              data: {
                actionId,
                theme,
                title: `Actie ${actionId}`,
                intendedResult: 'eerder in beeld',
                partners: ['AVIM'],
                startYear: minYear,
                endYear: maxYear,
              },
            },
          ]),
        );
      }
      preambleArbs.push(fc.array(regionArbs.funding, { maxLength: 4 }));
    });
    return fc
      .record({
        preamble: fc.tuple(...preambleArbs),
        body: fc.array(anyDraft, { minLength, maxLength, size: 'max' }),
        configSeeds: fc.array(fc.nat(99), { minLength: setups.length, maxLength: setups.length }),
        idPrefix: fc.stringMatching(/^[A-Za-z0-9._:-]{1,20}$/),
        stamps: fc.array(
          fc.tuple(occurredAtArb, fc.constantFrom('fo-maastricht-1', 'ctrl:heerlen', 'admin.A')),
          {
            minLength: maxLength + 12,
            maxLength: maxLength + 12,
          },
        ),
      })
      .map(({ preamble, body, configSeeds, idPrefix, stamps }) => {
        const configured = (s: RegionSetup, i: number): Draft => ({
          region: s.region,
          type: 'RegionConfigured',
          data: regionConfiguredData(s.funders, configSeeds[i] ?? 0),
        });
        const drafts: Draft[] = [];
        setups.forEach((s, i) => {
          if (s.configure === 'early') drafts.push(configured(s, i));
        });
        drafts.push(...preamble.flat(), ...body);
        setups.forEach((s, i) => {
          if (s.configure !== 'late') return;
          const at = Math.floor((s.lateAt / 1000) * (drafts.length + 1));
          drafts.splice(at, 0, configured(s, i));
        });
        return drafts.map((d, i): RefEvent => {
          const [occurredAt, actor] = stamps[i % stamps.length] ?? ['2024-03-01T10:00:00Z', 'tester'];
          return {
            id: `${idPrefix}-${String(i + 1)}`, // unique within the sequence, at most 20 + 1 + 3 chars
            region: d.region,
            type: d.type,
            occurredAt,
            actor,
            data: d.data,
          };
        });
      });
  });
}
