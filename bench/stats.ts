// Small statistics for repeated timings: the benchmark reports min and median, never the mean of a skewed sample.

export interface Spread {
  runs: number;
  min: number;
  median: number;
  max: number;
}

export function spread(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (i: number) => sorted[i] ?? Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? at(mid) : (at(mid - 1) + at(mid)) / 2;
  return { runs: sorted.length, min: round(at(0)), median: round(median), max: round(at(sorted.length - 1)) };
}

/** Two decimals are plenty for milliseconds and keep the JSON readable. */
export function round(value: number): number {
  return Math.round(value * 100) / 100;
}
