//! What the web app needs beyond the contract's reports (actions, spending items, dry runs, provenance), kept per
//! region by following the region's history from the store: a RegionLog replayed with the recorded outcomes.
import type { BudgetStore } from '@budget/application';
import { UserError } from '@budget/application';
import {
  RegionLog,
  eventContent,
  eventYear,
  formatCents,
  parseAmountCents,
  restoreSnapshot,
  sha256Hex,
  snapshotOf,
  type BudgetEvent,
  type LogRecord,
  type RegionState,
} from '@budget/domain';

export const REGION_VIEWS = Symbol('RegionViews');

/** A spending item as finance officers see it: its recorded fields and its current amount and status. */
export interface SpendingView {
  spendingId: string;
  actionId: string;
  year: number;
  amount: string;
  bookedOn: string;
  payee: string;
  invoiceRef: string | null;
  description: string | null;
  active: boolean;
  /** Positions of the accepted events that made the item what it is. */
  positions: number[];
}

/** One region as of `log.length`: the decided state, the ids in its log and its spending items. */
export class RegionView {
  readonly log: RegionLog;
  /** Event id -> SHA-256 of its content, to tell a no-op re-send from a conflicting id. */
  readonly ids = new Map<string, string>();
  /** Event id -> reason, for the events of the log that were rejected (so a re-send can say how it was recorded). */
  readonly rejected = new Map<string, string>();
  readonly spending = new Map<string, SpendingView>();

  constructor(region: string) {
    this.log = RegionLog.empty(region);
  }

  apply(record: LogRecord): void {
    if (record.position !== this.log.length + 1) {
      throw new Error(
        `history of ${this.log.region} skipped from ${this.log.length} to position ${record.position}`,
      );
    }
    this.log.applyRecorded(record);
    this.ids.set(record.id, sha256Hex(eventContent(record)));
    if (record.outcome === 'accepted') this.applySpending(record);
    else if (record.reason !== null) this.rejected.set(record.id, record.reason);
  }

  private applySpending(record: LogRecord): void {
    switch (record.type) {
      case 'SpendingRecorded': {
        const d = record.data;
        this.spending.set(d.spendingId, {
          spendingId: d.spendingId,
          actionId: d.actionId,
          year: d.year,
          // An output amount: always two decimals (CONTRACT section 1), whatever was typed ("3" is "3.00").
          amount: formatCents(parseAmountCents(d.amount)),
          bookedOn: d.bookedOn,
          payee: d.payee,
          invoiceRef: d.invoiceRef ?? null,
          description: d.description ?? null,
          active: true,
          positions: [record.position],
        });
        return;
      }
      case 'SpendingCorrected':
      case 'SpendingReversed': {
        const item = this.spending.get(record.data.spendingId);
        if (item === undefined) return;
        item.positions.push(record.position);
        if (record.type === 'SpendingCorrected')
          item.amount = formatCents(parseAmountCents(record.data.amount));
        else item.active = false;
        return;
      }
      default:
        return;
    }
  }

  /** A copy of the decided state, to try events on without touching this view. */
  scratchLog(): RegionLog {
    return restoreSnapshot(snapshotOf(this.log));
  }

  /** The year an event concerns, as of the current state. */
  yearOf(event: BudgetEvent): number | null {
    return eventYear(this.log.state, event);
  }
}

/** A region's configuration and log length: what `/regions` lists. */
export interface RegionHead {
  length: number;
  config: RegionState['config'];
}

/** How many regions' views are kept between requests: a deployment serves a handful of regions. */
export const MAX_KEPT_VIEWS = 64;

/**
 * Keeps the RegionViews of the regions used most recently (at most `maxKept`) and brings a view up to the end of the
 * store's log on each use. Reads of one region are queued, so two requests never apply the same records twice.
 * A region without events gets a new empty view that is not kept: any name can be asked for, and keeping a view per
 * name asked let a client fill the server's memory. A view dropped from the cache is rebuilt from the history when
 * its region is used again.
 */
export class RegionViews {
  /** In order of last use, the least recent first. */
  private readonly views = new Map<string, RegionView>();
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly summaries = new Map<string, RegionHead>();

  constructor(
    private readonly store: BudgetStore,
    private readonly maxKept = MAX_KEPT_VIEWS,
  ) {}

  /** The region's view at the end of its log; an empty one for a region with no events yet. */
  current(region: string): Promise<RegionView> {
    const previous = this.queues.get(region) ?? Promise.resolve();
    const next = previous.then(
      () => this.catchUp(region),
      () => this.catchUp(region),
    );
    this.queues.set(region, next);
    const forget = (): void => {
      if (this.queues.get(region) === next) this.queues.delete(region);
    };
    next.then(forget, forget);
    return next;
  }

  /**
   * A region's name, funders and log length, kept for every region with events (a few hundred bytes each) and
   * brought up to date by reading only the records appended since: `/regions` walks every region, which through
   * the views would rebuild each region's whole state once there are more regions than views are kept.
   */
  async summary(region: string): Promise<RegionHead> {
    const known = this.summaries.get(region) ?? { length: 0, config: undefined };
    let length = known.length;
    let config = known.config;
    for await (const record of this.history(region, length + 1)) {
      if (record.position !== length + 1) break;
      length = record.position;
      if (record.outcome === 'accepted' && record.type === 'RegionConfigured') {
        config = { name: record.data.name, funders: record.data.funders };
      }
    }
    const head = { length, config };
    // Two calls at once may both read the same records: the longer summary is kept.
    if (length > 0 && length >= (this.summaries.get(region)?.length ?? 0)) this.summaries.set(region, head);
    return head;
  }

  /** The regions whose views are kept, the least recently used first (for tests). */
  kept(): string[] {
    return [...this.views.keys()];
  }

  /** The region's records from a position on; none for a region without events. */
  private async *history(region: string, fromPosition: number): AsyncGenerator<LogRecord> {
    try {
      yield* this.store.history(region, fromPosition);
    } catch (error) {
      if (!(error instanceof UserError && error.code === 'unknown-region')) throw error;
    }
  }

  private async catchUp(region: string): Promise<RegionView> {
    const view = this.views.get(region) ?? new RegionView(region);
    this.views.delete(region);
    for await (const record of this.history(region, view.log.length + 1)) view.apply(record);
    if (view.log.length > 0) {
      this.views.set(region, view);
      for (const oldest of this.views.keys()) {
        if (this.views.size <= this.maxKept) break;
        this.views.delete(oldest);
      }
    }
    return view;
  }
}

/** Sums amounts given as strings, exactly, through cents. */
export function sumAmounts(amounts: Iterable<string>): string {
  let cents = 0n;
  for (const amount of amounts) cents += parseAmountCents(amount);
  return formatCents(cents);
}
