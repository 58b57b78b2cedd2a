//! An import's lines validated ahead of the thread that decides and appends them: in a worker thread for large
//! input, in order, a bounded number of batches ahead, so the input is never held whole in memory.
import { availableParallelism } from 'node:os';
import { validateLine, type MalformedIssue } from '@budget/domain';
import { WorkerPool } from './worker-pool';

/**
 * What validating one line found: null for a blank line (not an event), the event's canonical JSON (RFC 8785,
 * `eventContent`) for a valid one, or the named reasons it is malformed.
 */
export type LineVerdict = null | string | MalformedIssue[];

export interface ValidatedLine {
  /** 1-based line number in the input. */
  line: number;
  text: string;
  verdict: LineVerdict;
}

export interface ParallelValidationOptions {
  /** Worker threads; default one per core but one (the caller's thread has the deciding to do), at most 4. */
  workers?: number;
  /** Lines per batch sent to a worker. */
  batchLines?: number;
}

const DEFAULT_BATCH_LINES = 2000;

export function validateBatch(lines: readonly string[]): LineVerdict[] {
  return lines.map((text) => {
    if (text.trim() === '') return null;
    const result = validateLine(text, { content: true });
    return result.ok ? result.content : result.issues;
  });
}

function defaultWorkers(): number {
  const cores = availableParallelism();
  return cores > 1 ? Math.min(4, cores - 1) : 0;
}

async function* batches(source: AsyncIterable<string>, size: number): AsyncGenerator<string[]> {
  let batch: string[] = [];
  for await (const text of source) {
    batch.push(text);
    if (batch.length === size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/**
 * The input's lines with their verdicts, a batch at a time, in input order. Input of one batch or less is
 * validated in this thread (a worker would take longer to start); larger input by worker threads while this
 * thread works through the batches already answered. At most two batches per worker are in flight.
 */
export async function* validatedLines(
  source: AsyncIterable<string>,
  options: ParallelValidationOptions = {},
): AsyncGenerator<ValidatedLine[]> {
  const batchLines = options.batchLines ?? DEFAULT_BATCH_LINES;
  const size = options.workers ?? defaultWorkers();
  const input = batches(source, batchLines)[Symbol.asyncIterator]();
  let nextLine = 1;
  const numbered = (lines: string[], verdicts: LineVerdict[]): ValidatedLine[] => {
    const first = nextLine;
    nextLine += lines.length;
    return lines.map((text, i) => ({ line: first + i, text, verdict: verdicts[i] ?? null }));
  };
  const first = await input.next();
  if (first.done === true) return;
  const second = await input.next();
  if (second.done === true || size === 0) {
    try {
      yield numbered(first.value, validateBatch(first.value));
      if (second.done === true) return;
      yield numbered(second.value, validateBatch(second.value));
      for (;;) {
        const next = await input.next();
        if (next.done === true) return;
        yield numbered(next.value, validateBatch(next.value));
      }
    } finally {
      await input.return(undefined);
    }
  }

  const pool = new WorkerPool(size);
  const inFlight: { lines: string[]; verdicts: Promise<LineVerdict[]> }[] = [];
  const send = (lines: string[]): void => {
    const verdicts = pool.run({ kind: 'validate-lines', lines });
    // Awaited in order below; until then a worker's failure must not count as an unhandled rejection.
    verdicts.catch(() => undefined);
    inFlight.push({ lines, verdicts });
  };
  send(first.value);
  send(second.value);
  try {
    for (;;) {
      while (inFlight.length < size * 2) {
        const next = await input.next();
        if (next.done === true) break;
        send(next.value);
      }
      const head = inFlight.shift();
      if (head === undefined) return;
      yield numbered(head.lines, await head.verdicts);
    }
  } finally {
    await input.return(undefined);
    await pool.close();
  }
}
