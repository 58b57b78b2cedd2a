//! `replay` on a large file: this thread decides every event again while a worker thread checks the schema and the
//! hash chain of the same file. When both agree with the history (the usual case for an auditor), that is the
//! answer; otherwise the sequential `replayHistory` reads the file again and gives the exact discrepancies.
import { availableParallelism } from 'node:os';
import {
  allocationReport,
  decide,
  evolve,
  initialState,
  type LogRecord,
  type RegionState,
} from '@budget/domain';
import { replayHistory, type ReplayResult } from './audit';
import { eachLine } from './lines';
import { verifyHistoryInParallel } from './verify-parallel';

/** A history read more than once: as bytes (for the workers) and as batches of lines (for deciding). */
export interface ReplaySource {
  bytes: () => AsyncIterable<Uint8Array>;
  /** The lines in order, in batches of any size (`splitLineBatches`): one await per batch, not per line. */
  lineBatches: () => AsyncIterable<readonly string[]>;
}

export interface ParallelReplayOptions {
  /** Worker threads checking the chain (default: one per core); 0 checks it in this thread. */
  workers?: number;
  blockBytes?: number;
}

/** What deciding a history again leaves: the state after its last record, and how many records there were. */
interface Decided {
  state: RegionState;
  length: number;
}

/**
 * Decides every record again; null as soon as anything differs from the history or cannot be read. Only the state
 * is kept, not the ledger: a replay prints the allocation report, which the state alone gives, and the sequential
 * `replayHistory` (the slow path below) still rebuilds the ledger and checks that it balances.
 */
async function decideAll(
  batches: AsyncIterable<readonly string[]>,
  signal: AbortSignal,
): Promise<Decided | null> {
  let state: RegionState | undefined;
  let length = 0;
  for await (const batch of batches) {
    if (signal.aborted) return null;
    for (const line of batch) {
      if (line.trim() === '') continue;
      try {
        const record = JSON.parse(line) as LogRecord;
        state ??= initialState(record.region);
        if (record.region !== state.region || record.position !== length + 1) return null;
        const recomputed = decide(state, record);
        if (recomputed.outcome !== record.outcome || recomputed.reason !== record.reason) return null;
        if (recomputed.outcome === 'accepted') evolve(state, record);
        length += 1;
      } catch {
        // Input the workers will refuse (not JSON, missing fields, another region): the slow path names it.
        return null;
      }
    }
  }
  return state === undefined ? null : { state, length };
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
  const decided = await decideAll(source.lineBatches(), stop.signal);
  if (decided === null) stop.abort();
  const verified = await chain;
  if (decided !== null && verified.ok && verified.records === decided.length) {
    return {
      ok: true,
      report: allocationReport(decided.state, year, decided.length),
      records: decided.length,
      discrepancies: [],
    };
  }
  return replayHistory(eachLine(source.lineBatches()), year);
}
