// A restarted sequencer or allocator fences its predecessor as it starts, before it reads its state back: a
// predecessor still running (a second instance, or one not yet dead) can no longer commit, so nothing it does after
// the restore can fork the log or publish a range twice.
import { beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import {
  Allocator,
  Sequencer,
  groupNames,
  kafkaClient,
  topicNames,
  transactionalProducer,
  type EngineSettings,
} from '@budget/engines';
import { freshTopics } from '../support/engines';

let settings: EngineSettings;
let kafka: ReturnType<typeof kafkaClient>;

beforeAll(async () => {
  ({ settings, kafka } = await freshTopics('fence'));
});

describe('a starting worker fences its predecessor', () => {
  const workers = {
    sequencer: () => new Sequencer(kafka, settings, pino({ level: 'warn' })),
    allocator: () => new Allocator(kafka, settings, pino({ level: 'warn' })),
  };
  for (const [name, create] of Object.entries(workers)) {
    it(`${name}: a predecessor's open transaction cannot commit once the new one has started`, async () => {
      const groups = groupNames(settings.namespace);
      const id = name === 'sequencer' ? groups.sequencer : groups.allocator;
      const predecessor = transactionalProducer(kafka, `${id}-tx`, 30_000);
      await predecessor.connect();
      const transaction = await predecessor.transaction();
      // A harmless topic: what matters is whether the predecessor can still commit.
      await transaction.send({
        topic: topicNames(settings.namespace).deadLetters,
        messages: [{ key: 'fence-test', value: 'from the predecessor' }],
      });
      const worker = create();
      try {
        await worker.start();
        await expect(transaction.commit()).rejects.toThrow();
      } finally {
        await worker.stop();
        await predecessor.disconnect();
      }
    });
  }
});
