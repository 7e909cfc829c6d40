import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BLEND_WEIGHTS, blendProbabilities, blendProbability, chooseBlendWeight } from './model.blend';

describe('blendProbability', () => {
  it('is the forest bit for bit at weight 1 and the regression at weight 0', () => {
    for (const [f, l] of [
      [0.1 + 0.2, 0.7],
      [1 / 3, 0.999999],
      [0, 1],
    ] as const) {
      assert.equal(blendProbability(1, f, l), f);
      assert.equal(blendProbability(0, f, l), l);
    }
  });

  it('gives the same numbers one at a time and for many rows', () => {
    const forest = [0.12, 0.5, 0.93, 1 / 7];
    const logistic = [0.4, 0.61, 0.2, 2 / 3];
    const many = blendProbabilities(0.3, forest, logistic);
    forest.forEach((f, i) => {
      assert.equal(many[i], blendProbability(0.3, f, logistic[i] ?? 0));
    });
  });
});

describe(chooseBlendWeight.name, () => {
  const labels = [0, 0, 0, 0, 1, 1, 1, 1];
  const perfect = [0.1, 0.2, 0.3, 0.4, 0.6, 0.7, 0.8, 0.9];
  const useless = [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5];

  it('keeps the forest alone when any share of the regression spoils its ranking', () => {
    // The forest separates the classes by a hair; a tenth of the noisy regression reorders them.
    const forest = [0.4, 0.41, 0.42, 0.43, 0.44, 0.45, 0.46, 0.47];
    const choice = chooseBlendWeight(labels, forest, [0.9, 0.1, 0.8, 0.2, 0.1, 0.9, 0.2, 0.8]);
    assert.equal(choice.forestWeight, 1);
    assert.deepEqual(
      choice.innerRocAuc.map((c) => c.forest_weight),
      [...BLEND_WEIGHTS],
    );
  });

  it('gives all the weight to the regression when the forest adds nothing (ties go to the regression)', () => {
    assert.equal(chooseBlendWeight(labels, useless, perfect).forestWeight, 0);
  });

  it('finds a mixture when each ranks part of the rows the other cannot', () => {
    // Each ties two negatives with two positives; the other separates those, so a mixture ranks all.
    const forest = [0.1, 0.1, 0.5, 0.5, 0.5, 0.5, 0.9, 0.9];
    const logistic = [0.5, 0.5, 0.1, 0.2, 0.8, 0.9, 0.5, 0.5];
    const choice = chooseBlendWeight(labels, forest, logistic);
    assert.ok(choice.forestWeight > 0 && choice.forestWeight < 1, String(choice.forestWeight));
    const best = Math.max(...choice.innerRocAuc.map((c) => c.roc_auc ?? 0));
    assert.ok(best > (choice.innerRocAuc[0]?.roc_auc ?? 1));
    assert.ok(best > (choice.innerRocAuc[10]?.roc_auc ?? 1));
  });

  it('keeps the forest alone when the validation rows hold one class only', () => {
    const choice = chooseBlendWeight([1, 1, 1], [0.1, 0.2, 0.3], [0.3, 0.2, 0.1]);
    assert.equal(choice.forestWeight, 1);
    assert.ok(choice.innerRocAuc.every((c) => c.roc_auc === null));
  });
});
