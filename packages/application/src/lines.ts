//! The lines of NDJSON arriving as chunks of bytes: split at "\n" (a "\r" right before it is dropped) and decoded
//! as UTF-8, so a character split between two chunks stays whole; a line that is not UTF-8 is marked (`decodeLine`).
//! Line numbers agree with `audit verify`'s blocks, which count "\n" alone; a "\r" inside a line stays there (JSON takes it as blank space). Each chunk's complete lines are
//! decoded in one go and handed on together: a large file's million lines cost a thousand decodes and a thousand
//! awaits, not a million of each. About five times faster than node:readline on a large export, which decodes the
//! whole stream and splits it with a regular expression.

import { isUtf8 } from 'node:buffer';
import { NOT_UTF8_MARK } from '@budget/domain';

const NEWLINE = 0x0a;

function withoutReturn(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

/**
 * One line's bytes as text: decoded as UTF-8, or, when they are not UTF-8, marked as such (`NOT_UTF8_MARK`, which
 * validation refuses as `bad-encoding`) before the text decoded with U+FFFD for the bad bytes, so that bytes that
 * are not UTF-8 are never taken in as replacement characters.
 */
export function decodeLine(bytes: Uint8Array): string {
  const buffer = Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = buffer.toString('utf8');
  // Only text with a U+FFFD can come from bytes that are not UTF-8: the check is paid for such text alone.
  return text.includes('\uFFFD') && !isUtf8(buffer) ? NOT_UTF8_MARK + text : text;
}

/**
 * The text of whole lines of bytes: decoded in one go when they are UTF-8 (or hold no U+FFFD, which bytes that are
 * not UTF-8 always decode to), else line by line with `decodeLine`, so that each line that is not UTF-8 is marked.
 * "\n" is never part of a multi-byte character, so the text splits at "\n" into the same lines either way.
 */
export function decodeText(bytes: Buffer): string {
  const text = bytes.toString('utf8');
  if (!text.includes('\uFFFD') || isUtf8(bytes)) return text;
  const lines: string[] = [];
  let start = 0;
  for (let end = bytes.indexOf(NEWLINE); end !== -1; end = bytes.indexOf(NEWLINE, start)) {
    lines.push(decodeLine(bytes.subarray(start, end)));
    start = end + 1;
  }
  lines.push(decodeLine(bytes.subarray(start)));
  return lines.join('\n');
}

/** The lines of bytes (split at "\n", a "\r" right before it dropped), as `decodeText` reads them. */
export function decodeLines(bytes: Buffer): string[] {
  const lines = decodeText(bytes).split('\n');
  for (let i = 0; i < lines.length; i++) lines[i] = withoutReturn(lines[i] as string);
  return lines;
}

/** The number of lines `decodeLines` splits the bytes into: one more than their "\n". */
export function lineCount(bytes: Uint8Array): number {
  let count = 1;
  for (let at = bytes.indexOf(NEWLINE); at !== -1; at = bytes.indexOf(NEWLINE, at + 1)) count += 1;
  return count;
}

/**
 * The bytes of whole lines, one piece per chunk that completes at least one line: each piece holds the lines that
 * end in that chunk, without the "\n" after the last of them (a last line without "\n" is the last piece). For
 * readers that decode the lines elsewhere (`decodeLines`), such as the validating workers of an import.
 */
export async function* wholeLineChunks(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer> {
  /** The start of a line that continues in the next chunk (kept as parts: a long line is joined once). */
  let partial: Buffer[] = [];
  for await (const chunk of chunks) {
    const bytes = Buffer.isBuffer(chunk)
      ? chunk
      : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const last = bytes.lastIndexOf(NEWLINE);
    if (last === -1) {
      if (bytes.length > 0) partial.push(bytes);
      continue;
    }
    let whole = bytes.subarray(0, last);
    if (partial.length > 0) {
      partial.push(whole);
      whole = Buffer.concat(partial);
      partial = [];
    }
    if (last + 1 < bytes.length) partial.push(bytes.subarray(last + 1));
    yield whole;
  }
  if (partial.length > 0) yield Buffer.concat(partial);
}

/**
 * The lines, a batch per chunk that completes at least one: each batch holds the lines that end in that chunk, in
 * order. Decoding a run of whole lines at once gives the same text as decoding each line on its own: "\n" is never
 * part of a multi-byte character.
 */
export async function* splitLineBatches(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<string[]> {
  for await (const whole of wholeLineChunks(chunks)) yield decodeLines(whole);
}

const BYTE_ORDER_MARK = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * The bytes without a byte-order mark at their start (UTF-8's, which spreadsheet programs write before the first
 * record), however the first bytes are cut into chunks.
 */
export async function* withoutByteOrderMark(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  /** The first bytes, until there are enough to tell whether they start with the mark. */
  let head: Buffer | undefined = Buffer.alloc(0);
  for await (const chunk of chunks) {
    if (head === undefined) {
      yield chunk;
      continue;
    }
    head = Buffer.concat([head, chunk]);
    if (head.length < BYTE_ORDER_MARK.length && BYTE_ORDER_MARK.subarray(0, head.length).equals(head))
      continue;
    yield head.subarray(0, BYTE_ORDER_MARK.length).equals(BYTE_ORDER_MARK)
      ? head.subarray(BYTE_ORDER_MARK.length)
      : head;
    head = undefined;
  }
  // Input shorter than a mark, even if it starts like one, is kept whole.
  if (head !== undefined && head.length > 0) yield head;
}

/** The lines of batches one at a time, for readers that take them so. */
export async function* eachLine(batches: AsyncIterable<readonly string[]>): AsyncGenerator<string> {
  for await (const batch of batches) yield* batch;
}

/** The lines one at a time (`splitLineBatches`, flattened). */
export function splitLines(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  return eachLine(splitLineBatches(chunks));
}
