// The made-up regions of the benchmark: funders, actions and lead times, and the setup events of each region.
import type { Prng } from './prng';

export const YEARS = [2023, 2024, 2025] as const;
const THEMES = ['in-beeld', 'samenwerking', 'opvang-hulpverlening'] as const;

/** One line of the event file, CONTRACT section 2 (kept local: the benchmark checks the contract, not our types). */
export interface EventRecord {
  id: string;
  region: string;
  type: string;
  occurredAt: string;
  actor: string;
  data: Record<string, unknown>;
}

/** An event without the envelope fields the stream fills in (id, occurredAt). */
export interface Draft {
  region: string;
  type: string;
  actor: string;
  data: Record<string, unknown>;
}

export interface SyntheticAction {
  actionId: string;
  theme: (typeof THEMES)[number];
  startYear: number;
  endYear: number;
  /** The budget per year in cents, scaled so that utilisation ends near 100% whatever the number of events. */
  budgetCents: number;
}

export interface SyntheticRegion {
  id: string;
  funders: string[];
  actions: SyntheticAction[];
}

const TITLES: Record<(typeof THEMES)[number], readonly string[]> = {
  'in-beeld': [
    'Bewustwordingscampagne',
    'Training signaleren',
    'Aandachtsfunctionarissen',
    'Voorlichting scholen',
  ],
  samenwerking: [
    'Integrale controles met AVIM',
    'Werkafspraken Veilig Thuis',
    'Barrièremodel',
    'Regiecoördinator',
  ],
  'opvang-hulpverlening': [
    'Zorgcoördinatie',
    'Beschermde opvang',
    'Hulp criminele uitbuiting',
    'Opvang arbeidsuitbuiting',
  ],
};

/** Region 1 looks like Zuid-Limburg, region 2 like Noord- en Midden-Limburg (one funder); the rest are generic. */
function fundersOf(index: number, rng: Prng): string[] {
  if (index === 0) return ['maastricht', 'heerlen'];
  if (index === 1) return ['venlo'];
  return rng.chance(0.5) ? ['centrum-a', 'centrum-b'] : ['centrum-a', 'centrum-b', 'centrum-c'];
}

/** Most actions run the whole plan period; some are shorter, as in the real execution plan. */
function leadTime(rng: Prng): [number, number] {
  if (rng.chance(0.6)) return [2023, 2025];
  return rng.pick<[number, number]>([
    [2023, 2024],
    [2024, 2025],
    [2024, 2024],
    [2025, 2025],
    [2023, 2023],
  ]);
}

export function regionId(index: number): string {
  return `bench-${String(index + 1).padStart(2, '0')}`;
}

/**
 * Builds region `index`. `spendingPerRegion` is how many spending items the region will get; budgets are sized so the
 * average item (about 4,000 euros) leaves actions near full utilisation, some over, some under.
 */
export function buildRegion(index: number, rng: Prng, spendingPerRegion: number): SyntheticRegion {
  const count = rng.int(12, 40);
  const spans = Array.from({ length: count }, () => leadTime(rng));
  // Every region needs at least one action in the report year, 2024.
  spans[0] = [2023, 2025];
  const actionYears = spans.reduce((sum, [start, end]) => sum + end - start + 1, 0);
  const itemsPerActionYear = Math.max(1, spendingPerRegion / actionYears);
  const actions = spans.map(([startYear, endYear], i): SyntheticAction => {
    const theme = THEMES[i % THEMES.length] ?? 'in-beeld';
    const scale = 0.8 + rng.next() * 0.45;
    return {
      actionId: `a-${String(i + 1).padStart(2, '0')}`,
      theme,
      startYear,
      endYear,
      budgetCents: Math.max(100_000, Math.round(itemsPerActionYear * 400_000 * scale)),
    };
  });
  return { id: regionId(index), funders: fundersOf(index, rng), actions };
}

export function yearsOf(action: SyntheticAction): number[] {
  return YEARS.filter((y) => y >= action.startYear && y <= action.endYear);
}

/** Euros with two decimals from integer cents: the only way amounts are made here (no float formatting). */
export function euros(cents: number): string {
  const whole = Math.floor(cents / 100);
  return `${whole}.${String(cents % 100).padStart(2, '0')}`;
}

/** A share from thousandths: 573 -> "0.573", 1000 -> "1", 0 -> "0". */
function share(thousandths: number): string {
  if (thousandths === 1000) return '1';
  if (thousandths === 0) return '0';
  return `0.${String(thousandths).padStart(3, '0')}`;
}

/** Shares over the funders in thousandths (each at least 0.2) that sum to exactly 1000, so to exactly 1. */
export function randomShares(funders: readonly string[], rng: Prng): Record<string, string> {
  const shares: Record<string, string> = {};
  let left = 1000;
  funders.forEach((funder, i) => {
    const after = funders.length - 1 - i;
    const part = after === 0 ? left : rng.int(Math.min(200, left), Math.max(200, left - 200 * after));
    shares[funder] = share(part);
    left -= part;
  });
  return shares;
}

/** The population key of DOMAIN.md for Zuid-Limburg, else an even-ish split. */
function yearShares(region: SyntheticRegion, rng: Prng): Record<string, string> {
  if (region.id === regionId(0)) return { maastricht: '0.573', heerlen: '0.427' };
  return randomShares(region.funders, rng);
}

/** 100% one funder: an action run in one subregion only. */
export function soleFunderShares(funders: readonly string[], sole: string): Record<string, string> {
  return Object.fromEntries(funders.map((f) => [f, f === sole ? '1' : '0']));
}

const CIRCULARS = ['begroting', 'meicirculaire', 'septembercirculaire', 'decembercirculaire'] as const;

/** The events that set a region up, in a sensible order: region, actions, keys, budgets, then funding. */
export function setupDrafts(region: SyntheticRegion, rng: Prng): Draft[] {
  const controller = `ctl-${region.funders[0] ?? 'x'}`;
  const drafts: Draft[] = [];
  const add = (type: string, data: Record<string, unknown>, actor = controller) => {
    drafts.push({ region: region.id, type, actor, data });
  };
  add('RegionConfigured', {
    name: `Benchmarkregio ${region.id}`,
    funders: region.funders.map((id) => ({ id, name: `Centrumgemeente ${id}`, municipalities: [id] })),
  });
  for (const action of region.actions) {
    add('ActionDefined', {
      actionId: action.actionId,
      theme: action.theme,
      title: `${rng.pick(TITLES[action.theme])} (${action.actionId})`,
      intendedResult: 'Synthetisch beoogd resultaat voor de benchmark.',
      partners: [
        'gemeenten',
        rng.pick(['AVIM', 'Veilig Thuis', 'handhaving', 'opvangaanbieder', 'CoMensha']),
      ],
      startYear: action.startYear,
      endYear: action.endYear,
    });
  }
  for (const year of YEARS) add('FundingKeySet', { year, shares: yearShares(region, rng) });
  if (region.funders.length > 1) {
    for (const action of region.actions) {
      if (!rng.chance(0.1)) continue;
      const sole = rng.pick(region.funders);
      for (const year of yearsOf(action)) {
        add('FundingKeySet', {
          year,
          actionId: action.actionId,
          shares: soleFunderShares(region.funders, sole),
        });
      }
    }
  }
  for (const action of region.actions) {
    for (const year of yearsOf(action)) {
      add('BudgetSet', { actionId: action.actionId, year, amount: euros(action.budgetCents) });
    }
  }
  for (const year of YEARS) drafts.push(...fundingDrafts(region, year, rng));
  return drafts;
}

/** Several commitments per funder and year, one per circular, roughly covering the year's budgets. */
function fundingDrafts(region: SyntheticRegion, year: number, rng: Prng): Draft[] {
  const budget = region.actions
    .filter((a) => year >= a.startYear && year <= a.endYear)
    .reduce((sum, a) => sum + a.budgetCents, 0);
  const drafts: Draft[] = [];
  for (const funder of region.funders) {
    const circulars = CIRCULARS.slice(0, rng.int(2, 4));
    for (const circular of circulars) {
      const cents = Math.round(
        (budget / region.funders.length / circulars.length) * (0.9 + rng.next() * 0.2),
      );
      drafts.push({
        region: region.id,
        type: 'FundingCommitted',
        actor: `fo-${funder}-1`,
        data: {
          funder,
          year,
          amount: euros(cents),
          reference: `DU Vrouwenopvang ${year}, ${circular} (synthetisch)`,
        },
      });
    }
  }
  return drafts;
}
