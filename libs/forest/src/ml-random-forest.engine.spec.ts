/* eslint-disable @typescript-eslint/no-non-null-assertion -- fixtures are indexed within the bounds they were built with; a hole should fail the test loudly, not be masked by a default */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RandomForestClassifier } from 'ml-random-forest';
import { Mulberry32 } from './forest.random';
import { MlRandomForestEngine, voteShare } from './ml-random-forest.engine';

function data(seed: number, n: number): { X: number[][]; y: number[] } {
  const rng = new Mulberry32(seed);
  const X = Array.from({ length: n }, () => [rng.nextFloat(), rng.nextFloat(), rng.nextFloat()]);
  const y = X.map((r) => (r[0]! + r[1]! * 0.5 + rng.nextFloat() * 0.7 > 1 ? 1 : 0));
  return { X, y };
}

describe(MlRandomForestEngine.name, () => {
  const { X, y } = data(1, 80);
  const engine = new MlRandomForestEngine({ trees: 7, seed: 3 });
  engine.fit(X, y);
  const grid = data(2, 100).X;

  it('returns the share of trees voting churn as the probability', () => {
    const probs = engine.predictProba(grid);
    engine.treeVotes(grid).forEach((votes, i) => {
      assert.equal(votes.length, 7);
      assert.equal(probs[i], votes.filter((v) => v === 1).length / 7);
      assert.equal(engine.predictRow(grid[i]!), probs[i]);
    });
  });

  it('fixes the library, whose predictProbability drops the first tree vote', () => {
    const library = engine.libraryProbability(grid);
    let differs = 0;
    engine.treeVotes(grid).forEach((votes, i) => {
      const rest = votes.slice(1).filter((v) => v === 1).length;
      // The library seeds its reduce with the first vote (0 or 1) instead of counting it as 1/n.
      assert.equal(library[i], Math.round(votes[0]! + (rest * 1e6) / 7) / 1e6);
      if (Math.abs((library[i] ?? 0) - voteShare(votes)) > 1e-5) differs++;
    });
    assert.ok(differs > 0, 'some rows have a first vote for churn');
  });

  it('predicts identically after a JSON round trip', () => {
    const loaded = MlRandomForestEngine.fromJSON(
      JSON.parse(JSON.stringify(engine.toJSON())) as ReturnType<MlRandomForestEngine['toJSON']>,
    );
    assert.deepEqual([...loaded.predictProba(grid)], [...engine.predictProba(grid)]);
  });

  it('documents the library defaults: all features, drawn once per tree with replacement', () => {
    const rf = new RandomForestClassifier({ nEstimators: 5, seed: 42, noOOB: true });
    rf.train(
      X.map((r) => [...r, r[0]! * 2, r[1]! * 3, r[2]! * 4]),
      y,
    );
    assert.equal(rf.n, 6);
    const withDuplicates = (rf.indexes ?? []).filter((ix) => new Set(ix).size < ix.length).length;
    assert.ok(withDuplicates > 0, `per-tree feature draws ${JSON.stringify(rf.indexes)}`);
  });
});
