//! The MongoDB projections (mongoose). Shaped for FerretDB 1.x too: no transactions, no change streams, and every
//! read an `_id` lookup, because FerretDB's SQLite backend scans the whole collection for any other filter.
import { hash } from 'node:crypto';
import { deflateRaw, inflateRawSync } from 'node:zlib';
import { promisify } from 'node:util';
import mongoose, { Schema, mongo, type Connection, type Model } from 'mongoose';
import { UserError } from '@budget/application';
import { describeError } from './retry';

/** Log records per chunk document: position p lives in chunk floor((p - 1) / CHUNK_RECORDS). */
export const CHUNK_RECORDS = 1000;
/** Id buckets per region: the id -> position index is split so one lookup reads one small document. */
export const ID_BUCKETS = 64;

/**
 * A long text field of a chunk document: raw DEFLATE of the UTF-8 text, as binary data. FerretDB 1.x (SQLite)
 * spends its time per byte written: 1,000 log records are about 310 KB of JSON, 44 KB deflated (4 ms at level 1),
 * and the write takes 6 ms instead of 24. A plain string is read too: documents written before compression.
 */
export type PackedText = string | mongo.Binary;

const deflateRawAsync = promisify(deflateRaw);

/** Packs a text for a chunk document. Async: zlib runs on libuv's thread pool, beside the event loop. */
export async function packText(text: string): Promise<PackedText> {
  if (text === '') return '';
  return new mongo.Binary(await deflateRawAsync(Buffer.from(text, 'utf8'), { level: 1 }));
}

/** The text of a packed field, whichever way it was written. */
export function unpackText(value: PackedText | Buffer): string {
  if (typeof value === 'string') return value;
  const bytes = Buffer.isBuffer(value) ? value : value.buffer.subarray(0, value.position);
  return inflateRawSync(bytes).toString('utf8');
}

/** A run of up to CHUNK_RECORDS consecutive records of one region's log. Text rather than arrays: FerretDB 1.x
 *  stores an array element by element and takes about three times as long to write the same content. */
export interface ChunkDoc {
  _id: string;
  region: string;
  chunk: number;
  /** Position of the first record. */
  from: number;
  /** The records' JSON texts, one per line (JSON text never holds a raw line break), packed. */
  records: PackedText;
  /** JSON array: the year each record concerns (null for region-wide events), for as-of replays of one year. */
  years: string;
}

/** Part of a region's id -> position index. Written once per version (`_id` = region/bucket/version, the version
 *  being the log length it reflects) and never updated: inserts cost FerretDB a tenth of an upsert. The region's
 *  progress document names the current version of each bucket. Text rather than arrays, as in the chunks. */
export interface BucketDoc {
  _id: string;
  /** The ids, one per line (identifiers hold no line breaks). */
  ids: string;
  /** JSON array of the ids' positions, in the same order. */
  positions: string;
  /** One character per id: `a` accepted, `r` rejected. */
  outcomes: string;
}

/** Where an id is in its region's log and whether it was accepted. */
export interface IdPlace {
  position: number;
  accepted: boolean;
}

/** The journal entries of the accepted records of one chunk of positions (the same ranges as the log chunks),
 *  each entry as its JSON text: `{position, eventId, year, memo, lines: [{account, debit, credit}]}`, amounts as
 *  decimal strings, one entry per line. Rewritten whole as the chunk fills; the same positions always give the same document. */
export interface JournalDoc {
  _id: string;
  region: string;
  chunk: number;
  /** First position of the chunk. */
  from: number;
  /** Last position whose entries the document holds. */
  to: number;
  /** The entries' JSON texts, one per line, packed. */
  entries: PackedText;
}

/** One journal entry as stored and read back. */
export interface StoredJournalEntry {
  position: number;
  eventId: string;
  year: number;
  memo: string;
  lines: { account: string; debit: string; credit: string }[];
}

/** A report or a year's ledger balances as of `position`. */
export interface ProjectionDoc {
  _id: string;
  region: string;
  year: number;
  position: number;
  body: string;
}

/** How far the ledger service has projected a region's log; written last after each batch. */
export interface ProgressDoc {
  _id: string;
  position: number;
  hash: string;
  /** The current version of each id bucket (index = bucket), 0 for a bucket never written. */
  buckets?: number[];
}

export interface Projections {
  connection: Connection;
  chunks: Model<ChunkDoc>;
  buckets: Model<BucketDoc>;
  reports: Model<ProjectionDoc>;
  balances: Model<ProjectionDoc>;
  progress: Model<ProgressDoc>;
  journal: Model<JournalDoc>;
}

const chunkSchema = new Schema<ChunkDoc>(
  {
    _id: String,
    region: String,
    chunk: Number,
    from: Number,
    records: Schema.Types.Mixed,
    years: String,
  },
  { versionKey: false, autoIndex: false },
);
const bucketSchema = new Schema<BucketDoc>(
  { _id: String, ids: String, positions: String, outcomes: String },
  { versionKey: false, autoIndex: false },
);
const projectionSchema = new Schema<ProjectionDoc>(
  { _id: String, region: String, year: Number, position: Number, body: String },
  { versionKey: false, autoIndex: false },
);
const progressSchema = new Schema<ProgressDoc>(
  { _id: String, position: Number, hash: String, buckets: { type: [Number], default: undefined } },
  { versionKey: false, autoIndex: false },
);
const journalSchema = new Schema<JournalDoc>(
  { _id: String, region: String, chunk: Number, from: Number, to: Number, entries: Schema.Types.Mixed },
  { versionKey: false, autoIndex: false },
);

export async function connectProjections(url: string, database?: string): Promise<Projections> {
  const connection = mongoose.createConnection(url, {
    ...(database === undefined ? {} : { dbName: database }),
    serverSelectionTimeoutMS: 10_000,
  });
  try {
    await connection.asPromise();
  } catch (error) {
    // As a Kafka that does not answer is said (KafkaStore.open): which engine, and to try again.
    throw new UserError(
      `connecting to MongoDB (MONGO_URL) failed: ${describeError(error)}: is it running? Try again when it is.`,
      'store-busy',
      75,
    );
  }
  return {
    connection,
    chunks: connection.model<ChunkDoc>('chunks', chunkSchema, 'log_chunks'),
    buckets: connection.model<BucketDoc>('buckets', bucketSchema, 'id_buckets'),
    reports: connection.model<ProjectionDoc>('reports', projectionSchema, 'reports'),
    balances: connection.model<ProjectionDoc>('balances', projectionSchema, 'ledger_balances'),
    progress: connection.model<ProgressDoc>('progress', progressSchema, 'progress'),
    journal: connection.model<JournalDoc>('journal', journalSchema, 'journal'),
  };
}

export function chunkOf(position: number): number {
  return Math.floor((position - 1) / CHUNK_RECORDS);
}

export function chunkId(region: string, chunk: number): string {
  return `${region}/${String(chunk)}`;
}

export function bucketOf(id: string): number {
  // One-shot crypto.hash: the same SHA-256 as createHash, at less than half the cost for a short id.
  return hash('sha256', id, 'buffer').readUInt16BE(0) % ID_BUCKETS;
}

export function bucketId(region: string, bucket: number, version: number): string {
  return `${region}/${String(bucket)}/${String(version)}`;
}

/**
 * Id buckets already read, by their versioned `_id`: a version is never rewritten (a change writes the next one),
 * so what was read for it stays true. One import keeps one, so that its batches of ids do not read the same buckets
 * again and again (a re-import of 200,000 lines took ten times as long as the first import without it).
 */
export class BucketCache {
  private readonly buckets = new Map<string, Map<string, IdPlace>>();
  private entries = 0;

  constructor(
    /** Beyond this many ids the cache starts afresh: memory stays bounded whatever the size of the log. */
    private readonly maxEntries = 2_000_000,
  ) {}

  get(id: string): Map<string, IdPlace> | undefined {
    return this.buckets.get(id);
  }

  set(id: string, places: Map<string, IdPlace>): void {
    const size = places.size;
    if (this.entries + size > this.maxEntries) {
      this.buckets.clear();
      this.entries = 0;
    }
    this.buckets.set(id, places);
    this.entries += size;
  }
}

/**
 * Looks ids of one region up in its id index: the progress document names each bucket's current version, each
 * bucket is one `_id` read (or none, when `cache` holds that version). A version replaced between the two reads is
 * read again from a fresh progress document.
 */
export async function findIdPositions(
  projections: Projections,
  region: string,
  ids: Iterable<string>,
  cache: BucketCache = new BucketCache(),
): Promise<Map<string, IdPlace>> {
  const wanted = [...ids];
  for (let attempt = 0; ; attempt++) {
    const progress = await projections.progress.findById(region).lean();
    const versions = progress?.buckets ?? [];
    const found = new Map<string, IdPlace>();
    const buckets = new Map<number, Map<string, IdPlace> | null>();
    let replaced = false;
    for (const id of wanted) {
      const bucket = bucketOf(id);
      const version = versions[bucket] ?? 0;
      if (version === 0) continue;
      if (!buckets.has(bucket)) {
        const versioned = bucketId(region, bucket, version);
        let places: Map<string, IdPlace> | null | undefined = cache.get(versioned);
        if (places === undefined) {
          const doc = await projections.buckets.findById(versioned).lean();
          places = doc === null ? null : bucketPlaces(doc);
          // A version not found was replaced meanwhile: not kept, as it is never asked for again.
          if (places !== null) cache.set(versioned, places);
        }
        if (places === null) replaced = true;
        buckets.set(bucket, places);
      }
      const place = buckets.get(bucket)?.get(id);
      if (place !== undefined) found.set(id, place);
    }
    if (!replaced) return found;
    if (attempt >= 10) throw new Error(`the id index of ${region} keeps changing while it is read`);
  }
}

export function journalId(region: string, chunk: number): string {
  return `${region}/${String(chunk)}`;
}

/** Reads a region's journal entries up to position `to` (inclusive), in position order, chunk by chunk by `_id`. */
export async function* readJournal(
  projections: Projections,
  region: string,
  to: number,
): AsyncGenerator<StoredJournalEntry> {
  for (let chunk = 0; chunk <= chunkOf(to); chunk++) {
    const doc = await projections.journal.findById(journalId(region, chunk)).lean();
    if (doc === null || doc.to < Math.min(to, doc.from + CHUNK_RECORDS - 1))
      throw new Error(`the journal of ${region} lacks positions of chunk ${String(chunk)}`);
    const entries = unpackText(doc.entries);
    for (const text of entries === '' ? [] : entries.split('\n')) {
      const entry = JSON.parse(text) as StoredJournalEntry;
      if (entry.position > to) return;
      yield entry;
    }
  }
}

/** Reads log records of a region from `from` to `to` (inclusive), chunk by chunk, by `_id`. */
export async function* readChunks(
  projections: Projections,
  region: string,
  from: number,
  to: number,
): AsyncGenerator<{ position: number; record: string; year: number | null }> {
  for (let chunk = chunkOf(from); chunk <= chunkOf(to); chunk++) {
    const doc = await projections.chunks.findById(chunkId(region, chunk)).lean();
    if (doc === null) throw new Error(`projection of ${region} lacks chunk ${String(chunk)}`);
    const records = chunkRecords(doc);
    const years = JSON.parse(doc.years) as (number | null)[];
    for (let i = 0; i < records.length; i++) {
      const position = doc.from + i;
      if (position < from || position > to) continue;
      yield { position, record: records[i] ?? '', year: years[i] ?? null };
    }
  }
}

/** The records of a chunk document, each as its JSON text. */
export function chunkRecords(doc: ChunkDoc): string[] {
  const records = unpackText(doc.records);
  return records === '' ? [] : records.split('\n');
}

/** The ids of a bucket document with their places. */
export function bucketPlaces(doc: BucketDoc): Map<string, IdPlace> {
  const places = new Map<string, IdPlace>();
  if (doc.ids === '') return places;
  const positions = JSON.parse(doc.positions) as number[];
  doc.ids.split('\n').forEach((id, i) => {
    places.set(id, { position: positions[i] ?? 0, accepted: doc.outcomes[i] === 'a' });
  });
  return places;
}

/** A bucket document of the given places. */
export function bucketDoc(id: string, places: Map<string, IdPlace>): BucketDoc {
  const positions: number[] = [];
  let outcomes = '';
  for (const place of places.values()) {
    positions.push(place.position);
    outcomes += place.accepted ? 'a' : 'r';
  }
  return { _id: id, ids: [...places.keys()].join('\n'), positions: JSON.stringify(positions), outcomes };
}
