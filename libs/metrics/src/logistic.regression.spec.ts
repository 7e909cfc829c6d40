import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fitLogistic, predictLogistic } from './logistic.regression';

describe(fitLogistic.name, () => {
  it('recovers the weights of a logistic model from its own samples', () => {
    // y ~ Bernoulli(sigmoid(-0.5 + 2 x1 - 1 x2)) with x1, x2 on a deterministic grid, labels drawn by a fixed LCG.
    let state = 12345;
    const rand = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
    const X: number[][] = [];
    const y: number[] = [];
    for (let i = 0; i < 20000; i++) {
      const x1 = rand() * 2 - 1;
      const x2 = rand() * 2 - 1;
      X.push([x1, x2]);
      y.push(rand() < 1 / (1 + Math.exp(-(-0.5 + 2 * x1 - x2))) ? 1 : 0);
    }
    const model = fitLogistic(X, y, { l2: 0 });
    // Back to the raw scale: w_raw = w / scale, b_raw = b - sum(w_raw * mean).
    const w1 = (model.weights[1] ?? 0) / (model.scale[0] ?? 1);
    const w2 = (model.weights[2] ?? 0) / (model.scale[1] ?? 1);
    const b = (model.weights[0] ?? 0) - w1 * (model.mean[0] ?? 0) - w2 * (model.mean[1] ?? 0);
    assert.ok(Math.abs(w1 - 2) < 0.1, `w1 ${w1}`);
    assert.ok(Math.abs(w2 + 1) < 0.1, `w2 ${w2}`);
    assert.ok(Math.abs(b + 0.5) < 0.1, `b ${b}`);
    assert.ok(model.iterations < 20);
  });

  it('converges on separable data thanks to the L2 penalty and ranks the rows correctly', () => {
    const X = [[0], [1], [2], [3], [10], [11], [12], [13]];
    const y = [0, 0, 0, 0, 1, 1, 1, 1];
    const p = predictLogistic(fitLogistic(X, y, { l2: 1 }), X);
    for (let i = 1; i < p.length; i++) assert.ok((p[i] ?? 0) >= (p[i - 1] ?? 0));
    assert.ok((p[0] ?? 1) < 0.5 && (p[7] ?? 0) > 0.5);
  });

  it('ignores a constant feature instead of dividing by zero', () => {
    const p = predictLogistic(
      fitLogistic(
        [
          [1, 5],
          [2, 5],
          [3, 5],
          [4, 5],
        ],
        [0, 0, 1, 1],
      ),
      [
        [1, 5],
        [4, 5],
      ],
    );
    assert.ok(Number.isFinite(p[0]) && (p[0] ?? 1) < (p[1] ?? 0));
  });
});
