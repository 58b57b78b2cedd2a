// A malformed inbox record goes to budget.inbox.v1.dlq unchanged with its reason in the `error` header (CONTRACT
// section 7), a record that is not UTF-8 among them: its bytes are kept as sent, never read as replacement characters.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { pino } from 'pino';
import { Sequencer, kafkaClient, readToEnd, topicNames, type EngineSettings } from '@budget/engines';
import { freshTopics } from '../support/engines';
import { EventBuilder } from '../support/events';

/** A message as readToEnd hands it over (kafkajs's KafkaMessage). */
type KafkaMessage = Parameters<Parameters<typeof readToEnd>[2]>[0][number];

let settings: EngineSettings;
let kafka: ReturnType<typeof kafkaClient>;
let sequencer: Sequencer;

beforeAll(async () => {
  ({ settings, kafka } = await freshTopics('dlq'));
  sequencer = new Sequencer(kafka, settings, pino({ level: 'warn' }));
  await sequencer.start();
});

afterAll(async () => {
  await sequencer.stop();
});

async function readUntil(topic: string, count: number): Promise<KafkaMessage[]> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const messages: KafkaMessage[] = [];
    await readToEnd(kafka, topic, (batch) => {
      messages.push(...batch);
    });
    if (messages.length >= count || Date.now() > deadline) return messages;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

it('dead-letters a record that is not UTF-8, and one that is not JSON, unchanged and with the reason', async () => {
  const topics = topicNames(settings.namespace);
  const region = 'dlq-region';
  const b = new EventBuilder(region);
  const configured = JSON.stringify(b.configured());
  // "Café" as Latin-1, as a finance system's export may have it: E9 is not UTF-8.
  const latin1 = Buffer.from(JSON.stringify({ ...b.configured(), actor: 'Caf\u00e9' }), 'latin1');
  const producer = kafka.producer();
  await producer.connect();
  try {
    await producer.send({
      topic: topics.inbox,
      messages: [
        { key: region, value: latin1 },
        { key: region, value: '{"not json' },
        { key: region, value: configured },
      ],
    });
  } finally {
    await producer.disconnect();
  }
  const dead = await readUntil(topics.deadLetters, 2);
  expect(dead).toHaveLength(2);
  expect(dead[0]?.value?.equals(latin1)).toBe(true);
  expect(dead[0]?.headers?.['error']?.toString()).toMatch(/^bad-encoding: is not UTF-8/);
  expect(dead[1]?.value?.toString()).toBe('{"not json');
  expect(dead[1]?.headers?.['error']?.toString()).toMatch(/^not-json: /);
  const log = await readUntil(topics.log, 1);
  const ids = log.map((m) => (JSON.parse(m.value?.toString() ?? '') as { id: string }).id);
  expect(ids).toEqual([(JSON.parse(configured) as { id: string }).id]);
});
