//! The entry point of one worker service: reads the environment, starts the worker inside its NestJS shell.
import { pino } from 'pino';
import { ensureTopics, kafkaClient, readEngineSettings, topicNames } from '@budget/engines';
import { engineWorker, type WorkerKind } from './engine-workers';
import { ServiceMetrics } from './metrics';
import { runWorkerService } from './worker-service';

const DEFAULT_PORTS: Record<WorkerKind, number> = { sequencer: 9101, ledger: 9102, allocator: 9103 };

export async function serviceMain(kind: WorkerKind): Promise<void> {
  const logger = pino({ name: `budget-${kind}` });
  try {
    const settings = readEngineSettings(process.env, `budget-${kind}`);
    if (settings === undefined)
      throw new Error(
        `the ${kind} needs KAFKA_BROKERS and MONGO_URL (eval "$(infra/local/up.sh)", or docker compose up)`,
      );
    const admin = kafkaClient(settings).admin();
    await admin.connect();
    await ensureTopics(admin, topicNames(settings.namespace));
    await admin.disconnect();
    const port = Number(process.env.SERVICE_PORT ?? DEFAULT_PORTS[kind]);
    const stop = await runWorkerService({
      worker: engineWorker(kind, settings, logger),
      metrics: new ServiceMetrics(kind),
      logger,
      port,
      host: process.env.HOST ?? '127.0.0.1',
    });
    const shutdown = (): void => {
      void stop();
    };
    process.once('SIGTERM', shutdown);
    process.once('SIGINT', shutdown);
  } catch (error) {
    logger.fatal({ err: error }, 'cannot start');
    process.exit(1);
  }
}
