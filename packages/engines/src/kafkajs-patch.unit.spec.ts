// kafkajs 2.2.4 is used with one patch (patches/kafkajs@2.2.4.patch, pnpm's patchedDependencies): its producer grouped a
// send's messages per partition by copying the partition's array for every message, quadratic in the messages of one
// send. These tests hold the patched grouping to what the original returned, and fail if the patch is not applied.
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

interface Grouping {
  (args: {
    topic: string;
    partitionMetadata: unknown[];
    messages: { key: string; partition: number }[];
    partitioner: (args: { message: { partition: number } }) => number;
  }): Record<number, { key: string; partition: number }[]>;
}

// The module is kafkajs's own, resolved from this package as the producer resolves it.
const kafkajsRequire = createRequire(createRequire(import.meta.url).resolve('kafkajs'));
const groupMessagesPerPartition = kafkajsRequire('./src/producer/groupMessagesPerPartition') as Grouping;

/** The original's result, computed plainly: each partition's messages in the order they were sent. */
function reference(messages: { key: string; partition: number }[]) {
  const result: Record<number, { key: string; partition: number }[]> = {};
  for (const message of messages) (result[message.partition] ??= []).push(message);
  return result;
}

const group = (messages: { key: string; partition: number }[], partitions = 3) =>
  groupMessagesPerPartition({
    topic: 't',
    partitionMetadata: Array.from({ length: partitions }, (_, partitionId) => ({ partitionId })),
    messages,
    partitioner: ({ message }) => message.partition,
  });

describe('the patched kafkajs groupMessagesPerPartition', () => {
  it('is the patched one: it appends to a partition, it does not copy it per message', () => {
    expect(String(groupMessagesPerPartition)).not.toContain('...current');
    expect(String(groupMessagesPerPartition)).toContain('current.push(message)');
  });

  it('groups any messages per partition as the original did, in the order sent', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ key: fc.string(), partition: fc.integer({ min: 0, max: 5 }) }), {
          maxLength: 200,
        }),
        (messages) => {
          const grouped = group(messages, 6);
          const expected = reference(messages);
          expect(grouped).toEqual(expected);
          expect(Object.keys(grouped)).toEqual(Object.keys(expected));
          // The messages themselves, not copies.
          for (const [partition, list] of Object.entries(grouped))
            list.forEach((message, i) => {
              expect(message).toBe(expected[Number(partition)]?.[i]);
            });
        },
      ),
    );
  });

  it('groups a send of 50,000 messages to one partition', () => {
    const messages = Array.from({ length: 50_000 }, (_, i) => ({ key: String(i), partition: 1 }));
    const grouped = group(messages);
    expect(Object.keys(grouped)).toEqual(['1']);
    expect(grouped[1]).toEqual(messages);
  });

  it('has nothing to group without partition metadata', () => {
    expect(group([{ key: 'a', partition: 0 }], 0)).toEqual({});
  });
});
