//! The ports every store implements (embedded SQLite now; Kafka and MongoDB later) and what they answer.
import type { AllocationReport, LogRecord, MalformedIssue, TrialBalance } from '@budget/domain';

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
  { ok: true; counts: ImportCounts } | { ok: false; errors: LineError[]; events: number };

export interface ImportProgress {
  phase: 'validating' | 'appending';
  lines: number;
}

export interface ImportOptions {
  /** The clock is an input: the shell decides what "now" is, tests pin it. */
  now?: () => Date;
  onProgress?: (progress: ImportProgress) => void;
  /** Stop collecting errors after this many bad lines (the import fails either way). */
  maxErrors?: number;
}

/**
 * Input that can be read more than once: an import validates everything in a first pass and appends in a second,
 * so no input is ever held whole in memory.
 */
export type LineSource = () => AsyncIterable<string>;

export interface BudgetStore {
  importLines(source: LineSource, options?: ImportOptions): Promise<ImportResult>;
  allocationReport(region: string, year: number, asOfPosition?: number): Promise<AllocationReport>;
  trialBalance(region: string, year: number): Promise<TrialBalance>;
  history(region: string, fromPosition?: number): AsyncIterable<LogRecord>;
  regions(): Promise<string[]>;
  close(): Promise<void>;
}

/** Errors a user can act on; the CLI prints the message alone and exits with `exitCode`. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly code:
      'unknown-region' | 'position-out-of-range' | 'store-busy' | 'no-data' | 'bad-argument' | 'bad-file',
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/** The as-of position a report may ask for: 0 (nothing yet) to the log's length. */
export function checkAsOfPosition(region: string, asOfPosition: number | undefined, length: number): number {
  if (asOfPosition === undefined) return length;
  if (asOfPosition < 0 || asOfPosition > length) {
    throw new UserError(
      `--as-of-position ${String(asOfPosition)} is outside the log of ${region}, which has positions 0 to ${String(length)}`,
      'position-out-of-range',
    );
  }
  return asOfPosition;
}
