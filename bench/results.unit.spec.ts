// The import's verdict: the median of the ratios of pairs run back to back.
import { describe, expect, it } from 'vitest';
import { medianPairRatio } from './results';

const pair = (importMs: number, baselineMs: number): { importMs: number; baselineMs: number } => ({
  importMs,
  baselineMs,
});

describe('medianPairRatio', () => {
  it('takes the middle ratio of an odd number of pairs, not the ratio of the middle times', () => {
    const noisy = pair(13_000, 5_800); // x2.24: one slow import
    const middle = pair(11_800, 6_000); // x1.97
    const quick = pair(10_500, 6_900); // x1.52: one slow baseline
    const { ratio, pair: chosen } = medianPairRatio([noisy, quick, middle]);
    expect(ratio).toBeCloseTo(11_800 / 6_000, 10);
    expect(chosen).toBe(middle);
  });

  it('averages the middle two ratios of an even number of pairs, and names the lower one', () => {
    const low = pair(10_000, 5_000);
    const high = pair(12_000, 5_000);
    const result = medianPairRatio([pair(15_000, 5_000), high, low, pair(5_000, 5_000)]);
    expect(result.ratio).toBeCloseTo(2.2, 10);
    expect(result.pair).toBe(low);
  });

  it('is the one ratio of a single pair, and refuses no pairs', () => {
    expect(medianPairRatio([pair(12_000, 6_000)]).ratio).toBe(2);
    expect(() => medianPairRatio([])).toThrow(/no import pairs/);
  });
});
