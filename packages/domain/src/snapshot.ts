//! A region log's state as plain JSON, so a store can persist it and a restart need not replay the log.
import { declaredKey, type FundingKey } from './funding-key';
import { idNeedsEscape, Ledger } from './ledger';
import { RegionLog } from './region-log';
import type { EventDataMap } from './schemas';
import {
  actionYear,
  initialState,
  type ActionDefinition,
  type ActionState,
  type ActionYear,
  type SpendingItems,
} from './state';

/**
 * 3: account names with identifiers escaped (see `accountName`). 2 (still read): items as columns. 1 (still read):
 * items as tuples.
 */
const SNAPSHOT_VERSION = 3;

/** Version 1's items, one tuple each: [spendingId, amountCents, active]. */
type ItemTuple = [string, string, 0 | 1];

/**
 * Version 2's items of one (action, year), as columns: their ids, their amounts in cents, and the indexes of the
 * reversed ones. Each column of text is one string, joined by spaces (which neither an identifier nor a decimal
 * integer holds): V8 parses one long string much faster than many short ones, and one small array per item costs
 * more again, for checkpoints and restarts alike.
 */
interface ItemColumns {
  ids: string;
  /** Integer cents in decimal, as strings are: money never passes through a JS number. */
  cents: string;
  inactive: number[];
}

interface ActionYearSnapshot {
  year: number;
  budgetCents: string;
  key: Record<string, string> | null;
  items: ItemColumns | ItemTuple[];
}

export interface RegionSnapshot {
  version: number;
  region: string;
  length: number;
  lastHash: string;
  config: { name: string; funders: EventDataMap['RegionConfigured']['funders'] } | null;
  actions: { definition: ActionDefinition; years: ActionYearSnapshot[] }[];
  yearKeys: [number, Record<string, string>][];
  committed: [number, [string, string][]][];
  closedYears: number[];
  balances: [number, [string, string][]][];
}

/** A declared key is stored as its shares in billionths, which is exactly what declaredKey() reads back. */
function keyShares(key: FundingKey): Record<string, string> {
  // Object.fromEntries makes own keys: an assignment would lose a funder called `__proto__`.
  return Object.fromEntries(
    key.funders.map((funder, i) => {
      const nanos = (key.numerators[i] ?? 0n).toString().padStart(10, '0');
      return [funder, `${nanos.slice(0, -9)}.${nanos.slice(-9)}`];
    }),
  );
}

export function snapshotOf(log: RegionLog): RegionSnapshot {
  const { state, ledger } = log;
  return {
    version: SNAPSHOT_VERSION,
    region: state.region,
    length: log.length,
    lastHash: log.lastHash,
    config: state.config ?? null,
    actions: [...state.actions.values()].map((action) => ({
      definition: action.definition,
      years: [...action.years].map(([year, entry]) => ({
        year,
        budgetCents: entry.budgetCents.toString(),
        key: entry.key === undefined ? null : keyShares(entry.key),
        items: itemColumns(state.spending, entry),
      })),
    })),
    yearKeys: [...state.yearKeys].map(([year, key]) => [year, keyShares(key)]),
    committed: [...state.committedCents].map(([year, perFunder]) => [
      year,
      [...perFunder].map(([funder, cents]) => [funder, cents.toString()]),
    ]),
    closedYears: [...state.closedYears],
    balances: [...ledger.balances].map(([year, accounts]) => [
      year,
      [...accounts].map(([account, cents]) => [account, cents.toString()]),
    ]),
  };
}

function itemColumns(spending: SpendingItems, entry: ActionYear): ItemColumns {
  const slots = entry.slots.view();
  const ids = new Array<string>(slots.length);
  const cents = new Array<string>(slots.length);
  const inactive: number[] = [];
  for (let i = 0; i < slots.length; i++) {
    const slot = slots[i] as number;
    ids[i] = spending.idOf(slot);
    cents[i] = spending.amountOf(slot).toString();
    if (!spending.isActive(slot)) inactive.push(i);
  }
  return { ids: ids.join(' '), cents: cents.join(' '), inactive };
}

/** A column of space-joined values; an empty string is no values. */
function column(joined: string): string[] {
  return joined === '' ? [] : joined.split(' ');
}

/** Adds the items of a snapshot's (action, year), of either version, to the state's spending, in their order. */
function restoreItems(items: ItemColumns | ItemTuple[], spending: SpendingItems, entry: ActionYear): void {
  if (Array.isArray(items)) {
    for (const [id, cents, active] of items) spending.add(id, entry, BigInt(cents), active === 1);
    return;
  }
  const ids = column(items.ids);
  const cents = column(items.cents);
  if (cents.length !== ids.length) throw new Error('snapshot items: ids and cents differ in number');
  const reversed = new Set(items.inactive);
  for (let i = 0; i < ids.length; i++) {
    spending.add(ids[i] as string, entry, BigInt(cents[i] as string), !reversed.has(i));
  }
}

/** The years a snapshot holds anything for: action years, keys, commitments and closings. */
export function snapshotYears(snapshot: RegionSnapshot): number[] {
  const years = new Set<number>(snapshot.closedYears);
  for (const action of snapshot.actions) for (const entry of action.years) years.add(entry.year);
  for (const [year] of snapshot.yearKeys) years.add(year);
  for (const [year] of snapshot.committed) years.add(year);
  return [...years].sort((a, b) => a - b);
}

/**
 * The part of a snapshot that one year's allocation report and the later events concerning that year need: the
 * region's configuration and action definitions, and of the per-year parts only that year's. No ledger (a report
 * does not read it). A year the snapshot holds nothing for gets the region-wide parts alone. Much smaller than the
 * whole state for a store with many years, so an as-of report restores it faster.
 */
export function yearSnapshot(snapshot: RegionSnapshot, year: number): RegionSnapshot {
  return {
    ...snapshot,
    actions: snapshot.actions.map((action) => ({
      definition: action.definition,
      years: action.years.filter((entry) => entry.year === year),
    })),
    yearKeys: snapshot.yearKeys.filter(([y]) => y === year),
    committed: snapshot.committed.filter(([y]) => y === year),
    closedYears: snapshot.closedYears.filter((y) => y === year),
    balances: [],
  };
}

/**
 * Whether a snapshot's ledger balances cannot be trusted: before version 3, an action or funder identifier holding
 * `:` made account names that two (action, funder) pairs could share, so their balances may be merged. Such a
 * snapshot's state is sound, but its ledger must be rebuilt by replaying the log. (Snapshots without such
 * identifiers hold exactly the names version 3 writes.)
 */
export function snapshotLedgerOutdated(snapshot: RegionSnapshot): boolean {
  if (snapshot.version >= 3) return false;
  return (
    (snapshot.config?.funders.some((funder) => idNeedsEscape(funder.id)) ?? false) ||
    snapshot.actions.some((action) => idNeedsEscape(action.definition.actionId))
  );
}

export function restoreSnapshot(snapshot: RegionSnapshot): RegionLog {
  if (snapshot.version < 1 || snapshot.version > SNAPSHOT_VERSION)
    throw new Error(`unsupported snapshot version ${snapshot.version}`);
  const state = initialState(snapshot.region);
  if (snapshot.config !== null) {
    state.config = snapshot.config;
    state.funderIds = snapshot.config.funders.map((f) => f.id).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }
  for (const { definition, years } of snapshot.actions) {
    const action: ActionState = { definition, years: new Map() };
    for (const entry of years) {
      const restored = actionYear(action, entry.year);
      restored.budgetCents = BigInt(entry.budgetCents);
      restored.key = entry.key === null ? undefined : declaredKey(entry.key);
      restoreItems(entry.items, state.spending, restored);
    }
    state.actions.set(definition.actionId, action);
  }
  for (const [year, shares] of snapshot.yearKeys) state.yearKeys.set(year, declaredKey(shares));
  for (const [year, perFunder] of snapshot.committed) {
    state.committedCents.set(year, new Map(perFunder.map(([funder, cents]) => [funder, BigInt(cents)])));
  }
  for (const year of snapshot.closedYears) state.closedYears.add(year);
  const ledger = new Ledger(snapshot.region);
  for (const [year, accounts] of snapshot.balances) {
    ledger.balances.set(year, new Map(accounts.map(([account, cents]) => [account, BigInt(cents)])));
  }
  ledger.assertBalanced();
  return new RegionLog(state, ledger, snapshot.length, snapshot.lastHash);
}
