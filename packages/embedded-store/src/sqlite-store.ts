//! The embedded store: each region's log, state snapshot and report projections in one SQLite file.
import { existsSync, linkSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import {
  RegionLog,
  touchedYears,
  allocationReport,
  evolve,
  initialState,
  restoreSnapshot,
  snapshotLedgerOutdated,
  snapshotOf,
  snapshotYears,
  yearSnapshot,
  readPreparedEvent,
  type AllocationReport,
  type BudgetEvent,
  type LogRecord,
  type RegionSnapshot,
  type TrialBalance,
} from '@budget/domain';
import {
  UserError,
  FirstLines,
  checkAsOfPosition,
  conflictingId,
  lineInput,
  validatedLines,
  DEFAULT_MAX_ERRORS,
  type BudgetStore,
  type ImportOptions,
  type ImportResult,
  type LineError,
  type LineSource,
} from '@budget/application';
import { SCHEMA, SCHEMA_VERSION } from './schema';
import { SqliteEventLog } from './sqlite-log';
import { SqliteProjectionStore } from './sqlite-projections';
import { AppendedLines, storedContent, type StoredEvent } from './line-checks';
import { NewIds } from './new-ids';

export const DATABASE_FILE = 'budget.sqlite';
/** Page size of a new store's database file (see `EmbeddedStore.open`). */
export const PAGE_SIZE = 16_384;

export interface EmbeddedStoreOptions {
  /** Open for reading only: reports, history. Imports need a writer. */
  readonly?: boolean;
  /** How long a writer waits for another writer before giving up, in ms. */
  busyTimeoutMs?: number;
  /**
   * The least number of positions between two state checkpoints of a region's log (for reports as of earlier
   * positions). The gap also grows with the state: see `checkpointDue`.
   */
  checkpointInterval?: number;
}

export const DEFAULT_CHECKPOINT_INTERVAL = 100_000;
/** The year under which a checkpoint keeps the region-wide part of the state alone (for years it holds nothing of). */
const REGION_WIDE = 0;

/**
 * Whether a region's log at `position` is due for a state checkpoint: once at least `interval` positions, and at least
 * as many positions as the state holds spending items, have passed since the last one. A checkpoint costs about as
 * much as the state is large, so each event pays for at most about one item's worth of checkpoint however long the
 * log grows; with a fixed interval alone, each event would pay a share of the whole state, which grows with the log.
 * An as-of report restores the nearest checkpoint and applies the events of its year after it: both of the order of
 * the state. (A quarter of the items, as before, made each event pay for four: 0.6-0.8 s of CPU in an import of
 * 1,000,000 events, against as-of reports at most about half a second faster on that log.)
 */
export function checkpointDue(
  position: number,
  lastCheckpoint: number,
  spendingItems: number,
  interval: number,
): boolean {
  return position - lastCheckpoint >= Math.max(interval, spendingItems);
}

/** What a backup holds: each region's log length as of the copy, and the file's size. */
export interface BackupSummary {
  regions: { region: string; events: number }[];
  bytes: number;
}

export class EmbeddedStore implements BudgetStore {
  /** The writer's connection: imports run on it inside one transaction. */
  readonly db: Database.Database;
  /** Reads go through their own connection, so they see the last commit, never an import half-way. */
  private readonly reader: Database.Database;
  /** Region logs kept in memory between imports, checked against the persisted length before each write. */
  private readonly logs = new Map<string, RegionLog>();
  /** Imports of this process, one after the other (SQLite has one transaction per connection). */
  private importQueue: Promise<unknown> = Promise.resolve();

  private readonly checkpointInterval: number;
  /** The log part of the store (the EventLog port): the `events` table. */
  readonly log: SqliteEventLog;
  /** The projection part (the ProjectionStore port): the `reports` table. */
  readonly reports: SqliteProjectionStore;

  private constructor(
    readonly dataDir: string,
    db: Database.Database,
    reader: Database.Database,
    options: EmbeddedStoreOptions,
  ) {
    this.db = db;
    this.reader = reader;
    this.checkpointInterval = options.checkpointInterval ?? DEFAULT_CHECKPOINT_INTERVAL;
    this.log = new SqliteEventLog(db, reader, () => this.close());
    this.reports = new SqliteProjectionStore(db, reader, () => this.close());
  }

  static open(dataDir: string, options: EmbeddedStoreOptions = {}): EmbeddedStore {
    try {
      return EmbeddedStore.openFile(dataDir, options);
    } catch (error) {
      throw unreadable(join(dataDir, DATABASE_FILE), error);
    }
  }

  private static openFile(dataDir: string, options: EmbeddedStoreOptions): EmbeddedStore {
    const file = join(dataDir, DATABASE_FILE);
    if (options.readonly === true) {
      let db: Database.Database;
      try {
        db = new Database(file, { readonly: true, fileMustExist: true });
      } catch {
        throw new UserError(
          `no data in ${dataDir} yet: import events first (budget import FILE)`,
          'no-data',
          2,
          'no events have been imported yet',
        );
      }
      db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
      // Reads the file's header and schema now, so a file that is not a store says so here, not mid-command.
      db.pragma('schema_version');
      return new EmbeddedStore(dataDir, db, db, options);
    }
    // Only its owner may enter a new data directory: the store holds every region's log (payees, descriptions), which
    // the server's tokens guard, and a file readable by any user of the machine would go round them. (SQLite makes
    // its files as the umask says; a directory that exists keeps its mode.)
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const db = new Database(file);
    // Set before anything is written to a new file; an existing one keeps its own. Rows of about 600 bytes in a
    // table clustered by position, and an index by id, split fewer pages on 16 KiB than on the default 4 KiB:
    // importing 1,000,000 events took about 2.4 s (8%) less, and reads took the same time.
    db.pragma(`page_size = ${PAGE_SIZE}`);
    db.pragma('journal_mode = WAL');
    // FULL: a commit that returned is on disk, even if the machine loses power right after.
    db.pragma('synchronous = FULL');
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 2000}`);
    db.pragma('temp_store = FILE');
    db.exec(SCHEMA);
    const version = db.prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'schema'").get();
    if (version === undefined) {
      db.prepare("INSERT INTO meta (key, value) VALUES ('schema', ?)").run(String(SCHEMA_VERSION));
    } else if (version.value !== String(SCHEMA_VERSION)) {
      throw new UserError(
        `${file} has schema version ${version.value}; this build reads version ${SCHEMA_VERSION}: use the build that wrote it`,
        'store-unreadable',
        70,
        'the store was written by another version of this program',
      );
    }
    const reader = new Database(file, { readonly: true });
    reader.pragma('busy_timeout = 5000');
    return new EmbeddedStore(dataDir, db, reader, options);
  }

  close(): Promise<void> {
    if (!this.db.open) return Promise.resolve();
    if (this.reader !== this.db) this.reader.close();
    this.db.close();
    return Promise.resolve();
  }

  /** Takes the single writer's lock, or says clearly that someone else holds it. */
  private begin(): void {
    try {
      this.db.exec('BEGIN IMMEDIATE');
    } catch (error) {
      if (error instanceof Error && 'code' in error && (error as { code: unknown }).code === 'SQLITE_BUSY') {
        throw new UserError(
          `another process is writing to ${this.dataDir} (an import or the server); wait for it to finish and try again`,
          'store-busy',
          75,
          'another import is writing to the store; wait for it to finish and try again',
        );
      }
      throw error;
    }
  }

  importLines(source: LineSource, options: ImportOptions = {}): Promise<ImportResult> {
    const run = this.importQueue.then(() => this.importNow(source, options));
    this.importQueue = run.catch(() => undefined);
    return run;
  }

  private async importNow(source: LineSource, options: ImportOptions): Promise<ImportResult> {
    this.begin();
    try {
      this.refresh();
      const result = await this.importInTransaction(source, options);
      if (result.ok && result.counts.appended > 0) this.db.exec('COMMIT');
      else {
        this.db.exec('ROLLBACK');
        // A refused import may have appended lines before its first bad one: the logs in memory are ahead of
        // the disk by those. Forget them (they are reloaded from the snapshot when next needed).
        if (!result.ok) this.logs.clear();
      }
      return result;
    } catch (error) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      // What was in memory may be ahead of what is on disk now: forget it.
      this.logs.clear();
      throw error;
    }
  }

  /**
   * One pass over the input: each line is validated (a batch at a time, by a worker thread ahead of this one), then
   * compared with what the log holds, decided and appended inside the import's transaction. Lines this import has
   * appended are in the log too, so an id repeated in the input is found the same way as one already in the log.
   * Any malformed line fails the import: the transaction is rolled back, so nothing is appended, and the rest of the
   * input is still validated so that every bad line is listed.
   */
  private async importInTransaction(source: LineSource, options: ImportOptions): Promise<ImportResult> {
    // One time for the whole import: its records become durable together, at one commit.
    const recordedAt = (options.now ?? (() => new Date()))().toISOString();
    const maxErrors = options.maxErrors ?? DEFAULT_MAX_ERRORS;
    const saveCheckpoint = this.db.prepare(
      'INSERT INTO year_checkpoints (region, position, year, snapshot) VALUES (?, ?, ?, ?)',
    );
    const inLog = this.db.prepare<[string, string], StoredEvent & { position: number }>(
      'SELECT position, id, region, type, occurred_at, actor, data FROM events WHERE region = ? AND id = ?',
    );
    // Whole-state checkpoints of an older store count too: as-of reports read both tables.
    const lastCheckpointOf = this.db.prepare<[string, string], { position: number | null }>(
      `SELECT MAX(position) AS position FROM (
         SELECT position FROM year_checkpoints WHERE region = ? UNION ALL SELECT position FROM checkpoints WHERE region = ?)`,
    );
    /** The position of each region's last checkpoint, read once per import. */
    const lastCheckpoints = new Map<string, number>();
    const checkpointIfDue = (log: RegionLog): void => {
      let last = lastCheckpoints.get(log.region);
      if (last === undefined) {
        last = lastCheckpointOf.get(log.region, log.region)?.position ?? 0;
        lastCheckpoints.set(log.region, last);
      }
      if (!checkpointDue(log.length, last, log.state.spending.size, this.checkpointInterval)) return;
      const whole = snapshotOf(log);
      for (const year of [REGION_WIDE, ...snapshotYears(whole)]) {
        saveCheckpoint.run(log.region, log.length, year, JSON.stringify(yearSnapshot(whole, year)));
      }
      lastCheckpoints.set(log.region, log.length);
    };
    const counts = { events: 0, appended: 0, alreadyPresent: 0, accepted: 0, rejected: 0 };
    const errors: LineError[] = [];
    let errorCount = 0;
    const addError = (error: LineError): void => {
      errorCount += 1;
      if (errors.length < maxErrors) errors.push(error);
    };
    /** The input line each position this import appended came from, per region, to name it in a conflict. */
    const appendedLines = new Map<string, AppendedLines>();
    /**
     * Once the import has failed, nothing more is decided. From then on repeats are compared with their first line
     * by digest: of lines refused for differing from the log, and of all later lines whose id is not in the log.
     */
    let failed = false;
    const firstLines = new FirstLines();
    /**
     * Per region, the ids this import appended when the region's log was empty as the import began on it (only
     * those can be in it); null for a region whose log held records then, each of whose ids is looked up.
     */
    const newIds = new Map<string, NewIds | null>();
    const newIdsOf = (region: string): NewIds | null => {
      let ids = newIds.get(region);
      if (ids === undefined) {
        // The log held in memory when there is one (it is current: checked at the start of the import), else
        // the store's, without loading the log: a line that is not appended does not need it.
        const length = this.logs.get(region)?.length ?? this.logLength(region, this.db);
        ids = length === 0 ? new NewIds() : null;
        newIds.set(region, ids);
      }
      return ids;
    };
    const dirtyYears = new Map<string, Set<number>>();
    for await (const batch of validatedLines(lineInput(source), options.validation)) {
      for (const { line, verdict } of batch) {
        if (line % 100_000 === 0) options.onProgress?.({ phase: 'validating', lines: line });
        if (verdict === null) continue;
        counts.events += 1;
        if (typeof verdict !== 'string') {
          addError({ line, issues: verdict });
          failed = true;
          continue;
        }
        // The worker validated the line and prepared what deciding and appending read of it (`prepareEvent`).
        const prepared = readPreparedEvent(verdict);
        const { event, content } = prepared;
        const { region, id } = event;
        const appendedIds = newIdsOf(region);
        const existing = appendedIds?.mayHold(id) === false ? undefined : inLog.get(region, id);
        if (existing !== undefined) {
          const refused = firstLines.compare(region, id, content);
          const earlier = appendedLines.get(region)?.lineOf(existing.position);
          if (refused !== undefined) {
            // A repeat of a line already refused for differing from the log: compared with that line.
            if (!refused.same) addError(conflictingId(line, id, `line ${refused.line} of this input`));
          } else if (storedContent(existing) === content) {
            counts.alreadyPresent += 1;
          } else {
            addError(
              conflictingId(
                line,
                id,
                earlier === undefined ? `the log of ${region}` : `line ${earlier} of this input`,
              ),
            );
            if (earlier === undefined) firstLines.remember(region, id, line, content);
            failed = true;
          }
          continue;
        }
        if (failed) {
          const earlier = firstLines.seen(region, id, line, content);
          if (earlier !== undefined && !earlier.same)
            addError(conflictingId(line, id, `line ${earlier.line} of this input`));
          continue;
        }
        const log = this.regionLog(region);
        // Without the event's own year, which `appendPrepared` works out (before applying it) for the years after:
        // the years an action (re)definition leaves, which only the state before it knows.
        const yearsBefore = touchedYears(log.state, event, null);
        const sealed = log.appendPrepared(prepared, recordedAt);
        checkpointIfDue(log);
        // The RegionLog has just extended the region's log by exactly this record: no need to check it again.
        this.log.insertPrepared(prepared, sealed, recordedAt);
        let lines = appendedLines.get(region);
        if (lines === undefined) {
          lines = new AppendedLines(sealed.position);
          appendedLines.set(region, lines);
        }
        lines.add(sealed.position, line);
        appendedIds?.add(id);
        counts.appended += 1;
        if (sealed.outcome === 'accepted') {
          counts.accepted += 1;
          markDirty(dirtyYears, region, [...yearsBefore, ...touchedYears(log.state, event, sealed.year)]);
        } else {
          counts.rejected += 1;
        }
        if (counts.appended % 100_000 === 0)
          options.onProgress?.({ phase: 'deciding', lines: counts.appended });
      }
    }
    if (failed) {
      errors.sort((a, b) => a.line - b.line);
      return { ok: false, errors, errorCount, events: counts.events };
    }
    this.persistProjections(dirtyYears);
    return { ok: true, counts };
  }

  /** Saves each changed region's snapshot and the reports of the years its events touched. */
  private persistProjections(dirtyYears: Map<string, Set<number>>): void {
    const saveState = this.db.prepare(
      'INSERT INTO region_state (region, length, snapshot) VALUES (?, ?, ?) ON CONFLICT (region) DO UPDATE SET length = excluded.length, snapshot = excluded.snapshot',
    );
    for (const [region, log] of this.logs) {
      if (log.length === this.persistedLength(region)) continue;
      log.ledger.assertBalanced();
      saveState.run(region, log.length, JSON.stringify(snapshotOf(log)));
      for (const year of dirtyYears.get(region) ?? []) {
        this.reports.saveNow({
          region,
          year,
          position: log.length,
          report: allocationReport(log.state, year, log.length),
        });
      }
    }
  }

  private persistedLength(region: string): number {
    const row = this.db
      .prepare<[string], { length: number }>('SELECT length FROM region_state WHERE region = ?')
      .get(region);
    return row?.length ?? 0;
  }

  private logLength(region: string, db = this.reader): number {
    return this.log.lengthNow(region, db);
  }

  /** The in-memory log of a region, reloaded when another process has appended since it was loaded. */
  private regionLog(region: string): RegionLog {
    const cached = this.logs.get(region);
    if (cached !== undefined) return cached;
    const log = this.loadRegionLog(region);
    this.logs.set(region, log);
    return log;
  }

  private loadRegionLog(region: string): RegionLog {
    const row = this.db
      .prepare<[string], { length: number; snapshot: string }>(
        'SELECT length, snapshot FROM region_state WHERE region = ?',
      )
      .get(region);
    const log =
      row === undefined
        ? RegionLog.empty(region)
        : this.savedRegionLog(region, JSON.parse(row.snapshot) as RegionSnapshot, this.db);
    // Records after the snapshot (none when both were written in one transaction) are applied as recorded.
    for (const record of this.log.records(region, log.length + 1, this.db)) log.applyRecorded(record);
    return log;
  }

  /**
   * A region's log as of its saved state; rebuilt from the log when the saved ledger is outdated (the next write
   * then saves a current snapshot).
   */
  private savedRegionLog(region: string, snapshot: RegionSnapshot, db = this.reader): RegionLog {
    if (!snapshotLedgerOutdated(snapshot)) return restoreSnapshot(snapshot);
    const log = RegionLog.empty(region);
    for (const record of this.log.records(region, 1, db)) {
      if (record.position > snapshot.length) break;
      log.applyRecorded(record);
    }
    return log;
  }

  /** Drops cached logs whose region another process has written to since. Call at the start of each write. */
  refresh(): void {
    for (const [region, log] of this.logs) {
      // The length and the last hash: another writer may have appended as many records as this one holds.
      const tail = this.log.tailNow(region, this.db);
      if (tail.length !== log.length || tail.hash !== log.lastHash) this.logs.delete(region);
    }
  }

  async *history(region: string, fromPosition = 1): AsyncGenerator<LogRecord> {
    await Promise.resolve();
    this.requireRegion(region);
    yield* this.log.records(region, fromPosition);
  }

  /**
   * A consistent copy of the whole store (every region's log, state snapshots and report projections, as of the last
   * commit) in a new SQLite file that can serve as a data directory's `budget.sqlite`. `VACUUM INTO` on the reading
   * connection runs in one read transaction: imports and the server go on meanwhile and are not in the copy, and the
   * copy is compact. (SQLite's online backup API restarts whenever another connection writes, so a busy server could
   * keep it from ever finishing.) The copy is written under a temporary name and linked to the name asked for, so a file
   * with that name is always whole, and an existing one is never overwritten.
   */
  backup(file: string): BackupSummary {
    const exists = (): UserError =>
      new UserError(`${file} exists; a backup never overwrites a file: name a new one`, 'bad-argument');
    // Asked first, before the copy is made; the link below refuses a file made meanwhile.
    if (existsSync(file)) throw exists();
    const directory = dirname(file);
    if (!existsSync(directory) || !statSync(directory).isDirectory())
      throw new UserError(`cannot write ${file}: ${directory} is not a directory`, 'bad-argument');
    const temporary = join(directory, `.${basename(file)}.partial-${process.pid}`);
    rmSync(temporary, { force: true });
    try {
      // Made empty first, readable by its owner alone (the copy holds every region's log), and exclusively: never
      // through a link someone else put there. VACUUM INTO writes into an empty file.
      writeFileSync(temporary, '', { mode: 0o600, flag: 'wx' });
      this.reader.prepare('VACUUM INTO ?').run(temporary);
      const copy = new Database(temporary, { readonly: true });
      let regions: BackupSummary['regions'];
      try {
        const check = copy.pragma('quick_check', { simple: true });
        if (check !== 'ok') throw new Error(`the copy does not pass SQLite's quick_check: ${String(check)}`);
        regions = copy
          .prepare<[], { region: string; events: number }>(
            'SELECT region, MAX(position) AS events FROM events GROUP BY region ORDER BY region',
          )
          .all();
      } finally {
        copy.close();
      }
      // A hard link fails if the name exists meanwhile (a rename would replace that file).
      try {
        linkSync(temporary, file);
      } catch (error) {
        if (error instanceof Error && 'code' in error && error.code === 'EEXIST') throw exists();
        throw error;
      }
      return { regions, bytes: statSync(file).size };
    } finally {
      rmSync(temporary, { force: true });
    }
  }

  regions(): Promise<string[]> {
    return this.log.regions();
  }

  private requireRegion(region: string): number {
    const length = this.logLength(region);
    if (length === 0)
      throw new UserError(
        `region ${region} has no events in ${this.dataDir}`,
        'unknown-region',
        2,
        `region ${region} has no events`,
      );
    return length;
  }

  async allocationReport(region: string, year: number, asOfPosition?: number): Promise<AllocationReport> {
    await Promise.resolve();
    const length = this.requireRegion(region);
    const position = checkAsOfPosition(region, asOfPosition, length);
    if (position === length) {
      const stored = this.reports.loadNow(region, year);
      // A stored report stays valid until an event touches its year; only the position it reflects moves on.
      if (stored !== undefined) return { ...stored.report, asOfPosition: position };
    }
    return this.replayYear(region, year, position);
  }

  /**
   * The checkpoint nearest before `position` for `year`: its year's part, or the region-wide part (year 0) when the
   * state held nothing for the year then; a whole-state checkpoint of an older store when that is nearer.
   */
  private nearestCheckpoint(
    region: string,
    year: number,
    position: number,
  ): { position: number; snapshot: string } | undefined {
    // A store written before year checkpoints and opened read-only has no such table (a writer creates it).
    const hasYearCheckpoints =
      this.reader
        .prepare<[], { n: number }>(
          "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'year_checkpoints'",
        )
        .get()?.n === 1;
    const ofYear = hasYearCheckpoints
      ? this.reader
          .prepare<[string, number, number, number], { position: number; snapshot: string }>(
            `SELECT position, snapshot FROM year_checkpoints WHERE region = ? AND position <= ? AND year IN (?, ?)
             ORDER BY position DESC, year DESC LIMIT 1`,
          )
          .get(region, position, year, REGION_WIDE)
      : undefined;
    const whole = this.reader
      .prepare<[string, number, number], { position: number; snapshot: string }>(
        'SELECT position, snapshot FROM checkpoints WHERE region = ? AND position <= ? AND position > ? ORDER BY position DESC LIMIT 1',
      )
      .get(region, position, ofYear?.position ?? 0);
    return whole ?? ofYear;
  }

  /** Rebuilds one year's report by applying the accepted events up to `position` that concern it. */
  private replayYear(region: string, year: number, position: number): AllocationReport {
    const checkpoint = this.nearestCheckpoint(region, year, position);
    const state =
      checkpoint === undefined
        ? initialState(region)
        : restoreSnapshot(JSON.parse(checkpoint.snapshot) as RegionSnapshot).state;
    const from = (checkpoint?.position ?? 0) + 1;
    const select = this.reader.prepare<
      [string, number, number, number],
      { type: string; id: string; data: string; occurred_at: string; actor: string }
    >(
      `SELECT type, id, data, occurred_at, actor FROM events
       WHERE region = ? AND position >= ? AND position <= ? AND outcome = 'accepted' AND (year IS NULL OR year = ?)
       ORDER BY position`,
    );
    for (const row of select.iterate(region, from, position, year)) {
      const event = {
        id: row.id,
        region,
        type: row.type,
        occurredAt: row.occurred_at,
        actor: row.actor,
        data: JSON.parse(row.data) as unknown,
      } as BudgetEvent;
      evolve(state, event);
    }
    return allocationReport(state, year, position);
  }

  async trialBalance(region: string, year: number): Promise<TrialBalance> {
    await Promise.resolve();
    this.requireRegion(region);
    const row = this.reader
      .prepare<[string], { snapshot: string }>('SELECT snapshot FROM region_state WHERE region = ?')
      .get(region);
    if (row === undefined) throw new UserError(`region ${region} has no state yet`, 'unknown-region');
    return this.savedRegionLog(region, JSON.parse(row.snapshot) as RegionSnapshot).ledger.trialBalance(year);
  }
}

function markDirty(dirtyYears: Map<string, Set<number>>, region: string, years: number[]): void {
  let dirty = dirtyYears.get(region);
  if (dirty === undefined) {
    dirty = new Set();
    dirtyYears.set(region, dirty);
  }
  for (const year of years) dirty.add(year);
}

/**
 * The error of a store file SQLite cannot read as a database (damaged, or not a database at all) in words that say
 * what to do; any other error as it is.
 */
function unreadable(file: string, error: unknown): unknown {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  if (code !== 'SQLITE_NOTADB' && code !== 'SQLITE_CORRUPT') return error;
  return new UserError(
    `${file} cannot be read as a budget store (${error instanceof Error ? error.message : code}): it is damaged or not this program's file. Restore it from a copy made with \`budget backup\`, or point BUDGET_DATA_DIR at the right directory`,
    'store-unreadable',
    70,
    // Also what `budget import --format json` prints, so it names no server: the same words fit both.
    "the store's file cannot be read: it is damaged or not this program's, and must be restored from a backup",
  );
}
