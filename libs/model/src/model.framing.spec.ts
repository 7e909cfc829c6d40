import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DAY_MS, FEATURE_NAMES } from '@churnstream/churn';
import { buildExamples, type CustomerRecord, type SessionRecord } from './model.framing';

const snapshot = Date.parse('2026-06-30T00:00:00Z');
const cutoff = snapshot - 60 * DAY_MS;
const col = (name: string): number => FEATURE_NAMES.indexOf(name as (typeof FEATURE_NAMES)[number]);

function customer(id: string, sinceMs: number, churned: number | null = 0): CustomerRecord {
  return {
    customer_id: id,
    age: 40,
    gender: 'male',
    location: 'Lyon',
    country: 'France',
    customer_since: sinceMs,
    churned,
  };
}

function session(id: string, endMs: number, bought: number): SessionRecord {
  return {
    customer_id: id,
    session_start: endMs - 600_000,
    session_end: endMs,
    pages_viewed: 5,
    products_added_to_cart: bought,
    products_purchased: bought,
    total_spent_cents: bought * 1000,
  };
}

describe('buildExamples', () => {
  const customers = [
    customer('A', cutoff - 100 * DAY_MS),
    customer('B', cutoff - 100 * DAY_MS, 1),
    customer('C', cutoff + DAY_MS),
    customer('D', cutoff - 10 * DAY_MS, null),
  ];
  const sessions = [
    session('A', cutoff - 5 * DAY_MS, 1),
    session('A', cutoff, 0), // ends exactly at the cutoff: a feature, not the label
    session('A', cutoff + 3 * DAY_MS, 2), // bought after the cutoff: A did not churn
    session('B', cutoff - 20 * DAY_MS, 1),
    session('B', cutoff + 3 * DAY_MS, 0), // visited after the cutoff but bought nothing
    session('C', cutoff + 2 * DAY_MS, 1),
  ];

  it('predictive: folds sessions up to the cutoff and labels by purchases in the 60 days after', () => {
    const framed = buildExamples('predictive', customers, sessions, snapshot);
    assert.equal(framed.asOfMs, cutoff);
    assert.deepEqual(
      framed.examples.map((e) => [e.customer_id, e.label]),
      [
        ['A', 0],
        ['B', 1],
        ['D', 1],
      ],
    );
    const a = framed.examples[0]?.features ?? [];
    assert.equal(a[col('session_count')], 2);
    assert.equal(a[col('products_purchased')], 1);
    assert.equal(a[col('days_since_last_active')], 0);
    assert.equal(a[col('days_since_last_purchase')], 5);
    assert.equal(framed.examples[1]?.features[col('session_count')], 1);
    assert.deepEqual(framed.excluded, { 'joined after the cutoff': 1 });
  });

  it('seed: folds the whole window and labels with the churned column, the churn rule when it is missing', () => {
    const framed = buildExamples('seed', customers, sessions, snapshot);
    assert.equal(framed.asOfMs, snapshot);
    assert.deepEqual(
      framed.examples.map((e) => [e.customer_id, e.label, e.features[col('session_count')]]),
      [
        ['A', 0, 3],
        ['B', 1, 2],
        ['C', 0, 1],
        ['D', 1, 0], // no churned value, never bought, joined 70 days before the snapshot
      ],
    );
  });
});
