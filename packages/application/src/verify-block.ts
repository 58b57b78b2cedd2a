//! One block of an exported history checked on its own, so that blocks can be checked side by side in workers.
//! The caller links the blocks: each block's first record must follow the previous block's last one.
import { decisionLine } from '@budget/domain';
import { checkLinkSafely, parseExportLine, parseForVerify } from './audit';
import { decodeText } from './lines';

/** What checking one block found. Records are counted in the block; positions are the records' own. */
export interface BlockResult {
  /** Non-blank lines (records) in the block before the first problem, or in all of it. */
  records: number;
  /** The block's first record, for linking it to the previous block; null when the block has none. */
  first: { line: number; position: number; prevHash: string; region: string } | null;
  lastHash: string | null;
  /** The first problem inside the block: its line (absolute) and how many records came before it in the block. */
  problem: { line: number; recordsBefore: number; problem: string } | null;
  /**
   * With `decisions`, for a block without a problem: what deciding its records again needs, one `decisionLine` per
   * record (its type, decisive data, and recorded outcome and reason), joined by newlines. One string is
   * cheaper to send than the records, and its lines are cheaper to read, so the thread that decides reads neither
   * the file nor the records' other fields.
   */
  decisions?: string;
}

export interface CheckOptions {
  /** Check every event against the schema of section 2 too (a replay needs that; the hash covers it anyway). */
  schema?: boolean;
  /** Return `decisions` for the records. */
  decisions?: boolean;
}

const NEWLINE = 0x0a;

/**
 * Checks the records of one block of lines (split on "\n"; a trailing "\r" is JSON whitespace), read as the CLI's
 * line reader reads them (`splitLineBatches`): a line that is not UTF-8 is marked and refused, and a byte-order mark
 * before the first line is dropped. Within the block it applies the same checks, in the same order, as the
 * sequential verification; the first record's position and prevHash are taken as given, for the caller to link.
 * With `schema`, each event is also checked against the schema of section 2, as a replay does; with `decisions`,
 * what deciding the records again needs.
 */
export function checkBlock(bytes: Uint8Array, firstLine: number, options: CheckOptions = {}): BlockResult {
  const parse = options.schema === true ? parseExportLine : parseForVerify;
  const decisions: string[] | undefined = options.decisions === true ? [] : undefined;
  // As the sequential reader decodes: a line that is not UTF-8 is marked, and refused, not read with U+FFFD.
  const text = decodeText(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  let records = 0;
  let first: BlockResult['first'] = null;
  let expected = 0;
  let previousHash = '';
  let line = firstLine - 1;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    let lineText = text.slice(start, end);
    start = end + 1;
    line += 1;
    if (line === 1 && lineText.startsWith('\uFEFF')) lineText = lineText.slice(1);
    if (lineText.trim() === '') continue;
    const parsed = parse(lineText);
    // A block with a problem is never decided (the caller stops at it), so it carries no decisions.
    if ('problem' in parsed)
      return {
        records,
        first,
        lastHash: previousHash || null,
        problem: { line, recordsBefore: records, problem: parsed.problem },
      };
    const { record } = parsed;
    if (first === null) {
      first = { line, position: record.position, prevHash: record.prevHash, region: record.region };
      expected = record.position;
      previousHash = record.prevHash;
    }
    const problem =
      record.region !== first.region
        ? `region is ${record.region}, expected ${first.region}`
        : checkLinkSafely(record, expected, previousHash);
    if (problem !== null)
      return { records, first, lastHash: previousHash, problem: { line, recordsBefore: records, problem } };
    decisions?.push(decisionLine(record.type, record.outcome, record.reason, record.data));
    previousHash = record.hash;
    expected += 1;
    records += 1;
  }
  const result: BlockResult = {
    records,
    first,
    lastHash: first === null ? null : previousHash,
    problem: null,
  };
  return decisions === undefined ? result : { ...result, decisions: decisions.join('\n') };
}

/** Number of lines a block holds, as the sequential reader counts them: a final line without "\n" counts too. */
export function countLines(bytes: Uint8Array): number {
  let lines = 0;
  let at = bytes.indexOf(NEWLINE);
  let last = -1;
  while (at !== -1) {
    lines += 1;
    last = at;
    at = bytes.indexOf(NEWLINE, at + 1);
  }
  return last === bytes.length - 1 ? lines : lines + 1;
}
