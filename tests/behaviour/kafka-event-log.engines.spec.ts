// The engines' log part (Kafka's budget.log.v1, on a fresh namespace) passes the EventLog behaviour suite.
import { randomUUID } from 'node:crypto';
import { KafkaEventLog, ensureTopics, kafkaClient, topicNames, type EngineSettings } from '@budget/engines';
import { engineEndpoints } from '../support/engines';
import { eventLogBehaviour } from './event-log.behaviour';

eventLogBehaviour('Kafka', async () => {
  const endpoints = await engineEndpoints();
  const id = randomUUID().slice(0, 8);
  const settings: EngineSettings = {
    brokers: endpoints.kafkaBrokers.split(','),
    mongoUrl: endpoints.mongoUrl,
    namespace: `tlog${id}.`,
    clientId: `test-log-${id}`,
  };
  const kafka = kafkaClient(settings);
  const admin = kafka.admin();
  await admin.connect();
  const names = topicNames(settings.namespace);
  await ensureTopics(admin, names);
  let log: KafkaEventLog | undefined = await KafkaEventLog.open(kafka, settings);
  return {
    log,
    reopen: async () => {
      await log?.close();
      log = undefined;
      log = await KafkaEventLog.open(kafka, settings);
      return log;
    },
    stop: async () => {
      await log?.close();
      await admin.deleteTopics({ topics: Object.values(names) }).catch(() => undefined);
      await admin.disconnect();
    },
  };
});
