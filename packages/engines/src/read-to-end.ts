//! Reads a topic from its beginning up to the end offsets it had when the call started (read_committed).
import { randomUUID } from 'node:crypto';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { endOffsets } from './topics';

/**
 * Control records (transaction markers) are never handed to eachBatch, so progress is tracked from kafkajs's
 * END_BATCH_PROCESS events, which report the last offset of every batch, filtered ones included.
 */
export async function readToEnd(
  kafka: Kafka,
  topic: string,
  onMessages: (messages: KafkaMessage[]) => Promise<void> | void,
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  const [targets, low] = await Promise.all([endOffsets(admin, topic), admin.fetchTopicOffsets(topic)]);
  await admin.disconnect();
  const lowByPartition = new Map(low.map((o) => [o.partition, o.low]));
  const remaining = new Set(
    [...targets].filter(([p, high]) => BigInt(high) > BigInt(lowByPartition.get(p) ?? '0')).map(([p]) => p),
  );
  if (remaining.size === 0) return;
  const consumer = kafka.consumer({
    groupId: `restore-${randomUUID()}`,
    readUncommitted: false,
    maxBytesPerPartition: 4 << 20,
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  try {
    await new Promise<void>((resolve, reject) => {
      consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
        const target = targets.get(payload.partition);
        if (target !== undefined && BigInt(payload.lastOffset) + 1n >= BigInt(target))
          remaining.delete(payload.partition);
        if (remaining.size === 0) resolve();
      });
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        reject(payload.error);
      });
      consumer
        .run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            await onMessages(batch.messages);
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
}
