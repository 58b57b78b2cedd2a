//! `replay` on a large file: this thread decides every event again while a worker thread checks the schema and the
//! hash chain of the same file. When both agree with the history (the usual case for an auditor), that is the
//! answer; otherwise the sequential `replayHistory` reads the file again and gives the exact discrepancies.
import { availableParallelism } from 'node:os';
import { RegionLog, allocationReport, type LogRecord } from '@budget/domain';
import { replayHistory, type ReplayResult } from './audit';
import { verifyHistoryInParallel } from './verify-parallel';

/** A history read more than once: as bytes (for the workers) and as lines (for deciding). */
export interface ReplaySource {
  bytes: () => AsyncIterable<Uint8Array>;
  lines: () => AsyncIterable<string>;
}

export interface ParallelReplayOptions {
  /** Worker threads checking the chain (default: one per core); 0 checks it in this thread. */
  workers?: number;
  blockBytes?: number;
}

/** Decides every record again; null as soon as anything differs from the history or cannot be read. */
async function decideAll(lines: AsyncIterable<string>, signal: AbortSignal): Promise<RegionLog | null> {
  let log: RegionLog | undefined;
  for await (const line of lines) {
    if (signal.aborted) return null;
    if (line.trim() === '') continue;
    let record: LogRecord;
    try {
      record = JSON.parse(line) as LogRecord;
      log ??= RegionLog.empty(record.region);
      const recomputed = log.replayRecorded(record);
      if (
        recomputed.outcome !== record.outcome ||
        recomputed.reason !== record.reason ||
        record.position !== log.length
      )
        return null;
    } catch {
      // Input the workers will refuse (not JSON, missing fields, another region): the slow path names it.
      return null;
    }
  }
  return log ?? null;
}

export async function replayHistoryInParallel(
  source: ReplaySource,
  year: number,
  options: ParallelReplayOptions = {},
): Promise<ReplayResult> {
  const stop = new AbortController();
  const chain = verifyHistoryInParallel(source.bytes(), {
    workers: options.workers ?? Math.min(8, availableParallelism()),
    ...(options.blockBytes === undefined ? {} : { blockBytes: options.blockBytes }),
    schema: true,
    signal: stop.signal,
  });
  // A failure of the chain check ends the deciding early; until awaited below it must not count as unhandled.
  chain
    .then((result) => {
      if (!result.ok) stop.abort();
    })
    .catch(() => {
      stop.abort();
    });
  const log = await decideAll(source.lines(), stop.signal);
  if (log === null) stop.abort();
  const verified = await chain;
  if (log !== null && verified.ok && verified.records === log.length) {
    log.ledger.assertBalanced();
    return {
      ok: true,
      report: allocationReport(log.state, year, log.length),
      records: log.length,
      discrepancies: [],
    };
  }
  return replayHistory(source.lines(), year);
}
