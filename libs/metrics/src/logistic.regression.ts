/**
 * A small logistic regression for baselines: features standardised on the training rows, weights by
 * Newton's method (iteratively reweighted least squares) with a light L2 penalty so that separable
 * or collinear data still converge. Enough for a handful of features; no dependency.
 */
/* eslint-disable @typescript-eslint/no-non-null-assertion -- dense loops over arrays sized p and n just above */

export interface LogisticModel {
  /** Standardisation of each feature: (x - mean) / scale. */
  mean: number[];
  scale: number[];
  /** Intercept first, then one weight per standardised feature. */
  weights: number[];
  iterations: number;
}

export interface LogisticOptions {
  /** L2 penalty on the weights (not the intercept), in units of the summed log-likelihood. */
  l2?: number;
  maxIterations?: number;
  tolerance?: number;
}

const sigmoid = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/** Solves A x = b (A symmetric positive definite, small) by Gaussian elimination with pivoting. */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r]![col]!) > Math.abs(m[pivot]![col]!)) pivot = r;
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    const d = m[col]![col]!;
    if (Math.abs(d) < 1e-300) continue;
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = m[r]![col]! / d;
      if (f === 0) continue;
      for (let c = col; c <= n; c++) m[r]![c]! -= f * m[col]![c]!;
    }
  }
  return m.map((row, i) => (Math.abs(row[i]!) < 1e-300 ? 0 : row[n]! / row[i]!));
}

export function fitLogistic(
  X: readonly (readonly number[])[],
  y: readonly number[],
  options: LogisticOptions = {},
): LogisticModel {
  const n = X.length;
  const p = X[0]?.length ?? 0;
  const l2 = options.l2 ?? 1e-3;
  const mean = new Array<number>(p).fill(0);
  const scale = new Array<number>(p).fill(0);
  for (const row of X) for (let j = 0; j < p; j++) mean[j]! += row[j]! / n;
  for (const row of X) for (let j = 0; j < p; j++) scale[j]! += (row[j]! - mean[j]!) ** 2 / n;
  for (let j = 0; j < p; j++) scale[j] = Math.sqrt(scale[j]!) || 1;
  const Z = X.map((row) => [1, ...row.map((v, j) => (v - mean[j]!) / scale[j]!)]);
  const w = new Array<number>(p + 1).fill(0);
  let iterations = 0;
  for (; iterations < (options.maxIterations ?? 50); iterations++) {
    const grad = new Array<number>(p + 1).fill(0);
    const hess = Array.from({ length: p + 1 }, () => new Array<number>(p + 1).fill(0));
    for (let i = 0; i < n; i++) {
      const z = Z[i]!;
      let dot = 0;
      for (let j = 0; j <= p; j++) dot += w[j]! * z[j]!;
      const mu = sigmoid(dot);
      const r = (y[i] === 1 ? 1 : 0) - mu;
      const v = mu * (1 - mu);
      for (let j = 0; j <= p; j++) {
        grad[j]! += r * z[j]!;
        for (let k = j; k <= p; k++) hess[j]![k]! += v * z[j]! * z[k]!;
      }
    }
    for (let j = 0; j <= p; j++) {
      for (let k = 0; k < j; k++) hess[j]![k] = hess[k]![j]!;
      if (j > 0) {
        grad[j]! -= l2 * w[j]!;
        hess[j]![j]! += l2;
      }
      hess[j]![j]! += 1e-9;
    }
    const step = solve(hess, grad);
    let change = 0;
    for (let j = 0; j <= p; j++) {
      w[j]! += step[j]!;
      change = Math.max(change, Math.abs(step[j]!));
    }
    if (change < (options.tolerance ?? 1e-8)) {
      iterations++;
      break;
    }
  }
  return { mean, scale, weights: w, iterations };
}

export function predictLogistic(model: LogisticModel, X: readonly (readonly number[])[]): Float64Array {
  const out = new Float64Array(X.length);
  X.forEach((row, i) => {
    let dot = model.weights[0]!;
    for (let j = 0; j < row.length; j++)
      dot += (model.weights[j + 1]! * (row[j]! - model.mean[j]!)) / model.scale[j]!;
    out[i] = sigmoid(dot);
  });
  return out;
}
