//! An independent reference model of the allocation report (CONTRACT sections 3 and 4), written straight from the
//! contract's words for tests: no caches, no shared code with the real one but money formatting.
import { formatCents, parseAmountCents } from '../money';
import { THEMES, type BudgetEvent } from '../schemas';

type Shares = Record<string, string>;
interface Key {
  nums: Map<string, bigint>;
  den: bigint;
}
interface Item {
  actionId: string;
  year: number;
  cents: bigint;
  active: boolean;
}

const nanos = (share: string): bigint => {
  const [whole = '0', fraction = ''] = share.split('.');
  return BigInt(whole) * 1_000_000_000n + BigInt(fraction.padEnd(9, '0'));
};
function must<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`reference model: no ${what}`);
  return value;
}
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const sum = (values: Iterable<bigint>): bigint => [...values].reduce((a, b) => a + b, 0n);

/** Largest remainder over exact fractions num/den: floors, then one cent each to the largest remainders. */
export function largestRemainder(cents: bigint, key: Key): Map<string, bigint> {
  const ids = [...key.nums.keys()].sort(cmp);
  const parts = new Map(ids.map((id) => [id, (cents * (key.nums.get(id) ?? 0n)) / key.den]));
  const rest = (id: string) => (cents * (key.nums.get(id) ?? 0n)) % key.den;
  const order = [...ids].sort((a, b) => (rest(a) === rest(b) ? cmp(a, b) : rest(a) > rest(b) ? -1 : 1));
  let left = cents - sum(parts.values());
  for (const id of order) {
    if (left === 0n) break;
    parts.set(id, (parts.get(id) ?? 0n) + 1n);
    left -= 1n;
  }
  return parts;
}

/** The state as the contract describes it, built from the accepted events only. */
class Model {
  funders: string[] = [];
  actions = new Map<string, { theme: string; title: string; startYear: number; endYear: number }>();
  committed = new Map<string, bigint>(); // `${year}|${funder}`
  budgets = new Map<string, bigint>(); // `${actionId}|${year}`
  actionKeys = new Map<string, Shares>(); // `${actionId}|${year}`
  yearKeys = new Map<number, Shares>();
  items = new Map<string, Item>();
  closed = new Set<number>();

  apply(event: BudgetEvent): void {
    const d = event.data as Record<string, unknown>;
    const s = (name: string) => d[name] as string;
    const n = (name: string) => d[name] as number;
    switch (event.type) {
      case 'RegionConfigured':
        this.funders = event.data.funders.map((f) => f.id).sort(cmp);
        break;
      case 'ActionDefined':
        this.actions.set(s('actionId'), {
          theme: s('theme'),
          title: s('title'),
          startYear: n('startYear'),
          endYear: n('endYear'),
        });
        break;
      case 'FundingCommitted': {
        const k = `${String(n('year'))}|${s('funder')}`;
        this.committed.set(k, (this.committed.get(k) ?? 0n) + parseAmountCents(s('amount')));
        break;
      }
      case 'BudgetSet':
        this.budgets.set(`${s('actionId')}|${String(n('year'))}`, parseAmountCents(s('amount')));
        break;
      case 'FundingKeySet': {
        const shares = d.shares as Shares;
        const actionId = d.actionId as string | null | undefined;
        if (actionId === undefined || actionId === null) this.yearKeys.set(n('year'), shares);
        else this.actionKeys.set(`${actionId}|${String(n('year'))}`, shares);
        break;
      }
      case 'SpendingRecorded':
        this.items.set(s('spendingId'), {
          actionId: s('actionId'),
          year: n('year'),
          cents: parseAmountCents(s('amount')),
          active: true,
        });
        break;
      case 'SpendingCorrected':
        must(this.items.get(s('spendingId')), 'item').cents = parseAmountCents(s('amount'));
        break;
      case 'SpendingReversed':
        must(this.items.get(s('spendingId')), 'item').active = false;
        break;
      case 'YearClosed':
        this.closed.add(n('year'));
        break;
    }
  }

  key(actionId: string, year: number): Key | undefined {
    const declared = this.actionKeys.get(`${actionId}|${String(year)}`) ?? this.yearKeys.get(year);
    if (declared !== undefined) {
      return { nums: new Map(Object.entries(declared).map(([f, v]) => [f, nanos(v)])), den: 1_000_000_000n };
    }
    const nums = new Map(this.funders.map((f) => [f, this.committed.get(`${String(year)}|${f}`) ?? 0n]));
    const den = sum(nums.values());
    return den > 0n ? { nums, den } : undefined;
  }
}

const zeros = (funders: string[]) => new Map(funders.map((f) => [f, 0n]));
const add = (into: Map<string, bigint>, from: Map<string, bigint>) => {
  for (const [f, v] of from) into.set(f, (into.get(f) ?? 0n) + v);
};
const fmt = (m: Map<string, bigint>) => Object.fromEntries([...m].map(([f, v]) => [f, formatCents(v)]));

function actionFigures(model: Model, actionId: string, year: number) {
  const key = model.key(actionId, year);
  const budget = model.budgets.get(`${actionId}|${String(year)}`) ?? 0n;
  const allocated = key === undefined ? zeros(model.funders) : largestRemainder(budget, key);
  const spent = zeros(model.funders);
  let count = 0;
  for (const item of model.items.values()) {
    if (item.actionId !== actionId || item.year !== year || !item.active) continue;
    count += 1;
    if (key !== undefined) add(spent, largestRemainder(item.cents, key)); // item by item, not the sum
  }
  return { budget, allocated, unfunded: key === undefined ? budget : 0n, spent, count };
}

function ratio(spent: bigint, budget: bigint): string | null {
  if (budget === 0n) return null;
  // Half-up at 4 decimals: floor(spent * 10^4 / budget + 1/2).
  const scaled = (2n * spent * 10_000n + budget) / (2n * budget);
  return `${String(scaled / 10_000n)}.${String(scaled % 10_000n).padStart(4, '0')}`;
}

/** The report of `year` after `events` (with their outcomes), computed from scratch. */
export function referenceReport(
  region: string,
  year: number,
  decided: readonly { event: BudgetEvent; accepted: boolean }[],
) {
  const model = new Model();
  for (const { event, accepted } of decided) if (accepted) model.apply(event);
  const totalAllocated = zeros(model.funders);
  const totalSpent = zeros(model.funders);
  let budgetSum = 0n;
  let unfundedSum = 0n;
  const themes = THEMES.map((theme) => {
    const themeAllocated = zeros(model.funders);
    const themeSpent = zeros(model.funders);
    let themeBudget = 0n;
    let themeUnfunded = 0n;
    const ids = [...model.actions.keys()].sort(cmp).filter((id) => {
      const a = must(model.actions.get(id), 'action');
      return a.theme === theme && a.startYear <= year && year <= a.endYear;
    });
    const actions = ids.map((actionId) => {
      const f = actionFigures(model, actionId, year);
      add(themeAllocated, f.allocated);
      add(themeSpent, f.spent);
      themeBudget += f.budget;
      themeUnfunded += f.unfunded;
      const spentTotal = sum(f.spent.values());
      return {
        actionId,
        title: must(model.actions.get(actionId), 'action').title,
        budget: formatCents(f.budget),
        allocated: fmt(f.allocated),
        unfunded: formatCents(f.unfunded),
        spent: fmt(f.spent),
        spentTotal: formatCents(spentTotal),
        remaining: formatCents(f.budget - spentTotal),
        utilisation: ratio(spentTotal, f.budget),
        overspent: spentTotal > f.budget,
        spendingCount: f.count,
      };
    });
    add(totalAllocated, themeAllocated);
    add(totalSpent, themeSpent);
    budgetSum += themeBudget;
    unfundedSum += themeUnfunded;
    const spentTotal = sum(themeSpent.values());
    return {
      theme,
      budget: formatCents(themeBudget),
      allocated: fmt(themeAllocated),
      unfunded: formatCents(themeUnfunded),
      spent: fmt(themeSpent),
      spentTotal: formatCents(spentTotal),
      remaining: formatCents(themeBudget - spentTotal),
      actions,
    };
  });
  const committed = new Map(model.funders.map((f) => [f, model.committed.get(`${String(year)}|${f}`) ?? 0n]));
  const funders = model.funders.map((funder) => {
    const c = committed.get(funder) ?? 0n;
    const a = totalAllocated.get(funder) ?? 0n;
    const s = totalSpent.get(funder) ?? 0n;
    return {
      funder,
      committed: formatCents(c),
      allocated: formatCents(a),
      spent: formatCents(s),
      unallocated: formatCents(c > a ? c - a : 0n),
      shortfall: formatCents(a > c ? a - c : 0n),
      remaining: formatCents(a - s),
    };
  });
  const spent = sum(totalSpent.values());
  return {
    region,
    year,
    closed: model.closed.has(year),
    asOfPosition: decided.length,
    funders,
    themes,
    totals: {
      committed: formatCents(sum(committed.values())),
      budget: formatCents(budgetSum),
      allocated: formatCents(sum(totalAllocated.values())),
      unfunded: formatCents(unfundedSum),
      spent: formatCents(spent),
      remaining: formatCents(budgetSum - spent),
    },
  };
}
