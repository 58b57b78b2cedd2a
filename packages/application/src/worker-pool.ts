//! A few worker threads running `worker.ts`, each request sent to the next worker in turn and answered by its id.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { WorkerRequest, WorkerResults } from './worker';

/**
 * The CLI bundle (`services/cli/bin/bundle.mjs`) defines this as the file name of the bundled worker beside it: plain
 * JavaScript, started directly without tsx. Undefined when this module runs from its TypeScript source.
 */
declare const BUDGET_BUNDLED_WORKER: string | undefined;

/**
 * A worker's young generation, in MB (V8's default is 16-32). Validating an import makes short-lived objects and
 * strings for every line and keeps a batch's answers until it is sent: with more room, fewer of them live through a
 * scavenge (measured on 250,000 events: the collector's helper threads took about a quarter less CPU). Costs at most
 * this much memory per worker.
 */
const WORKER_YOUNG_GENERATION_MB = 64;

function startWorker(): Worker {
  const resourceLimits = { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB };
  if (typeof BUDGET_BUNDLED_WORKER === 'string')
    return new Worker(new URL(BUDGET_BUNDLED_WORKER, import.meta.url), { resourceLimits });
  return new Worker(workerBootstrap(new URL('./worker.ts', import.meta.url)), {
    eval: true,
    resourceLimits,
  });
}

/**
 * tsx runs this code base; a worker thread needs it too, whatever the parent was started with (the CLI, vitest).
 * The worker starts as a few lines of JavaScript that register tsx's loader, then import the TypeScript module.
 * `require.resolve` finds the CommonJS build of tsx's API; its ES module build sits beside it (tsx's exports map).
 */
function workerBootstrap(module: URL): string {
  const tsxApi = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api')).href.replace(
    /\.cjs$/,
    '.mjs',
  );
  return `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(module.href)}); });`;
}

interface Waiting {
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
}

export class WorkerPool {
  private readonly workers: Worker[];
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 0;
  private nextWorker = 0;
  /** Set when a worker failed or exited: later requests are refused at once instead of waiting forever. */
  private broken: Error | undefined;

  constructor(size: number) {
    if (size < 1) throw new Error('a worker pool needs at least one worker');
    this.workers = Array.from({ length: size }, () => {
      const worker = startWorker();
      worker.on('message', (message: { id: number; result: unknown }) => {
        this.waiting.get(message.id)?.resolve(message.result);
        this.waiting.delete(message.id);
      });
      worker.on('error', (error) => {
        this.broken ??= error;
        this.failAll(error);
      });
      worker.on('exit', (code) => {
        const exited = new Error(`a worker thread exited (code ${code})`);
        this.broken ??= exited;
        this.failAll(exited);
      });
      return worker;
    });
  }

  private failAll(error: Error): void {
    for (const pending of this.waiting.values()) pending.reject(error);
    this.waiting.clear();
  }

  run<K extends WorkerRequest['kind']>(
    request: Extract<WorkerRequest, { kind: K }>,
    transfer: ArrayBuffer[] = [],
  ): Promise<WorkerResults[K]> {
    if (this.broken !== undefined) return Promise.reject(this.broken);
    const worker = this.workers[this.nextWorker++ % this.workers.length];
    if (worker === undefined) throw new Error('the pool has no workers');
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (result: unknown) => void, reject });
      worker.postMessage({ id, request }, transfer);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}
