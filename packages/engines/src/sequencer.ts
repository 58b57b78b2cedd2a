//! The sequencer: consumes the inbox, decides each event with the domain core, appends to the log, exactly once.
import type { Consumer, IHeaders, Kafka, KafkaMessage, Message, Producer, Transaction } from 'kafkajs';
import type { Logger } from 'pino';
import {
  contentDigest,
  describeIssue,
  eventContent,
  validateLine,
  type LogRecord,
  type RegionLog,
} from '@budget/domain';
import { decodeLine } from '@budget/application';
import { DigestIndex } from './digest-index';
import { decidingLog } from './committed-records';
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
  type TopicNames,
} from './topics';

/** Inbox messages decided between two sends of log records. */
const DECIDE_PIECE = 1000;

export interface SequencerMetrics {
  decided: number;
  rejectedByReason: Map<string, number>;
  deadLettered: number;
}

export class Sequencer {
  private readonly names: TopicNames;
  private readonly logs = new Map<string, RegionLog>();
  private readonly digests = new Map<string, DigestIndex>();
  private producer: Producer | undefined;
  private consumer: Consumer | undefined;
  readonly metrics: SequencerMetrics = { decided: 0, rejectedByReason: new Map(), deadLettered: 0 };

  constructor(
    private readonly kafka: Kafka,
    private readonly settings: EngineSettings,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.names = topicNames(settings.namespace);
  }

  private regionLog(region: string): RegionLog {
    let log = this.logs.get(region);
    if (log === undefined) {
      log = decidingLog(region);
      this.logs.set(region, log);
      this.digests.set(region, new DigestIndex());
    }
    return log;
  }

  /** Rebuilds every region's state from the committed log. */
  private async restore(): Promise<void> {
    this.logs.clear();
    this.digests.clear();
    let count = 0;
    await readToEnd(this.kafka, this.names.log, (messages) => {
      for (const message of messages) {
        const record = JSON.parse(message.value?.toString('utf8') ?? 'null') as LogRecord;
        const log = this.regionLog(record.region);
        if (record.position !== log.length + 1)
          throw new Error(`log of ${record.region} jumps from ${log.length} to ${record.position}`);
        // Canonicalized once: for the digest and, without canonicalizing the event again, the resealed hash.
        const content = eventContent(record);
        const { record: replayed } = log.applyRecorded(record, content);
        if (replayed.hash !== record.hash)
          throw new Error(`log of ${record.region} does not chain at position ${record.position}`);
        // The first record of an id counts: the sequencer never appends an id twice, so there is no other.
        this.digests.get(record.region)?.add(record.id, contentDigest(content));
        count += 1;
      }
    });
    this.logger.info({ records: count, regions: this.logs.size }, 'sequencer state restored from the log');
  }

  async start(): Promise<void> {
    const groups = groupNames(this.settings.namespace);
    // A stable transactional id: a restarted sequencer fences its predecessor before the state is read back (its
    // open transaction is aborted, or finished first if it was already committing), so the restore sees every
    // committed record and nothing else, and no other sequencer commits after it.
    this.producer = transactionalProducer(this.kafka, `${groups.sequencer}-tx`, 30_000);
    await this.producer.connect();
    await fencePredecessors(this.producer);
    await this.restore();
    this.consumer = this.kafka.consumer({
      groupId: groups.sequencer,
      readUncommitted: false,
      // Large batches: one transaction (a few round trips) per batch, whatever its size.
      maxBytesPerPartition: 4 << 20,
      maxBytes: 8 << 20,
    });
    await this.consumer.connect();
    exitOnConsumerCrash(this.consumer, 'sequencer', this.settings.onFatal);
    await this.consumer.subscribe({ topic: this.names.inbox, fromBeginning: true });
    await this.consumer.run({
      // Offsets go into each transaction; auto-commit also moves them past transaction markers, which kafkajs
      // never hands to eachBatch (same values, so the two never disagree).
      autoCommit: true,
      autoCommitThreshold: 1,
      eachBatch: async ({ batch }) => {
        await this.processBatch(batch.topic, batch.partition, batch.messages, groups.sequencer);
      },
    });
  }

  private async processBatch(
    topic: string,
    partition: number,
    messages: KafkaMessage[],
    groupId: string,
  ): Promise<void> {
    const producer = this.producer;
    const last = messages[messages.length - 1];
    if (producer === undefined || last === undefined) return;
    const recordedAt = this.now().toISOString();
    const deadLetters: Message[] = [];
    let transaction: Transaction | undefined;
    try {
      transaction = await producer.transaction();
      const open = transaction;
      // Records are sent in pieces while the next piece is decided: the broker's round trips overlap the work.
      // The sends are chained, so they reach the log in order.
      let sending: Promise<void> = Promise.resolve();
      for (let from = 0; from < messages.length; from += DECIDE_PIECE) {
        const logMessages: Message[] = [];
        for (const message of messages.slice(from, from + DECIDE_PIECE))
          this.decide(message, recordedAt, logMessages, deadLetters);
        await sending;
        sending = sendBounded((chunk) => open.send({ topic: this.names.log, messages: chunk }), logMessages);
      }
      await sending;
      await sendBounded(
        (chunk) => open.send({ topic: this.names.deadLetters, messages: chunk }),
        deadLetters,
      );
      await transaction.sendOffsets({
        consumerGroupId: groupId,
        topics: [{ topic, partitions: [{ partition, offset: (BigInt(last.offset) + 1n).toString() }] }],
      });
      await transaction.commit();
    } catch (error) {
      await transaction?.abort().catch(() => undefined);
      // The in-memory state may hold this batch while the log does not: start again from the committed log.
      (this.settings.onFatal ?? exitProcess)(error, 'sequencer');
      // Only reached when the handler does not end the process (tests).
      await this.restore();
      throw error;
    }
  }

  /** Decides one inbox message: a log record, a dead letter, or nothing (an event already in the log). */
  private decide(
    message: KafkaMessage,
    recordedAt: string,
    logMessages: Message[],
    deadLetters: Message[],
  ): void {
    // A record that is not UTF-8 is marked so, and dead-lettered as bad-encoding (`decodeLine`).
    const text = message.value === null ? '' : decodeLine(message.value);
    // The event's canonical JSON, computed once: for its digest and for the record's hash.
    const validation = validateLine(text, { content: true });
    if (!validation.ok) {
      deadLetters.push(deadLetter(message, validation.issues.map(describeIssue).join('; ')));
      this.metrics.deadLettered += 1;
      return;
    }
    const event = validation.event;
    const log = this.regionLog(event.region);
    const digests = this.digests.get(event.region) ?? new DigestIndex();
    const digest = contentDigest(validation.content);
    const known = digests.matches(event.id, digest);
    if (known === true) return;
    if (known === false) {
      deadLetters.push(
        deadLetter(
          message,
          `conflicting-id: id ${event.id} is already in the log of ${event.region} with different content`,
        ),
      );
      this.metrics.deadLettered += 1;
      return;
    }
    const { record } = log.appendValidated(event, recordedAt, validation.content, validation.cut);
    digests.add(event.id, digest);
    logMessages.push({ key: record.region, value: JSON.stringify(record) });
    this.metrics.decided += 1;
    if (record.reason !== null) {
      this.metrics.rejectedByReason.set(
        record.reason,
        (this.metrics.rejectedByReason.get(record.reason) ?? 0) + 1,
      );
    }
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    await this.producer?.disconnect();
  }
}

/** The record goes to the dead-letter topic unchanged, with the reason in the header `error`. */
function deadLetter(message: KafkaMessage, error: string): Message {
  const headers: IHeaders = { ...message.headers, error };
  return { key: message.key, value: message.value, headers };
}
