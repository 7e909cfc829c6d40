/**
 * Per-feature quantile binning for the histogram forest. A feature with at most `maxBins` distinct
 * training values gets one bin per value, with edges at the midpoints between them: splits on those
 * bins are then exactly the splits a textbook CART (and scikit-learn) considers. A feature with more
 * distinct values gets `maxBins` bins of roughly equal counts, edges again between two data values.
 *
 * The bin of x is the first k with x <= edges[k] (edges.length when x is above them all), so
 * "bin <= k" and "x <= edges[k]" agree on every training value.
 */
export interface FeatureBins {
  /** Ascending bin edges; the feature has edges.length + 1 bins. */
  readonly edges: Float64Array;
  /** The distinct training value of each bin when every bin holds exactly one, else null. */
  readonly values: Float64Array | null;
}

export const MAX_BINS = 256;

export function fitBins(column: ArrayLike<number>, maxBins = MAX_BINS): FeatureBins {
  if (maxBins < 2 || maxBins > MAX_BINS)
    throw new RangeError(`maxBins must be in [2, ${MAX_BINS}], got ${maxBins}`);
  const sorted = Float64Array.from(column).sort();
  const distinct: number[] = [];
  for (const v of sorted) if (distinct.length === 0 || v !== distinct[distinct.length - 1]) distinct.push(v);
  if (distinct.length <= maxBins) {
    const edges = new Float64Array(Math.max(0, distinct.length - 1));
    for (let k = 0; k < edges.length; k++) edges[k] = midpoint(distinct[k] ?? 0, distinct[k + 1] ?? 0);
    return { edges, values: Float64Array.from(distinct) };
  }
  const edges: number[] = [];
  const n = sorted.length;
  for (let k = 1; k < maxBins; k++) {
    const below = sorted[Math.floor((k * n) / maxBins) - 1] ?? sorted[0] ?? 0;
    const i = lowerBound(distinct, below);
    const above = distinct[i + 1];
    if (above === undefined) continue;
    const edge = midpoint(below, above);
    if (edges.length === 0 || edge > (edges[edges.length - 1] ?? -Infinity)) edges.push(edge);
  }
  return { edges: Float64Array.from(edges), values: null };
}

/** sklearn's threshold between two sorted values: their midpoint, or the lower one when rounding reaches the upper. */
export function midpoint(a: number, b: number): number {
  const m = a / 2 + b / 2;
  return m === b || !Number.isFinite(m) ? a : m;
}

export function binOf(edges: Float64Array, x: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (x <= (edges[mid] ?? Infinity)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function lowerBound(values: readonly number[], x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((values[mid] ?? Infinity) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
