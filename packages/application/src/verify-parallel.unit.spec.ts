import { sealRecord, type LogRecord } from '@budget/domain';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { verifyHistory } from './audit';
import { demoHistory } from './testing/demo-history';
import { verifyHistoryInParallel } from './verify-parallel';

const LINES = demoHistory().map((record) => JSON.stringify(record));

async function* chunks(text: string, size: number): AsyncGenerator<Uint8Array> {
  const bytes = Buffer.from(text, 'utf8');
  for (let at = 0; at < bytes.length; at += size) {
    await Promise.resolve();
    yield bytes.subarray(at, at + size);
  }
}

async function* lines(text: string): AsyncGenerator<string> {
  await Promise.resolve();
  // As the CLI's line reader does: readline with crlfDelay: Infinity (these inputs have no lone "\r"), and a
  // byte-order mark is not part of the first line.
  const all = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (all.at(-1) === '') all.pop();
  yield* all;
}

async function bothWays(text: string, blockBytes: number, chunkBytes: number, workers = 0) {
  const sequential = await verifyHistory(lines(text));
  const parallel = await verifyHistoryInParallel(chunks(text, chunkBytes), { blockBytes, workers });
  return { sequential, parallel };
}

/** Ways an export can be damaged or reformatted, each at a chosen line. */
const damage = fc.oneof(
  fc.record({ kind: fc.constant('none' as const) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('swap' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('blank' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('garbage' as const), at: fc.nat(), text: fc.string({ maxLength: 20 }) }),
  fc.record({ kind: fc.constant('amount' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('region' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('relink' as const), at: fc.nat() }),
);

function damaged(input: string[], change: DamageCase): string[] {
  const out = [...input];
  if (change.kind === 'none') return out;
  const at = change.at % out.length;
  const line = out[at] ?? '';
  switch (change.kind) {
    case 'delete':
      out.splice(at, 1);
      break;
    case 'swap':
      out[at] = out[(at + 1) % out.length] ?? '';
      out[(at + 1) % out.length] = line;
      break;
    case 'blank':
      out.splice(at, 0, '   ');
      break;
    case 'garbage':
      out.splice(at, 0, change.text);
      break;
    case 'amount':
      out[at] = line.replace(/"amount":"(\d)/, '"amount":"9$1');
      break;
    case 'relink': {
      // A forged record sealed again: its own hash holds, only the link to the previous record breaks.
      const record = JSON.parse(line) as LogRecord;
      out[at] = JSON.stringify(sealRecord({ ...record, prevHash: 'f'.repeat(64) }));
      break;
    }
    case 'region':
      out[at] = line.replaceAll('zuid-limburg', 'noord-limburg');
      break;
  }
  return out;
}

type DamageCase =
  | { kind: 'none' }
  | { kind: 'delete' | 'swap' | 'blank' | 'amount' | 'region' | 'relink'; at: number }
  | { kind: 'garbage'; at: number; text: string };

describe('verifyHistoryInParallel', () => {
  it('accepts the intact demo export, cut into many blocks', async () => {
    const { sequential, parallel } = await bothWays(`${LINES.join('\n')}\n`, 1000, 777);
    expect(sequential).toEqual({ ok: true, records: LINES.length });
    expect(parallel).toEqual(sequential);
  });

  it('gives the answer of the sequential check whatever the damage, block size and chunk size', async () => {
    await fc.assert(
      fc.asyncProperty(
        damage,
        fc.integer({ min: 1, max: 6000 }),
        fc.integer({ min: 64, max: 5000 }),
        fc.boolean(),
        fc.boolean(),
        async (change, blockBytes, chunkBytes, trailingNewline, bom) => {
          const body = damaged(LINES, change).join('\n');
          const text = `${bom ? '\uFEFF' : ''}${body}${trailingNewline ? '\n' : ''}`;
          const { sequential, parallel } = await bothWays(text, blockBytes, chunkBytes);
          expect(parallel).toEqual(sequential);
          if (change.kind === 'none') expect(parallel.ok).toBe(true);
        },
      ),
      { numRuns: 1000 },
    );
  }, 120_000);

  it('names the first failure when worker threads check the blocks', async () => {
    const broken = damaged(LINES, { kind: 'amount', at: 100 });
    const text = `${broken.join('\n')}\n`;
    const { sequential, parallel } = await bothWays(text, 2000, 4096, 2);
    expect(sequential.ok).toBe(false);
    expect(parallel).toEqual(sequential);
  });

  it('accepts an intact export checked by worker threads, and an empty one', async () => {
    const { parallel } = await bothWays(`${LINES.join('\n')}\n`, 3000, 4096, 2);
    expect(parallel).toEqual({ ok: true, records: LINES.length });
    expect(await verifyHistoryInParallel(chunks('', 10))).toEqual({ ok: true, records: 0 });
  });
});
