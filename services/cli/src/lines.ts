//! Streams the lines of a file (or standard input for "-") without reading it whole.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import {
  UserError,
  eachLine,
  splitLineBatches,
  withoutByteOrderMark,
  type LineSource,
} from '@budget/application';

async function checkReadable(path: string): Promise<void> {
  if (path === '-') return;
  const info = await stat(path).catch(() => undefined);
  if (info === undefined) throw new UserError(`cannot read ${path}: no such file`, 'bad-file');
  if (info.isDirectory())
    throw new UserError(`cannot read ${path}: it is a directory, not a file`, 'bad-file');
  if (!info.isFile()) throw new UserError(`cannot read ${path}: not a regular file`, 'bad-file');
}

/** The raw bytes of a file (or standard input for "-"), in large chunks, for readers that split lines themselves. */
export async function* fileBytes(path: string): AsyncGenerator<Uint8Array> {
  await checkReadable(path);
  const input = path === '-' ? process.stdin : createReadStream(path, { highWaterMark: 1 << 20 });
  for await (const chunk of input) yield chunk as Uint8Array;
}

/** The bytes of a file (or standard input for "-") without the byte-order mark that spreadsheet programs write
 *  before the first record. */
function fileBytesWithoutMark(path: string): AsyncGenerator<Uint8Array> {
  return withoutByteOrderMark(fileBytes(path));
}

/** The lines of a file (or standard input for "-"), a batch per chunk read (`splitLineBatches`), without the
 *  byte-order mark. */
export function fileLineBatches(path: string): AsyncGenerator<string[]> {
  return splitLineBatches(fileBytesWithoutMark(path));
}

/** A file as an import's input: its lines, and the same as bytes for the threads that validate them. */
export function fileSource(path: string): LineSource {
  return Object.assign(() => fileLines(path), { bytes: () => fileBytesWithoutMark(path) });
}

export function fileLines(path: string): AsyncGenerator<string> {
  return eachLine(fileLineBatches(path));
}

/** Copies standard input to a temporary file, so that an import can read it twice (validate, then append). */
export async function spoolStandardInput(): Promise<{ path: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'budget-stdin-'));
  const path = join(dir, 'input.ndjson');
  await pipeline(process.stdin, createWriteStream(path));
  return { path, remove: () => rm(dir, { recursive: true, force: true }) };
}
