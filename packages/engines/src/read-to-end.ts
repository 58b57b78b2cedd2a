//! Reads a topic from its beginning up to the end offsets it had when the call started, or up to given offsets
//! (read_committed).
import { randomUUID } from 'node:crypto';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { topicOffsets } from './topics';

/**
 * Control records (transaction markers) are never handed to eachBatch, so progress is tracked from kafkajs's
 * END_BATCH_PROCESS events, which report the last offset of every batch, filtered ones included.
 */
export async function readToEnd(
  kafka: Kafka,
  topic: string,
  onMessages: (messages: KafkaMessage[]) => Promise<void> | void,
  /** Read only below these offsets instead of the end: e.g. a consumer group's committed offsets. */
  until?: Map<number, string>,
  /** Start at these offsets instead of the beginning (partitions already at their target are not read). */
  from?: Map<number, string>,
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  const offsets = await topicOffsets(admin, topic).finally(() => admin.disconnect());
  const targets = until ?? new Map(offsets.map((o) => [o.partition, o.high]));
  const lowByPartition = new Map(offsets.map((o) => [o.partition, o.low]));
  /** Where each partition is read from: its first offset, or `from` when that is further. */
  const startOf = (partition: number): bigint => {
    const low = BigInt(lowByPartition.get(partition) ?? '0');
    const start = BigInt(from?.get(partition) ?? '0');
    return start > low ? start : low;
  };
  const remaining = new Set([...targets].filter(([p, high]) => BigInt(high) > startOf(p)).map(([p]) => p));
  if (remaining.size === 0) return;
  const consumer = kafka.consumer({
    groupId: `restore-${randomUUID()}`,
    readUncommitted: false,
    maxBytesPerPartition: 4 << 20,
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const reached = (partition: number, offset: string | null | undefined): void => {
    const target = targets.get(partition);
    if (
      target !== undefined &&
      offset !== null &&
      offset !== undefined &&
      BigInt(offset) + 1n >= BigInt(target)
    ) {
      remaining.delete(partition);
    }
  };
  try {
    await new Promise<void>((resolve, reject) => {
      consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
        reached(payload.partition, payload.lastOffset);
        if (remaining.size === 0) resolve();
      });
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        reject(payload.error);
      });
      consumer
        .run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            const target = BigInt(targets.get(batch.partition) ?? '0');
            const start = startOf(batch.partition);
            // With explicit offsets, messages at or past them belong to whoever consumes from there.
            await onMessages(
              batch.messages.filter((m) => BigInt(m.offset) < target && BigInt(m.offset) >= start),
            );
          },
        })
        .catch(reject);
      // kafkajs takes a seek once run() has been called (it makes the consumer group at once), and applies it
      // before the partition's first fetch. Partitions already at their target start there too: nothing to read.
      for (const partition of targets.keys()) {
        const start = startOf(partition);
        if (start > BigInt(lowByPartition.get(partition) ?? '0'))
          consumer.seek({ topic, partition, offset: start.toString() });
      }
    });
  } finally {
    await consumer.disconnect();
  }
}
