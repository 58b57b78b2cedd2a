//! The entry point of one worker service: reads the environment, starts the worker inside its NestJS shell.
import { pino } from 'pino';
import { ensureTopics, kafkaClient, readEngineSettings, topicNames } from '@budget/engines';
import { engineWorker, type WorkerKind } from './engine-workers';
import { ServiceMetrics } from './metrics';
import { readServiceSettings } from './service-settings';
import { runWorkerService } from './worker-service';

export async function serviceMain(kind: WorkerKind): Promise<void> {
  const logger = pino({ name: `budget-${kind}` });
  try {
    const { port, host } = readServiceSettings(process.env, kind);
    const settings = readEngineSettings(process.env, `budget-${kind}`);
    if (settings === undefined)
      throw new Error(
        `the ${kind} needs KAFKA_BROKERS and MONGO_URL (eval "$(infra/local/up.sh)", or docker compose up)`,
      );
    const admin = kafkaClient(settings).admin();
    await admin.connect();
    await ensureTopics(admin, topicNames(settings.namespace));
    await admin.disconnect();
    const stop = await runWorkerService({
      worker: engineWorker(kind, settings, logger),
      metrics: new ServiceMetrics(kind),
      logger,
      port,
      host,
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
