/** Pure figures of the load test: latency percentiles and the verdict on a rate. */

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

/** Least-squares growth of lag per second, with the standard error of that slope. */
export function lagTrend(samples: readonly LagSample[]): { slope: number; stderr: number } {
  const n = samples.length;
  if (n < 2) return { slope: 0, stderr: Number.POSITIVE_INFINITY };
  const mx = samples.reduce((s, x) => s + x.atSeconds, 0) / n;
  const my = samples.reduce((s, x) => s + x.lag, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const s of samples) {
    sxy += (s.atSeconds - mx) * (s.lag - my);
    sxx += (s.atSeconds - mx) ** 2;
  }
  if (sxx === 0) return { slope: 0, stderr: Number.POSITIVE_INFINITY };
  const slope = sxy / sxx;
  if (n < 3) return { slope, stderr: Number.POSITIVE_INFINITY };
  let residuals = 0;
  for (const s of samples) residuals += (s.lag - my - slope * (s.atSeconds - mx)) ** 2;
  return { slope, stderr: Math.sqrt(residuals / (n - 2) / sxx) };
}

export function lagSlope(samples: readonly LagSample[]): number {
  return lagTrend(samples).slope;
}

export type Verdict = 'sustained' | 'failed' | 'marginal';

export interface LagVerdict {
  verdict: Verdict;
  /** Lag growth per second over the second half of the step, and its standard error. */
  slope: number;
  stderr: number;
  /** The growth tolerated (batching makes lag wobble even when all is well). */
  tolerated: number;
  finalLag: number;
}

/**
 * Whether the consumers kept up with `rate`, judged on the second half of a step (the first half
 * absorbs the start): sustained when the lag's growth is within tolerance even at the top of its
 * two-standard-error band and the lag ends below `bufferSeconds` of events; failed when the growth
 * is beyond tolerance even at the bottom of the band, or the lag ends far above the buffer; marginal
 * otherwise, and then the caller measures longer instead of guessing.
 */
export function judgeLag(
  samples: readonly LagSample[],
  rate: number,
  options: { bufferSeconds?: number; toleratedGrowthPerSecond?: number } = {},
): LagVerdict {
  const half = samples.slice(Math.floor(samples.length / 2));
  const finalLag = samples.at(-1)?.lag ?? 0;
  const { slope, stderr } = lagTrend(half);
  const tolerated = options.toleratedGrowthPerSecond ?? Math.max(5, rate * 0.02);
  const buffer = (options.bufferSeconds ?? 3) * rate;
  let verdict: Verdict;
  if (slope - 2 * stderr > tolerated || finalLag > 2 * buffer) verdict = 'failed';
  else if (slope + 2 * stderr <= tolerated && finalLag <= buffer) verdict = 'sustained';
  else verdict = 'marginal';
  return { verdict, slope, stderr, tolerated, finalLag };
}
