import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DAY_MS } from '@churnstream/churn';
import { churnedLabel, csvLine, formatCents, isoTime, ndjsonLine, SESSION_COLUMNS } from './dataset.format';

describe('dataset format', () => {
  it('formats timestamps exactly as Date#toISOString, with milliseconds', () => {
    const samples = [0, 1, 999, 1_772_360_100_000, Date.parse('2026-03-01T10:15:00Z'), 4_102_444_799_999];
    for (let k = 0; k < 2000; k++) samples.push(Math.floor(1.6e12 + k * 7_919_123.7));
    for (const ms of samples) assert.equal(isoTime(ms), new Date(ms).toISOString());
    assert.equal(isoTime(Date.parse('2026-03-01T10:15:00Z')), '2026-03-01T10:15:00.000Z');
  });

  it('formats integer cents with two decimals', () => {
    assert.equal(formatCents(0), '0.00');
    assert.equal(formatCents(5), '0.05');
    assert.equal(formatCents(1234), '12.34');
    assert.equal(formatCents(100000), '1000.00');
    assert.equal(formatCents(-5), '-0.05');
  });

  it('quotes CSV fields holding commas, quotes or line breaks, and only those', () => {
    assert.equal(csvLine(['a', 'b c', '1.50']), 'a,b c,1.50\n');
    assert.equal(
      csvLine(['x', 'Smith, John', 'say "hi"', 'two\nlines']),
      'x,"Smith, John","say ""hi""","two\nlines"\n',
    );
    assert.equal(csvLine(['', '']), ',\n');
  });

  it('writes NDJSON with typed numbers and null for missing values', () => {
    const row = ['S1', 'C1', 't0', 't1', '3', '1', '0', '0.00', 'mobile', ''];
    assert.deepEqual(JSON.parse(ndjsonLine(SESSION_COLUMNS, row)), {
      session_id: 'S1',
      customer_id: 'C1',
      session_start: 't0',
      session_end: 't1',
      pages_viewed: 3,
      products_added_to_cart: 1,
      products_purchased: 0,
      total_spent: 0,
      device_type: 'mobile',
      payment_method: null,
    });
  });
});

describe(churnedLabel.name, () => {
  const snapshot = Date.parse('2026-06-30T00:00:00Z');

  it('churns exactly at 60 days since the last purchase, not a millisecond earlier', () => {
    assert.equal(churnedLabel(0, snapshot - 60 * DAY_MS, snapshot), true);
    assert.equal(churnedLabel(0, snapshot - 60 * DAY_MS + 1, snapshot), false);
  });

  it('measures from customer_since when the customer never bought', () => {
    assert.equal(churnedLabel(snapshot - 60 * DAY_MS, Number.NaN, snapshot), true);
    assert.equal(churnedLabel(snapshot - 59 * DAY_MS, Number.NaN, snapshot), false);
  });
});
