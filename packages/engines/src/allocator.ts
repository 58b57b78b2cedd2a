//! The allocator: consumes the log and publishes the allocation results of each accepted event (the journal
//! entries of its apportionments and re-apportionments) on budget.allocations.v1, exactly once, many results to a
//! message.
import type { Consumer, Kafka, KafkaMessage, Message, Producer, Transaction } from 'kafkajs';
import type { Logger } from 'pino';
import { RegionLog, type LogRecord } from '@budget/domain';
import { applyCommitted, storedEntry } from './committed-records';
import { readToEnd } from './read-to-end';
import {
  exitOnConsumerCrash,
  exitProcess,
  fencePredecessors,
  groupNames,
  sendBounded,
  topicNames,
  transactionalProducer,
  type EngineSettings,
} from './topics';

/** The allocation result of one accepted log record. */
export interface AllocationResult {
  region: string;
  position: number;
  eventId: string;
  type: string;
  entries: { year: number; memo: string; lines: { account: string; debit: string; credit: string }[] }[];
}

/**
 * One message of budget.allocations.v1 (key = region): the results of the region's log records `from`..`to`
 * (inclusive; rejected records have none). A region's messages cover its log without gaps or overlaps, in order.
 * Many results to a message: per message, kafkajs costs the allocator about as much as deciding the record.
 */
export interface AllocationBatch {
  region: string;
  from: number;
  to: number;
  results: AllocationResult[];
}

/** A message closes when its results reach either bound; both keep it far below the broker's 1 MiB limit. */
const BATCH_RESULTS = 200;
const BATCH_BYTES = 256 * 1024;

/** An open message: its positions and its results, each already as JSON text. */
interface OpenBatch {
  from: number;
  to: number;
  results: string[];
  bytes: number;
}

/** Collects the results of consecutive records per region into messages. */
export class AllocationBatcher {
  private readonly open = new Map<string, OpenBatch>();
  readonly messages: Message[] = [];

  /** Adds one applied record: its result, or undefined for a rejected one (still covered by `from`..`to`). */
  add(region: string, position: number, result: AllocationResult | undefined): void {
    let current = this.open.get(region);
    if (current === undefined) {
      current = { from: position, to: position, results: [], bytes: 0 };
      this.open.set(region, current);
    }
    current.to = position;
    if (result !== undefined) {
      // Each result is written once: its text both measures the message and becomes part of it.
      const text = JSON.stringify(result);
      current.results.push(text);
      current.bytes += text.length;
    }
    if (current.results.length >= BATCH_RESULTS || current.bytes >= BATCH_BYTES) this.close(region);
  }

  /** Closes every open message; returns all messages made so far. */
  finish(): Message[] {
    for (const region of [...this.open.keys()]) this.close(region);
    return this.messages;
  }

  /** The message is JSON.stringify of an AllocationBatch, assembled from the results' texts. */
  private close(region: string): void {
    const current = this.open.get(region);
    if (current === undefined) return;
    const head = JSON.stringify({ region, from: current.from, to: current.to });
    const value = `${head.slice(0, -1)},"results":[${current.results.join(',')}]}`;
    this.messages.push({ key: region, value });
    this.open.delete(region);
  }
}

export class Allocator {
  private readonly logs = new Map<string, RegionLog>();
  private producer: Producer | undefined;
  private consumer: Consumer | undefined;
  published = 0;

  constructor(
    private readonly kafka: Kafka,
    private readonly settings: EngineSettings,
    private readonly logger: Logger,
  ) {}

  private log(region: string): RegionLog {
    let log = this.logs.get(region);
    if (log === undefined) {
      log = RegionLog.empty(region);
      this.logs.set(region, log);
    }
    return log;
  }

  /** Rebuilds the state from the log up to this service's committed offsets: exactly what it has published for. */
  private async restore(): Promise<void> {
    this.logs.clear();
    const names = topicNames(this.settings.namespace);
    const admin = this.kafka.admin();
    await admin.connect();
    const [committed] = await admin.fetchOffsets({
      groupId: groupNames(this.settings.namespace).allocator,
      topics: [names.log],
    });
    await admin.disconnect();
    const until = new Map(
      (committed?.partitions ?? []).map((p) => [p.partition, p.offset === '-1' ? '0' : p.offset]),
    );
    await readToEnd(
      this.kafka,
      names.log,
      (messages) => {
        for (const message of messages) this.apply(message);
      },
      until,
    );
  }

  /** Applies one log record; returns its result, or undefined for a rejected record, or null for one applied
   *  before (a redelivery). */
  private apply(message: KafkaMessage): { record: LogRecord; result: AllocationResult | undefined } | null {
    const record = JSON.parse(message.value?.toString('utf8') ?? 'null') as LogRecord;
    const log = this.log(record.region);
    if (record.position <= log.length) return null;
    const entries = applyCommitted(log, record);
    if (record.outcome !== 'accepted') return { record, result: undefined };
    const result: AllocationResult = {
      region: record.region,
      position: record.position,
      eventId: record.id,
      type: record.type,
      entries: entries.map((entry) => {
        const { year, memo, lines } = storedEntry(entry);
        return { year, memo, lines };
      }),
    };
    return { record, result };
  }

  async start(): Promise<void> {
    const groups = groupNames(this.settings.namespace);
    const names = topicNames(this.settings.namespace);
    this.producer = transactionalProducer(this.kafka, `${groups.allocator}-tx`, 30_000);
    await this.producer.connect();
    // Before the state is read back: see fencePredecessors.
    await fencePredecessors(this.producer);
    await this.restore();
    this.consumer = this.kafka.consumer({
      groupId: groups.allocator,
      readUncommitted: false,
      // Large batches: one transaction (a few round trips) per batch, whatever its size.
      maxBytesPerPartition: 8 << 20,
      maxBytes: 16 << 20,
    });
    await this.consumer.connect();
    exitOnConsumerCrash(this.consumer, 'allocator', this.settings.onFatal);
    await this.consumer.subscribe({ topic: names.log, fromBeginning: true });
    await this.consumer.run({
      autoCommit: true,
      autoCommitThreshold: 1,
      eachBatch: async ({ batch }) => {
        const producer = this.producer;
        const last = batch.messages[batch.messages.length - 1];
        if (producer === undefined || last === undefined) return;
        let transaction: Transaction | undefined;
        try {
          const batcher = new AllocationBatcher();
          let published = 0;
          for (const message of batch.messages) {
            const applied = this.apply(message);
            if (applied === null) continue;
            batcher.add(applied.record.region, applied.record.position, applied.result);
            if (applied.result !== undefined) published += 1;
          }
          const results = batcher.finish();
          transaction = await producer.transaction();
          const open = transaction;
          await sendBounded((chunk) => open.send({ topic: names.allocations, messages: chunk }), results);
          await transaction.sendOffsets({
            consumerGroupId: groups.allocator,
            topics: [
              {
                topic: batch.topic,
                partitions: [{ partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() }],
              },
            ],
          });
          await transaction.commit();
          this.published += published;
        } catch (error) {
          await transaction?.abort().catch(() => undefined);
          (this.settings.onFatal ?? exitProcess)(error, 'allocator');
          // Only reached when the handler does not end the process (tests).
          await this.restore();
          throw error;
        }
      },
    });
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    await this.producer?.disconnect();
  }
}
