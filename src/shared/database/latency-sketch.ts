/**
 * A fixed log-bucket histogram of durations in ms, mergeable by adding counts index by index
 * (so a rollup row, an hour of them or a whole range answer p50/p99 alike). Bucket 0 holds
 * calls under 1 ms; bucket i ≥ 1 holds [γ^(i-1), γ^i) ms with γ = 2^(1/8), and a quantile
 * reads as its bucket's geometric middle: at most 2^(1/16) - 1 ≈ 4.4% from the true value.
 * Calls past γ^(SKETCH_BUCKETS-1) ms (about 4.6 hours) share the last bucket; the exact
 * maximum caps every estimate. Stored without trailing zeros.
 */
export const SKETCH_BUCKETS = 194;
const STEPS_PER_DOUBLING = 8;

/** The bucket a duration counts in. */
export function sketchIndex(durationMs: number): number {
  if (!(durationMs >= 1)) return 0;
  const index = 1 + Math.floor(Math.log2(durationMs) * STEPS_PER_DOUBLING);
  return Math.min(SKETCH_BUCKETS - 1, index);
}

/** Adds `count` calls of `durationMs` to a sketch, growing it as needed. */
export function sketchAdd(sketch: number[], durationMs: number, count = 1): void {
  const index = sketchIndex(durationMs);
  while (sketch.length <= index) sketch.push(0);
  sketch[index] += count;
}

/** Adds one sketch into another, index by index. */
export function sketchMerge(into: number[], from: readonly number[]): void {
  while (into.length < from.length) into.push(0);
  from.forEach((count, index) => (into[index] += count));
}

/**
 * The nearest-rank `fraction` quantile (0 < fraction ≤ 1) of the calls counted, capped at
 * `maxMs`; 0 for an empty sketch.
 */
export function sketchQuantile(sketch: readonly number[], fraction: number, maxMs: number): number {
  const total = sketch.reduce((sum, count) => sum + count, 0);
  if (total === 0) return 0;
  const rank = Math.max(1, Math.ceil(fraction * total));
  let seen = 0;
  for (const [index, count] of sketch.entries()) {
    seen += count;
    if (seen >= rank) return Math.min(maxMs, bucketMiddle(index));
  }
  return maxMs;
}

function bucketMiddle(index: number): number {
  return index === 0 ? 0 : 2 ** ((index - 0.5) / STEPS_PER_DOUBLING);
}
