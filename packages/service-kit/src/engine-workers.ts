//! The three worker services of the engines mode, each with its metrics: sequencer, ledger and allocator.
import type { Logger } from 'pino';
import {
  Allocator,
  Projector,
  Sequencer,
  connectProjections,
  groupNames,
  kafkaClient,
  topicNames,
  type EngineSettings,
  type Projections,
} from '@budget/engines';
import type { ServiceMetrics } from './metrics';
import type { Worker } from './worker-service';

export type WorkerKind = 'sequencer' | 'ledger' | 'allocator';

/** Counters keep their own totals: each scrape adds what the worker counted since the last one. */
function delta(): (now: number) => number {
  let last = 0;
  return (now) => {
    const d = now - last;
    last = now;
    return d;
  };
}

export function engineWorker(
  kind: WorkerKind,
  settings: EngineSettings & { database: string },
  logger: Logger,
): Worker {
  const kafka = kafkaClient(settings);
  const names = topicNames(settings.namespace);
  const groups = groupNames(settings.namespace);
  const admin = kafka.admin();
  let projections: Projections | undefined;
  let worker: Sequencer | Projector | Allocator | undefined;
  const counted = delta();
  const deadLettered = delta();
  const rejected = new Map<string, (now: number) => number>();
  return {
    async start() {
      await admin.connect();
      if (kind === 'sequencer') worker = new Sequencer(kafka, settings, logger);
      else if (kind === 'allocator') worker = new Allocator(kafka, settings, logger);
      else {
        projections = await connectProjections(settings.mongoUrl, settings.database);
        worker = new Projector(kafka, settings, projections, logger);
      }
      await worker.start();
    },
    async stop() {
      await worker?.stop();
      await projections?.connection.close();
      await admin.disconnect();
    },
    async observe(metrics: ServiceMetrics) {
      if (worker instanceof Sequencer) {
        metrics.eventsDecided.inc(counted(worker.metrics.decided));
        metrics.deadLettered.inc(deadLettered(worker.metrics.deadLettered));
        for (const [reason, total] of worker.metrics.rejectedByReason) {
          let d = rejected.get(reason);
          if (d === undefined) {
            d = delta();
            rejected.set(reason, d);
          }
          metrics.rejections.inc({ reason }, d(total));
        }
        await metrics.measureLag(admin, groups.sequencer, names.inbox);
      } else if (worker instanceof Projector) {
        metrics.recordsProjected.inc(counted(worker.appliedRecords));
        await metrics.measureLag(admin, groups.ledger, names.log);
      } else if (worker instanceof Allocator) {
        await metrics.measureLag(admin, groups.allocator, names.log);
      }
    },
  };
}
