//! Worker thread of `verifyHistoryInParallel`: checks the blocks it is sent, one at a time.
import { parentPort } from 'node:worker_threads';
import { checkBlock } from './verify-block';

export interface BlockRequest {
  index: number;
  firstLine: number;
  bytes: Uint8Array;
  schema: boolean;
}

if (parentPort === null) throw new Error('verify-worker.ts runs as a worker thread');
const port = parentPort;
port.on('message', (request: BlockRequest) => {
  port.postMessage({
    index: request.index,
    result: checkBlock(request.bytes, request.firstLine, request.schema),
  });
});
