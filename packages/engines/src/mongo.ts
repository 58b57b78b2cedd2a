//! The MongoDB projections (mongoose): each document carries the log position it reflects, so writes are idempotent.
import mongoose, { Schema, type Connection, type Model } from 'mongoose';

/** One record of a region's log, for history reads and rebuilds. The record is kept as its JSON text. */
export interface EventDoc {
  _id: string;
  region: string;
  position: number;
  id: string;
  year: number | null;
  outcome: string;
  record: string;
}

/** A report or a year's ledger balances as of `position`. */
export interface ProjectionDoc {
  _id: string;
  region: string;
  year: number;
  position: number;
  body: string;
}

/** How far the ledger service has projected a region's log. */
export interface ProgressDoc {
  _id: string;
  position: number;
  hash: string;
}

export interface Projections {
  connection: Connection;
  events: Model<EventDoc>;
  reports: Model<ProjectionDoc>;
  balances: Model<ProjectionDoc>;
  progress: Model<ProgressDoc>;
}

const eventSchema = new Schema<EventDoc>(
  {
    _id: String,
    region: String,
    position: Number,
    id: String,
    year: { type: Number, default: null },
    outcome: String,
    record: String,
  },
  { versionKey: false, autoIndex: false },
);
eventSchema.index({ region: 1, position: 1 }, { unique: true });
eventSchema.index({ region: 1, id: 1 }, { unique: true });

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
  const projections = {
    connection,
    events: connection.model<EventDoc>('events', eventSchema, 'events'),
    reports: connection.model<ProjectionDoc>('reports', projectionSchema, 'reports'),
    balances: connection.model<ProjectionDoc>('balances', projectionSchema, 'ledger_balances'),
    progress: connection.model<ProgressDoc>('progress', progressSchema, 'progress'),
  };
  await projections.events.createIndexes();
  return projections;
}

export function isDuplicateKey(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 11000;
}
