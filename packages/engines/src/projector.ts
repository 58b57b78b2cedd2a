//! The ledger service's projector: applies log records to the domain state and writes the projections to MongoDB:
//! the log in chunk documents, the journal in chunk documents, the id index in versioned buckets, reports and
//! balances per year, progress last. Each batch of the log is written with a handful of bulk writes.
import type { AnyBulkWriteOperation } from 'mongoose';
import type { Consumer, Kafka, KafkaMessage, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { RegionLog, allocationReport, eventYear, touchedYears, type LogRecord } from '@budget/domain';
import { applyCommitted, storedEntry } from './committed-records';
import {
  CHUNK_RECORDS,
  ID_BUCKETS,
  bucketDoc,
  bucketId,
  bucketOf,
  chunkId,
  chunkOf,
  journalId,
  packText,
  readChunks,
  type BucketDoc,
  type ChunkDoc,
  type IdPlace,
  type JournalDoc,
  type ProjectionDoc,
  type Projections,
} from './mongo';
import {
  exitOnConsumerCrash,
  exitProcess,
  groupNames,
  RegionPartitioner,
  sendBounded,
  topicNames,
  type EngineSettings,
} from './topics';

/** The chunk of positions being filled: its log records and journal entries, as their JSON texts. */
interface OpenChunk {
  region: string;
  chunk: number;
  records: string[];
  years: (number | null)[];
  entries: string[];
  /** Whether MongoDB holds a document of this chunk already (then it is replaced, else inserted). */
  stored: boolean;
}

interface RegionProjection {
  log: RegionLog;
  open: OpenChunk;
  /** bucket -> id -> place */
  buckets: Map<number, Map<string, IdPlace>>;
  /** The version of each bucket that MongoDB holds (0: none). */
  versions: number[];
  /** The position MongoDB's progress document says is projected. */
  projected: number;
  /** Buckets to write with the next batch, whether or not it touches them (an index of an older layout). */
  staleBuckets: Set<number>;
}

function openChunk(region: string, chunk: number): OpenChunk {
  return { region, chunk, records: [], years: [], entries: [], stored: false };
}

async function chunkDoc(open: OpenChunk): Promise<ChunkDoc> {
  return {
    _id: chunkId(open.region, open.chunk),
    region: open.region,
    chunk: open.chunk,
    from: open.chunk * CHUNK_RECORDS + 1,
    records: await packText(open.records.join('\n')),
    years: JSON.stringify(open.years),
  };
}

async function journalDoc(open: OpenChunk): Promise<JournalDoc> {
  const from = open.chunk * CHUNK_RECORDS + 1;
  return {
    _id: journalId(open.region, open.chunk),
    region: open.region,
    chunk: open.chunk,
    from,
    to: from + open.records.length - 1,
    entries: await packText(open.entries.join('\n')),
  };
}

/** Bucket versions superseded but not yet deleted, per region, before one deleteMany removes them together. */
const DELETE_SUPERSEDED_AT = 4 * ID_BUCKETS;

/** What one batch changed, to be written. */
interface Dirty {
  chunks: Set<OpenChunk>;
  buckets: Map<string, Set<number>>;
  years: Map<string, Set<number>>;
}

export class Projector {
  private readonly regions = new Map<string, RegionProjection>();
  private readonly superseded = new Map<string, string[]>();
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
      projection = {
        log: RegionLog.empty(name),
        open: openChunk(name, 0),
        buckets: new Map(),
        versions: new Array<number>(ID_BUCKETS).fill(0),
        projected: 0,
        staleBuckets: new Set(),
      };
      this.regions.set(name, projection);
    }
    return projection;
  }

  /** Rebuilds each region's state from the chunks already projected, up to the recorded progress. */
  private async restore(): Promise<void> {
    this.regions.clear();
    this.superseded.clear();
    for (const progress of await this.projections.progress.find().lean()) {
      const projection = this.region(progress._id);
      for await (const { record, year } of readChunks(this.projections, progress._id, 1, progress.position)) {
        this.apply(projection, JSON.parse(record) as LogRecord, record, year);
      }
      if (projection.log.length !== progress.position)
        throw new Error(`projection of ${progress._id} is incomplete`);
      projection.open.stored = projection.open.records.length > 0;
      projection.projected = progress.position;
      if (progress.buckets?.length === ID_BUCKETS) projection.versions = [...progress.buckets];
      else for (const bucket of projection.buckets.keys()) projection.staleBuckets.add(bucket);
    }
    this.logger.info({ regions: this.regions.size }, 'ledger state restored from the projections');
  }

  /** Applies one record to the state, the open chunk (log records and journal entries) and the id index. */
  private apply(projection: RegionProjection, record: LogRecord, text: string, year: number | null): void {
    const entries = applyCommitted(projection.log, record);
    const chunk = chunkOf(record.position);
    if (chunk !== projection.open.chunk) projection.open = openChunk(record.region, chunk);
    const open = projection.open;
    open.records.push(text);
    open.years.push(year);
    for (const entry of entries) open.entries.push(JSON.stringify(storedEntry(entry)));
    const bucket = bucketOf(record.id);
    let ids = projection.buckets.get(bucket);
    if (ids === undefined) {
      ids = new Map();
      projection.buckets.set(bucket, ids);
    }
    ids.set(record.id, { position: record.position, accepted: record.outcome === 'accepted' });
  }

  async start(): Promise<void> {
    await this.restore();
    this.consumer = this.kafka.consumer({
      groupId: groupNames(this.settings.namespace).ledger,
      readUncommitted: false,
      // Large batches: MongoDB is written a handful of times per batch, whatever its size.
      maxBytesPerPartition: 8 << 20,
      maxBytes: 16 << 20,
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
    const dirty: Dirty = { chunks: new Set(), buckets: new Map(), years: new Map() };
    for (const message of messages) {
      const text = message.value?.toString('utf8') ?? 'null';
      const record = JSON.parse(text) as LogRecord;
      const projection = this.region(record.region);
      const log = projection.log;
      if (record.position <= log.length) continue;
      const year = eventYear(log.state, record);
      const accepted = record.outcome === 'accepted';
      if (accepted) for (const y of touchedYears(log.state, record, year)) add(dirty.years, record.region, y);
      this.apply(projection, record, text, year);
      dirty.chunks.add(projection.open);
      add(dirty.buckets, record.region, bucketOf(record.id));
      if (accepted) for (const y of touchedYears(log.state, record, year)) add(dirty.years, record.region, y);
      this.appliedRecords += 1;
    }
    const started = performance.now();
    await this.write(dirty);
    this.logger.debug(
      {
        messages: messages.length,
        chunks: dirty.chunks.size,
        writeMs: Math.round(performance.now() - started),
      },
      'batch projected',
    );
  }

  /**
   * Log and journal chunks are inserted when new and replaced as they fill (the same content for the same
   * positions, so idempotent); id buckets are inserted as new versions; reports and balances only over older
   * ones; progress last, naming the bucket versions, so a reader that sees a position sees everything before it.
   */
  private async write(dirty: Dirty): Promise<void> {
    const chunks = [...dirty.chunks];
    const { chunks: chunkModel, journal } = this.projections;
    await Promise.all([
      writeChunks(
        (docs: ChunkDoc[]) => chunkModel.insertMany(docs, { ordered: false, lean: true }),
        (docs) =>
          chunkModel.bulkWrite(
            docs.map((doc) => ({ replaceOne: { filter: { _id: doc._id }, replacement: doc, upsert: true } })),
            { ordered: false },
          ),
        chunks,
        chunkDoc,
      ),
      writeChunks(
        (docs: JournalDoc[]) => journal.insertMany(docs, { ordered: false, lean: true }),
        (docs) =>
          journal.bulkWrite(
            docs.map((doc) => ({ replaceOne: { filter: { _id: doc._id }, replacement: doc, upsert: true } })),
            { ordered: false },
          ),
        chunks,
        journalDoc,
      ),
    ]);
    for (const open of chunks) open.stored = true;
    for (const [region, projection] of this.regions) {
      const log = projection.log;
      if (projection.projected >= log.length) continue;
      log.ledger.assertBalanced();
      const position = log.length;
      const versions = [...projection.versions];
      const buckets: BucketDoc[] = [];
      for (const bucket of new Set([...(dirty.buckets.get(region) ?? []), ...projection.staleBuckets])) {
        buckets.push(
          bucketDoc(
            bucketId(region, bucket, position),
            projection.buckets.get(bucket) ?? new Map<string, IdPlace>(),
          ),
        );
        versions[bucket] = position;
      }
      const bodies = [...(dirty.years.get(region) ?? [])].map((year) => ({
        year,
        body: JSON.stringify(allocationReport(log.state, year, position)),
      }));
      const reports = bodies.map(({ year, body }) => guardedUpsert(region, year, position, body));
      const balances = [...log.ledger.takeDirty()].map((year) =>
        guardedUpsert(
          region,
          year,
          position,
          JSON.stringify(
            [...(log.ledger.balances.get(year) ?? [])].map(([account, cents]) => [account, cents.toString()]),
          ),
        ),
      );
      await Promise.all([
        // A redelivered batch inserts the same versions again: the duplicates are the same documents.
        buckets.length > 0
          ? this.projections.buckets.insertMany(buckets, { ordered: false, lean: true }).catch(ignoreStale)
          : undefined,
        reports.length > 0
          ? this.projections.reports.bulkWrite(reports, { ordered: false }).catch(ignoreStale)
          : undefined,
        balances.length > 0
          ? this.projections.balances.bulkWrite(balances, { ordered: false }).catch(ignoreStale)
          : undefined,
      ]);
      // Before the progress: once the progress names this position, a restart skips the batch, and an update
      // published after it would be lost if the process died in between. Published again on redelivery.
      await this.publishUpdates(region, bodies);
      // Never backwards: should a second ledger service run by mistake, a late write of a lower position is
      // refused (an upsert whose filter misses then meets the existing _id: a duplicate key, ignored). The progress
      // collection holds a document per region, so the filter beyond `_id` costs FerretDB little.
      await this.projections.progress
        .updateOne(
          { _id: region, position: { $lt: position } },
          { $set: { position, hash: log.lastHash, buckets: versions } },
          { upsert: true },
        )
        .catch(ignoreStale);
      const superseded = this.superseded.get(region) ?? [];
      projection.versions.forEach((version, bucket) => {
        if (version !== 0 && versions[bucket] !== version) superseded.push(bucketId(region, bucket, version));
      });
      projection.projected = position;
      projection.versions = versions;
      projection.staleBuckets.clear();
      // Readers still holding an older progress document read their buckets again (findIdPositions). Deleting
      // costs a scan of the bucket collection on FerretDB, so superseded versions go a few batches at a time.
      if (superseded.length >= DELETE_SUPERSEDED_AT) {
        await this.projections.buckets.deleteMany({ _id: { $in: superseded } });
        this.superseded.delete(region);
      } else this.superseded.set(region, superseded);
    }
  }

  /**
   * Projection updates for reporting, on the compacted budget.projections.v1 (key region/year, the latest report
   * kept). At least once, after MongoDB has the report and before the progress names its position: a consumer keeps
   * the message with the highest asOfPosition.
   */
  private async publishUpdates(region: string, bodies: { year: number; body: string }[]): Promise<void> {
    if (bodies.length === 0) return;
    this.producer ??= this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: RegionPartitioner,
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

/** Inserts the documents of chunks MongoDB does not hold yet (a tenth of the cost of an upsert on FerretDB) and
 *  replaces the others; an insert that meets a document already there (a batch written before a crash) replaces it. */
async function writeChunks<T extends { _id: string }>(
  insert: (docs: T[]) => Promise<unknown>,
  replace: (docs: T[]) => Promise<unknown>,
  chunks: OpenChunk[],
  toDoc: (open: OpenChunk) => Promise<T>,
): Promise<void> {
  const fresh = await Promise.all(chunks.filter((c) => !c.stored).map(toDoc));
  const stored = await Promise.all(chunks.filter((c) => c.stored).map(toDoc));
  if (fresh.length > 0) {
    await insert(fresh).catch((error: unknown) => {
      const writeErrors = (
        error as {
          writeErrors?: { index?: number; code?: number; err?: { index?: number; code?: number } }[];
        }
      ).writeErrors;
      if (!Array.isArray(writeErrors) || writeErrors.some((e) => (e.code ?? e.err?.code) !== 11000))
        throw error;
      for (const e of writeErrors) {
        const doc = fresh[e.index ?? e.err?.index ?? -1];
        if (doc === undefined) throw error;
        stored.push(doc);
      }
    });
  }
  if (stored.length > 0) await replace(stored);
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
export function guardedUpsert(
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

export function ignoreStale(error: unknown): void {
  const writeErrors = (error as { writeErrors?: { code?: number; err?: { code?: number } }[] }).writeErrors;
  const code = (error as { code?: number }).code;
  const allDuplicates = Array.isArray(writeErrors)
    ? writeErrors.every((e) => (e.code ?? e.err?.code) === 11000)
    : code === 11000;
  if (!allDuplicates) throw error;
}
