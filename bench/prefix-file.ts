// Copies the first N lines of an NDJSON file to another file, streaming, for the memory-scaling runs.
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

export async function writePrefix(source: string, target: string, lines: number): Promise<void> {
  const out = createWriteStream(target, { encoding: 'utf8' });
  const input = createReadStream(source);
  const reader = createInterface({ input, crlfDelay: Infinity });
  let count = 0;
  let chunk = '';
  for await (const line of reader) {
    if (count >= lines) break;
    chunk += `${line}\n`;
    count++;
    // Batched writes with backpressure, as in generate.ts.
    if (chunk.length >= 1 << 16) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  reader.close();
  input.destroy();
  out.end(chunk);
  await once(out, 'finish');
}
