import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { judgeLag, lagSlope, lagTrend, percentile } from './loadtest.stats';

describe('load test figures', () => {
  it('takes nearest-rank percentiles', () => {
    const values = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    assert.equal(percentile(values, 50), 5);
    assert.equal(percentile(values, 95), 10);
    assert.equal(percentile(values, 0), 1);
    assert.ok(Number.isNaN(percentile([], 50)));
  });

  it('fits the growth of lag per second, with no spread on a straight line', () => {
    const line = [
      { atSeconds: 0, lag: 0 },
      { atSeconds: 1, lag: 100 },
      { atSeconds: 2, lag: 200 },
    ];
    assert.equal(lagSlope(line), 100);
    assert.equal(lagTrend(line).stderr, 0);
    assert.equal(lagSlope([{ atSeconds: 0, lag: 50 }]), 0);
  });

  it('gives a wider standard error to a noisier series of the same slope', () => {
    const steady = Array.from({ length: 10 }, (_, i) => ({ atSeconds: i, lag: 10 * i + (i % 2) }));
    const noisy = Array.from({ length: 10 }, (_, i) => ({ atSeconds: i, lag: 10 * i + (i % 2) * 400 }));
    assert.ok(lagTrend(noisy).stderr > 10 * lagTrend(steady).stderr);
  });
});

describe(judgeLag.name, () => {
  it('calls a rate sustained when lag stays flat and small', () => {
    const flat = Array.from({ length: 20 }, (_, i) => ({ atSeconds: i, lag: 300 + (i % 3) * 50 }));
    assert.equal(judgeLag(flat, 1_000).verdict, 'sustained');
  });

  it('calls it failed when lag keeps growing or ends far above the buffer', () => {
    const growing = Array.from({ length: 20 }, (_, i) => ({ atSeconds: i, lag: i * 400 }));
    assert.equal(judgeLag(growing, 1_000).verdict, 'failed');
    const highButFlat = Array.from({ length: 20 }, () => ({ atSeconds: 0, lag: 50_000 }));
    assert.equal(judgeLag(highButFlat, 1_000).verdict, 'failed');
  });

  it('calls it marginal when the spread leaves the growth undecided', () => {
    // Flat on average but swinging by thousands: the band around the slope straddles the tolerance.
    const swinging = Array.from({ length: 20 }, (_, i) => ({ atSeconds: i, lag: 500 + (i % 2) * 2_400 }));
    const judged = judgeLag(swinging, 1_000);
    assert.equal(judged.verdict, 'marginal');
    assert.ok(judged.stderr > judged.tolerated / 2);
  });
});
