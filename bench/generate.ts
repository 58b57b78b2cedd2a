// `tsx bench/generate.ts --events N --out FILE [--regions K] [--seed S]`: writes a synthetic NDJSON event file, streaming.
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { intFlag, parseArgs, stringFlag } from './args';
import { eventStream, type StreamSummary } from './event-stream';

const CHUNK_BYTES = 1 << 16;
const PROGRESS_EVERY = 100_000;

/** Writes and, when the stream's buffer is full, waits for 'drain': memory stays flat however large the file. */
async function write(out: WriteStream, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const events = intFlag(args, 'events', 1_000_000);
  const regions = intFlag(args, 'regions', 1);
  const seed = intFlag(args, 'seed', 1, 0);
  const file = stringFlag(args, 'out');
  if (file === undefined)
    throw new Error('usage: generate.ts --events N --out FILE [--regions K] [--seed S]');

  const started = performance.now();
  const out = createWriteStream(file, { encoding: 'utf8' });
  const summary: StreamSummary = { perRegion: {}, perType: {}, violations: 0 };
  let chunk = '';
  let count = 0;
  // Lines are batched into ~64 KiB chunks: one write call per line would cost more than the JSON itself.
  for (const record of eventStream({ events, regions, seed }, summary)) {
    chunk += `${JSON.stringify(record)}\n`;
    count++;
    if (chunk.length >= CHUNK_BYTES) {
      await write(out, chunk);
      chunk = '';
    }
    if (count % PROGRESS_EVERY === 0) process.stderr.write(`generate: ${count} / ${events} events\n`);
  }
  await write(out, chunk);
  out.end();
  await once(out, 'finish');
  const ms = performance.now() - started;
  process.stderr.write(`generate: ${count} events in ${ms.toFixed(0)} ms -> ${file}\n`);
  // One JSON line on stdout for the driver: what is in the file and how many events must be rejected.
  process.stdout.write(
    `${JSON.stringify({ file, events: count, regions: summary.perRegion, types: summary.perType, violations: summary.violations, seed, ms: Math.round(ms) })}\n`,
  );
}

await main();
