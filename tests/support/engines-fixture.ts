//! Runs the engines mode in this process on a fresh namespace: topics, sequencer, projector and the KafkaStore.
import { pino } from 'pino';
import {
  KafkaStore,
  Projector,
  Sequencer,
  connectProjections,
  ensureTopics,
  kafkaClient,
  topicNames,
  type EngineSettings,
  type Projections,
} from '@budget/engines';
import type { StoreFixture } from '../behaviour/budget-store.behaviour';
import { freshSettings } from './engines';

export interface EngineFixture extends StoreFixture {
  store: KafkaStore;
  settings: EngineSettings;
  projections: Projections;
  projector: Projector;
  /** Worker batches that failed so far (stop() also throws when there are any). */
  failures: string[];
}

export async function engineFixture(): Promise<EngineFixture> {
  const failures: string[] = [];
  const fresh = await freshSettings('t');
  const { id } = fresh;
  const settings: EngineSettings = {
    ...fresh.settings,
    // In tests a failed batch is recorded and fails the test instead of ending the test runner's process.
    onFatal: (error, worker) => failures.push(`${worker}: ${String(error)}`),
  };
  const kafka = kafkaClient(settings);
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, topicNames(settings.namespace));
  await admin.disconnect();
  const logger = pino({ level: 'warn' });
  const projections = await connectProjections(settings.mongoUrl, `budget_t${id}`);
  const sequencer = new Sequencer(kafka, settings, logger);
  const projector = new Projector(kafka, settings, projections, logger);
  await Promise.all([sequencer.start(), projector.start()]);
  const store = await KafkaStore.open(settings, projections, 60_000);
  return {
    store,
    settings,
    projections,
    projector,
    failures,
    stop: async () => {
      await store.close();
      await Promise.all([sequencer.stop(), projector.stop()]);
      await projections.connection.dropDatabase().catch(() => undefined);
      await projections.connection.close();
      if (failures.length > 0) throw new Error(`worker batches failed:\n${failures.join('\n')}`);
    },
  };
}
