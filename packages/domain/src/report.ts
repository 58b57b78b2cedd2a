//! The allocation report of CONTRACT section 4, computed from a region's state for one year.
import { actionYearFigures, type ActionYearFigures } from './figures';
import { compareCodePoints } from './funding-key';
import { formatCents, maxCents } from './money';
import { THEMES, type Theme } from './schemas';
import { includesYear, type RegionState } from './state';

export type AmountsByFunder = Record<string, string>;

export interface ActionReport {
  actionId: string;
  title: string;
  budget: string;
  allocated: AmountsByFunder;
  unfunded: string;
  spent: AmountsByFunder;
  spentTotal: string;
  remaining: string;
  utilisation: string | null;
  overspent: boolean;
  spendingCount: number;
}

export interface ThemeReport {
  theme: Theme;
  budget: string;
  allocated: AmountsByFunder;
  unfunded: string;
  spent: AmountsByFunder;
  spentTotal: string;
  remaining: string;
  actions: ActionReport[];
}

export interface FunderReport {
  funder: string;
  committed: string;
  allocated: string;
  spent: string;
  unallocated: string;
  shortfall: string;
  remaining: string;
}

export interface AllocationReport {
  region: string;
  year: number;
  closed: boolean;
  asOfPosition: number;
  funders: FunderReport[];
  themes: ThemeReport[];
  totals: {
    committed: string;
    budget: string;
    allocated: string;
    unfunded: string;
    spent: string;
    remaining: string;
  };
}

/** Running sums of one group of actions (a theme, or all of them). */
interface Sums {
  budget: bigint;
  allocated: bigint[];
  unfunded: bigint;
  spent: bigint[];
}

function emptySums(funderCount: number): Sums {
  return {
    budget: 0n,
    allocated: new Array<bigint>(funderCount).fill(0n),
    unfunded: 0n,
    spent: new Array<bigint>(funderCount).fill(0n),
  };
}

function addFigures(sums: Sums, figures: ActionYearFigures): void {
  sums.budget += figures.budgetCents;
  sums.unfunded += figures.unfundedCents;
  figures.allocatedCents.forEach((cents, i) => (sums.allocated[i] = (sums.allocated[i] ?? 0n) + cents));
  figures.spentCents.forEach((cents, i) => (sums.spent[i] = (sums.spent[i] ?? 0n) + cents));
}

function byFunder(funderIds: readonly string[], parts: readonly bigint[]): AmountsByFunder {
  // Object.fromEntries makes own keys: an assignment would lose a funder called `__proto__`.
  return Object.fromEntries(funderIds.map((id, i) => [id, formatCents(parts[i] ?? 0n)]));
}

function total(parts: readonly bigint[]): bigint {
  return parts.reduce((sum, part) => sum + part, 0n);
}

/** spentTotal / budget rounded half-up to 4 decimals; both are non-negative. */
export function utilisation(spentCents: bigint, budgetCents: bigint): string | null {
  if (budgetCents === 0n) return null;
  const scaled = (spentCents * 20_000n + budgetCents) / (2n * budgetCents);
  return `${String(scaled / 10_000n)}.${String(scaled % 10_000n).padStart(4, '0')}`;
}

function actionReport(
  state: RegionState,
  actionId: string,
  title: string,
  figures: ActionYearFigures,
): ActionReport {
  const spentTotal = total(figures.spentCents);
  return {
    actionId,
    title,
    budget: formatCents(figures.budgetCents),
    allocated: byFunder(state.funderIds, figures.allocatedCents),
    unfunded: formatCents(figures.unfundedCents),
    spent: byFunder(state.funderIds, figures.spentCents),
    spentTotal: formatCents(spentTotal),
    remaining: formatCents(figures.budgetCents - spentTotal),
    utilisation: utilisation(spentTotal, figures.budgetCents),
    overspent: spentTotal > figures.budgetCents,
    spendingCount: figures.spendingCount,
  };
}

function themeReport(state: RegionState, theme: Theme, year: number, overall: Sums): ThemeReport {
  const sums = emptySums(state.funderIds.length);
  const actions: ActionReport[] = [];
  const ids = [...state.actions.keys()].sort(compareCodePoints);
  for (const actionId of ids) {
    const action = state.actions.get(actionId);
    if (action === undefined || action.definition.theme !== theme || !includesYear(action.definition, year))
      continue;
    const figures = actionYearFigures(state, actionId, year);
    addFigures(sums, figures);
    addFigures(overall, figures);
    actions.push(actionReport(state, actionId, action.definition.title, figures));
  }
  const spentTotal = total(sums.spent);
  return {
    theme,
    budget: formatCents(sums.budget),
    allocated: byFunder(state.funderIds, sums.allocated),
    unfunded: formatCents(sums.unfunded),
    spent: byFunder(state.funderIds, sums.spent),
    spentTotal: formatCents(spentTotal),
    remaining: formatCents(sums.budget - spentTotal),
    actions,
  };
}

export function allocationReport(state: RegionState, year: number, asOfPosition: number): AllocationReport {
  const overall = emptySums(state.funderIds.length);
  const themes = THEMES.map((theme) => themeReport(state, theme, year, overall));
  const committedByFunder = state.committedCents.get(year) ?? new Map<string, bigint>();
  const funders = state.funderIds.map((funder, i): FunderReport => {
    const committed = committedByFunder.get(funder) ?? 0n;
    const allocated = overall.allocated[i] ?? 0n;
    const spent = overall.spent[i] ?? 0n;
    return {
      funder,
      committed: formatCents(committed),
      allocated: formatCents(allocated),
      spent: formatCents(spent),
      unallocated: formatCents(maxCents(committed - allocated, 0n)),
      shortfall: formatCents(maxCents(allocated - committed, 0n)),
      remaining: formatCents(allocated - spent),
    };
  });
  const spent = total(overall.spent);
  return {
    region: state.region,
    year,
    closed: state.closedYears.has(year),
    asOfPosition,
    funders,
    themes,
    totals: {
      committed: formatCents(total([...committedByFunder.values()])),
      budget: formatCents(overall.budget),
      allocated: formatCents(total(overall.allocated)),
      unfunded: formatCents(overall.unfunded),
      spent: formatCents(spent),
      remaining: formatCents(overall.budget - spent),
    },
  };
}
