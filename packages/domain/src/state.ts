//! The state of one region's log after some prefix of it: what decide() reads and evolve() changes.
import type { FundingKey } from './funding-key';
import type { EventDataMap, Theme } from './schemas';

export type ActionDefinition = EventDataMap['ActionDefined'] & { theme: Theme };

export interface SpendingItem {
  readonly spendingId: string;
  readonly actionId: string;
  readonly year: number;
  amountCents: bigint;
  active: boolean;
}

/** Spent per funder of one (action, year), valid while the key's fingerprint is unchanged. */
export interface SpentCache {
  fingerprint: string;
  partsCents: bigint[];
}

/** Everything recorded for one action in one year. */
export interface ActionYear {
  budgetCents: bigint;
  key: FundingKey | undefined;
  items: SpendingItem[];
  activeCount: number;
  spent: SpentCache | undefined;
  /** The budget per funder, valid while the budget and the key's fingerprint are unchanged. */
  allocated: AllocatedCache | undefined;
}

/** The budget of one (action, year) apportioned by a key: recomputed only when either changes. */
export interface AllocatedCache {
  fingerprint: string;
  budgetCents: bigint;
  partsCents: bigint[];
}

export interface ActionState {
  definition: ActionDefinition;
  years: Map<number, ActionYear>;
}

export interface RegionConfig {
  name: string;
  funders: EventDataMap['RegionConfigured']['funders'];
}

export interface RegionState {
  readonly region: string;
  config: RegionConfig | undefined;
  /** The region's funder ids in ascending code-point order. */
  funderIds: string[];
  actions: Map<string, ActionState>;
  yearKeys: Map<number, FundingKey>;
  committedCents: Map<number, Map<string, bigint>>;
  /** Pro-rata keys memoised per year; dropped when funding for the year changes. */
  proRataKeys: Map<number, FundingKey | null>;
  spending: Map<string, SpendingItem>;
  closedYears: Set<number>;
}

export function initialState(region: string): RegionState {
  return {
    region,
    config: undefined,
    funderIds: [],
    actions: new Map(),
    yearKeys: new Map(),
    committedCents: new Map(),
    proRataKeys: new Map(),
    spending: new Map(),
    closedYears: new Set(),
  };
}

export function actionYear(action: ActionState, year: number): ActionYear {
  let entry = action.years.get(year);
  if (entry === undefined) {
    entry = {
      budgetCents: 0n,
      key: undefined,
      items: [],
      activeCount: 0,
      spent: undefined,
      allocated: undefined,
    };
    action.years.set(year, entry);
  }
  return entry;
}

export function includesYear(definition: ActionDefinition, year: number): boolean {
  return definition.startYear <= year && year <= definition.endYear;
}
