//! The ports every store implements (embedded SQLite; Kafka and MongoDB) and what they answer: the whole BudgetStore,
//! and its two parts, the EventLog and the ProjectionStore.
import type { ParallelValidationOptions } from './validate-lines';
import {
  GENESIS_HASH,
  checkLink,
  type AllocationReport,
  type LogRecord,
  type MalformedIssue,
  type TrialBalance,
} from '@budget/domain';

export interface ImportCounts {
  /** Lines that were events (blank lines excluded). */
  events: number;
  appended: number;
  alreadyPresent: number;
  accepted: number;
  rejected: number;
}

export interface LineError {
  line: number;
  issues: MalformedIssue[];
}

export type ImportResult =
  | { ok: true; counts: ImportCounts }
  /** `errorCount`: every bad line of the input; `errors` lists the first `maxErrors` of them, in line order. */
  | { ok: false; errors: LineError[]; errorCount: number; events: number };

/**
 * An import's progress: lines validated; lines decided inside the embedded store's one transaction (appended only
 * when the whole input is done, all or nothing); or events sent to the inbox (the engines mode, once the whole input
 * has been validated).
 */
export interface ImportProgress {
  phase: 'validating' | 'deciding' | 'appending';
  lines: number;
}

/** How many bad lines an import lists unless told otherwise (`ImportOptions.maxErrors`). */
export const DEFAULT_MAX_ERRORS = 1000;

export interface ImportOptions {
  /** The clock is an input: the shell decides what "now" is, tests pin it. */
  now?: () => Date;
  onProgress?: (progress: ImportProgress) => void;
  /** List at most this many bad lines (the import fails either way, and `errorCount` counts them all). */
  maxErrors?: number;
  /** How lines are validated ahead of the thread that appends them (worker threads for large input). */
  validation?: ParallelValidationOptions;
}

/**
 * Input that can be read more than once, so no input is ever held whole in memory: the engines' import validates
 * everything in a first pass and produces in a second (the embedded store reads it once, rolling back on a bad line).
 */
export interface LineSource {
  (): AsyncIterable<string>;
  /** The same input as raw bytes, when it has them (a file): the embedded import's validating workers then split
   *  and decode the lines too (`validatedLines`), which the thread that decides would otherwise do. */
  bytes?: () => AsyncIterable<Uint8Array>;
}

export interface BudgetStore {
  importLines(source: LineSource, options?: ImportOptions): Promise<ImportResult>;
  allocationReport(region: string, year: number, asOfPosition?: number): Promise<AllocationReport>;
  trialBalance(region: string, year: number): Promise<TrialBalance>;
  history(region: string, fromPosition?: number): AsyncIterable<LogRecord>;
  regions(): Promise<string[]>;
  close(): Promise<void>;
}

/** A record as the decider sealed it, with the year it concerns (null for region-wide events), as `RegionLog.append`
 *  returns it. Stores may keep the year beside the record, for reports as of an earlier position. */
export interface DecidedRecord {
  record: LogRecord;
  year: number | null;
}

export interface AppendCounts {
  appended: number;
  /** Records whose position was already taken by the very same record (same hash): nothing written for them. */
  alreadyPresent: number;
}

/**
 * The event log: each region's append-only sequence of decided records, positions 1, 2, ... without gaps, each
 * record chained to the one before by `prevHash`. Embedded: the SQLite `events` table; engines: `budget.log.v1`.
 */
export interface EventLog {
  /**
   * Appends records in order, regions interleaved as they come. A record at a position the log already holds is
   * skipped when it is the same record (same hash), which makes a repeated append harmless; anything else that does
   * not extend its region's log exactly (a different record at a taken position, a gap, a `prevHash` that does not
   * chain) refuses the whole call and appends nothing.
   */
  append(records: readonly DecidedRecord[]): Promise<AppendCounts>;
  /** The region's records from `fromPosition` (default 1) to the end, in position order; none for an unknown region. */
  read(region: string, fromPosition?: number): AsyncIterable<LogRecord>;
  /** How many records the region's log holds (0 for an unknown region). */
  length(region: string): Promise<number>;
  /** The regions with at least one record, sorted. */
  regions(): Promise<string[]>;
  close(): Promise<void>;
}

/** A region's allocation report for one year, as of a position of the region's log. */
export interface StoredReport {
  region: string;
  year: number;
  /** The log length the report reflects. */
  position: number;
  report: AllocationReport;
}

/**
 * The projection store: the allocation report of each (region, year), saved with the position it reflects.
 * Embedded: the SQLite `reports` table; engines: the MongoDB `reports` collection.
 */
export interface ProjectionStore {
  /**
   * Saves the report unless one at the same or a later position is stored already (a redelivered or late write then
   * changes nothing). Resolves whether it was written.
   */
  save(projection: StoredReport): Promise<boolean>;
  /** The stored report of (region, year), or undefined. */
  load(region: string, year: number): Promise<StoredReport | undefined>;
  close(): Promise<void>;
}

/** Why an append was refused: the records do not extend the log exactly. Nothing was appended. */
export class LogConflictError extends Error {
  constructor(
    message: string,
    readonly region: string,
    readonly position: number,
  ) {
    super(message);
    this.name = 'LogConflictError';
  }
}

/** What an EventLog adapter knows of a region's log when it checks an append. */
export interface LogView {
  /** The region's length and last hash (GENESIS_HASH when empty). */
  tail(region: string): { length: number; hash: string };
  /** The hash of the record at a position the log holds. */
  hashAt(region: string, position: number): string;
}

/**
 * The rule of `EventLog.append`, for every adapter: sorts the records into those already present (same hash at their
 * position) and the new ones, in order; throws LogConflictError, before anything is written, at the first record
 * that neither repeats nor extends its region's log (each record's hash is recomputed, so no tampered record enters).
 */
export function checkAppend(
  records: readonly DecidedRecord[],
  view: LogView,
): {
  fresh: DecidedRecord[];
  alreadyPresent: number;
} {
  const tails = new Map<string, { stored: number; length: number; hash: string; added: string[] }>();
  const fresh: DecidedRecord[] = [];
  let alreadyPresent = 0;
  for (const decided of records) {
    const { record } = decided;
    let tail = tails.get(record.region);
    if (tail === undefined) {
      const { length, hash } = view.tail(record.region);
      tail = { stored: length, length, hash, added: [] };
      tails.set(record.region, tail);
    }
    const conflict = (problem: string): LogConflictError =>
      new LogConflictError(
        `cannot append ${record.id} at position ${String(record.position)} of ${record.region}: ${problem}`,
        record.region,
        record.position,
      );
    if (record.position >= 1 && record.position <= tail.length) {
      const held =
        record.position <= tail.stored
          ? view.hashAt(record.region, record.position)
          : tail.added[record.position - tail.stored - 1];
      if (held !== record.hash) throw conflict('the log holds a different record there');
      alreadyPresent += 1;
      continue;
    }
    const problem = checkLink(record, tail.length + 1, tail.hash);
    if (problem !== null) throw conflict(problem);
    fresh.push(decided);
    tail.added.push(record.hash);
    tail.length = record.position;
    tail.hash = record.hash;
  }
  return { fresh, alreadyPresent };
}

/** The tail of an empty log. */
export const EMPTY_TAIL = { length: 0, hash: GENESIS_HASH } as const;

/** Errors a user can act on; the CLI prints the message alone and exits with `exitCode`. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly code:
      | 'unknown-region'
      | 'position-out-of-range'
      | 'store-busy'
      | 'no-data'
      | 'bad-argument'
      | 'bad-file'
      /** Engines mode: a line lost a race with another client's different event of the same id (not appended). */
      | 'conflicting-id-race'
      /**
       * Engines mode: the import's events are durably in the inbox, but the services did not decide and project them
       * in time, so their outcome is not known yet. Sending the same events again (same ids) is safe: they count once.
       */
      | 'not-yet-processed'
      /** The embedded store's file is not a database this build can read (damaged, not ours, or a newer schema). */
      | 'store-unreadable',
    readonly exitCode = 2,
    /** The message for the HTTP API's clients, where it differs: no local paths, no CLI flags. */
    readonly publicMessage = message,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/** The as-of position a report may ask for: 0 (nothing yet) to the log's length. */
export function checkAsOfPosition(region: string, asOfPosition: number | undefined, length: number): number {
  if (asOfPosition === undefined) return length;
  if (asOfPosition < 0 || asOfPosition > length) {
    const range = `is outside the log of ${region}, which has positions 0 to ${String(length)}`;
    throw new UserError(
      `--as-of-position ${String(asOfPosition)} ${range}`,
      'position-out-of-range',
      2,
      `asOfPosition ${String(asOfPosition)} ${range}`,
    );
  }
  return asOfPosition;
}
