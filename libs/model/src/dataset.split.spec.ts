import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { stratifiedSplit } from './dataset.split';

describe('stratifiedSplit', () => {
  const labels = Array.from({ length: 1000 }, (_, i) => (i % 10 < 3 ? 1 : 0));

  it('holds out the same share of each class, keeping the positive rate', () => {
    const isTest = stratifiedSplit(labels, 0.2, 42);
    const test = labels.filter((_, i) => isTest[i]);
    const train = labels.filter((_, i) => !isTest[i]);
    assert.equal(test.length, 200);
    assert.equal(test.filter((l) => l === 1).length, 60);
    assert.equal(train.filter((l) => l === 1).length, 240);
  });

  it('is the same split for the same seed and another for another seed', () => {
    assert.deepEqual(stratifiedSplit(labels, 0.2, 7), stratifiedSplit(labels, 0.2, 7));
    assert.notDeepEqual(stratifiedSplit(labels, 0.2, 7), stratifiedSplit(labels, 0.2, 8));
  });

  it('rounds each class share to the nearest customer', () => {
    const odd = [1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0];
    const isTest = stratifiedSplit(odd, 0.2, 1);
    assert.equal(odd.filter((l, i) => l === 1 && isTest[i]).length, 1); // round(0.6)
    assert.equal(odd.filter((l, i) => l === 0 && isTest[i]).length, 2); // round(1.6)
  });

  it('refuses a test size outside (0, 1)', () => {
    assert.throws(() => stratifiedSplit(labels, 1, 1), RangeError);
  });
});
