//! The validating first pass of an import: every line checked, new events staged on disk, nothing appended yet.
import type Database from 'better-sqlite3';
import { eventContent, validateLine, type BudgetEvent } from '@budget/domain';
import type { ImportOptions, LineError } from '@budget/application';

export type Staged =
  | { ok: true; events: number; alreadyPresent: number; newEvents: () => Generator<BudgetEvent> }
  | { ok: false; errors: LineError[]; events: number };

const DEFAULT_MAX_ERRORS = 1000;
const PAGE_SIZE = 5000;

type StoredEvent = {
  id: string;
  region: string;
  type: string;
  occurred_at: string;
  actor: string;
  data: string;
};

function storedContent(row: StoredEvent): string {
  const { id, region, type, occurred_at: occurredAt, actor } = row;
  return eventContent({
    id,
    region,
    type,
    occurredAt,
    actor,
    data: JSON.parse(row.data) as unknown,
  } as BudgetEvent);
}

/**
 * Reads every line once. Staging goes to a temporary table rather than memory, so a file of any length
 * is validated in constant memory, and the second pass reads exactly what was validated.
 */
export async function stageLines(
  db: Database.Database,
  lines: AsyncIterable<string>,
  options: ImportOptions,
): Promise<Staged> {
  db.exec(
    'CREATE TEMP TABLE IF NOT EXISTS staging (seq INTEGER PRIMARY KEY, region TEXT NOT NULL, id TEXT NOT NULL, line TEXT NOT NULL, UNIQUE (region, id))',
  );
  db.exec('DELETE FROM temp.staging');
  const inLog = db.prepare<[string, string], StoredEvent>(
    'SELECT id, region, type, occurred_at, actor, data FROM events WHERE region = ? AND id = ?',
  );
  const stage = db.prepare(
    'INSERT INTO temp.staging (region, id, line) VALUES (?, ?, ?) ON CONFLICT (region, id) DO NOTHING',
  );
  const stagedLine = db.prepare<[string, string], { line: string }>(
    'SELECT line FROM temp.staging WHERE region = ? AND id = ?',
  );
  const maxErrors = options.maxErrors ?? DEFAULT_MAX_ERRORS;
  const errors: LineError[] = [];
  let lineNumber = 0;
  let events = 0;
  let alreadyPresent = 0;
  for await (const line of lines) {
    lineNumber += 1;
    if (lineNumber % 100_000 === 0) options.onProgress?.({ phase: 'validating', lines: lineNumber });
    if (line.trim() === '') continue;
    events += 1;
    const result = validateLine(line);
    if (!result.ok) {
      if (errors.length < maxErrors) errors.push({ line: lineNumber, issues: result.issues });
      continue;
    }
    const event = result.event;
    const existing = inLog.get(event.region, event.id);
    const earlier = existing === undefined && stage.run(event.region, event.id, line).changes === 0;
    if (existing === undefined && !earlier) continue;
    const content =
      existing !== undefined
        ? storedContent(existing)
        : eventContent(JSON.parse(stagedLine.get(event.region, event.id)?.line ?? 'null') as BudgetEvent);
    if (content === eventContent(event)) {
      alreadyPresent += 1;
    } else if (errors.length < maxErrors) {
      const where = existing !== undefined ? `the log of ${event.region}` : 'an earlier line of this input';
      errors.push({
        line: lineNumber,
        issues: [
          {
            reason: 'conflicting-id',
            field: 'id',
            detail: `${event.id} is already in ${where} with different content`,
          },
        ],
      });
    }
  }
  if (errors.length > 0) return { ok: false, errors, events };
  return { ok: true, events, alreadyPresent, newEvents: () => stagedEvents(db) };
}

function* stagedEvents(db: Database.Database): Generator<BudgetEvent> {
  const page = db.prepare<[number, number], { seq: number; line: string }>(
    'SELECT seq, line FROM temp.staging WHERE seq > ? ORDER BY seq LIMIT ?',
  );
  let after = 0;
  for (;;) {
    // Paged, because better-sqlite3 allows no other statement on the connection while an iterator is open.
    const rows = page.all(after, PAGE_SIZE);
    if (rows.length === 0) return;
    for (const row of rows) yield JSON.parse(row.line) as BudgetEvent;
    after = rows[rows.length - 1]?.seq ?? after;
  }
}
