// `tsx bench/kafka-topology.ts FILE --brokers B --namespace N`: the pipeline's Kafka topology with nothing else in it,
// the ceiling of what the services can reach with kafkajs on this machine.
//
// The same lines go through the same hops as in the pipeline, each hop a process of its own with the services'
// Kafka settings, but without validation, decisions, JSON, hashing or MongoDB:
// - this process produces the lines to an inbox topic (key = region, acks -1, idempotent, batches of 1,000);
// - a relay (the sequencer's place) consumes the inbox read_committed and, per fetched batch, in one transaction,
//   produces each line with 230 characters more (a log record's added fields) to a log topic and commits its
//   offsets;
// - a batcher (the allocator's place) consumes the log and, per batch, in one transaction, produces messages of 200
//   results of 250 characters each to an allocations topic and commits its offsets;
// - a sink (the ledger's place) consumes the log and the allocations and counts them.
// It ends when the sink has every log record and every allocation message. One JSON line on stdout.
import { spawn, type ChildProcess } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel, type Message, type Transaction } from 'kafkajs';
import { intFlag, parseArgs, stringFlag } from './args';
import { splitLines } from '@budget/application';
import { createTopicsAndWait, fencePredecessors, sendBounded, transactionalProducer } from '@budget/engines';
import { LINES_PER_SEND, lineMessage, linesProducer, regionOf } from './kafka-lines';
import { cpuProfileArgs } from './proc-cpu';

const PARTITIONS = 3;
/** A log record is its event's line and about this many characters more (position, hashes, outcome, time). */
const RECORD_EXTRA = 'x'.repeat(230);
/** The allocator's results per message, and a result's size. */
const RESULTS_PER_MESSAGE = 200;
const RESULT_CHARS = 250;
const DEADLINE_MS = 300_000;

type Role = 'relay' | 'batcher' | 'sink';

function topics(namespace: string) {
  return { inbox: `${namespace}inbox`, log: `${namespace}log`, allocations: `${namespace}allocations` };
}

function client(brokers: string[], role: string): Kafka {
  return new Kafka({ clientId: `bench-topology-${role}`, brokers, logLevel: logLevel.WARN });
}

/** Consume `from`, and per batch produce `map(batch)` to `to` and the batch's offsets in one transaction. */
async function transform(
  kafka: Kafka,
  group: string,
  from: string,
  to: string,
  map: (values: string[]) => Message[],
  ready: () => void,
): Promise<void> {
  const producer = transactionalProducer(kafka, `${group}-tx`, 30_000);
  await producer.connect();
  await fencePredecessors(producer);
  const consumer = kafka.consumer({
    groupId: group,
    readUncommitted: false,
    maxBytesPerPartition: 4 << 20,
    maxBytes: 8 << 20,
  });
  await consumer.connect();
  consumer.on(consumer.events.GROUP_JOIN, ready);
  await consumer.subscribe({ topic: from, fromBeginning: true });
  await consumer.run({
    autoCommit: true,
    autoCommitThreshold: 1,
    eachBatch: async ({ batch }) => {
      const last = batch.messages[batch.messages.length - 1];
      if (last === undefined) return;
      const messages = map(batch.messages.map((m) => m.value?.toString('utf8') ?? ''));
      let transaction: Transaction | undefined;
      try {
        transaction = await producer.transaction();
        const open = transaction;
        await sendBounded((chunk) => open.send({ topic: to, messages: chunk }), messages);
        await transaction.sendOffsets({
          consumerGroupId: group,
          topics: [
            {
              topic: batch.topic,
              partitions: [{ partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() }],
            },
          ],
        });
        await transaction.commit();
      } catch (error) {
        await transaction?.abort().catch(() => undefined);
        throw error;
      }
    },
  });
}

async function runRole(role: Role, brokers: string[], namespace: string, events: number): Promise<void> {
  const kafka = client(brokers, role);
  const names = topics(namespace);
  const ready = (): void => {
    process.stdout.write('ready\n');
  };
  if (role === 'relay') {
    await transform(
      kafka,
      `${namespace}relay`,
      names.inbox,
      names.log,
      (values) => values.map((value) => ({ key: regionOf(value), value: `${value}${RECORD_EXTRA}` })),
      ready,
    );
    return;
  }
  if (role === 'batcher') {
    await transform(
      kafka,
      `${namespace}batcher`,
      names.log,
      names.allocations,
      (values) => {
        const messages: Message[] = [];
        for (let i = 0; i < values.length; i += RESULTS_PER_MESSAGE) {
          const results = values.slice(i, i + RESULTS_PER_MESSAGE).map((v) => v.slice(0, RESULT_CHARS));
          messages.push({
            key: regionOf(values[i] ?? ''),
            value: `${String(results.length)}|${results.join(',')}`,
          });
        }
        return messages;
      },
      ready,
    );
    return;
  }
  // The sink: every log record and every allocation message, counted.
  const consumer = kafka.consumer({
    groupId: `${namespace}sink`,
    readUncommitted: false,
    maxBytesPerPartition: 8 << 20,
    maxBytes: 16 << 20,
  });
  await consumer.connect();
  consumer.on(consumer.events.GROUP_JOIN, ready);
  await consumer.subscribe({ topics: [names.log, names.allocations], fromBeginning: true });
  let records = 0;
  let results = 0;
  let done = false;
  await consumer.run({
    eachBatch: async ({ batch }) => {
      for (const message of batch.messages) {
        if (batch.topic === names.log) records += 1;
        else results += Number.parseInt(message.value?.toString('utf8') ?? '0', 10);
      }
      if (!done && records >= events && results >= events) {
        done = true;
        process.stdout.write('done\n');
      }
      await Promise.resolve();
    },
  });
}

/** Resolves when a role's output has a line equal to `line`; rejects if the role exits first. */
function lineOf(child: ChildProcess, line: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const stdout = child.stdout;
    if (stdout === null) {
      reject(new Error('no stdout'));
      return;
    }
    const lines = createInterface({ input: stdout });
    lines.on('line', (text) => {
      if (text === line) resolve();
    });
    child.once('exit', (code) => {
      reject(new Error(`a role exited with ${String(code)} before saying ${line}`));
    });
  });
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const brokers = (stringFlag(args, 'brokers') ?? '').split(',').filter((b) => b !== '');
  const namespace = stringFlag(args, 'namespace') ?? '';
  const role = stringFlag(args, 'role');
  const events = intFlag(args, 'events', 0, 0);
  if (role === 'relay' || role === 'batcher' || role === 'sink') {
    // Ended by the main process: exit, so that a CPU profile (BENCH_CPU_PROF) is written.
    process.once('SIGTERM', () => process.exit(0));
    await runRole(role, brokers, namespace, events);
    return;
  }
  const file = args.positional[0];
  if (file === undefined || brokers.length === 0 || namespace === '')
    throw new Error('usage: kafka-topology.ts FILE --brokers B --namespace N');
  const names = topics(namespace);
  const kafka = client(brokers, 'main');
  const admin = kafka.admin();
  await admin.connect();
  await createTopicsAndWait(
    admin,
    Object.values(names).map((topic) => ({ topic, numPartitions: PARTITIONS })),
  );
  await admin.disconnect();
  const lines: string[] = [];
  for await (const line of splitLines(createReadStream(file, { highWaterMark: 1 << 20 })))
    if (line.trim() !== '') lines.push(line);

  const self = fileURLToPath(import.meta.url);
  const children = (['relay', 'batcher', 'sink'] as const).map((name) =>
    spawn(
      process.execPath,
      [
        ...cpuProfileArgs(process.env),
        '--import',
        'tsx',
        self,
        '--role',
        name,
        '--brokers',
        brokers.join(','),
        '--namespace',
        namespace,
        '--events',
        String(lines.length),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    ),
  );
  try {
    const done = lineOf(children[2] as ChildProcess, 'done');
    // Awaited below; until then a failure elsewhere (a role that never gets ready, a failed send) must not surface
    // as this promise's unhandled rejection when the finally block ends the sink, hiding the real error.
    done.catch(() => undefined);
    await Promise.all(children.map((child) => lineOf(child, 'ready')));
    // The inbox is produced to as the baseline produces its topic.
    const producer = linesProducer(kafka);
    await producer.connect();
    const started = performance.now();
    for (let i = 0; i < lines.length; i += LINES_PER_SEND) {
      const messages = lines.slice(i, i + LINES_PER_SEND).map(lineMessage);
      await producer.send({ topic: names.inbox, acks: -1, messages });
    }
    const producedAt = performance.now();
    await Promise.race([
      done,
      new Promise((_, reject) =>
        setTimeout(() => {
          reject(new Error(`the sink did not see every message in ${String(DEADLINE_MS)} ms`));
        }, DEADLINE_MS).unref(),
      ),
    ]);
    const ms = performance.now() - started;
    await producer.disconnect();
    process.stdout.write(
      `${JSON.stringify({
        messages: lines.length,
        produceMs: Math.round(producedAt - started),
        ms: Math.round(ms),
        eventsPerSecond: Math.round(lines.length / (ms / 1000)),
      })}\n`,
    );
  } finally {
    // Waited for, so that their CPU time is counted with this process's (GNU time counts reaped children).
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) {
              resolve();
              return;
            }
            child.once('exit', () => {
              resolve();
            });
            child.kill('SIGTERM');
          }),
      ),
    );
  }
}

try {
  await main();
} catch (error) {
  process.stderr.write(
    `kafka-topology: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
}
