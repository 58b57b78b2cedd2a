//! An import's lines validated ahead of the thread that decides and appends them: in a worker thread for large
//! input, in order, a bounded number of batches ahead, so the input is never held whole in memory.
import { availableParallelism } from 'node:os';
import { prepareEvent, validateLine, type MalformedIssue, type PreparedEventText } from '@budget/domain';
import { decodeLines, lineCount, wholeLineChunks } from './lines';
import type { LineSource } from './ports';
import { WorkerPool } from './worker-pool';

/**
 * What validating one line found: null for a blank line (not an event), the event prepared for deciding and
 * appending (`prepareEvent`: its canonical JSON, RFC 8785, and its fields, read back by `readPreparedEvent`) for a
 * valid one, or the named reasons it is malformed.
 */
export type LineVerdict = null | PreparedEventText | MalformedIssue[];

export interface ValidatedLine {
  /** 1-based line number in the input. */
  line: number;
  verdict: LineVerdict;
}

export interface ParallelValidationOptions {
  /** Worker threads; default one per core but one (the caller's thread has the deciding to do), at most 4; 0 for
   *  none. */
  workers?: number;
  /** Lines per batch sent to a worker, for input given as lines; input given as bytes (`LineBytes`) goes a chunk
   *  of whole lines at a time (`wholeLineChunks`: 1 MiB, about 3,000 events, from a file). */
  batchLines?: number;
  /** Validated in this thread before workers take over: this many times `batchLines` lines (0: workers from the
   *  first batch on). The workers are started half-way through them. */
  inThreadBatches?: number;
}

const DEFAULT_BATCH_LINES = 2000;
/** 10 batches: 20,000 lines, about a quarter of a second of validating; a worker takes a tenth of a second to start. */
const DEFAULT_IN_THREAD_BATCHES = 10;
/**
 * Batches a worker may hold at once, queued and answered: enough that neither thread waits for the other through the
 * other's slower moments (a checkpoint, a collection). On 1,000,000 events, 4 instead of 2 halved the time each
 * thread waited (0.8-0.9 to 0.5 s for the deciding one), for a few MiB more.
 */
const IN_FLIGHT_PER_WORKER = 4;

/**
 * An import's input as raw bytes (a file's, say): the thread that validates a run of lines also splits and decodes
 * it (`decodeLines`), so for large input that work is done by the workers, not by the thread that decides.
 */
export interface LineBytes {
  bytes: AsyncIterable<Uint8Array>;
}

/** What `validatedLines` reads of an import's source: its bytes when it has them, else its lines. */
export function lineInput(source: LineSource): AsyncIterable<string> | LineBytes {
  return source.bytes === undefined ? source() : { bytes: source.bytes() };
}

/** Lines to validate together: their text, or the bytes of whole lines (`wholeLineChunks`). */
export type LineBatch = string[] | Uint8Array;

function linesOf(batch: LineBatch): string[] {
  if (Array.isArray(batch)) return batch;
  return decodeLines(Buffer.from(batch.buffer, batch.byteOffset, batch.byteLength));
}

export function validateLineBatch(batch: LineBatch): LineVerdict[] {
  return validateBatch(linesOf(batch));
}

export function validateBatch(lines: readonly string[]): LineVerdict[] {
  return lines.map((text) => {
    if (text.trim() === '') return null;
    const result = validateLine(text, { content: true });
    return result.ok ? prepareEvent(result.event, result.content, result.cut) : result.issues;
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
 * The input's lines with their verdicts, a batch at a time, in input order. Input given as bytes is split into
 * lines and decoded by the thread that validates them (`decodeLines`, as `splitLines` does it). The first
 * `inThreadBatches` x `batchLines` lines are validated in this thread: small input (an HTTP request, a month of
 * spending) is done before a worker could have started. Input that goes on beyond half of them starts the worker
 * threads, so they are ready for what comes after; those validate while this thread works through the batches
 * already answered. At most `IN_FLIGHT_PER_WORKER` batches per worker are in flight, so memory stays flat however long
 * the input is.
 */
export async function* validatedLines(
  source: AsyncIterable<string> | LineBytes,
  options: ParallelValidationOptions = {},
): AsyncGenerator<ValidatedLine[]> {
  const batchLines = options.batchLines ?? DEFAULT_BATCH_LINES;
  const size = options.workers ?? defaultWorkers();
  if (!Number.isInteger(size) || size < 0)
    throw new Error(`workers must be a whole number >= 0, not ${size}`);
  const inThreadBatches = options.inThreadBatches ?? DEFAULT_IN_THREAD_BATCHES;
  if (!Number.isInteger(inThreadBatches) || inThreadBatches < 0)
    throw new Error(`inThreadBatches must be a whole number >= 0, not ${inThreadBatches}`);
  const input: AsyncIterator<LineBatch> = (
    'bytes' in source ? wholeLineChunks(source.bytes) : batches(source, batchLines)
  )[Symbol.asyncIterator]();
  let nextLine = 1;
  const numbered = (batch: LineBatch, verdicts: LineVerdict[]): ValidatedLine[] => {
    // A batch of bytes holds one line more than it holds "\n" (`wholeLineChunks` leaves the last one out).
    const lines = Array.isArray(batch) ? batch.length : lineCount(batch);
    if (verdicts.length !== lines)
      throw new Error(`${verdicts.length} verdicts for a batch of ${lines} lines`);
    const first = nextLine;
    nextLine += verdicts.length;
    return verdicts.map((verdict, i) => ({ line: first + i, verdict }));
  };
  /** Lines validated in this thread before workers take over (input as bytes comes a chunk of lines at a time). */
  const inThreadLines = inThreadBatches * batchLines;
  let pool: WorkerPool | undefined;
  try {
    let next = await input.next();
    while (next.done !== true && (size === 0 || nextLine - 1 < inThreadLines)) {
      // Half-way through, the workers are started: a worker takes about a tenth of a second to start, and so is
      // ready when the input goes on beyond these lines.
      if (size > 0 && pool === undefined && nextLine - 1 >= inThreadLines / 2) pool = new WorkerPool(size);
      yield numbered(next.value, validateLineBatch(next.value));
      next = await input.next();
    }
    if (next.done === true) return;
    pool ??= new WorkerPool(size);
    const workers = pool;
    const inFlight: { batch: LineBatch; verdicts: Promise<LineVerdict[]> }[] = [];
    const send = (batch: LineBatch): void => {
      const verdicts = workers.run({ kind: 'validate-lines', batch });
      // Awaited in order below; until then a worker's failure must not count as an unhandled rejection.
      verdicts.catch(() => undefined);
      inFlight.push({ batch, verdicts });
    };
    send(next.value);
    for (;;) {
      while (inFlight.length < size * IN_FLIGHT_PER_WORKER) {
        const next = await input.next();
        if (next.done === true) break;
        send(next.value);
      }
      const head = inFlight.shift();
      if (head === undefined) return;
      yield numbered(head.batch, await head.verdicts);
    }
  } finally {
    try {
      await pool?.close();
    } finally {
      await input.return?.(undefined);
    }
  }
}
