/* eslint-disable @typescript-eslint/no-non-null-assertion -- fixtures are indexed within the bounds they were built with; a hole should fail the test loudly, not be masked by a default */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { midpoint } from './feature.bins';
import { Mulberry32 } from './forest.random';
import { HistogramForest } from './histogram.forest';

type Rows = number[][];

/**
 * The textbook CART the engine must agree with: exact splits at the midpoints between a node's sorted
 * distinct values, gini, grown until pure, ties to the lowest feature then the lowest threshold.
 */
interface RefNode {
  feature: number;
  threshold: number;
  value: number;
  left?: RefNode;
  right?: RefNode;
}

function referenceTree(X: Rows, y: number[], rows: number[]): RefNode {
  const ones = rows.filter((i) => y[i] === 1).length;
  const value = ones / rows.length;
  const node: RefNode = { feature: -1, threshold: 0, value };
  if (ones === 0 || ones === rows.length || rows.length < 2) return node;
  const total = rows.length;
  const tolerance = total * 1e-12;
  let best = -Infinity;
  let bestF = -1;
  let bestT = 0;
  for (let f = 0; f < (X[0]?.length ?? 0); f++) {
    const values = [...new Set(rows.map((i) => X[i]![f]!))].sort((a, b) => a - b);
    let fBest = -Infinity;
    let fT = 0;
    for (let k = 0; k + 1 < values.length; k++) {
      const t = midpoint(values[k]!, values[k + 1]!);
      const left = rows.filter((i) => X[i]![f]! <= t);
      const l1 = left.filter((i) => y[i] === 1).length;
      const l0 = left.length - l1;
      const r1 = ones - l1;
      const r0 = total - left.length - r1;
      const score = (l0 * l0 + l1 * l1) / (l0 + l1) + (r0 * r0 + r1 * r1) / (r0 + r1);
      if (score > fBest + tolerance) {
        fBest = score;
        fT = t;
      }
    }
    if (fBest > best + tolerance) {
      best = fBest;
      bestF = f;
      bestT = fT;
    }
  }
  if (bestF < 0) return node;
  node.feature = bestF;
  node.threshold = bestT;
  node.left = referenceTree(
    X,
    y,
    rows.filter((i) => X[i]![bestF]! <= bestT),
  );
  node.right = referenceTree(
    X,
    y,
    rows.filter((i) => X[i]![bestF]! > bestT),
  );
  return node;
}

function referencePredict(node: RefNode, row: number[]): number {
  let n = node;
  while (n.left !== undefined && n.right !== undefined) n = row[n.feature]! <= n.threshold ? n.left : n.right;
  return n.value;
}

function countNodes(node: RefNode): number {
  return 1 + (node.left ? countNodes(node.left) : 0) + (node.right ? countNodes(node.right) : 0);
}

function randomData(seed: number, n: number, p: number, decimals: number): { X: Rows; y: number[] } {
  const rng = new Mulberry32(seed);
  const X: Rows = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const row = Array.from(
      { length: p },
      () => Math.round(rng.nextFloat() * 10 ** decimals) / 10 ** decimals,
    );
    X.push(row);
    y.push(row[0]! + 0.5 * row[1]! + 0.6 * rng.nextFloat() > 1 ? 1 : 0);
  }
  return { X, y };
}

describe(HistogramForest.name, () => {
  it('separates two clusters perfectly', () => {
    const X = [
      ...Array.from({ length: 50 }, (_, i) => [i / 100, 5]),
      ...Array.from({ length: 50 }, (_, i) => [2 + i / 100, 5]),
    ];
    const y = X.map((r) => (r[0]! > 1 ? 1 : 0));
    const forest = new HistogramForest({ trees: 20, seed: 1 });
    forest.fit(X, y);
    assert.deepEqual(
      [
        ...forest.predictProba([
          [0.2, 5],
          [0.4, 5],
          [2.2, 5],
          [2.4, 5],
        ]),
      ],
      [0, 0, 1, 1],
    );
  });

  it('learns XOR, whose first split has no gini gain at all', () => {
    const rng = new Mulberry32(3);
    const X: Rows = Array.from({ length: 400 }, () => [rng.nextFloat() * 2 - 1, rng.nextFloat() * 2 - 1]);
    const y = X.map(([a, b]) => (a! > 0 !== b! > 0 ? 1 : 0));
    const forest = new HistogramForest({ trees: 30, seed: 7 });
    forest.fit(X, y);
    const p = forest.predictProba([
      [0.5, 0.5],
      [-0.5, -0.5],
      [0.5, -0.5],
      [-0.5, 0.5],
    ]);
    assert.ok(p[0]! < 0.1 && p[1]! < 0.1, `same-sign quadrants ${p[0]} ${p[1]}`);
    assert.ok(p[2]! > 0.9 && p[3]! > 0.9, `opposite-sign quadrants ${p[2]} ${p[3]}`);
  });

  it('grows the same tree as an exact-split CART when every value has its own bin', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const { X, y } = randomData(seed, 60, 3, 1);
      const tree = new HistogramForest({ trees: 1, seed, bootstrap: false, maxFeatures: 'all' });
      tree.fit(X, y);
      const ref = referenceTree(
        X,
        y,
        X.map((_, i) => i),
      );
      assert.equal(tree.fittedTrees()[0]!.feature.length, countNodes(ref), `node count, data seed ${seed}`);
      const grid = randomData(seed + 100, 300, 3, 3).X;
      for (const row of [...X, ...grid]) assert.equal(tree.predictRow(row), referencePredict(ref, row));
    }
  });

  it('predicts the mean of leaf class fractions (sklearn predict_proba), not a vote', () => {
    // Three identical rows labelled 1, 1, 0 cannot be split: the leaf holds 2/3.
    const X = [[0], [0], [0], [1]];
    const y = [1, 1, 0, 0];
    const forest = new HistogramForest({ trees: 3, seed: 1, bootstrap: false });
    forest.fit(X, y);
    assert.equal(forest.predictRow([0]), 2 / 3);
    assert.equal(forest.predictRow([1]), 0);
  });

  it('still learns a step when features have more distinct values than bins', () => {
    const rng = new Mulberry32(11);
    const X: Rows = Array.from({ length: 2000 }, () => [rng.nextFloat() * 1000, rng.nextFloat()]);
    const y = X.map((r) => (r[0]! > 612.5 ? 1 : 0));
    const forest = new HistogramForest({ trees: 10, seed: 1, maxBins: 64 });
    forest.fit(X, y);
    const p = forest.predictProba([
      [500, 0.5],
      [700, 0.5],
    ]);
    assert.ok(p[0]! < 0.05 && p[1]! > 0.95);
  });

  it('gives the same model JSON for the same seed and a different one for another seed', () => {
    const { X, y } = randomData(9, 300, 4, 3);
    const fit = (seed: number): string => {
      const forest = new HistogramForest({ trees: 15, seed });
      forest.fit(X, y);
      return JSON.stringify(forest.toJSON());
    };
    assert.equal(fit(42), fit(42));
    assert.notEqual(fit(42), fit(43));
  });

  it('predicts identically after a JSON round trip, row by row and in batch', () => {
    const { X, y } = randomData(10, 400, 5, 4);
    const forest = new HistogramForest({ trees: 25, seed: 5 });
    forest.fit(X, y);
    const loaded = HistogramForest.fromJSON(
      JSON.parse(JSON.stringify(forest.toJSON())) as ReturnType<HistogramForest['toJSON']>,
    );
    const grid = randomData(11, 500, 5, 6).X;
    const batch = forest.predictProba(grid);
    assert.deepEqual([...loaded.predictProba(grid)], [...batch]);
    grid.forEach((row, i) => {
      assert.equal(loaded.predictRow(row), batch[i]);
    });
  });

  it('samples sqrt(features) per split, so different features are used across a forest', () => {
    const { X, y } = randomData(12, 500, 9, 3);
    const forest = new HistogramForest({ trees: 10, seed: 2 });
    forest.fit(X, y);
    const rootFeatures = new Set(forest.fittedTrees().map((t) => t.feature[0]));
    // With 3 of 9 features per split the root is not always the strongest feature.
    assert.ok(rootFeatures.size > 1, `root features ${[...rootFeatures].join(',')}`);
  });
});
