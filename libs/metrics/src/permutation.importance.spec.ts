import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rocAuc } from './classification.metrics';
import { importanceSample, permutationImportance } from './permutation.importance';

describe('permutationImportance', () => {
  // The "model" reads feature 0 only; feature 1 is noise it ignores.
  const X = Array.from({ length: 200 }, (_, i) => [i % 2 === 0 ? i / 200 : 1 - i / 200, (i * 7919) % 13]);
  const y = X.map((r) => ((r[0] ?? 0) > 0.5 ? 1 : 0));
  const predict = (rows: readonly (readonly number[])[]): number[] => rows.map((r) => r[0] ?? 0);

  it('gives a used feature a positive drop and an ignored one exactly zero', () => {
    const result = permutationImportance({ X, y, predict, score: rocAuc, repeats: 3, seed: 1 });
    assert.equal(result.length, 2);
    assert.ok((result[0]?.mean ?? 0) > 0.3, `feature 0 drop ${result[0]?.mean}`);
    assert.equal(result[1]?.mean, 0);
    assert.equal(result[1]?.std, 0);
  });

  it('is reproducible for a seed', () => {
    const a = permutationImportance({ X, y, predict, score: rocAuc, seed: 5 });
    const b = permutationImportance({ X, y, predict, score: rocAuc, seed: 5 });
    assert.deepEqual(a, b);
  });

  it('on more rows than maxRows, uses the same seeded sample every time and all rows otherwise', () => {
    const a = permutationImportance({ X, y, predict, score: rocAuc, seed: 5, maxRows: 50 });
    const b = permutationImportance({ X, y, predict, score: rocAuc, seed: 5, maxRows: 50 });
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, permutationImportance({ X, y, predict, score: rocAuc, seed: 5 }));
    assert.deepEqual(
      permutationImportance({ X, y, predict, score: rocAuc, seed: 5, maxRows: 200 }),
      permutationImportance({ X, y, predict, score: rocAuc, seed: 5 }),
    );
  });
});

describe('importanceSample', () => {
  it('draws maxRows distinct rows in ascending order, all rows when there are no more', () => {
    const rows = importanceSample(1000, 100, 7);
    assert.equal(new Set(rows).size, 100);
    assert.deepEqual(
      rows,
      [...rows].sort((p, q) => p - q),
    );
    assert.ok(rows.every((i) => i >= 0 && i < 1000));
    assert.deepEqual(importanceSample(3, 10, 7), [0, 1, 2]);
  });
});
