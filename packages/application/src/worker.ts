//! The worker thread of the CLI's parallel work: checks blocks of an exported history (`verifyHistoryInParallel`)
//! and validates batches of an import's lines (`validatedLines`), one request at a time, answered by its id.
import { parentPort } from 'node:worker_threads';
import { validateLineBatch, type LineBatch, type LineVerdict } from './validate-lines';
import { checkBlock, type BlockResult, type CheckOptions } from './verify-block';

/** What a worker is asked to do. */
export type WorkerRequest =
  | { kind: 'check-block'; index: number; firstLine: number; bytes: Uint8Array; options: CheckOptions }
  | { kind: 'validate-lines'; batch: LineBatch };

/** The answer to each kind of request. */
export interface WorkerResults {
  'check-block': BlockResult;
  'validate-lines': LineVerdict[];
}

export function handle(request: WorkerRequest): WorkerResults[WorkerRequest['kind']] {
  switch (request.kind) {
    case 'check-block':
      return checkBlock(request.bytes, request.firstLine, request.options);
    case 'validate-lines':
      return validateLineBatch(request.batch);
  }
}

if (parentPort !== null) {
  const port = parentPort;
  port.on('message', ({ id, request }: { id: number; request: WorkerRequest }) => {
    port.postMessage({ id, result: handle(request) });
  });
}
