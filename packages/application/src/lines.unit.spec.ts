import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NOT_UTF8_MARK } from '@budget/domain';
import {
  decodeLine,
  decodeLines,
  lineCount,
  splitLineBatches,
  splitLines,
  withoutByteOrderMark,
} from './lines';
import { chunked } from './testing/chunked';

/** What the lines of `text` are by definition: split at "\n", one "\r" before it dropped, no line after a last "\n". */
function expectedLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (text.endsWith('\n')) lines.pop();
  return lines.map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
}

async function collect(lines: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const line of lines) out.push(line);
  return out;
}

describe('splitLines', () => {
  it('gives the lines of the text however its bytes are cut into chunks', async () => {
    const text = fc
      .array(fc.oneof(fc.constantFrom('\n', '\r\n', '\r', '{"a":1}', 'é', '€', '𝄞', ' '), fc.string()), {
        maxLength: 40,
      })
      .map((parts) => parts.join(''));
    await fc.assert(
      fc.asyncProperty(text, fc.array(fc.nat(), { maxLength: 12 }), async (input, cuts) => {
        const bytes = new TextEncoder().encode(input);
        expect(await collect(splitLines(chunked(bytes, cuts)))).toEqual(expectedLines(input));
        // In batches: the same lines, each batch those that end in one chunk, none empty.
        const batches: string[][] = [];
        for await (const batch of splitLineBatches(chunked(bytes, cuts))) batches.push(batch);
        expect(batches.flat()).toEqual(expectedLines(input));
        expect(batches.every((batch) => batch.length > 0)).toBe(true);
        expect(batches.length).toBeLessThanOrEqual(cuts.length + 2); // one per chunk, and the last line if unended
      }),
      { numRuns: 1000 },
    );
  });

  it('joins a line that spans many chunks once, and reads plain Uint8Arrays as well as Buffers', async () => {
    const long = 'x'.repeat(10_000);
    const bytes = new TextEncoder().encode(`${long}\r\nshort\nlast`);
    const cuts = Array.from({ length: 200 }, (_, i) => i * 50 + 1);
    async function* plain(): AsyncGenerator<Uint8Array> {
      // Copies into plain Uint8Arrays, offset into a larger buffer, as a web stream may hand them.
      for await (const chunk of chunked(bytes, cuts)) {
        const larger = new Uint8Array(chunk.length + 8);
        larger.set(chunk, 4);
        yield larger.subarray(4, 4 + chunk.length);
      }
    }
    expect(await collect(splitLines(plain()))).toEqual([long, 'short', 'last']);
  });

  it('marks each line that is not UTF-8 (NOT_UTF8_MARK), and only those, however the bytes are cut', async () => {
    // "a<FF>b", a valid U+FFFD (EF BF BD), "c", then a lone C3 at the end without a newline.
    const bytes = Uint8Array.from([0x61, 0xff, 0x62, 0x0a, 0xef, 0xbf, 0xbd, 0x0d, 0x0a, 0x63, 0x0a, 0xc3]);
    const expected = [`${NOT_UTF8_MARK}a\uFFFDb`, '\uFFFD', 'c', `${NOT_UTF8_MARK}\uFFFD`];
    for (const cuts of [[], [2], [5], [6, 10], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]]) {
      expect(await collect(splitLines(chunked(bytes, cuts)))).toEqual(expected);
    }
    expect(decodeLine(Buffer.from('caf\u00e9', 'latin1'))).toBe(`${NOT_UTF8_MARK}caf\uFFFD`);
    expect(decodeLine(Buffer.from('caf\u00e9 \uFFFD', 'utf8'))).toBe('caf\u00e9 \uFFFD');
  });
});

describe('lineCount', () => {
  it('counts the lines decodeLines splits the bytes into', () => {
    const text = fc
      .array(fc.oneof(fc.constantFrom('\n', '\r\n', '\r', 'é', '{"a":1}'), fc.string()), { maxLength: 30 })
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(text, (input) => {
        const bytes = Buffer.from(input);
        expect(lineCount(bytes)).toBe(decodeLines(bytes).length);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('withoutByteOrderMark', () => {
  async function bytesOf(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
    const parts: Uint8Array[] = [];
    for await (const chunk of chunks) parts.push(chunk);
    return Buffer.concat(parts);
  }

  it('drops a mark at the start, however the first bytes are cut, and keeps everything else', async () => {
    const mark = [0xef, 0xbb, 0xbf];
    // Starts with the mark, part of it, or other bytes; and a mark later on, which stays.
    const start = fc.constantFrom([], mark, mark.slice(0, 1), mark.slice(0, 2), [0xef, 0xbb, 0x41], [0x41]);
    const rest = fc.array(fc.constantFrom(0x41, 0x0a, 0xef, 0xbb, 0xbf), { maxLength: 20 });
    await fc.assert(
      fc.asyncProperty(start, rest, fc.array(fc.nat(), { maxLength: 8 }), async (head, tail, cuts) => {
        const bytes = Buffer.from([...head, ...tail]);
        const hasMark = bytes.subarray(0, 3).equals(Buffer.from(mark));
        expect(await bytesOf(withoutByteOrderMark(chunked(bytes, cuts)))).toEqual(
          hasMark ? bytes.subarray(3) : bytes,
        );
      }),
      { numRuns: 1000 },
    );
  });
});
