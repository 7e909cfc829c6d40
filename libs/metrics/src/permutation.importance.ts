/**
 * Permutation importance (sklearn.inspection.permutation_importance): how much a score drops when one
 * feature's column is shuffled, breaking its link with the label while keeping its distribution.
 * Computed on held-out rows it measures what the model relies on, without the bias of impurity
 * importances towards features with many distinct values.
 *
 * It costs features x repeats predictions of the rows, which on a large test set is many times the
 * fit itself; `maxRows` bounds it to a seeded sample of the rows (sklearn's `max_samples`), drawn
 * without replacement and kept in row order, so the same seed gives the same importances.
 */

export interface PermutationImportance {
  feature: number;
  /** Mean drop of the score over the repeats (baseline - permuted). */
  mean: number;
  std: number;
  drops: number[];
}

export interface PermutationImportanceInput {
  X: readonly (readonly number[])[];
  y: readonly number[];
  predict: (X: readonly (readonly number[])[]) => ArrayLike<number>;
  score: (yTrue: readonly number[], yPred: ArrayLike<number>) => number;
  repeats?: number;
  seed?: number;
  /** At most this many rows, a seeded sample of them when there are more (default: all rows). */
  maxRows?: number;
}

/** Indices of `maxRows` of `n` rows drawn without replacement from the seed, ascending; all rows when n <= maxRows. */
export function importanceSample(n: number, maxRows: number, seed: number): number[] {
  const all = Array.from({ length: n }, (_, i) => i);
  if (n <= maxRows) return all;
  // A stream of its own (seed + 1), so the shuffles below do not depend on whether rows were sampled.
  const random = seededUniform((seed + 1) >>> 0);
  for (let k = 0; k < maxRows; k++) {
    const j = k + Math.floor(random() * (n - k));
    const tmp = all[k] ?? 0;
    all[k] = all[j] ?? 0;
    all[j] = tmp;
  }
  return all.slice(0, maxRows).sort((a, b) => a - b);
}

export function permutationImportance(input: PermutationImportanceInput): PermutationImportance[] {
  const { predict, score } = input;
  const repeats = input.repeats ?? 5;
  const seed = input.seed ?? 0;
  const rows = importanceSample(input.X.length, input.maxRows ?? Infinity, seed);
  const sampled = rows.length < input.X.length;
  const X = sampled ? rows.map((i) => input.X[i] ?? []) : input.X;
  const y = sampled ? rows.map((i) => input.y[i] ?? 0) : input.y;
  const random = seededUniform(seed);
  const baseline = score(y, predict(X));
  const p = X[0]?.length ?? 0;
  const result: PermutationImportance[] = [];
  for (let f = 0; f < p; f++) {
    const drops: number[] = [];
    for (let r = 0; r < repeats; r++) {
      const column = X.map((row) => row[f] ?? 0);
      for (let i = column.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        const tmp = column[i] ?? 0;
        column[i] = column[j] ?? 0;
        column[j] = tmp;
      }
      const permuted = X.map((row, i) => {
        const copy = [...row];
        copy[f] = column[i] ?? 0;
        return copy;
      });
      drops.push(baseline - score(y, predict(permuted)));
    }
    const mean = drops.reduce((a, b) => a + b, 0) / repeats;
    const std = Math.sqrt(drops.reduce((a, b) => a + (b - mean) ** 2, 0) / repeats);
    result.push({ feature: f, mean, std, drops });
  }
  return result;
}

/** mulberry32: a tiny seeded generator, so importances are reproducible for a given seed. */
function seededUniform(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
