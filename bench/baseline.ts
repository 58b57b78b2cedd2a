// `tsx bench/baseline.ts FILE DBFILE`: the honest baseline the real import is compared with: parse and insert, no rules.
import { createReadStream, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { splitLines } from '@budget/application';

interface Line {
  id: string;
  region: string;
  type: string;
  occurredAt: string;
  actor: string;
  data: unknown;
}

/** The same durability settings as the embedded store (WAL, synchronous=FULL), so only the work differs. */
function openDatabase(path: string): Database.Database {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(
    'CREATE TABLE events (id TEXT NOT NULL, region TEXT NOT NULL, type TEXT NOT NULL, occurred_at TEXT NOT NULL, actor TEXT NOT NULL, data TEXT NOT NULL)',
  );
  return db;
}

async function main(): Promise<void> {
  const [file, dbFile] = process.argv.slice(2);
  if (file === undefined || dbFile === undefined) throw new Error('usage: baseline.ts FILE DBFILE');
  const started = performance.now();
  const db = openDatabase(dbFile);
  const insert = db.prepare(
    'INSERT INTO events (id, region, type, occurred_at, actor, data) VALUES (?, ?, ?, ?, ?, ?)',
  );
  let lines = 0;
  // One transaction for the whole file, opened by hand because the loop awaits lines (db.transaction() is sync).
  db.exec('BEGIN');
  for await (const text of splitLines(createReadStream(file, { highWaterMark: 1 << 20 }))) {
    if (text.trim() === '') continue;
    const event = JSON.parse(text) as Line;
    insert.run(event.id, event.region, event.type, event.occurredAt, event.actor, JSON.stringify(event.data));
    lines++;
  }
  db.exec('COMMIT');
  db.close();
  const ms = performance.now() - started;
  process.stdout.write(
    `${JSON.stringify({ lines, ms: Math.round(ms), linesPerSecond: Math.round(lines / (ms / 1000)) })}\n`,
  );
}

await main();
