/* eslint-disable @typescript-eslint/no-non-null-assertion -- fixtures are indexed within the bounds they were built with; a hole should fail the test loudly, not be masked by a default */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { binOf, fitBins } from './feature.bins';

describe('fitBins', () => {
  it('gives one bin per distinct value, with edges at the midpoints, when they fit', () => {
    const bins = fitBins([3, 1, 2, 2, 5]);
    assert.deepEqual([...(bins.values ?? [])], [1, 2, 3, 5]);
    assert.deepEqual([...bins.edges], [1.5, 2.5, 4]);
    assert.deepEqual(
      [1, 2, 3, 5].map((x) => binOf(bins.edges, x)),
      [0, 1, 2, 3],
    );
  });

  it('cuts many distinct values into at most maxBins bins of similar counts', () => {
    const column = Array.from({ length: 1000 }, (_, i) => (i * 7919) % 1000);
    const bins = fitBins(column, 16);
    assert.equal(bins.values, null);
    assert.ok(bins.edges.length <= 15);
    const counts = new Array<number>(16).fill(0);
    for (const x of column) counts[binOf(bins.edges, x)]! += 1;
    for (const c of counts.slice(0, bins.edges.length + 1)) assert.ok(c >= 50 && c <= 80, `bin count ${c}`);
  });

  it('puts x in bin k exactly when x <= edges[k] and x > edges[k - 1]', () => {
    const bins = fitBins(
      Array.from({ length: 500 }, (_, i) => Math.sin(i) * 100),
      32,
    );
    for (let i = 0; i < 500; i++) {
      const x = Math.sin(i) * 100;
      const k = binOf(bins.edges, x);
      if (k < bins.edges.length) assert.ok(x <= bins.edges[k]!);
      if (k > 0) assert.ok(x > bins.edges[k - 1]!);
    }
  });
});
