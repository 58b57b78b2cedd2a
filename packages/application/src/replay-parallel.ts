//! `replay` on a large file: worker threads check the schema and the hash chain of blocks of the file while this
//! thread decides every event again from what they return. When both agree with the history (the usual case for an
//! auditor), that is the answer; otherwise the sequential `replayHistory` reads the file again and gives the exact
//! discrepancies.
import { availableParallelism } from 'node:os';
import {
  allocationReport,
  decide,
  evolve,
  initialState,
  parseDecisionLine,
  type RegionState,
} from '@budget/domain';
import { replayHistory, type ReplayResult } from './audit';
import { eachLine } from './lines';
import type { BlockResult } from './verify-block';
import { verifyHistoryInParallel } from './verify-parallel';

/** A history read more than once: as bytes (for the workers) and as batches of lines (for the slow path). */
export interface ReplaySource {
  /** The bytes, in chunks the source does not reuse once yielded (as file streams give). */
  bytes: () => AsyncIterable<Uint8Array>;
  /** The lines in order, in batches of any size (`splitLineBatches`): one await per batch, not per line. */
  lineBatches: () => AsyncIterable<readonly string[]>;
}

export interface ParallelReplayOptions {
  /** Worker threads checking the chain (default: one per core); 0 checks it in this thread. */
  workers?: number;
  blockBytes?: number;
}

/**
 * Decides the records of each block again, in order, from the decisions the workers return with it (`checkBlock`):
 * this thread reads neither the file nor the records' other fields. Only the state is kept, not the ledger: a replay
 * prints the allocation report, which the state alone gives, and the sequential `replayHistory` (the slow path
 * below) still rebuilds the ledger and checks that it balances.
 */
class Decider {
  state: RegionState | undefined;
  length = 0;
  /** Set once a recorded outcome differs, or a record cannot be decided: the slow path names it. */
  failed = false;

  /** Decides one block's records; false as soon as anything differs from the history. */
  block(result: BlockResult): boolean {
    if (this.failed || result.first === null || result.decisions === undefined) return !this.failed;
    try {
      this.state ??= initialState(result.first.region);
      const state = this.state;
      // A block with a first record has a line for it and every record after it (a failed block never comes here).
      for (const line of result.decisions.split('\n')) {
        // The worker checked the record against the schema before writing its line.
        const { body, outcome, reason } = parseDecisionLine(line);
        const recomputed = decide(state, body);
        if (recomputed.outcome !== outcome || recomputed.reason !== reason) return this.fail();
        if (recomputed.outcome === 'accepted') evolve(state, body);
        this.length += 1;
      }
      return true;
    } catch {
      return this.fail();
    }
  }

  private fail(): false {
    this.failed = true;
    return false;
  }
}

export async function replayHistoryInParallel(
  source: ReplaySource,
  year: number,
  options: ParallelReplayOptions = {},
): Promise<ReplayResult> {
  const stop = new AbortController();
  const decider = new Decider();
  const verified = await verifyHistoryInParallel(source.bytes(), {
    workers: options.workers ?? Math.min(8, availableParallelism()),
    ...(options.blockBytes === undefined ? {} : { blockBytes: options.blockBytes }),
    schema: true,
    decisions: true,
    onBlock: (result) => {
      if (!decider.block(result)) stop.abort();
    },
    signal: stop.signal,
  });
  const { state, length } = decider;
  if (!decider.failed && state !== undefined && verified.ok && verified.records === length) {
    return { ok: true, report: allocationReport(state, year, length), records: length, discrepancies: [] };
  }
  return replayHistory(eachLine(source.lineBatches()), year);
}
