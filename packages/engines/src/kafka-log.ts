//! The engines' event log (the EventLog port): every region's records on `budget.log.v1`, key = region, so one
//! region's records stay in order in one partition. The sequencer writes the same messages to the same topic, inside
//! the transaction that also commits its inbox offsets (which this port's `append` has no place for).
import type { Admin, Kafka, KafkaMessage, Message, Producer, RecordMetadata } from 'kafkajs';
import type { LogRecord } from '@budget/domain';
import {
  EMPTY_TAIL,
  checkAppend,
  type AppendCounts,
  type DecidedRecord,
  type EventLog,
} from '@budget/application';
import { readToEnd } from './read-to-end';
import {
  endOffsets,
  fencePredecessors,
  sendBounded,
  topicNames,
  transactionalProducer,
  type EngineSettings,
} from './topics';

/** One log record as a Kafka message: key = region, value = the record's JSON (CONTRACT section 7). */
export function logMessage(record: LogRecord): Message {
  return { key: record.region, value: JSON.stringify(record) };
}

export function parseLogMessage(message: KafkaMessage): LogRecord {
  return JSON.parse(message.value?.toString('utf8') ?? 'null') as LogRecord;
}

/**
 * A writer of the log, as the sequencer is one: at open it fences any predecessor with the same writer id (aborting
 * its open transaction) and reads the committed log to learn each region's hashes; each append is one transaction.
 * One writer per log: what it knows of the log's end is what it read at open plus what it appended since.
 * Reads consume the topic (read_committed) from the beginning: Kafka has no index by position, which is why the
 * services answer history from the MongoDB log chunks. They read at least up to what this writer has appended: a
 * commit returns before the broker has written its markers, and until then the topic's end (the last stable
 * offset) does not include the records yet.
 */
export class KafkaEventLog implements EventLog {
  /** region -> the hash of each record, position p at index p - 1. */
  private readonly hashes = new Map<string, string[]>();
  /** partition -> the offset after the last record this writer has committed there. */
  private readonly written = new Map<number, bigint>();

  private constructor(
    private readonly kafka: Kafka,
    private readonly admin: Admin,
    private readonly topic: string,
    private readonly producer: Producer,
  ) {}

  static async open(kafka: Kafka, settings: EngineSettings, writerId = 'log-writer'): Promise<KafkaEventLog> {
    const producer = transactionalProducer(kafka, `${settings.namespace}budget-${writerId}-tx`, 60_000);
    const admin = kafka.admin();
    await admin.connect();
    await producer.connect();
    const log = new KafkaEventLog(kafka, admin, topicNames(settings.namespace).log, producer);
    try {
      await fencePredecessors(producer);
      await log.restore();
    } catch (error) {
      await log.close();
      throw error;
    }
    return log;
  }

  /** Where a read must get to: the topic's end, or further where this writer's last commit is not stable yet. */
  private async readTargets(): Promise<Map<number, string>> {
    const targets = await endOffsets(this.admin, this.topic);
    for (const [partition, next] of this.written) {
      if (BigInt(targets.get(partition) ?? '0') < next) targets.set(partition, next.toString());
    }
    return targets;
  }

  /** Reads every committed record back and checks that each region's positions count up from 1. */
  private restore(): Promise<void> {
    return retrying(() => this.restoreOnce());
  }

  private async restoreOnce(): Promise<void> {
    this.hashes.clear();
    const targets = await this.readTargets();
    await readToEnd(
      this.kafka,
      this.topic,
      (messages) => {
        for (const message of messages) {
          const record = parseLogMessage(message);
          const hashes = this.regionHashes(record.region);
          if (record.position !== hashes.length + 1)
            throw new Error(
              `log of ${record.region} jumps from ${String(hashes.length)} to ${String(record.position)}`,
            );
          hashes.push(record.hash);
        }
      },
      targets,
    );
  }

  private regionHashes(region: string): string[] {
    let hashes = this.hashes.get(region);
    if (hashes === undefined) {
      hashes = [];
      this.hashes.set(region, hashes);
    }
    return hashes;
  }

  async append(records: readonly DecidedRecord[]): Promise<AppendCounts> {
    const { fresh, alreadyPresent } = checkAppend(records, {
      tail: (region) => {
        const hashes = this.hashes.get(region) ?? [];
        const last = hashes[hashes.length - 1];
        return last === undefined ? EMPTY_TAIL : { length: hashes.length, hash: last };
      },
      hashAt: (region, position) => this.hashes.get(region)?.[position - 1] ?? '',
    });
    if (fresh.length > 0) {
      // Region by region: the messages of one send then share a partition, so its offsets are base + count.
      const byRegion = new Map<string, Message[]>();
      for (const { record } of fresh) {
        const messages = byRegion.get(record.region);
        if (messages === undefined) byRegion.set(record.region, [logMessage(record)]);
        else messages.push(logMessage(record));
      }
      const written = new Map<number, bigint>();
      const transaction = await this.producer.transaction();
      try {
        for (const messages of byRegion.values()) {
          await sendBounded(async (chunk) => {
            const metadata: RecordMetadata[] = await transaction.send({ topic: this.topic, messages: chunk });
            for (const { partition, baseOffset } of metadata)
              written.set(partition, BigInt(baseOffset ?? '0') + BigInt(chunk.length));
          }, messages);
        }
        await transaction.commit();
      } catch (error) {
        await transaction.abort().catch(() => undefined);
        // Whether the commit took effect is unknown: learn the log's end again from what is committed.
        await this.restore();
        throw error;
      }
      for (const { record } of fresh) this.regionHashes(record.region).push(record.hash);
      for (const [partition, next] of written) this.written.set(partition, next);
    }
    return { appended: fresh.length, alreadyPresent };
  }

  async *read(region: string, fromPosition = 1): AsyncGenerator<LogRecord> {
    const records = await retrying(async () => {
      const found: LogRecord[] = [];
      const targets = await this.readTargets();
      await readToEnd(
        this.kafka,
        this.topic,
        (messages) => {
          for (const message of messages) {
            if (message.key?.toString('utf8') !== region) continue;
            const record = parseLogMessage(message);
            if (record.position >= fromPosition) found.push(record);
          }
        },
        targets,
      );
      return found;
    });
    yield* records;
  }

  length(region: string): Promise<number> {
    return Promise.resolve(this.hashes.get(region)?.length ?? 0);
  }

  regions(): Promise<string[]> {
    return Promise.resolve(
      [...this.hashes]
        .filter(([, hashes]) => hashes.length > 0)
        .map(([region]) => region)
        .sort(),
    );
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
    await this.admin.disconnect();
  }
}

/**
 * Runs a whole read again after an error the broker calls retriable (a partition whose leader is moving or not yet
 * known, as right after a topic is created or the broker restarted); kafkajs does not retry those for ListOffsets.
 */
async function retrying<T>(read: () => Promise<T>, attempts = 10): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await read();
    } catch (error) {
      if (attempt >= attempts || (error as { retriable?: unknown }).retriable !== true) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
}
