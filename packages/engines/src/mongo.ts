//! The MongoDB projections (mongoose). Shaped for FerretDB 1.x too: no transactions, no change streams, and every
//! read an `_id` lookup, because FerretDB's SQLite backend scans the whole collection for any other filter.
import { createHash } from 'node:crypto';
import mongoose, { Schema, type Connection, type Model } from 'mongoose';

/** Log records per chunk document: position p lives in chunk floor((p - 1) / CHUNK_RECORDS). */
export const CHUNK_RECORDS = 1000;
/** Id buckets per region: the id -> position index is split so one lookup reads one small document. */
export const ID_BUCKETS = 64;

/** A run of up to CHUNK_RECORDS consecutive records of one region's log, each as its JSON text. */
export interface ChunkDoc {
  _id: string;
  region: string;
  chunk: number;
  /** Position of records[0]. */
  from: number;
  records: string[];
  /** The year each record concerns (null for region-wide events), for as-of replays of one year. */
  years: (number | null)[];
}

/** Part of a region's id -> position index, as two parallel arrays: ids may contain dots (so no object keys)
 *  and FerretDB 1.x stores no nested arrays. */
export interface BucketDoc {
  _id: string;
  ids: string[];
  positions: number[];
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
}

export interface Projections {
  connection: Connection;
  chunks: Model<ChunkDoc>;
  buckets: Model<BucketDoc>;
  reports: Model<ProjectionDoc>;
  balances: Model<ProjectionDoc>;
  progress: Model<ProgressDoc>;
}

const chunkSchema = new Schema<ChunkDoc>(
  {
    _id: String,
    region: String,
    chunk: Number,
    from: Number,
    records: [String],
    years: [Schema.Types.Mixed],
  },
  { versionKey: false, autoIndex: false },
);
const bucketSchema = new Schema<BucketDoc>(
  { _id: String, ids: [String], positions: [Number] },
  { versionKey: false, autoIndex: false },
);
const projectionSchema = new Schema<ProjectionDoc>(
  { _id: String, region: String, year: Number, position: Number, body: String },
  { versionKey: false, autoIndex: false },
);
const progressSchema = new Schema<ProgressDoc>(
  { _id: String, position: Number, hash: String },
  { versionKey: false, autoIndex: false },
);

export async function connectProjections(url: string, database?: string): Promise<Projections> {
  const connection = mongoose.createConnection(url, {
    ...(database === undefined ? {} : { dbName: database }),
    serverSelectionTimeoutMS: 10_000,
  });
  await connection.asPromise();
  return {
    connection,
    chunks: connection.model<ChunkDoc>('chunks', chunkSchema, 'log_chunks'),
    buckets: connection.model<BucketDoc>('buckets', bucketSchema, 'id_buckets'),
    reports: connection.model<ProjectionDoc>('reports', projectionSchema, 'reports'),
    balances: connection.model<ProjectionDoc>('balances', projectionSchema, 'ledger_balances'),
    progress: connection.model<ProgressDoc>('progress', progressSchema, 'progress'),
  };
}

export function chunkOf(position: number): number {
  return Math.floor((position - 1) / CHUNK_RECORDS);
}

export function chunkId(region: string, chunk: number): string {
  return `${region}/${String(chunk)}`;
}

export function bucketOf(id: string): number {
  return createHash('sha256').update(id).digest().readUInt16BE(0) % ID_BUCKETS;
}

export function bucketId(region: string, bucket: number): string {
  return `${region}/${String(bucket)}`;
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
    for (let i = 0; i < doc.records.length; i++) {
      const position = doc.from + i;
      if (position < from || position > to) continue;
      yield { position, record: doc.records[i] ?? '', year: doc.years[i] ?? null };
    }
  }
}
