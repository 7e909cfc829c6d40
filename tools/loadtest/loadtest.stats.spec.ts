import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isSustained, lagSlope, percentile } from './loadtest.stats';

describe('load test figures', () => {
  it('takes nearest-rank percentiles', () => {
    const values = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    assert.equal(percentile(values, 50), 5);
    assert.equal(percentile(values, 95), 10);
    assert.equal(percentile(values, 0), 1);
    assert.ok(Number.isNaN(percentile([], 50)));
  });

  it('fits the growth of lag per second', () => {
    assert.equal(
      lagSlope([
        { atSeconds: 0, lag: 0 },
        { atSeconds: 1, lag: 100 },
        { atSeconds: 2, lag: 200 },
      ]),
      100,
    );
    assert.equal(lagSlope([{ atSeconds: 0, lag: 50 }]), 0);
  });

  it('calls a rate sustained when lag stays flat and small, not when it keeps growing', () => {
    const flat = Array.from({ length: 20 }, (_, i) => ({ atSeconds: i, lag: 300 + (i % 3) * 50 }));
    assert.equal(isSustained(flat, 1_000).sustained, true);
    const growing = Array.from({ length: 20 }, (_, i) => ({ atSeconds: i, lag: i * 400 }));
    assert.equal(isSustained(growing, 1_000).sustained, false);
    const highButFlat = Array.from({ length: 20 }, () => ({ atSeconds: 0, lag: 50_000 }));
    assert.equal(isSustained(highButFlat, 1_000).sustained, false);
  });
});
