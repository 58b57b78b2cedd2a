// readToEnd reads a topic up to its end (or given offsets), from its beginning or from given offsets.
import { describe, expect, it } from 'vitest';
import { ensureTopics, kafkaClient, readToEnd, topicNames } from '@budget/engines';
import { freshSettings } from '../support/engines';

describe('readToEnd', () => {
  it('starts at the offsets given, and reads nothing of a partition already at its end', async () => {
    const { settings } = await freshSettings('rte');
    const kafka = kafkaClient(settings);
    const topic = topicNames(settings.namespace).inbox;
    const admin = kafka.admin();
    await admin.connect();
    const producer = kafka.producer();
    await producer.connect();
    try {
      await ensureTopics(admin, topicNames(settings.namespace));
      await producer.send({
        topic,
        messages: [
          ...['a', 'b', 'c', 'd', 'e'].map((value) => ({ partition: 0, value })),
          ...['x', 'y'].map((value) => ({ partition: 1, value })),
        ],
      });
      const read = async (from?: Map<number, string>) => {
        const seen: string[] = [];
        await readToEnd(
          kafka,
          topic,
          (messages) => {
            for (const m of messages) seen.push(m.value?.toString('utf8') ?? '');
          },
          undefined,
          from,
        );
        return seen.sort();
      };
      expect(await read()).toEqual(['a', 'b', 'c', 'd', 'e', 'x', 'y']);
      expect(
        await read(
          new Map([
            [0, '3'],
            [1, '2'],
          ]),
        ),
      ).toEqual(['d', 'e']);
    } finally {
      await producer.disconnect();
      await admin.disconnect();
    }
  });
});
