/** Pure figures of the load test: latency percentiles and whether a rate was sustained. */

/** Nearest-rank percentile of the values (p in 0..100); NaN when there are none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? Number.NaN;
}

export interface LagSample {
  atSeconds: number;
  lag: number;
}

/**
 * A rate is sustained when the consumers keep up: over the second half of the step the total lag
 * does not grow by more than `toleratedGrowthPerSecond` a second (least-squares slope), and it ends
 * below what `rate` produces in `bufferSeconds` (batching keeps a little lag even when all is well).
 */
export function isSustained(
  samples: readonly LagSample[],
  rate: number,
  options: { bufferSeconds?: number; toleratedGrowthPerSecond?: number } = {},
): { sustained: boolean; slope: number; finalLag: number } {
  const half = samples.slice(Math.floor(samples.length / 2));
  const finalLag = samples.at(-1)?.lag ?? 0;
  const slope = lagSlope(half);
  const tolerated = options.toleratedGrowthPerSecond ?? Math.max(5, rate * 0.02);
  const buffer = (options.bufferSeconds ?? 3) * rate;
  return { sustained: slope <= tolerated && finalLag <= buffer, slope, finalLag };
}

export function lagSlope(samples: readonly LagSample[]): number {
  const n = samples.length;
  if (n < 2) return 0;
  const mx = samples.reduce((s, x) => s + x.atSeconds, 0) / n;
  const my = samples.reduce((s, x) => s + x.lag, 0) / n;
  let num = 0;
  let den = 0;
  for (const s of samples) {
    num += (s.atSeconds - mx) * (s.lag - my);
    den += (s.atSeconds - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}
