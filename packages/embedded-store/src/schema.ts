//! The SQLite schema of the embedded store: the regions' logs, their persisted state and report projections.

export const SCHEMA_VERSION = 1;

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;

-- One row per record of a region's log (CONTRACT section 5). year: the year the event concerns, for as-of replays.
CREATE TABLE IF NOT EXISTS events (
  region TEXT NOT NULL,
  position INTEGER NOT NULL,
  id TEXT NOT NULL,
  type TEXT NOT NULL,
  occurred_at TEXT NOT NULL,
  actor TEXT NOT NULL,
  data TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('accepted', 'rejected')),
  reason TEXT,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL,
  year INTEGER,
  PRIMARY KEY (region, position)
) STRICT, WITHOUT ROWID;
CREATE UNIQUE INDEX IF NOT EXISTS events_by_id ON events (region, id);

-- The decider's state and the ledger after the region's first "length" records (a domain RegionSnapshot as JSON).
CREATE TABLE IF NOT EXISTS region_state (
  region TEXT PRIMARY KEY,
  length INTEGER NOT NULL,
  snapshot TEXT NOT NULL
) STRICT;

-- The decider's state (a RegionSnapshot as JSON) every so many positions, so a report as of an earlier position
-- replays from the nearest checkpoint instead of from the start of the log.
CREATE TABLE IF NOT EXISTS checkpoints (
  region TEXT NOT NULL,
  position INTEGER NOT NULL,
  snapshot TEXT NOT NULL,
  PRIMARY KEY (region, position)
) STRICT;

-- Since the year checkpoints below, no longer written; still read for stores written before them.

-- The part of the decider's state one year's report needs (a domain yearSnapshot as JSON), every so many positions,
-- per year the state holds anything for, and year 0 for the region-wide part alone (any other year). An as-of report
-- restores only its year's part, which is a fraction of the whole state.
CREATE TABLE IF NOT EXISTS year_checkpoints (
  region TEXT NOT NULL,
  position INTEGER NOT NULL,
  year INTEGER NOT NULL,
  snapshot TEXT NOT NULL,
  PRIMARY KEY (region, position, year)
) STRICT;

-- Allocation reports as of "position", for the years an import touched; other years are computed on demand.
CREATE TABLE IF NOT EXISTS reports (
  region TEXT NOT NULL,
  year INTEGER NOT NULL,
  position INTEGER NOT NULL,
  report TEXT NOT NULL,
  PRIMARY KEY (region, year)
) STRICT;
`;
