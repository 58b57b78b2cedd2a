//! The Kafka topics of CONTRACT section 7 and of the services, with how each is created.
import kafkajs from 'kafkajs';
import {
  Kafka,
  Partitioners,
  logLevel,
  type Admin,
  type Consumer,
  type ICustomPartitioner,
  type ITopicConfig,
  type Message,
  type Producer,
} from 'kafkajs';
import { describeError, isRetriable, retrying, withTimeout } from './retry';

// Not a named export Node's ES module loader can see in kafkajs's CommonJS index (it stops at the first computed
// value there), so taken from the default export.
const { ConfigResourceTypes } = kafkajs;

/** What a worker does when a batch fails: by default the process ends and restarts from committed state. */
export type FatalHandler = (error: unknown, worker: string) => void;

export interface EngineSettings {
  brokers: string[];
  mongoUrl: string;
  /** Prepended to every topic and consumer group name; empty in production (the contract's names). */
  namespace: string;
  clientId: string;
  onFatal?: FatalHandler;
}

/**
 * A failed batch ends the process. kafkajs may still commit offsets of later, marker-only batches after a failure,
 * which would skip what failed; a restart resumes from what was really committed and projected instead.
 */
export const exitProcess: FatalHandler = (error, worker) => {
  process.stderr.write(
    `${JSON.stringify({ level: 60, worker, msg: 'batch failed; exiting to restart from committed state', err: String(error) })}\n`,
  );
  process.exit(1);
};

export function topicNames(namespace: string) {
  return {
    inbox: `${namespace}budget.inbox.v1`,
    deadLetters: `${namespace}budget.inbox.v1.dlq`,
    log: `${namespace}budget.log.v1`,
    allocations: `${namespace}budget.allocations.v1`,
    projections: `${namespace}budget.projections.v1`,
  };
}
export type TopicNames = ReturnType<typeof topicNames>;

export function groupNames(namespace: string) {
  return {
    sequencer: `${namespace}budget-sequencer`,
    ledger: `${namespace}budget-ledger`,
    allocator: `${namespace}budget-allocator`,
  };
}

/** Partitions per topic: the key is the region, so one region's events keep their order in one partition. */
const PARTITIONS = 3;

export function topicConfigs(names: TopicNames): ITopicConfig[] {
  const keepForever = [
    { name: 'retention.ms', value: '-1' },
    { name: 'retention.bytes', value: '-1' },
  ];
  return [
    {
      topic: names.inbox,
      numPartitions: PARTITIONS,
      configEntries: [{ name: 'retention.ms', value: String(7 * 24 * 3600 * 1000) }],
    },
    {
      topic: names.deadLetters,
      numPartitions: 1,
      configEntries: [{ name: 'retention.ms', value: String(30 * 24 * 3600 * 1000) }],
    },
    // The log is the system of record: never deleted, never compacted.
    { topic: names.log, numPartitions: PARTITIONS, configEntries: keepForever },
    { topic: names.allocations, numPartitions: PARTITIONS, configEntries: keepForever },
    {
      topic: names.projections,
      numPartitions: PARTITIONS,
      configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
    },
  ];
}

export function kafkaClient(settings: EngineSettings): Kafka {
  return new Kafka({
    clientId: settings.clientId,
    brokers: settings.brokers,
    logLevel: logLevel.WARN,
    retry: { retries: 8, initialRetryTime: 200 },
  });
}

/** Creates the topics that are missing (existing ones are left as they are), as `createTopicsAndWait` does. */
export async function ensureTopics(admin: Admin, names: TopicNames): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = topicConfigs(names).filter((t) => !existing.has(t.topic));
  if (missing.length > 0) await createTopicsAndWait(admin, missing);
}

/**
 * Creates topics and returns once every one answers offset requests, so that whoever reads it next does not meet a
 * partition whose leader is still being elected.
 *
 * kafkajs's `waitForLeaders` retries its metadata request only on LEADER_NOT_AVAILABLE, while a KRaft broker may
 * first answer UNKNOWN_TOPIC_OR_PARTITION for a topic it has just created (seen once in CI): kafkajs then throws
 * although the topics were created. On such a transient error the topics are asked for again without that wait
 * (kafkajs takes "already exists" for done), and `topicOffsets` rides out the rest like any leadership error.
 */
export async function createTopicsAndWait(admin: Admin, topics: ITopicConfig[]): Promise<void> {
  try {
    await admin.createTopics({ topics, waitForLeaders: true });
  } catch (error) {
    if (!isRetriable(error)) throw error;
    await admin.createTopics({ topics, waitForLeaders: false });
  }
  for (const { topic } of topics) await topicOffsets(admin, topic);
}

export interface OffsetsOptions {
  /** How long to ride out a partition without a known leader before giving up (default 60 s). */
  deadlineMs?: number;
  /** The bound of one request (default 30 s); a request that takes longer is tried again. */
  attemptMs?: number;
  /** What is thrown on giving up, made from the last error. */
  onGiveUp?: (lastError: unknown) => Error;
  /**
   * Called with each error that is tried again and the time left, before the metadata is refreshed; may throw to
   * stop trying.
   */
  onRetry?: (error: unknown, leftMs: number) => Promise<void>;
}

/**
 * The low and high offsets of every partition of a topic. kafkajs's fetchTopicOffsets gives up at once when a
 * partition's leader is moving or not known yet (NOT_LEADER_FOR_PARTITION, LEADER_NOT_AVAILABLE: right after the
 * topic was created or a broker restarted), although the broker calls those errors retriable, and it would ask the
 * same broker again: it refreshes its cached metadata only for an unknown topic (or after 5 minutes). So before each
 * new try the cache is refreshed, through describeConfigs, the one admin call about a topic that refreshes it
 * unconditionally (fetchTopicMetadata only returns fresh metadata, it does not store it).
 */
export function topicOffsets(
  admin: Admin,
  topic: string,
  options: OffsetsOptions = {},
): Promise<Array<{ partition: number; low: string; high: string }>> {
  const deadlineMs = options.deadlineMs ?? 60_000;
  const attemptMs = options.attemptMs ?? 30_000;
  const what = `reading the offsets of ${topic}`;
  const refreshMetadata = (leftMs: number): Promise<void> =>
    withTimeout(`${what}: refreshing metadata`, Math.max(1, Math.min(attemptMs, leftMs)), () =>
      admin.describeConfigs({
        resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }],
        includeSynonyms: false,
      }),
    ).then(
      () => undefined,
      () => undefined,
    );
  return retrying({
    what,
    deadline: Date.now() + deadlineMs,
    attemptMs,
    call: () => admin.fetchTopicOffsets(topic),
    onRetry: async (error, leftMs) => {
      const started = Date.now();
      await options.onRetry?.(error, leftMs);
      await refreshMetadata(leftMs - (Date.now() - started));
    },
    onGiveUp:
      options.onGiveUp ??
      ((error) =>
        new Error(`${what} failed for ${String(deadlineMs / 1000)} s: ${describeError(error)}`, {
          cause: error,
        })),
  });
}

/** ListOffsets' isolation level that counts every record written, committed or not (Kafka's READ_UNCOMMITTED). */
const READ_UNCOMMITTED = 0;

/**
 * An admin client whose end offsets are the partitions' high watermarks: every record written, including those of
 * transactions that are open or whose commit markers are not written yet. kafkajs's own admin asks for the last
 * stable offset (read_committed), which stops before the first record of any such transaction, and it has no option
 * for the other. A barrier that must cover everything in a topic at a moment (CONTRACT section 6: every event that
 * was in Kafka when the call started) needs the high watermark: a commit returns before its markers are written, so
 * the last stable offset can lag behind records that are already committed.
 *
 * kafkajs 2.2.4 (pinned) makes each client's connection pool through one private factory on the Kafka object; this
 * admin is made by the public `admin()` with that factory asked for the other isolation level. If a kafkajs upgrade
 * renames the factory, this throws at once rather than reading the wrong offsets.
 */
export function readUncommittedAdmin(kafka: Kafka): Admin {
  const factory = Object.getOwnPropertySymbols(kafka).find(
    (symbol) => symbol.description === 'private:Kafka:createCluster',
  );
  const create: unknown =
    factory === undefined ? undefined : (kafka as unknown as Record<symbol, unknown>)[factory];
  if (factory === undefined || typeof create !== 'function')
    throw new Error('this kafkajs has no cluster factory where 2.2.4 has it: check readUncommittedAdmin');
  const view: unknown = Object.create(kafka, {
    [factory]: {
      value: (options: Record<string, unknown>): unknown =>
        (create as (options: Record<string, unknown>) => unknown)({
          ...options,
          isolationLevel: READ_UNCOMMITTED,
        }),
    },
  });
  return kafka.admin.call(view as Kafka);
}

/** End offsets of a topic per partition, as strings (Kafka offsets exceed 2^53 in principle). */
export async function endOffsets(
  admin: Admin,
  topic: string,
  options: OffsetsOptions = {},
): Promise<Map<number, string>> {
  const offsets = await topicOffsets(admin, topic, options);
  return new Map(offsets.map((o) => [o.partition, o.high]));
}

/** Whether a consumer group has committed at least `targets` on a topic (all partitions). */
export async function groupHasReached(
  admin: Admin,
  groupId: string,
  topic: string,
  targets: Map<number, string>,
): Promise<boolean> {
  const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
  const byPartition = new Map((committed?.partitions ?? []).map((p) => [p.partition, p.offset]));
  for (const [partition, target] of targets) {
    if (target === '0') continue;
    const offset = byPartition.get(partition) ?? '-1';
    if (BigInt(offset) < BigInt(target)) return false;
  }
  return true;
}

/** A partitioner's answers kept per topic, for that topic's number of partitions. */
interface TopicPartitions {
  partitions: number;
  byKey: Map<string, number>;
}

/** Keys remembered per topic; past this the topic's answers are forgotten and remembered again as they come. */
const REMEMBERED_KEYS = 4096;

/**
 * A partitioner, by default kafkajs's default one (the Java client's: murmur2 of the key, modulo the topic's number of
 * partitions), with its answer remembered per string key, up to `rememberedKeys` keys a topic. Every message of a
 * region goes to the partition the default partitioner picks for it, as before; kafkajs's partitioner filters the
 * topic's partition list and hashes the key again for each message, which cost the sequencer about 0.17 CPU-seconds
 * per 100,000 events (session 18's profile). A message with a partition of its own, and any key that is not a
 * string, go to the fallback as they are.
 */
export function rememberingPartitioner(
  createFallback: ICustomPartitioner = Partitioners.DefaultPartitioner,
  rememberedKeys = REMEMBERED_KEYS,
): ICustomPartitioner {
  return () => {
    const fallback = createFallback();
    const topics = new Map<string, TopicPartitions>();
    return (args) => {
      const { topic, partitionMetadata, message } = args;
      const key = message.key;
      // kafkajs honours any partition that is neither null nor undefined, whatever its type.
      const own: unknown = message.partition;
      if ((own !== undefined && own !== null) || typeof key !== 'string') return fallback(args);
      let known = topics.get(topic);
      if (known?.partitions !== partitionMetadata.length) {
        known = { partitions: partitionMetadata.length, byKey: new Map() };
        topics.set(topic, known);
      }
      let partition = known.byKey.get(key);
      if (partition === undefined) {
        partition = fallback(args);
        // A key more than the bound: what the topic had is forgotten, and remembered again as it comes.
        if (known.byKey.size >= rememberedKeys) known.byKey.clear();
        known.byKey.set(key, partition);
      }
      return partition;
    };
  };
}

/** The partitioner of our producers: `rememberingPartitioner` over kafkajs's default partitioner. */
export const RegionPartitioner: ICustomPartitioner = rememberingPartitioner();

/**
 * A transactional, idempotent producer as exactly-once needs it: one request in flight, retries without limit
 * (kafkajs warns that a limit may break the guarantees; non-retriable errors still fail at once).
 */
export function transactionalProducer(
  kafka: Kafka,
  transactionalId: string,
  transactionTimeoutMs: number,
): Producer {
  return kafka.producer({
    transactionalId,
    idempotent: true,
    maxInFlightRequests: 1,
    transactionTimeout: transactionTimeoutMs,
    createPartitioner: RegionPartitioner,
    retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 100, maxRetryTime: 5_000 },
  });
}

/**
 * Makes a transactional producer the one writer of its transactional id, now rather than at its first transaction.
 * InitProducerId bumps the id's epoch, which fences a predecessor still running (its next send or commit fails),
 * and the coordinator first ends the predecessor's open transaction: it aborts one still ongoing and finishes one
 * already committing (kafkajs retries while it answers CONCURRENT_TRANSACTIONS), so a commit that was under way is
 * either in the log or gone. kafkajs sends it only at
 * the first `transaction()`, not at `connect()`: call this between `connect()` and reading back any state, or the
 * read may miss a commit still being completed, or race a live predecessor. The empty transaction then ends without
 * a request.
 */
export async function fencePredecessors(producer: Producer): Promise<void> {
  const transaction = await producer.transaction();
  await transaction.abort();
}

/** Stay well below the broker's default max.message.bytes (1 MiB) per produce request. */
const MAX_SEND_BYTES = 512 * 1024;

/** Splits messages into sends of bounded size, in order, within whatever transaction `send` belongs to. */
export async function sendBounded(
  send: (messages: Message[]) => Promise<unknown>,
  messages: Message[],
  maxBytes = MAX_SEND_BYTES,
): Promise<void> {
  let chunk: Message[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size =
      (message.value?.length ?? 0) + (typeof message.key === 'string' ? message.key.length : 0) + 64;
    if (chunk.length > 0 && bytes + size > maxBytes) {
      await send(chunk);
      chunk = [];
      bytes = 0;
    }
    chunk.push(message);
    bytes += size;
  }
  if (chunk.length > 0) await send(chunk);
}

/**
 * kafkajs stops a consumer for good after a non-retriable error. A worker that silently stops consuming would
 * stall everything behind it, so the process ends and is started again by whatever supervises it.
 */
export function exitOnConsumerCrash(
  consumer: Consumer,
  name: string,
  onFatal: FatalHandler = exitProcess,
): void {
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (!payload.restart) onFatal(payload.error, name);
  });
}
