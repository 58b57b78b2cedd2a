//! The state of one region's log after some prefix of it: what decide() reads and evolve() changes.
import type { FundingKey } from './funding-key';
import type { EventDataMap, Theme } from './schemas';

export type ActionDefinition = EventDataMap['ActionDefined'] & { theme: Theme };

/** One spending item as `SpendingItems.item` describes it: for tests and tools, not kept in the state so. */
export interface SpendingItem {
  readonly spendingId: string;
  readonly actionId: string;
  readonly year: number;
  readonly amountCents: bigint;
  readonly active: boolean;
}

/** Spent per funder of one (action, year), valid while the key's fingerprint is unchanged. */
export interface SpentCache {
  fingerprint: string;
  partsCents: bigint[];
}

/** Everything recorded for one action in one year. */
export interface ActionYear {
  readonly actionId: string;
  readonly year: number;
  budgetCents: bigint;
  key: FundingKey | undefined;
  /** Its spending items, as slots of the region's `SpendingItems`, in the order they were recorded. */
  slots: number[];
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
  spending: SpendingItems;
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
    spending: new SpendingItems(),
    closedYears: new Set(),
  };
}

export function actionYear(action: ActionState, year: number): ActionYear {
  let entry = action.years.get(year);
  if (entry === undefined) {
    entry = {
      actionId: action.definition.actionId,
      year,
      budgetCents: 0n,
      key: undefined,
      slots: [],
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

/** Marks an amount kept in `SpendingItems.large` rather than in the 64-bit column (spending amounts are >= 0). */
const LARGE = -1n;
const INT64_MAX = 2n ** 63n - 1n;
const INITIAL_CAPACITY = 1024;

/**
 * Every spending item of a region, in columns indexed by slot (0, 1, ... in the order they were recorded): the id,
 * the (action, year) it belongs to, the amount in cents and whether it is still active. A region's state holds one
 * item per spending event it accepted, so this is what a long log's memory is made of: as columns an item costs its
 * id, one entry in the id map and about 25 bytes, against an object, a bigint and a reference (some 110 bytes more)
 * each, and the garbage collector has one object per item to trace instead of three.
 */
export class SpendingItems {
  private readonly slotById = new Map<string, number>();
  private readonly ids: string[] = [];
  private readonly entries: ActionYear[] = [];
  /** Amounts in cents; LARGE where the amount does not fit in 64 bits (an amount may have any number of digits). */
  private amounts = new BigInt64Array(INITIAL_CAPACITY);
  private active = new Uint8Array(INITIAL_CAPACITY);
  private readonly large = new Map<number, bigint>();

  get size(): number {
    return this.ids.length;
  }

  has(spendingId: string): boolean {
    return this.slotById.has(spendingId);
  }

  slotOf(spendingId: string): number | undefined {
    return this.slotById.get(spendingId);
  }

  /** Records a new item in its (action, year) entry; returns its slot. */
  add(spendingId: string, entry: ActionYear, amountCents: bigint, active = true): number {
    const slot = this.ids.length;
    // One lookup, not a `has` before the `set`: a repeated id leaves the map's size unchanged (and is put back).
    this.slotById.set(spendingId, slot);
    if (this.slotById.size === slot) {
      this.slotById.set(spendingId, this.ids.indexOf(spendingId));
      throw new Error(`spending item ${spendingId} is already recorded`);
    }
    if (slot === this.amounts.length) this.grow();
    this.ids.push(spendingId);
    this.entries.push(entry);
    this.setAmount(slot, amountCents);
    this.active[slot] = active ? 1 : 0;
    entry.slots.push(slot);
    if (active) entry.activeCount += 1;
    return slot;
  }

  idOf(slot: number): string {
    return this.ids[slot] ?? missing(slot);
  }

  entryOf(slot: number): ActionYear {
    return this.entries[slot] ?? missing(slot);
  }

  amountOf(slot: number): bigint {
    const cents = this.amounts[slot];
    if (cents === undefined || slot >= this.ids.length) return missing(slot);
    return cents === LARGE ? (this.large.get(slot) ?? missing(slot)) : cents;
  }

  setAmount(slot: number, amountCents: bigint): void {
    if (amountCents >= 0n && amountCents <= INT64_MAX) {
      this.amounts[slot] = amountCents;
      this.large.delete(slot);
    } else {
      this.amounts[slot] = LARGE;
      this.large.set(slot, amountCents);
    }
  }

  isActive(slot: number): boolean {
    return this.active[slot] === 1;
  }

  /** Marks the item reversed: it no longer counts in its entry. */
  deactivate(slot: number): void {
    if (this.active[slot] !== 1) return;
    this.active[slot] = 0;
    this.entryOf(slot).activeCount -= 1;
  }

  /** The amount of an active item, or null for a reversed one: what re-apportioning an entry's spending sums. */
  readonly activeAmount = (slot: number): bigint | null => (this.isActive(slot) ? this.amountOf(slot) : null);

  /** One item as a plain object (for tests and tools; the state does not keep items so). */
  item(spendingId: string): SpendingItem | undefined {
    const slot = this.slotById.get(spendingId);
    if (slot === undefined) return undefined;
    const entry = this.entryOf(slot);
    return {
      spendingId,
      actionId: entry.actionId,
      year: entry.year,
      amountCents: this.amountOf(slot),
      active: this.isActive(slot),
    };
  }

  private grow(): void {
    const amounts = new BigInt64Array(this.amounts.length * 2);
    amounts.set(this.amounts);
    this.amounts = amounts;
    const active = new Uint8Array(this.active.length * 2);
    active.set(this.active);
    this.active = active;
  }
}

function missing(slot: number): never {
  throw new Error(`no spending item in slot ${slot}`);
}
