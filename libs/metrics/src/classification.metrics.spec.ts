import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  averagePrecision,
  brierScore,
  classificationReport,
  confusionMatrix,
  formatClassificationReport,
  formatFixed,
  predictLabels,
  rocAuc,
  rocCurve,
} from './classification.metrics';

const close = (actual: number, expected: number, eps = 1e-12): void => {
  assert.ok(Math.abs(actual - expected) <= eps, `${actual} != ${expected}`);
};

describe('rocAuc', () => {
  it('matches the hand count of correctly ordered positive/negative pairs', () => {
    // pairs (pos, neg): (0.35, 0.1) ok, (0.35, 0.4) wrong, (0.8, 0.1) ok, (0.8, 0.4) ok -> 3/4
    close(rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]), 0.75);
  });

  it('counts a tie between a positive and a negative as half a pair, like sklearn', () => {
    // pos {0.5, 0.9}, neg {0.5, 0.2}: 0.5 vs 0.5 = 1/2, 0.5 vs 0.2 = 1, 0.9 vs both = 2 -> 3.5/4
    close(rocAuc([0, 1, 0, 1], [0.5, 0.5, 0.2, 0.9]), 0.875);
  });

  it('is 1 for a perfect ranking, 0 for a reversed one and NaN with one class', () => {
    close(rocAuc([0, 0, 1], [0.1, 0.2, 0.9]), 1);
    close(rocAuc([1, 1, 0], [0.1, 0.2, 0.9]), 0);
    assert.ok(Number.isNaN(rocAuc([1, 1], [0.1, 0.2])));
  });
});

describe('rocCurve', () => {
  it('has one point per distinct score after the origin (sklearn with drop_intermediate=False)', () => {
    const points = rocCurve([0, 1, 0, 1], [0.5, 0.5, 0.2, 0.9]);
    assert.deepEqual(
      points.map((p) => [p.threshold, p.fpr, p.tpr]),
      [
        [Infinity, 0, 0],
        [0.9, 0, 0.5],
        [0.5, 0.5, 1],
        [0.2, 1, 1],
      ],
    );
  });
});

describe('averagePrecision', () => {
  it('sums recall steps times precision at each threshold', () => {
    // thresholds 0.8 (P 1, R .5), 0.4 (P 1/2, R .5), 0.35 (P 2/3, R 1) -> .5*1 + .5*2/3
    close(averagePrecision([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]), 0.5 + 1 / 3);
  });

  it('treats tied scores as one threshold', () => {
    // 0.9: P 1, R .5; 0.5 (two rows, one positive): P 2/3, R 1 -> .5 + .5 * 2/3
    close(averagePrecision([0, 1, 0, 1], [0.5, 0.5, 0.2, 0.9]), 0.5 + 1 / 3);
  });
});

describe('brierScore', () => {
  it('is the mean squared error of the probabilities', () => {
    close(brierScore([0, 1, 1, 0], [0.1, 0.9, 0.8, 0.3]), (0.01 + 0.01 + 0.04 + 0.09) / 4);
  });
});

describe('confusionMatrix', () => {
  it('lays out [[tn, fp], [fn, tp]]', () => {
    assert.deepEqual(confusionMatrix([0, 1, 0, 1, 1], [0, 1, 1, 0, 1]), [
      [1, 1],
      [1, 2],
    ]);
  });

  it('predicts churn at or above the threshold', () => {
    assert.deepEqual([...predictLabels([0.49, 0.5, 0.51], 0.5)], [0, 1, 1]);
  });
});

describe('classificationReport', () => {
  it('gives the per-class, accuracy, macro and weighted figures of sklearn output_dict', () => {
    const report = classificationReport([0, 1, 0, 1, 1], [0, 1, 1, 0, 1]);
    assert.deepEqual(report['0'], { precision: 0.5, recall: 0.5, 'f1-score': 0.5, support: 2 });
    close(report['1'].precision, 2 / 3);
    close(report['1'].recall, 2 / 3);
    close(report['1']['f1-score'], 2 / 3);
    assert.equal(report['1'].support, 3);
    close(report.accuracy, 0.6);
    close(report['macro avg'].precision, (0.5 + 2 / 3) / 2);
    close(report['weighted avg'].recall, 0.6);
    assert.equal(report['weighted avg'].support, 5);
    assert.deepEqual(Object.keys(report), ['0', '1', 'accuracy', 'macro avg', 'weighted avg']);
  });

  it('reports 0 for a ratio with a zero denominator (sklearn zero_division="warn")', () => {
    const report = classificationReport([0, 0, 1, 1], [0, 0, 0, 0]);
    assert.deepEqual(report['1'], { precision: 0, recall: 0, 'f1-score': 0, support: 2 });
    close(report['0']['f1-score'], 2 / 3);
  });

  it('prints exactly what sklearn classification_report prints', () => {
    const text = formatClassificationReport(classificationReport([0, 1, 0, 1, 1], [0, 1, 1, 0, 1]));
    // sklearn 1.9: classification_report([0,1,0,1,1], [0,1,1,0,1])
    assert.equal(
      text,
      '              precision    recall  f1-score   support\n\n           0       0.50      0.50      0.50         2\n' +
        '           1       0.67      0.67      0.67         3\n\n    accuracy                           0.60         5\n' +
        '   macro avg       0.58      0.58      0.58         5\nweighted avg       0.60      0.60      0.60         5\n',
    );
    const zero = formatClassificationReport(classificationReport([0, 0, 1, 1], [0, 0, 0, 0]));
    assert.equal(
      zero,
      '              precision    recall  f1-score   support\n\n           0       0.50      1.00      0.67         2\n' +
        '           1       0.00      0.00      0.00         2\n\n    accuracy                           0.50         4\n' +
        '   macro avg       0.25      0.50      0.33         4\nweighted avg       0.25      0.50      0.33         4\n',
    );
  });
});

describe('formatFixed', () => {
  it('rounds exact ties to even like Python, otherwise like toFixed', () => {
    assert.equal(formatFixed(0.125, 2), '0.12');
    assert.equal(formatFixed(0.375, 2), '0.38');
    assert.equal(formatFixed(2 / 3, 2), '0.67');
    assert.equal(formatFixed(1, 2), '1.00');
  });
});
