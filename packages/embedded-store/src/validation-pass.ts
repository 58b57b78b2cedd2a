//! The first pass of an import: every line validated and checked against the log, nothing appended yet.
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { eventContent, validateLine, type BudgetEvent } from '@budget/domain';
import type { ImportOptions, LineError, LineSource } from '@budget/application';

export interface Validated {
  ok: true;
  events: number;
  /** Lines (1-based numbers) whose event is already in the log or earlier in the input: no-ops. */
  skipLines: Set<number>;
  /** SHA-256 over the lines read, so the second pass can prove it read the same input. */
  digest: string;
}

export type ValidationPass = Validated | { ok: false; errors: LineError[]; events: number };

const DEFAULT_MAX_ERRORS = 1000;

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

/** Hashes lines the same way in both passes. */
export class InputDigest {
  private readonly hash = createHash('sha256');
  add(line: string): void {
    this.hash.update(line).update('\n');
  }
  hex(): string {
    return this.hash.digest('hex');
  }
}

function conflict(lineNumber: number, id: string, where: string): LineError {
  return {
    line: lineNumber,
    issues: [
      {
        reason: 'conflicting-id',
        field: 'id',
        detail: `${id} is already in ${where} with different content`,
      },
    ],
  };
}

/**
 * Validates every line and compares ids with the log. Ids seen twice in the input are compared in a second,
 * targeted read (rare), so the common case keeps only each id's first line number in memory, never the events.
 */
export async function validationPass(
  db: Database.Database,
  source: LineSource,
  options: ImportOptions,
): Promise<ValidationPass> {
  const inLog = db.prepare<[string, string], StoredEvent>(
    'SELECT id, region, type, occurred_at, actor, data FROM events WHERE region = ? AND id = ?',
  );
  const maxErrors = options.maxErrors ?? DEFAULT_MAX_ERRORS;
  const errors: LineError[] = [];
  const firstLine = new Map<string, number>();
  /** line -> the earlier line with the same id */
  const repeats = new Map<number, number>();
  const skipLines = new Set<number>();
  const digest = new InputDigest();
  let lineNumber = 0;
  let events = 0;
  for await (const line of source()) {
    lineNumber += 1;
    digest.add(line);
    if (lineNumber % 100_000 === 0) options.onProgress?.({ phase: 'validating', lines: lineNumber });
    if (line.trim() === '') continue;
    events += 1;
    const result = validateLine(line);
    if (!result.ok) {
      if (errors.length < maxErrors) errors.push({ line: lineNumber, issues: result.issues });
      continue;
    }
    const { region, id } = result.event;
    const key = `${region}\u0000${id}`;
    const earlier = firstLine.get(key);
    if (earlier !== undefined) {
      repeats.set(lineNumber, earlier);
      skipLines.add(lineNumber);
      continue;
    }
    firstLine.set(key, lineNumber);
    const existing = inLog.get(region, id);
    if (existing === undefined) continue;
    // validateLine computed the content already for a line with a \u escape; only kept for this line.
    if (storedContent(existing) === (result.content ?? eventContent(result.event))) skipLines.add(lineNumber);
    else if (errors.length < maxErrors) errors.push(conflict(lineNumber, id, `the log of ${region}`));
  }
  if (repeats.size > 0) errors.push(...(await compareRepeats(source, repeats)));
  errors.sort((a, b) => a.line - b.line);
  if (errors.length > 0) return { ok: false, errors: errors.slice(0, maxErrors), events };
  return { ok: true, events, skipLines, digest: digest.hex() };
}

/** Reads only the lines involved in repeated ids and reports those whose content differs. */
async function compareRepeats(source: LineSource, repeats: Map<number, number>): Promise<LineError[]> {
  const wanted = new Set<number>([...repeats.keys(), ...repeats.values()]);
  const contents = new Map<number, { id: string; content: string }>();
  let lineNumber = 0;
  for await (const line of source()) {
    lineNumber += 1;
    if (!wanted.has(lineNumber)) continue;
    const result = validateLine(line, { content: true });
    if (result.ok) contents.set(lineNumber, { id: result.event.id, content: result.content });
  }
  const errors: LineError[] = [];
  for (const [line, earlier] of repeats) {
    const a = contents.get(line);
    const b = contents.get(earlier);
    if (a === undefined || b === undefined) {
      errors.push({
        line,
        issues: [{ reason: 'invalid', field: '', detail: 'the input changed while it was being read' }],
      });
    } else if (a.content !== b.content) {
      errors.push(conflict(line, a.id, `line ${earlier} of this input`));
    }
  }
  return errors;
}
