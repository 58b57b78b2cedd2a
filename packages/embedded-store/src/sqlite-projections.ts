//! The embedded store's projection store (the ProjectionStore port): allocation reports in the SQLite `reports` table.
import type Database from 'better-sqlite3';
import type { AllocationReport } from '@budget/domain';
import type { ProjectionStore, StoredReport } from '@budget/application';

export class SqliteProjectionStore implements ProjectionStore {
  private readonly upsert: Database.Statement<[string, number, number, string]> | undefined;

  constructor(
    private readonly db: Database.Database,
    private readonly reader: Database.Database,
    private readonly closeOwner: () => Promise<void>,
  ) {
    // Only over an older position: the same or an earlier one written again changes nothing.
    this.upsert = db.readonly
      ? undefined
      : db.prepare(
          `INSERT INTO reports (region, year, position, report) VALUES (?, ?, ?, ?)
           ON CONFLICT (region, year) DO UPDATE SET position = excluded.position, report = excluded.report
           WHERE excluded.position > reports.position`,
        );
  }

  /** Saves on the writer's connection, inside the caller's transaction when there is one. */
  saveNow({ region, year, position, report }: StoredReport): boolean {
    if (this.upsert === undefined) throw new Error('the store was opened for reading only');
    return this.upsert.run(region, year, position, JSON.stringify(report)).changes > 0;
  }

  save(projection: StoredReport): Promise<boolean> {
    try {
      return Promise.resolve(this.saveNow(projection));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  loadNow(region: string, year: number): StoredReport | undefined {
    const row = this.reader
      .prepare<[string, number], { position: number; report: string }>(
        'SELECT position, report FROM reports WHERE region = ? AND year = ?',
      )
      .get(region, year);
    return row === undefined
      ? undefined
      : { region, year, position: row.position, report: JSON.parse(row.report) as AllocationReport };
  }

  load(region: string, year: number): Promise<StoredReport | undefined> {
    return Promise.resolve(this.loadNow(region, year));
  }

  close(): Promise<void> {
    return this.closeOwner();
  }
}
