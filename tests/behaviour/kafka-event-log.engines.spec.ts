// The engines' log part (Kafka's budget.log.v1, on a fresh namespace) passes the EventLog behaviour suite.
import { KafkaEventLog, ensureTopics, kafkaClient, topicNames } from '@budget/engines';
import { freshSettings } from '../support/engines';
import { eventLogBehaviour } from './event-log.behaviour';

eventLogBehaviour('Kafka', async () => {
  const { settings } = await freshSettings('tlog');
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
