import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mongo } from 'mongoose';
import { createHash } from 'node:crypto';
import { ID_BUCKETS, bucketOf, packText, unpackText } from './mongo';

describe('packed chunk texts', () => {
  it('give back the text they were made from, whatever it holds', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.string({ unit: 'binary' }), { maxLength: 20 }), async (lines) => {
        const text = lines.join('\n');
        expect(unpackText(await packText(text))).toBe(text);
      }),
      { numRuns: 1000 },
    );
  });

  it('are binary and much smaller than repetitive JSON lines', async () => {
    const text = Array.from({ length: 1000 }, (_, i) =>
      JSON.stringify({ id: `e-${String(i)}`, type: 'SpendingRecorded', data: { amount: '12.34' } }),
    ).join('\n');
    const packed = await packText(text);
    expect(packed).toBeInstanceOf(mongo.Binary);
    expect((packed as mongo.Binary).length()).toBeLessThan(text.length / 4);
  });

  it('keep an empty text empty, and read plain strings written before packing', async () => {
    expect(await packText('')).toBe('');
    expect(unpackText('{"a":1}\n{"b":2}')).toBe('{"a":1}\n{"b":2}');
  });
});

describe('id buckets', () => {
  it('stay where stored indexes expect them: the first two bytes of SHA-256 of the id, modulo the bucket count', () => {
    expect(bucketOf('abc')).toBe(56);
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 64 }), (id) => {
        expect(bucketOf(id)).toBe(createHash('sha256').update(id).digest().readUInt16BE(0) % ID_BUCKETS);
      }),
      { numRuns: 1000 },
    );
  });
});
