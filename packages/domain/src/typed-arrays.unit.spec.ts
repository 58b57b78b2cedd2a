import { describe, expect, it } from 'vitest';
import { grown } from './typed-arrays';

describe('grown', () => {
  it('doubles a typed array of the same kind, the old elements first and the rest zero', () => {
    const small = Int32Array.of(3, -1, 7);
    const bigger = grown(small);
    expect(bigger).toBeInstanceOf(Int32Array);
    expect([...bigger]).toEqual([3, -1, 7, 0, 0, 0]);
    expect([...grown(BigInt64Array.of(-1n, 2n ** 62n))]).toEqual([-1n, 2n ** 62n, 0n, 0n]);
    expect(grown(new Uint8Array(0)).length).toBe(1);
  });

  it('doubles as often as it takes to hold what is asked for', () => {
    const text = Uint8Array.of(1, 2);
    expect(grown(text, 5).length).toBe(8);
    expect(grown(text, 4).length).toBe(4);
    expect([...grown(Uint32Array.of(9), 3)]).toEqual([9, 0, 0, 0]);
  });
});
