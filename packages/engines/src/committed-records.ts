//! Applying records of budget.log.v1 that the sequencer decided and sealed, without sealing them again.
import {
  Ledger,
  RegionLog,
  evolve,
  formatCents,
  initialState,
  type JournalEntry,
  type LogRecord,
} from '@budget/domain';
import type { StoredJournalEntry } from './mongo';

/**
 * Applies a committed log record to a region's log: checks its position and its link to the previous hash, evolves
 * the state and posts the ledger, as `RegionLog.applyRecorded` does, but takes the record's own hash as given.
 * The sequencer sealed it and wrote it in a Kafka transaction; `audit verify` checks every hash of an export.
 * Sealing each record again cost the ledger service and the allocator about half of their time.
 */
export function applyCommitted(log: RegionLog, record: LogRecord): JournalEntry[] {
  if (record.region !== log.region)
    throw new Error(`record of ${record.region} sent to the log of ${log.region}`);
  if (record.position !== log.length + 1)
    throw new Error(`log of ${record.region} jumps from ${String(log.length)} to ${String(record.position)}`);
  if (record.prevHash !== log.lastHash)
    throw new Error(`log of ${record.region} does not chain at position ${String(record.position)}`);
  let entries: JournalEntry[] = [];
  if (record.outcome === 'accepted') {
    evolve(log.state, record);
    entries = log.ledger.record(log.state, record, record.position);
  }
  log.length = record.position;
  log.lastHash = record.hash;
  return entries;
}

/** A ledger that posts nothing: the sequencer decides and seals, and never reads the ledger. */
class UnpostedLedger extends Ledger {
  override record(): JournalEntry[] {
    return [];
  }
}

/** A region's log for deciding and sealing only: no ledger is kept (the ledger service keeps it). */
export function decidingLog(region: string): RegionLog {
  return new RegionLog(initialState(region), new UnpostedLedger(region));
}

/** A journal entry with its amounts as decimal strings, as the journal and budget.allocations.v1 carry them. */
export function storedEntry(entry: JournalEntry): StoredJournalEntry {
  return {
    position: entry.position,
    eventId: entry.eventId,
    year: entry.year,
    memo: entry.memo,
    lines: entry.lines.map((l) => ({
      account: l.account,
      debit: formatCents(l.debitCents),
      credit: formatCents(l.creditCents),
    })),
  };
}
