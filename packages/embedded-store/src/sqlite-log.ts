//! The embedded store's event log (the EventLog port): every region's records in the SQLite `events` table.
import type Database from 'better-sqlite3';
import type { LogRecord, PreparedEvent, SealedAppend } from '@budget/domain';
import {
  EMPTY_TAIL,
  checkAppend,
  type AppendCounts,
  type DecidedRecord,
  type EventLog,
} from '@budget/application';

type Row = {
  region: string;
  position: number;
  id: string;
  type: string;
  occurred_at: string;
  actor: string;
  data: string;
  recorded_at: string;
  outcome: 'accepted' | 'rejected';
  reason: string | null;
  prev_hash: string;
  hash: string;
};

export function rowToRecord(row: Row): LogRecord {
  return {
    id: row.id,
    region: row.region,
    type: row.type,
    occurredAt: row.occurred_at,
    actor: row.actor,
    data: JSON.parse(row.data) as unknown,
    position: row.position,
    recordedAt: row.recorded_at,
    outcome: row.outcome,
    reason: row.reason,
    prevHash: row.prev_hash,
    hash: row.hash,
  } as LogRecord;
}

/** The values of an `events` row, in the INSERT's column order. */
type EventColumns = [
  region: string,
  position: number,
  id: string,
  type: string,
  occurredAt: string,
  actor: string,
  data: string,
  recordedAt: string,
  outcome: 'accepted' | 'rejected',
  reason: string | null,
  prevHash: string,
  hash: string,
  year: number | null,
];

const PAGE = 2000;

export class SqliteEventLog implements EventLog {
  private readonly insertRow: Database.Statement<EventColumns> | undefined;

  constructor(
    /** The writer's connection: appends run on it, inside the caller's transaction or their own. */
    private readonly db: Database.Database,
    /** Reads see the last commit, never an import half-way. */
    private readonly reader: Database.Database,
    /** The owner of both connections (the EmbeddedStore) closes them. */
    private readonly closeOwner: () => Promise<void>,
  ) {
    this.insertRow = db.readonly
      ? undefined
      : db.prepare<EventColumns>(
          `INSERT INTO events (region, position, id, type, occurred_at, actor, data, recorded_at, outcome, reason, prev_hash, hash, year)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        );
  }

  /** Writes one record as the decider sealed it. The caller holds the write transaction and has extended the
   *  region's log exactly (a RegionLog does); `append` checks that itself. */
  insert({ record, year }: DecidedRecord): void {
    this.insertColumns(
      record.region,
      record.position,
      record.id,
      record.type,
      record.occurredAt,
      record.actor,
      JSON.stringify(record.data),
      record.recordedAt,
      record.outcome,
      record.reason,
      record.prevHash,
      record.hash,
      year,
    );
  }

  /** `insert` for an event appended from its prepared text (`RegionLog.appendPrepared`): its data as given. */
  insertPrepared({ event, dataJson }: PreparedEvent, sealed: SealedAppend, recordedAt: string): void {
    this.insertColumns(
      event.region,
      sealed.position,
      event.id,
      event.type,
      event.occurredAt,
      event.actor,
      dataJson,
      recordedAt,
      sealed.outcome,
      sealed.reason,
      sealed.prevHash,
      sealed.hash,
      sealed.year,
    );
  }

  private insertColumns(...columns: EventColumns): void {
    if (this.insertRow === undefined) throw new Error('the store was opened for reading only');
    this.insertRow.run(...columns);
  }

  /** A region's length and last hash (EMPTY_TAIL for a region with no records), as `db` sees them. */
  tailNow(region: string, db = this.reader): { length: number; hash: string } {
    const row = db
      .prepare<[string], { position: number; hash: string }>(
        'SELECT position, hash FROM events WHERE region = ? ORDER BY position DESC LIMIT 1',
      )
      .get(region);
    return row === undefined ? EMPTY_TAIL : { length: row.position, hash: row.hash };
  }

  append(records: readonly DecidedRecord[]): Promise<AppendCounts> {
    const hashAt = this.db.prepare<[string, number], { hash: string }>(
      'SELECT hash FROM events WHERE region = ? AND position = ?',
    );
    const appendAll = (): AppendCounts => {
      const { fresh, alreadyPresent } = checkAppend(records, {
        tail: (region) => this.tailNow(region, this.db),
        hashAt: (region, position) => hashAt.get(region, position)?.hash ?? '',
      });
      for (const decided of fresh) this.insert(decided);
      return { appended: fresh.length, alreadyPresent };
    };
    try {
      // Inside an import's transaction as part of it; else in one transaction of its own: all or nothing.
      return Promise.resolve(
        this.db.inTransaction ? appendAll() : this.db.transaction(appendAll).immediate(),
      );
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** Records in pages, so no statement stays open between pages (other work may use the connection). */
  *records(region: string, fromPosition: number, db = this.reader): Generator<LogRecord> {
    const page = db.prepare<[string, number, number], Row>(
      'SELECT * FROM events WHERE region = ? AND position >= ? ORDER BY position LIMIT ?',
    );
    let from = fromPosition;
    for (;;) {
      const rows = page.all(region, from, PAGE);
      for (const row of rows) yield rowToRecord(row);
      if (rows.length < PAGE) return;
      from = (rows[rows.length - 1]?.position ?? from) + 1;
    }
  }

  async *read(region: string, fromPosition = 1): AsyncGenerator<LogRecord> {
    await Promise.resolve();
    yield* this.records(region, Math.max(1, fromPosition));
  }

  lengthNow(region: string, db = this.reader): number {
    const row = db
      .prepare<[string], { n: number | null }>('SELECT MAX(position) AS n FROM events WHERE region = ?')
      .get(region);
    return row?.n ?? 0;
  }

  length(region: string): Promise<number> {
    return Promise.resolve(this.lengthNow(region));
  }

  regionsNow(): string[] {
    return this.reader
      .prepare<[], { region: string }>('SELECT DISTINCT region FROM events ORDER BY region')
      .all()
      .map((row) => row.region);
  }

  regions(): Promise<string[]> {
    return Promise.resolve(this.regionsNow());
  }

  close(): Promise<void> {
    return this.closeOwner();
  }
}
