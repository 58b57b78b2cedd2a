//! One region's log being written or replayed: decides, evolves, keeps the ledger and chains the hashes.
import { decide } from './decide';
import { evolve } from './evolve';
import {
  GENESIS_HASH,
  sealRecord,
  sha256Hex,
  canonicalScalar,
  previousHashJson,
  spliceDecidedRecordJson,
  unhashedRecord,
  type LogRecord,
} from './hash-chain';
import { Ledger, type JournalEntry } from './ledger';
import type { PreparedEvent } from './prepared-event';
import type { Outcome } from './rejections';
import type { BudgetEvent, EventBody } from './schemas';
import { initialState, type RegionState } from './state';

/** What `appendPrepared` decided and sealed: the record's own fields, its journal entries and its year. */
export interface SealedAppend {
  position: number;
  outcome: LogRecord['outcome'];
  reason: LogRecord['reason'];
  prevHash: string;
  hash: string;
  entries: JournalEntry[];
  year: number | null;
}

export interface Appended {
  record: LogRecord;
  entries: JournalEntry[];
  /** The year the event concerns (a correction's or reversal's is its item's), or null for region-wide events. */
  year: number | null;
}

/** The year an event concerns, read before it is applied. */
export function eventYear(state: RegionState, event: EventBody): number | null {
  switch (event.type) {
    case 'RegionConfigured':
    case 'ActionDefined':
      return null;
    case 'SpendingCorrected':
    case 'SpendingReversed': {
      const slot = state.spending.slotOf(event.data.spendingId);
      return slot === undefined ? null : state.spending.entryOf(slot).year;
    }
    case 'FundingCommitted':
    case 'BudgetSet':
    case 'FundingKeySet':
    case 'SpendingRecorded':
    case 'YearClosed':
      return event.data.year;
    default: {
      const unreachable: never = event;
      throw new Error(`unknown event type ${JSON.stringify(unreachable)}`);
    }
  }
}

export class RegionLog {
  constructor(
    readonly state: RegionState,
    readonly ledger: Ledger,
    /** Number of records in the log so far. */
    public length = 0,
    public lastHash = GENESIS_HASH,
  ) {}

  /** The last `recordedAt` given to `appendPrepared`, and its JSON (one per import). */
  private recordedAt = '';
  private recordedAtJson = '""';
  /** The last hash `appendPrepared` computed (64 hex digits, so its JSON is itself in quotes). */
  private ownHash: string | undefined;

  static empty(region: string): RegionLog {
    return new RegionLog(initialState(region), new Ledger(region));
  }

  get region(): string {
    return this.state.region;
  }

  /**
   * Decides a new event, applies it when accepted, and seals the record that goes into the log, canonicalizing the
   * whole record for its hash. A caller that has the event's canonical content and its cut (from `validateLine(line,
   * { content: true })`) seals the same record by splicing instead: `appendValidated`.
   */
  append(event: BudgetEvent, recordedAt: string): Appended {
    if (event.region !== this.region)
      throw new Error(`event for ${event.region} sent to the log of ${this.region}`);
    return this.apply(event, recordedAt, decide(this.state, event));
  }

  /**
   * Applies a record whose outcome is already decided (read back from a trusted store) without deciding again.
   * The hash is recomputed from the record's fields; a store that was tampered with shows up in `audit verify`.
   * `content` as for `append`: `eventContent(record)`.
   */
  applyRecorded(record: LogRecord, content?: string): Appended {
    const outcome: Outcome =
      record.outcome === 'accepted'
        ? { outcome: 'accepted', reason: null }
        : { outcome: 'rejected', reason: record.reason ?? 'region-not-configured' };
    return this.apply(record, record.recordedAt, outcome, content);
  }

  /**
   * Decides a record of an exported history again and applies it (state and ledger), taking its hash as given instead
   * of sealing a new record: a replay checks each record's link on its own (`checkLink`). Returns the recomputed
   * outcome, for comparison with the recorded one.
   */
  replayRecorded(record: LogRecord): Outcome {
    if (record.region !== this.region)
      throw new Error(`event for ${record.region} sent to the log of ${this.region}`);
    const outcome = decide(this.state, record);
    const position = this.length + 1;
    if (outcome.outcome === 'accepted') {
      evolve(this.state, record);
      this.ledger.record(this.state, record, position);
    }
    this.length = position;
    this.lastHash = record.hash;
    return outcome;
  }

  private apply(event: BudgetEvent, recordedAt: string, outcome: Outcome, content?: string): Appended {
    const { position, year, entries } = this.advance(event, outcome);
    const record = sealRecord(
      unhashedRecord(event, position, recordedAt, outcome.outcome, outcome.reason, this.lastHash),
      content,
    );
    this.length = position;
    this.lastHash = record.hash;
    return { record, entries, year };
  }

  /**
   * `append` for an event a validating thread prepared (`prepareEvent`): the same decision, state, ledger and hash,
   * from the envelope and decisive data alone, without building the record (its data stays text: the caller stores
   * `dataJson`).
   */
  appendPrepared(
    { event, content, cut }: Pick<PreparedEvent, 'event' | 'content' | 'cut'>,
    recordedAt: string,
  ): SealedAppend {
    if (event.region !== this.region)
      throw new Error(`event for ${event.region} sent to the log of ${this.region}`);
    const decided = decide(this.state, event);
    const { outcome, reason } = decided;
    const { position, year, entries } = this.advance(event, decided);
    const prevHash = this.lastHash;
    if (recordedAt !== this.recordedAt) {
      this.recordedAt = recordedAt;
      this.recordedAtJson = canonicalScalar(recordedAt);
    }
    // Checked for hex digits unless this log computed it: `lastHash` is also set from snapshots and records.
    const prevHashJson = prevHash === this.ownHash ? `"${prevHash}"` : previousHashJson(prevHash);
    const hash = sha256Hex(
      spliceDecidedRecordJson(content, cut, outcome, position, prevHashJson, reason, this.recordedAtJson),
    );
    this.length = position;
    this.lastHash = hash;
    this.ownHash = hash;
    return { position, outcome, reason, prevHash, hash, year, entries };
  }

  /**
   * `append` for a validated event whose canonical content came with its cut (`validateLine(line, { content: true
   * })`, as the sequencer has it): sealed as `appendPrepared` seals it, with the record's own fields spliced into
   * the content instead of each written again by the canonical writer, and the whole record built after.
   */
  appendValidated(event: BudgetEvent, recordedAt: string, content: string, cut: number): Appended {
    const { position, outcome, reason, prevHash, hash, entries, year } = this.appendPrepared(
      { event, content, cut },
      recordedAt,
    );
    const record = unhashedRecord(event, position, recordedAt, outcome, reason, prevHash) as LogRecord;
    record.hash = hash;
    return { record, entries, year };
  }

  /** Applies an event with its outcome to the state and the ledger; the caller seals it at the returned position. */
  private advance(
    event: EventBody & { id: string },
    outcome: Outcome,
  ): { position: number; year: number | null; entries: JournalEntry[] } {
    const position = this.length + 1;
    const year = eventYear(this.state, event);
    let entries: JournalEntry[] = [];
    if (outcome.outcome === 'accepted') {
      evolve(this.state, event);
      entries = this.ledger.record(this.state, event, position);
    }
    return { position, year, entries };
  }
}
