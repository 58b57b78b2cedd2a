//! The ledger service's projector: applies log records to the domain state and writes the projections to MongoDB:
//! the log in chunk documents, the id index in buckets, reports and balances per year, progress last.
import type { AnyBulkWriteOperation } from 'mongoose';
import { Partitioners, type Consumer, type Kafka, type KafkaMessage, type Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { RegionLog, allocationReport, eventYear, touchedYears, type LogRecord } from '@budget/domain';
import {
  CHUNK_RECORDS,
  bucketId,
  bucketOf,
  chunkId,
  chunkOf,
  readChunks,
  type ChunkDoc,
  type ProjectionDoc,
  type Projections,
} from './mongo';
import {
  exitOnConsumerCrash,
  exitProcess,
  groupNames,
  sendBounded,
  topicNames,
  type EngineSettings,
} from './topics';

interface RegionProjection {
  log: RegionLog;
  /** The chunk being filled, exactly as stored. */
  chunk: ChunkDoc;
  /** bucket -> id -> position */
  buckets: Map<number, Map<string, number>>;
}

function emptyChunk(region: string, chunk: number): ChunkDoc {
  return {
    _id: chunkId(region, chunk),
    region,
    chunk,
    from: chunk * CHUNK_RECORDS + 1,
    records: [],
    years: [],
  };
}

export class Projector {
  private readonly regions = new Map<string, RegionProjection>();
  private consumer: Consumer | undefined;
  private producer: Producer | undefined;
  private producerConnected = false;
  appliedRecords = 0;

  constructor(
    private readonly kafka: Kafka,
    private readonly settings: EngineSettings,
    private readonly projections: Projections,
    private readonly logger: Logger,
  ) {}

  private region(name: string): RegionProjection {
    let projection = this.regions.get(name);
    if (projection === undefined) {
      projection = { log: RegionLog.empty(name), chunk: emptyChunk(name, 0), buckets: new Map() };
      this.regions.set(name, projection);
    }
    return projection;
  }

  /** Rebuilds each region's state from the chunks already projected, up to the recorded progress. */
  private async restore(): Promise<void> {
    this.regions.clear();
    for (const progress of await this.projections.progress.find().lean()) {
      const projection = this.region(progress._id);
      for await (const { record, year } of readChunks(this.projections, progress._id, 1, progress.position)) {
        this.apply(projection, JSON.parse(record) as LogRecord, record, year);
      }
      if (projection.log.length !== progress.position)
        throw new Error(`projection of ${progress._id} is incomplete`);
    }
    this.logger.info({ regions: this.regions.size }, 'ledger state restored from the projections');
  }

  /** Applies one record to the state, the open chunk and the id index. */
  private apply(projection: RegionProjection, record: LogRecord, text: string, year: number | null): void {
    const { record: replayed } = projection.log.applyRecorded(record);
    if (replayed.hash !== record.hash)
      throw new Error(`log of ${record.region} does not chain at position ${String(record.position)}`);
    if (chunkOf(record.position) !== projection.chunk.chunk)
      projection.chunk = emptyChunk(record.region, chunkOf(record.position));
    projection.chunk.records.push(text);
    projection.chunk.years.push(year);
    const bucket = bucketOf(record.id);
    let ids = projection.buckets.get(bucket);
    if (ids === undefined) {
      ids = new Map();
      projection.buckets.set(bucket, ids);
    }
    ids.set(record.id, record.position);
  }

  async start(): Promise<void> {
    await this.restore();
    this.consumer = this.kafka.consumer({
      groupId: groupNames(this.settings.namespace).ledger,
      readUncommitted: false,
      maxBytesPerPartition: 1 << 20,
    });
    await this.consumer.connect();
    exitOnConsumerCrash(this.consumer, 'ledger', this.settings.onFatal);
    await this.consumer.subscribe({ topic: topicNames(this.settings.namespace).log, fromBeginning: true });
    // Offsets are committed after the projections are written; a redelivered record is skipped by its position.
    await this.consumer.run({
      autoCommit: true,
      autoCommitThreshold: 1,
      eachBatch: async (payload) => {
        const { batch } = payload;
        try {
          await this.project(batch.messages);
        } catch (error) {
          (this.settings.onFatal ?? exitProcess)(error, 'ledger');
          // Only reached when the handler does not end the process (tests): start again from the projections.
          await this.restore();
          throw error;
        }
        await payload.heartbeat();
      },
    });
  }

  async project(messages: KafkaMessage[]): Promise<void> {
    const chunks = new Map<string, ChunkDoc>();
    const buckets = new Map<string, Set<number>>();
    const years = new Map<string, Set<number>>();
    for (const message of messages) {
      const text = message.value?.toString('utf8') ?? 'null';
      const record = JSON.parse(text) as LogRecord;
      const projection = this.region(record.region);
      const log = projection.log;
      if (record.position <= log.length) continue;
      if (record.position !== log.length + 1)
        throw new Error(
          `log of ${record.region} jumps from ${String(log.length)} to ${String(record.position)}`,
        );
      const year = eventYear(log.state, record);
      const before = record.outcome === 'accepted' ? touchedYears(log.state, record, year) : [];
      this.apply(projection, record, text, year);
      chunks.set(projection.chunk._id, projection.chunk);
      add(buckets, record.region, bucketOf(record.id));
      for (const y of [
        ...before,
        ...(record.outcome === 'accepted' ? touchedYears(log.state, record, year) : []),
      ])
        add(years, record.region, y);
      this.appliedRecords += 1;
    }
    await this.write(chunks, buckets, years);
  }

  /** Chunks and buckets are rewritten whole (the same content for the same positions, so idempotent); reports and
   *  balances only over older ones; progress last, so a reader that sees it sees everything before it. */
  private async write(
    chunks: Map<string, ChunkDoc>,
    buckets: Map<string, Set<number>>,
    years: Map<string, Set<number>>,
  ): Promise<void> {
    for (const chunk of chunks.values()) {
      await this.projections.chunks.replaceOne(
        { _id: chunk._id },
        { ...chunk, records: [...chunk.records], years: [...chunk.years] },
        { upsert: true },
      );
    }
    for (const [region, dirty] of buckets) {
      const projection = this.region(region);
      for (const bucket of dirty) {
        const entries = projection.buckets.get(bucket) ?? new Map<string, number>();
        const doc = {
          _id: bucketId(region, bucket),
          ids: [...entries.keys()],
          positions: [...entries.values()],
        };
        await this.projections.buckets.replaceOne({ _id: doc._id }, doc, { upsert: true });
      }
    }
    for (const [region, projection] of this.regions) {
      const log = projection.log;
      const progress = await this.projections.progress.findById(region).lean();
      if (progress !== null && progress.position >= log.length) continue;
      log.ledger.assertBalanced();
      const bodies = [...(years.get(region) ?? [])].map((year) => ({
        year,
        body: JSON.stringify(allocationReport(log.state, year, log.length)),
      }));
      const reports = bodies.map(({ year, body }) => guardedUpsert(region, year, log.length, body));
      const balances = [...log.ledger.balances].map(([year, accounts]) =>
        guardedUpsert(
          region,
          year,
          log.length,
          JSON.stringify([...accounts].map(([account, cents]) => [account, cents.toString()])),
        ),
      );
      if (reports.length > 0)
        await this.projections.reports.bulkWrite(reports, { ordered: false }).catch(ignoreStale);
      if (balances.length > 0)
        await this.projections.balances.bulkWrite(balances, { ordered: false }).catch(ignoreStale);
      await this.projections.progress
        .updateOne(
          { _id: region, position: { $lt: log.length } },
          { $set: { position: log.length, hash: log.lastHash } },
          { upsert: true },
        )
        .catch(ignoreStale);
      await this.publishUpdates(region, bodies);
    }
  }

  /**
   * Projection updates for reporting, on the compacted budget.projections.v1 (key region/year, the latest report
   * kept). At least once, after MongoDB has it: a consumer keeps the message with the highest asOfPosition.
   */
  private async publishUpdates(region: string, bodies: { year: number; body: string }[]): Promise<void> {
    if (bodies.length === 0) return;
    this.producer ??= this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    if (!this.producerConnected) {
      await this.producer.connect();
      this.producerConnected = true;
    }
    const topic = topicNames(this.settings.namespace).projections;
    await sendBounded(
      (messages) => this.producer?.send({ topic, messages }) ?? Promise.resolve(),
      bodies.map(({ year, body }) => ({ key: `${region}/${String(year)}`, value: body })),
    );
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    if (this.producerConnected) await this.producer?.disconnect();
  }
}

function add<K>(map: Map<K, Set<number>>, key: K, value: number): void {
  let set = map.get(key);
  if (set === undefined) {
    set = new Set();
    map.set(key, set);
  }
  set.add(value);
}

/** Writes a projection unless one at a later position is there already (then the insert hits a duplicate key). */
function guardedUpsert(
  region: string,
  year: number,
  position: number,
  body: string,
): AnyBulkWriteOperation<ProjectionDoc> {
  return {
    updateOne: {
      filter: { _id: `${region}/${String(year)}`, position: { $lt: position } },
      update: { $set: { region, year, position, body } },
      upsert: true,
    },
  };
}

function ignoreStale(error: unknown): void {
  const writeErrors = (error as { writeErrors?: { code?: number; err?: { code?: number } }[] }).writeErrors;
  const code = (error as { code?: number }).code;
  const allDuplicates = Array.isArray(writeErrors)
    ? writeErrors.every((e) => (e.code ?? e.err?.code) === 11000)
    : code === 11000;
  if (!allDuplicates) throw error;
}
