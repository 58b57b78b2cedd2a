//! Auditors' tools that need nothing but an exported history: chain verification and an independent replay.
import {
  GENESIS_HASH,
  HASHED_FIELDS,
  NOT_UTF8_MARK,
  RegionLog,
  allocationReport,
  checkLink,
  describeIssue,
  storedRecordHash,
  validateRecord,
  type AllocationReport,
  type LogRecord,
} from '@budget/domain';

export type VerifyResult =
  { ok: true; records: number } | { ok: false; position: number; line: number; problem: string };

/**
 * What is wrong with a history whose first record is not at position 1: most likely a partial export (`export
 * --from-position`), which can be neither verified nor replayed from the file alone.
 */
function notWhole(firstPosition: unknown, needs: 'a replay needs' | 'verifying needs'): string {
  return (
    `the file starts at position ${JSON.stringify(firstPosition)}, not at position 1: ${needs} ` +
    'the whole history (an export without --from-position)'
  );
}

/**
 * For verifying: the chain breaks at position 1 of a file whose first record is at a whole position past 1, and the
 * problem is said as a partial export rather than as a wrong position.
 */
export function partialExport(firstPosition: unknown): string | undefined {
  return typeof firstPosition === 'number' && Number.isInteger(firstPosition) && firstPosition > 1
    ? notWhole(firstPosition, 'verifying needs')
    : undefined;
}

export interface Discrepancy {
  position: number;
  id: string;
  recorded: string;
  recomputed: string;
}

export type ReplayResult =
  | { ok: true; report: AllocationReport; records: number; discrepancies: Discrepancy[] }
  | { ok: false; position: number; line: number; problem: string };

const RECORD_FIELDS = [...HASHED_FIELDS, 'hash'] as const;

/** Why a line whose bytes are not UTF-8 cannot be part of an export (section 2: lines are UTF-8). */
export const NOT_UTF8_PROBLEM =
  'not UTF-8: an export is written as UTF-8, so this line was changed or saved in another encoding';

/** Why a file with no record in it (empty, or blank lines only) is refused: it cannot be the history asked for. */
const NO_RECORDS = 'the file holds no records (it is empty or has only blank lines)';

/** Parses one exported line into a record, checking the event's fields against the schema too. */
export function parseExportLine(line: string): { record: LogRecord } | { problem: string } {
  const parsed = parseForVerify(line);
  if ('problem' in parsed) return parsed;
  const { id, region, type, occurredAt, actor, data } = parsed.record;
  const event = validateRecord({ id, region, type, occurredAt, actor, data });
  return event.ok ? parsed : { problem: event.issues.map(describeIssue).join('; ') };
}

async function* records(
  lines: AsyncIterable<string>,
  parse: (line: string) => { record: LogRecord } | { problem: string } = parseExportLine,
): AsyncGenerator<{ line: number } & ({ record: LogRecord } | { problem: string })> {
  let line = 0;
  for await (const text of lines) {
    line += 1;
    if (text.trim() === '') continue;
    yield { line, ...parse(text) };
  }
}

/**
 * What verification needs of a line: a JSON object with every field of a record. The schema is not checked: the
 * hash covers every field, so any change to a validated record shows up as a hash mismatch anyway.
 */
export function parseForVerify(line: string): { record: LogRecord } | { problem: string } {
  // Marked by the line readers (`decodeLine`): the line's bytes are not UTF-8, so they cannot be what was hashed.
  if (line.startsWith(NOT_UTF8_MARK)) return { problem: NOT_UTF8_PROBLEM };
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { problem: 'not JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { problem: 'not a JSON object' };
  for (const field of RECORD_FIELDS) {
    if (!(field in value)) return { problem: `missing ${field}` };
  }
  return { record: value as LogRecord };
}

/** A record with no RFC 8785 form (a lone surrogate in a string, say) cannot be part of an intact chain. */
export function checkLinkSafely(record: LogRecord, expected: number, previousHash: string): string | null {
  try {
    return checkLink(record, expected, previousHash);
  } catch (error) {
    return `no canonical JSON form: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** The hash the record would carry with every field as recorded and its prevHash linked to the record before. */
function linkedHash(record: LogRecord, previousHash: string): string {
  try {
    return storedRecordHash({ ...record, prevHash: previousHash });
  } catch {
    return '(no canonical JSON form)';
  }
}

/** Checks the hash chain of one region's exported history, streaming, and names the first position that fails. */
export async function verifyHistory(lines: AsyncIterable<string>): Promise<VerifyResult> {
  let expected = 1;
  let previousHash = GENESIS_HASH;
  let region: string | undefined;
  for await (const item of records(lines, parseForVerify)) {
    if ('problem' in item) return { ok: false, position: expected, line: item.line, problem: item.problem };
    const { record } = item;
    if (expected === 1) {
      const partial = partialExport(record.position);
      if (partial !== undefined) return { ok: false, position: 1, line: item.line, problem: partial };
    }
    region ??= record.region;
    const problem =
      record.region !== region
        ? `region is ${record.region}, expected ${region}`
        : checkLinkSafely(record, expected, previousHash);
    if (problem !== null) return { ok: false, position: expected, line: item.line, problem };
    previousHash = record.hash;
    expected += 1;
  }
  return { ok: true, records: expected - 1 };
}

/**
 * Rebuilds a region's state from its exported history alone, deciding every event again. A recomputed outcome
 * (or hash) that differs from the recorded one is a discrepancy. The report reflects every record. A history that
 * does not start at position 1 is refused: its state before the first record is unknown.
 */
export async function replayHistory(lines: AsyncIterable<string>, year: number): Promise<ReplayResult> {
  let log: RegionLog | undefined;
  const discrepancies: Discrepancy[] = [];
  /** The recorded hash of the record before: each record's link is checked as `audit verify` checks it. */
  let previousHash = GENESIS_HASH;
  for await (const item of records(lines)) {
    const position = (log?.length ?? 0) + 1;
    if ('problem' in item) return { ok: false, position, line: item.line, problem: item.problem };
    const { record } = item;
    // A partial export (`export --from-position`): deciding it from an empty state would make every record a
    // discrepancy, when what is wrong is the file.
    if (log === undefined && record.position !== 1)
      return { ok: false, position, line: item.line, problem: notWhole(record.position, 'a replay needs') };
    log ??= RegionLog.empty(record.region);
    if (record.region !== log.region) {
      return {
        ok: false,
        position,
        line: item.line,
        problem: `region is ${record.region}, expected ${log.region}`,
      };
    }
    const recomputed = log.replayRecorded(record);
    if (recomputed.outcome !== record.outcome || recomputed.reason !== record.reason) {
      discrepancies.push({
        position,
        id: record.id,
        recorded: `${record.outcome}${record.reason === null ? '' : ` (${record.reason})`}`,
        recomputed: `${recomputed.outcome}${recomputed.reason === null ? '' : ` (${recomputed.reason})`}`,
      });
    } else if (checkLinkSafely(record, position, previousHash) !== null) {
      // The same outcome, but the record does not link where it stands: a changed, added or moved field (its
      // hash no longer covers it), a wrong position, or a prevHash that is not the hash of the record before.
      discrepancies.push({
        position,
        id: record.id,
        recorded: `hash ${record.hash}`,
        recomputed: `hash ${linkedHash(record, previousHash)}`,
      });
    }
    previousHash = record.hash;
  }
  // Line 0: no line is at fault. `budget audit verify` refuses such a file in the same words.
  if (log === undefined) return { ok: false, position: 1, line: 0, problem: NO_RECORDS };
  log.ledger.assertBalanced();
  return {
    ok: true,
    report: allocationReport(log.state, year, log.length),
    records: log.length,
    discrepancies,
  };
}
