// The read barrier's end offsets (readUncommittedAdmin) are high watermarks: they count the records of a transaction
// that is still open, where kafkajs's own admin stops at the last stable offset.
import { describe, expect, it } from 'vitest';
import {
  endOffsets,
  ensureTopics,
  kafkaClient,
  readUncommittedAdmin,
  topicNames,
  transactionalProducer,
} from '@budget/engines';
import { freshSettings } from '../support/engines';

describe('readUncommittedAdmin', () => {
  it('gives the high watermark, with the records of an open transaction; the usual admin does not', async () => {
    const { settings } = await freshSettings('hw');
    const kafka = kafkaClient(settings);
    const names = topicNames(settings.namespace);
    const committed = kafka.admin();
    const uncommitted = readUncommittedAdmin(kafka);
    await committed.connect();
    await uncommitted.connect();
    const producer = transactionalProducer(kafka, `${settings.namespace}hw-test`, 30_000);
    await producer.connect();
    try {
      await ensureTopics(committed, names);
      const transaction = await producer.transaction();
      await transaction.send({
        topic: names.inbox,
        messages: ['a', 'b', 'c'].map((value) => ({ partition: 0, value })),
      });
      expect((await endOffsets(committed, names.inbox)).get(0)).toBe('0');
      expect((await endOffsets(uncommitted, names.inbox)).get(0)).toBe('3');
      await transaction.commit();
      // Three records and the commit marker, once the marker is written.
      await expect
        .poll(async () => (await endOffsets(committed, names.inbox)).get(0), { timeout: 10_000 })
        .toBe('4');
      expect((await endOffsets(uncommitted, names.inbox)).get(0)).toBe('4');
    } finally {
      await producer.disconnect();
      await committed.disconnect();
      await uncommitted.disconnect();
    }
  });
});
