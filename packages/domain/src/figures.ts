//! The figures of one (action, year) as the state implies them now: budget, allocation and spending per funder.
import { apportion, apportionSum } from './apportion';
import type { FundingKey } from './funding-key';
import { resolveKey } from './key-resolution';
import type { ActionYear, RegionState, SpendingItems } from './state';

export interface ActionYearFigures {
  budgetCents: bigint;
  /** Aligned with the region's funder ids; all zero when no key resolves. */
  allocatedCents: bigint[];
  unfundedCents: bigint;
  spentCents: bigint[];
  spendingCount: number;
}

/** Parts aligned with the region's funders: a key always names exactly the region's funders, in the same order. */
function zeros(count: number): bigint[] {
  return new Array<bigint>(count).fill(0n);
}

/** Spent per funder, from the cache while the key is unchanged, else re-apportioned item by item. */
export function spentParts(
  spending: SpendingItems,
  entry: ActionYear,
  key: FundingKey | undefined,
  funderCount: number,
): bigint[] {
  if (key === undefined) {
    if (entry.activeCount > 0)
      throw new Error('active spending without a resolvable key: the decider let it in');
    return zeros(funderCount);
  }
  if (entry.spent?.fingerprint === key.fingerprint) return entry.spent.partsCents;
  const parts = apportionSum(entry.slots.view(), spending.activeAmount, key);
  entry.spent = { fingerprint: key.fingerprint, partsCents: parts };
  return parts;
}

/** The budget per funder, from the cache while the budget and the key are unchanged. */
function allocatedParts(entry: ActionYear, key: FundingKey): bigint[] {
  const cached = entry.allocated;
  if (cached?.fingerprint === key.fingerprint && cached.budgetCents === entry.budgetCents)
    return cached.partsCents;
  const partsCents = apportion(entry.budgetCents, key);
  entry.allocated = { fingerprint: key.fingerprint, budgetCents: entry.budgetCents, partsCents };
  return partsCents;
}

export function addInto(target: bigint[], parts: readonly bigint[], sign: 1n | -1n): void {
  for (let i = 0; i < parts.length; i++) target[i] = (target[i] ?? 0n) + sign * (parts[i] ?? 0n);
}

export function actionYearFigures(state: RegionState, actionId: string, year: number): ActionYearFigures {
  const funderCount = state.funderIds.length;
  const entry = state.actions.get(actionId)?.years.get(year);
  if (entry === undefined) {
    return {
      budgetCents: 0n,
      allocatedCents: zeros(funderCount),
      unfundedCents: 0n,
      spentCents: zeros(funderCount),
      spendingCount: 0,
    };
  }
  const key = resolveKey(state, actionId, year);
  return {
    budgetCents: entry.budgetCents,
    allocatedCents: key === undefined ? zeros(funderCount) : allocatedParts(entry, key),
    unfundedCents: key === undefined ? entry.budgetCents : 0n,
    spentCents: spentParts(state.spending, entry, key, funderCount),
    spendingCount: entry.activeCount,
  };
}
