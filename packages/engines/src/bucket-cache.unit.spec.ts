import { describe, expect, it } from 'vitest';
import { BucketCache, type IdPlace } from './mongo';

function places(n: number, from = 0): Map<string, IdPlace> {
  return new Map(
    Array.from({ length: n }, (_, i) => [
      `id-${String(from + i)}`,
      { position: from + i + 1, accepted: true },
    ]),
  );
}

describe('BucketCache', () => {
  it('gives back what was kept for a versioned bucket, and nothing for another version', () => {
    const cache = new BucketCache();
    const first = places(3);
    cache.set('r/7/1', first);
    expect(cache.get('r/7/1')).toBe(first);
    expect(cache.get('r/7/2')).toBeUndefined();
  });

  it('starts afresh once it would hold more ids than its bound', () => {
    const cache = new BucketCache(5);
    cache.set('r/1/1', places(3));
    cache.set('r/2/1', places(2, 3));
    expect(cache.get('r/1/1')?.size).toBe(3);
    cache.set('r/3/1', places(1, 5));
    expect(cache.get('r/1/1')).toBeUndefined();
    expect(cache.get('r/2/1')).toBeUndefined();
    expect(cache.get('r/3/1')?.size).toBe(1);
  });
});
