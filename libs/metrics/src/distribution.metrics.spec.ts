import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  calibrationTable,
  edgeBin,
  histogram,
  populationStabilityIndex,
  probabilityBin,
  quantileEdges,
} from './distribution.metrics';

describe('calibrationTable', () => {
  it('puts each probability in its decile, 1.0 in the last, with the mean and the observed rate', () => {
    const table = calibrationTable([1, 0, 1, 1], [0.05, 0.08, 0.95, 1]);
    assert.equal(table.length, 10);
    assert.deepEqual(table[0], { lower: 0, upper: 0.1, count: 2, mean_predicted: 0.065, observed_rate: 0.5 });
    assert.deepEqual(table[9], { lower: 0.9, upper: 1, count: 2, mean_predicted: 0.975, observed_rate: 1 });
    assert.deepEqual(table[5], {
      lower: 0.5,
      upper: 0.6,
      count: 0,
      mean_predicted: null,
      observed_rate: null,
    });
  });

  it('bins 0.1 into the second decile, as [k/10, (k+1)/10) says', () => {
    assert.equal(probabilityBin(0.1), 1);
    assert.equal(probabilityBin(0), 0);
    assert.equal(probabilityBin(1), 9);
  });
});

describe('quantileEdges', () => {
  it('gives equal-count bins on distinct values and fewer bins for a discrete sample', () => {
    const edges = quantileEdges(Array.from({ length: 100 }, (_, i) => i));
    assert.equal(edges.length, 9);
    assert.deepEqual(
      histogram(
        edges,
        Array.from({ length: 100 }, (_, i) => i),
      ),
      new Array(10).fill(10),
    );
    assert.deepEqual(quantileEdges([0, 0, 0, 1, 1, 1, 2, 2, 2, 2]), [0.5, 1.5]);
  });

  it('puts a value equal to an edge in the lower bin and values above all edges in the last', () => {
    assert.equal(edgeBin([1, 2], 1), 0);
    assert.equal(edgeBin([1, 2], 1.5), 1);
    assert.equal(edgeBin([1, 2], 9), 2);
  });
});

describe('populationStabilityIndex', () => {
  it('is 0 for the same shares and grows with the shift', () => {
    assert.equal(populationStabilityIndex([10, 20, 30], [1, 2, 3]), 0);
    const small = populationStabilityIndex([50, 50], [55, 45]);
    const large = populationStabilityIndex([50, 50], [90, 10]);
    assert.ok(small > 0 && small < 0.1, String(small));
    assert.ok(large > 0.2, String(large));
    // (0.9 - 0.5) ln(0.9 / 0.5) + (0.1 - 0.5) ln(0.1 / 0.5)
    assert.ok(Math.abs(large - (0.4 * Math.log(1.8) - 0.4 * Math.log(0.2))) < 1e-12);
  });

  it('is NaN when one side has no observations', () => {
    assert.ok(Number.isNaN(populationStabilityIndex([1, 2], [0, 0])));
  });
});
