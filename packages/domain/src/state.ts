//! The state of one region's log after some prefix of it: what decide() reads and evolve() changes.
import type { FundingKey } from './funding-key';
import { IdTable } from './id-table';
import { grown } from './typed-arrays';
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
  readonly slots: SlotList;
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
      slots: new SlotList(),
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

/** A growing list of slots in an Int32Array: an (action, year) can have as many items as the region. */
export class SlotList {
  private data = new Int32Array(4);
  private count = 0;

  get length(): number {
    return this.count;
  }

  push(slot: number): void {
    if (this.count === this.data.length) this.data = grown(this.data);
    this.data[this.count] = slot;
    this.count += 1;
  }

  /** The slots so far, as a view that later pushes may leave behind (use it, then let it go). */
  view(): Int32Array {
    return this.data.subarray(0, this.count);
  }
}

/** Marks an amount kept in `SpendingItems.large` rather than in the 64-bit column (spending amounts are >= 0). */
const LARGE = -1n;
const INT64_MAX = 2n ** 63n - 1n;
/** Items to start with (the columns double as needed); small, as `IdTable`'s. */
const INITIAL_CAPACITY = 32;

/**
 * Every spending item of a region, in columns indexed by slot (0, 1, ... in the order they were recorded): the id,
 * the (action, year) it belongs to, the amount in cents and whether it is still active. A region's state holds one
 * item per spending event it accepted, so this is what a long log's memory is made of. Every column is a typed array
 * (the ids in an `IdTable`), outside the JavaScript heap: an item costs its id's characters and about 40 bytes, and
 * the garbage collector has nothing per item to trace (a `Map` of id strings and an array of entries cost some 80
 * bytes more an item on the heap, which the collector then kept two to three times over as headroom), and each
 * (action, year) lists its slots in a `SlotList`.
 */
export class SpendingItems {
  private readonly ids = new IdTable();
  /** Each slot's (action, year), as an index into `entries`: a region has few of them, and one number a slot. */
  private entrySlots = new Uint32Array(INITIAL_CAPACITY);
  private readonly entries: ActionYear[] = [];
  private readonly entryIndexes = new Map<ActionYear, number>();
  /** Amounts in cents; LARGE where the amount does not fit in 64 bits (an amount may have any number of digits). */
  private amounts = new BigInt64Array(INITIAL_CAPACITY);
  private active = new Uint8Array(INITIAL_CAPACITY);
  private readonly large = new Map<number, bigint>();

  get size(): number {
    return this.ids.size;
  }

  has(spendingId: string): boolean {
    return this.ids.find(spendingId) !== -1;
  }

  slotOf(spendingId: string): number | undefined {
    const slot = this.ids.find(spendingId);
    return slot === -1 ? undefined : slot;
  }

  /** Records a new item in its (action, year) entry; returns its slot. */
  add(spendingId: string, entry: ActionYear, amountCents: bigint, active = true): number {
    const slot = this.ids.size;
    if (slot === this.amounts.length) this.grow();
    if (this.ids.add(spendingId) === -1) throw new Error(`spending item ${spendingId} is already recorded`);
    let index = this.entryIndexes.get(entry);
    if (index === undefined) {
      index = this.entries.length;
      this.entries.push(entry);
      this.entryIndexes.set(entry, index);
    }
    this.entrySlots[slot] = index;
    this.setAmount(slot, amountCents);
    this.active[slot] = active ? 1 : 0;
    entry.slots.push(slot);
    if (active) entry.activeCount += 1;
    return slot;
  }

  idOf(slot: number): string {
    if (!this.holds(slot)) return missing(slot);
    return this.ids.idAt(slot);
  }

  entryOf(slot: number): ActionYear {
    if (!this.holds(slot)) return missing(slot);
    return this.entries[this.entrySlots[slot] ?? 0] ?? missing(slot);
  }

  amountOf(slot: number): bigint {
    const cents = this.amounts[slot];
    if (cents === undefined || !this.holds(slot)) return missing(slot);
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
    const slot = this.slotOf(spendingId);
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

  private holds(slot: number): boolean {
    return Number.isInteger(slot) && slot >= 0 && slot < this.ids.size;
  }

  private grow(): void {
    this.entrySlots = grown(this.entrySlots);
    this.amounts = grown(this.amounts);
    this.active = grown(this.active);
  }
}

function missing(slot: number): never {
  throw new Error(`no spending item in slot ${slot}`);
}
