import { sketchAdd, sketchIndex, sketchMerge, sketchQuantile } from './latency-sketch';

/** Nearest-rank quantile of the exact values. */
function exact(values: number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(fraction * sorted.length)) - 1];
}

describe('latency sketch', () => {
  it('answers quantiles within 4.4% of the exact nearest-rank value', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) ** 3;
    const values = Array.from({ length: 20_000 }, () => 1 + Math.round(random() * 60_000));
    const sketch: number[] = [];
    values.forEach((value) => sketchAdd(sketch, value));
    for (const fraction of [0.5, 0.9, 0.95, 0.99, 0.999]) {
      const truth = exact(values, fraction);
      const estimate = sketchQuantile(sketch, fraction, Math.max(...values));
      expect(Math.abs(estimate - truth) / truth).toBeLessThanOrEqual(0.0443);
    }
  });

  it('merges by adding counts, the same as one sketch of all the calls', () => {
    const one: number[] = [];
    const a: number[] = [];
    const b: number[] = [];
    [3, 5, 800, 12].forEach((ms) => (sketchAdd(one, ms), sketchAdd(a, ms)));
    [0, 40_000].forEach((ms) => (sketchAdd(one, ms), sketchAdd(b, ms)));
    sketchMerge(a, b);
    expect(a).toEqual(one);
    expect(sketchQuantile(a, 1, 40_000)).toBe(40_000);
    expect(sketchQuantile(a, 0.1, 40_000)).toBe(0);
  });

  it('keeps sub-millisecond, huge and junk durations in range', () => {
    expect(sketchIndex(0)).toBe(0);
    expect(sketchIndex(0.4)).toBe(0);
    expect(sketchIndex(Number.NaN)).toBe(0);
    expect(sketchIndex(1)).toBe(1);
    expect(sketchIndex(2 ** 40)).toBe(193);
    expect(sketchQuantile([], 0.5, 0)).toBe(0);
  });
});
