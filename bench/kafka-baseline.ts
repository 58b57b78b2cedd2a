// `tsx bench/kafka-baseline.ts FILE --brokers B --topic T`: the plain kafkajs script the pipeline is compared with.
// It produces every line of FILE (key = the event's region, as the inbox is keyed) to a fresh topic and consumes
// them all back, on the same broker: no validation, no decisions, no database. One JSON line on stdout.
import { createReadStream } from 'node:fs';
import { Kafka, logLevel, type Message } from 'kafkajs';
import { parseArgs, stringFlag } from './args';
import { splitLines } from '@budget/application';
import { createTopicsAndWait } from '@budget/engines';
import { LINES_PER_SEND, lineMessage, linesProducer } from './kafka-lines';

/** The consumer reads 100,000 messages in about a second here: one that has not in minutes is stuck. */
const CONSUME_DEADLINE_MS = 180_000;

function required(value: string | undefined, name: string): string {
  if (value === undefined)
    throw new Error(`usage: kafka-baseline.ts FILE --brokers B --topic T (missing ${name})`);
  return value;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const file = required(args.positional[0], 'FILE');
  const brokers = required(stringFlag(args, 'brokers'), '--brokers').split(',');
  const topic = required(stringFlag(args, 'topic'), '--topic');
  const kafka = new Kafka({ clientId: 'bench-baseline', brokers, logLevel: logLevel.WARN });
  const admin = kafka.admin();
  await admin.connect();
  // Every partition answers offset requests before anyone produces: a producer or consumer that meets a partition
  // whose leader is still being elected (a broker started moments ago) would wait on stale metadata.
  await createTopicsAndWait(admin, [{ topic, numPartitions: 3 }]);
  await admin.disconnect();
  const producer = linesProducer(kafka);
  const consumer = kafka.consumer({ groupId: `${topic}-group` });
  await Promise.all([producer.connect(), consumer.connect()]);
  await consumer.subscribe({ topic, fromBeginning: true });

  const started = performance.now();
  let produced = 0;
  let batch: Message[] = [];
  const send = async (): Promise<void> => {
    if (batch.length === 0) return;
    await producer.send({ topic, acks: -1, messages: batch });
    produced += batch.length;
    batch = [];
  };
  for await (const line of splitLines(createReadStream(file, { highWaterMark: 1 << 20 }))) {
    if (line.trim() === '') continue;
    batch.push(lineMessage(line));
    if (batch.length >= LINES_PER_SEND) await send();
  }
  await send();
  const producedAt = performance.now();

  let consumed = 0;
  let bytes = 0;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(
        new Error(
          `consumed ${String(consumed)} of ${String(produced)} messages in ${String(CONSUME_DEADLINE_MS)} ms: giving up`,
        ),
      );
    }, CONSUME_DEADLINE_MS);
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      clearTimeout(timer);
      reject(payload.error);
    });
    consumer
      .run({
        eachBatch: async (payload) => {
          const fetched = payload.batch;
          for (const message of fetched.messages) {
            bytes += message.value?.length ?? 0;
            consumed += 1;
            payload.resolveOffset(message.offset);
          }
          await payload.heartbeat();
          if (consumed >= produced) {
            clearTimeout(timer);
            resolve();
          }
        },
      })
      .catch(reject);
  });
  const consumedAt = performance.now();
  await Promise.all([producer.disconnect(), consumer.disconnect()]);
  const ms = consumedAt - started;
  process.stdout.write(
    `${JSON.stringify({
      messages: produced,
      consumed,
      bytes,
      produceMs: Math.round(producedAt - started),
      consumeMs: Math.round(consumedAt - producedAt),
      ms: Math.round(ms),
      eventsPerSecond: Math.round(produced / (ms / 1000)),
    })}\n`,
  );
}

try {
  await main();
} catch (error) {
  // Exit rather than wait on whatever kafkajs still has open: the benchmark reports the failure.
  process.stderr.write(
    `kafka-baseline: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
}
