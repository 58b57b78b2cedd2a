//! The embedded store: SQLite (better-sqlite3) for the logs, state snapshots and report projections.
export {
  EmbeddedStore,
  DATABASE_FILE,
  checkpointDue,
  type BackupSummary,
  type EmbeddedStoreOptions,
} from './sqlite-store';
export { SqliteEventLog, rowToRecord } from './sqlite-log';
export { SqliteProjectionStore } from './sqlite-projections';
