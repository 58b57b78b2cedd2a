//! The double-entry ledger: journal entries for every money movement the log implies, and balances per year.
import { actionYearFigures } from './figures';
import { formatCents } from './money';
import type { EventBody } from './schemas';
import { includesYear, type RegionState } from './state';

/**
 * Accounts, per region and year (debit balances positive):
 * - `grant:F`              credit: funding committed by funder F (the source of the money)
 * - `funds:F`              debit: committed but not yet allocated (a credit balance: allocated beyond commitments,
 *                          the funder's shortfall)
 * - `allocation:A:F`       debit: allocated to action A and not spent (remaining); a credit balance: spent beyond
 *                          the allocation (overspent)
 * - `spending:A:F`         debit: spent on action A, paid by F
 * - `released:A:F`         debit: unspent allocation released to F's year result when the year closed; a credit
 *                          balance: the overspending charged to F's year result
 * - `unfunded:A`           debit: budget of A that no key could apportion
 * - `unfunded-budget`      credit: the other side of unfunded budget
 *
 * Identifiers may hold `:` themselves, so in a name each identifier is one segment with its `:` written `%3A` (`%` is
 * no identifier character): funder `y:z` of action `x` is `allocation:x:y%3Az`, which action `x:y` of funder `z`
 * (`allocation:x%3Ay:z`) cannot be. Names of identifiers without `:` read as they always did.
 */
export const accountName = {
  grant: (funder: string): string => `grant:${segment(funder)}`,
  funds: (funder: string): string => `funds:${segment(funder)}`,
  allocation: (action: string, funder: string): string => `allocation:${segment(action)}:${segment(funder)}`,
  spending: (action: string, funder: string): string => `spending:${segment(action)}:${segment(funder)}`,
  released: (action: string, funder: string): string => `released:${segment(action)}:${segment(funder)}`,
  unfunded: (action: string): string => `unfunded:${segment(action)}`,
} as const;

/** An identifier as one segment of an account name. */
function segment(id: string): string {
  return idNeedsEscape(id) ? id.replaceAll(':', '%3A') : id;
}

/** Whether an identifier would be written differently in an account name than it reads. */
export function idNeedsEscape(id: string): boolean {
  return id.includes(':');
}
export interface JournalLine {
  account: string;
  debitCents: bigint;
  creditCents: bigint;
}

export interface JournalEntry {
  /** Position of the event in the region's log that caused the entry. */
  position: number;
  eventId: string;
  year: number;
  memo: string;
  lines: JournalLine[];
}

export interface TrialBalanceRow {
  account: string;
  debit: string;
  credit: string;
}

export interface TrialBalance {
  region: string;
  year: number;
  rows: TrialBalanceRow[];
  totals: { debit: string; credit: string };
  balanced: boolean;
}

/** Adds the lines of a transfer of `cents` from `credit` to `debit` to `lines`; a negative amount flips the sides. */
function addTransfer(lines: JournalLine[], debit: string, credit: string, cents: bigint): void {
  if (cents === 0n) return;
  if (cents > 0n) {
    lines.push(
      { account: debit, debitCents: cents, creditCents: 0n },
      { account: credit, debitCents: 0n, creditCents: cents },
    );
  } else {
    lines.push(
      { account: credit, debitCents: -cents, creditCents: 0n },
      { account: debit, debitCents: 0n, creditCents: -cents },
    );
  }
}

/** The lines of a transfer of `cents` from `credit` to `debit` (`addTransfer`). */
function transfer(debit: string, credit: string, cents: bigint): JournalLine[] {
  const lines: JournalLine[] = [];
  addTransfer(lines, debit, credit, cents);
  return lines;
}

export class Ledger {
  /** year -> account -> balance (debit positive). */
  readonly balances = new Map<number, Map<string, bigint>>();
  /** Years whose balances changed since the last takeDirty(), for stores that persist balances. */
  private dirty = new Set<number>();
  /** Account names built once per action: building and hashing them on every event cost a fifth of a replay. */
  private readonly actionAccounts = new Map<string, ActionAccounts>();
  private readonly fundsAccounts = new Map<string, string>();

  constructor(readonly region: string) {}

  balance(year: number, account: string): bigint {
    return this.balances.get(year)?.get(account) ?? 0n;
  }

  /** Posts an entry after asserting that it balances: an unbalanced entry is a bug, so it crashes. */
  post(entry: JournalEntry): void {
    let debit = 0n;
    let credit = 0n;
    for (const line of entry.lines) {
      debit += line.debitCents;
      credit += line.creditCents;
    }
    if (debit !== credit) {
      throw new Error(
        `unbalanced journal entry at position ${entry.position}: ${String(debit)} != ${String(credit)}`,
      );
    }
    let year = this.balances.get(entry.year);
    if (year === undefined) {
      year = new Map();
      this.balances.set(entry.year, year);
    }
    this.dirty.add(entry.year);
    for (const line of entry.lines) {
      year.set(line.account, (year.get(line.account) ?? 0n) + line.debitCents - line.creditCents);
    }
  }

  /** The years whose balances changed since the last call. */
  takeDirty(): Set<number> {
    const dirty = this.dirty;
    this.dirty = new Set();
    return dirty;
  }

  /**
   * Brings the ledger in line with the state after an accepted event: the entries that move money from what was
   * posted to what the state now implies. Returns them (already posted).
   */
  record(
    state: RegionState,
    event: EventBody & { id: string },
    position: number,
    itemYear?: number,
  ): JournalEntry[] {
    const entries: JournalEntry[] = [];
    const emit: Emit = { position, eventId: event.id, entries };
    switch (event.type) {
      case 'RegionConfigured':
      case 'ActionDefined':
        // No money moves: a redefinition may only drop years without budget or active spending.
        break;
      case 'FundingCommitted': {
        const { funder, year } = event.data;
        const before = -this.balance(year, accountName.grant(funder));
        const after = state.committedCents.get(year)?.get(funder) ?? 0n;
        this.emit(
          emit,
          year,
          `funding committed by ${funder}`,
          transfer(this.fundsAccount(funder), accountName.grant(funder), after - before),
        );
        this.realignYear(state, year, emit);
        break;
      }
      case 'FundingKeySet':
        if (event.data.actionId === undefined || event.data.actionId === null) {
          this.realignYear(state, event.data.year, emit);
        } else {
          this.realignActionYear(state, event.data.actionId, event.data.year, emit);
        }
        break;
      case 'BudgetSet':
        this.realignActionYear(state, event.data.actionId, event.data.year, emit);
        break;
      case 'SpendingRecorded':
        this.realignActionYear(state, event.data.actionId, event.data.year, emit);
        break;
      case 'SpendingCorrected':
      case 'SpendingReversed': {
        const slot = state.spending.slotOf(event.data.spendingId);
        if (slot === undefined) throw new Error(`ledger: unknown spending item ${event.data.spendingId}`);
        const entry = state.spending.entryOf(slot);
        this.realignActionYear(state, entry.actionId, itemYear ?? entry.year, emit);
        break;
      }
      case 'YearClosed':
        this.releaseYear(state, event.data.year, emit);
        break;
      default: {
        const unreachable: never = event;
        throw new Error(`unknown event type ${JSON.stringify(unreachable)}`);
      }
    }
    return entries;
  }

  private realignYear(state: RegionState, year: number, emit: Emit): void {
    for (const [actionId, action] of state.actions) {
      if (action.years.has(year)) this.realignActionYear(state, actionId, year, emit);
    }
  }

  /** Posts the difference between the state's figures for (A, Y) and what the ledger holds for them. */
  private realignActionYear(state: RegionState, actionId: string, year: number, emit: Emit): void {
    const figures = actionYearFigures(state, actionId, year);
    const accounts = this.accountsOf(actionId, state.funderIds);
    const posted = this.balances.get(year);
    const balance = (account: string): bigint => posted?.get(account) ?? 0n;
    const lines: JournalLine[] = [];
    const funders = state.funderIds;
    for (let i = 0; i < funders.length; i++) {
      const spentAccount = accounts.spending[i] ?? '';
      const allocationAccount = accounts.allocation[i] ?? '';
      const postedSpent = balance(spentAccount);
      const postedAllocated = balance(allocationAccount) + postedSpent + balance(accounts.released[i] ?? '');
      addTransfer(
        lines,
        allocationAccount,
        this.fundsAccount(funders[i] ?? ''),
        (figures.allocatedCents[i] ?? 0n) - postedAllocated,
      );
      addTransfer(lines, spentAccount, allocationAccount, (figures.spentCents[i] ?? 0n) - postedSpent);
    }
    addTransfer(
      lines,
      accounts.unfunded,
      'unfunded-budget',
      figures.unfundedCents - balance(accounts.unfunded),
    );
    if (lines.length > 0) this.emit(emit, year, `figures of ${actionId} realigned`, lines);
  }

  private releaseYear(state: RegionState, year: number, emit: Emit): void {
    for (const [actionId, action] of state.actions) {
      if (!includesYear(action.definition, year) && !action.years.has(year)) continue;
      const accounts = this.accountsOf(actionId, state.funderIds);
      const lines: JournalLine[] = [];
      accounts.allocation.forEach((allocation, i) => {
        const remaining = this.balance(year, allocation);
        addTransfer(lines, accounts.released[i] ?? '', allocation, remaining);
      });
      this.emit(emit, year, `unspent allocation of ${actionId} released at year end`, lines);
    }
  }

  /** Posts an entry for the event being recorded, unless it moves nothing. */
  private emit(emit: Emit, year: number, memo: string, lines: JournalLine[]): void {
    if (lines.length === 0) return;
    const entry = { position: emit.position, eventId: emit.eventId, year, memo, lines };
    this.post(entry);
    emit.entries.push(entry);
  }

  private fundsAccount(funder: string): string {
    let name = this.fundsAccounts.get(funder);
    if (name === undefined) {
      name = accountName.funds(funder);
      this.fundsAccounts.set(funder, name);
    }
    return name;
  }

  /** The accounts of an action, per funder in the region's funder order (which never changes once configured). */
  private accountsOf(actionId: string, funderIds: readonly string[]): ActionAccounts {
    let accounts = this.actionAccounts.get(actionId);
    if (accounts === undefined || accounts.allocation.length !== funderIds.length) {
      accounts = {
        allocation: funderIds.map((funder) => accountName.allocation(actionId, funder)),
        spending: funderIds.map((funder) => accountName.spending(actionId, funder)),
        released: funderIds.map((funder) => accountName.released(actionId, funder)),
        unfunded: accountName.unfunded(actionId),
      };
      this.actionAccounts.set(actionId, accounts);
    }
    return accounts;
  }

  trialBalance(year: number): TrialBalance {
    const accounts = [...(this.balances.get(year) ?? new Map<string, bigint>())].sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    let debit = 0n;
    let credit = 0n;
    const rows: TrialBalanceRow[] = [];
    for (const [account, balance] of accounts) {
      if (balance === 0n) continue;
      if (balance > 0n) debit += balance;
      else credit -= balance;
      rows.push({
        account,
        debit: formatCents(balance > 0n ? balance : 0n),
        credit: formatCents(balance < 0n ? -balance : 0n),
      });
    }
    return {
      region: this.region,
      year,
      rows,
      totals: { debit: formatCents(debit), credit: formatCents(credit) },
      balanced: debit === credit,
    };
  }

  years(): number[] {
    return [...this.balances.keys()].sort((a, b) => a - b);
  }

  /** Asserts that every year's trial balance balances: called after every rebuild and load. */
  assertBalanced(): void {
    for (const year of this.years()) {
      const trial = this.trialBalance(year);
      if (!trial.balanced) {
        throw new Error(
          `trial balance of ${this.region} ${year} does not balance: ${trial.totals.debit} != ${trial.totals.credit}`,
        );
      }
    }
  }
}

/** The event being recorded and the entries posted for it so far. */
interface Emit {
  position: number;
  eventId: string;
  entries: JournalEntry[];
}

interface ActionAccounts {
  allocation: string[];
  spending: string[];
  released: string[];
  unfunded: string;
}
