/**
 * Metrics of predicted probabilities beyond ranking: a calibration table (fixed deciles of the
 * predicted probability, as in scikit-learn's calibration_curve with strategy="uniform" and 10 bins,
 * plus the counts) and the population stability index of a distribution against a reference one,
 * both over histograms so that a live consumer can keep counts instead of raw values.
 */

export interface CalibrationRow {
  lower: number;
  upper: number;
  count: number;
  /** Mean predicted probability of the bin; null when it is empty. */
  mean_predicted: number | null;
  /** Share of positive outcomes in the bin; null when it is empty. */
  observed_rate: number | null;
}

/** Bin k of `bins` equal-width bins over [0, 1]: [k/bins, (k+1)/bins), the last one closed at 1. */
export function probabilityBin(p: number, bins = 10): number {
  return Math.min(bins - 1, Math.max(0, Math.floor(p * bins)));
}

export function calibrationTable(
  yTrue: ArrayLike<number>,
  yProb: ArrayLike<number>,
  bins = 10,
): CalibrationRow[] {
  if (yTrue.length !== yProb.length) {
    throw new RangeError(`y_true has ${yTrue.length} values but y_prob has ${yProb.length}`);
  }
  const count = new Array<number>(bins).fill(0);
  const sumP = new Array<number>(bins).fill(0);
  const positives = new Array<number>(bins).fill(0);
  for (let i = 0; i < yTrue.length; i++) {
    const p = yProb[i] ?? 0;
    const k = probabilityBin(p, bins);
    count[k] = (count[k] ?? 0) + 1;
    sumP[k] = (sumP[k] ?? 0) + p;
    if (yTrue[i] === 1) positives[k] = (positives[k] ?? 0) + 1;
  }
  return count.map((n, k) => ({
    lower: k / bins,
    upper: (k + 1) / bins,
    count: n,
    mean_predicted: n === 0 ? null : (sumP[k] ?? 0) / n,
    observed_rate: n === 0 ? null : (positives[k] ?? 0) / n,
  }));
}

/**
 * Quantile bin edges of a reference sample: at most `bins` bins of roughly equal counts, edges
 * between distinct values (so a discrete feature gets fewer, never empty-by-construction, bins).
 * x falls in bin k, the first with x <= edges[k] (edges.length when above them all).
 */
export function quantileEdges(values: ArrayLike<number>, bins = 10): number[] {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  const edges: number[] = [];
  for (let k = 1; k < bins; k++) {
    const i = Math.floor((k * n) / bins) - 1;
    if (i < 0 || i + 1 >= n) continue;
    const below = sorted[i] ?? 0;
    let j = i + 1;
    while (j < n && (sorted[j] ?? 0) === below) j++;
    if (j >= n) continue;
    const edge = (below + (sorted[j] ?? 0)) / 2;
    if (edges.length === 0 || edge > (edges[edges.length - 1] ?? -Infinity)) edges.push(edge);
  }
  return edges;
}

export function edgeBin(edges: readonly number[], x: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (x <= (edges[mid] ?? Infinity)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export function histogram(edges: readonly number[], values: ArrayLike<number>): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (let i = 0; i < values.length; i++) {
    const k = edgeBin(edges, values[i] ?? 0);
    counts[k] = (counts[k] ?? 0) + 1;
  }
  return counts;
}

/** Shares below this count as this much, so an empty bin on one side gives a large finite PSI. */
export const PSI_FLOOR = 1e-4;

/** PSI above this is the conventional "significant shift" (0.1-0.2 moderate, below 0.1 stable). */
export const PSI_ALERT = 0.2;

/**
 * Population stability index of `actual` against `expected` (both counts over the same bins):
 * sum over bins of (a - e) * ln(a / e) with a, e the shares. NaN when either side is empty.
 */
export function populationStabilityIndex(expected: readonly number[], actual: readonly number[]): number {
  if (expected.length !== actual.length) {
    throw new RangeError(`expected has ${expected.length} bins but actual has ${actual.length}`);
  }
  const sumE = expected.reduce((s, x) => s + x, 0);
  const sumA = actual.reduce((s, x) => s + x, 0);
  if (sumE === 0 || sumA === 0) return Number.NaN;
  let psi = 0;
  for (let k = 0; k < expected.length; k++) {
    const e = Math.max(PSI_FLOOR, (expected[k] ?? 0) / sumE);
    const a = Math.max(PSI_FLOOR, (actual[k] ?? 0) / sumA);
    psi += (a - e) * Math.log(a / e);
  }
  return psi;
}
