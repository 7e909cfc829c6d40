import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DAY_MS } from './churn.rule';
import { applySession, emptyAggregate } from './customer-aggregate';
import { customerFeatures, FEATURE_NAMES, MISSING_AGE } from './customer-features';

const t0 = Date.parse('2026-01-01T00:00:00Z');
const min = 60_000;

function features(values: number[]): Record<string, number> {
  return Object.fromEntries(FEATURE_NAMES.map((name, i) => [name, values[i] ?? Number.NaN]));
}

describe('customerFeatures', () => {
  const registered = { ...emptyAggregate('C1'), age: 30, customer_since: t0 };
  const agg = [
    {
      session_start: t0 + 10 * DAY_MS,
      session_end: t0 + 10 * DAY_MS + 10 * min,
      pages_viewed: 8,
      products_added_to_cart: 2,
      products_purchased: 1,
      total_spent_cents: 2550,
    },
    {
      session_start: t0 + 20 * DAY_MS,
      session_end: t0 + 20 * DAY_MS + 20 * min,
      pages_viewed: 4,
      products_added_to_cart: 2,
      products_purchased: 0,
      total_spent_cents: 0,
    },
  ].reduce(applySession, registered);

  it('computes sums, means, rates and recency as of the given instant', () => {
    const asOf = t0 + 30 * DAY_MS;
    const f = features(customerFeatures(agg, asOf));
    assert.deepEqual(f, {
      age: 30,
      tenure_days: 30,
      session_count: 2,
      session_duration: 15, // mean minutes
      pages_viewed: 12,
      products_added_to_cart: 4,
      products_purchased: 1,
      total_spent: 25.5,
      pages_per_session: 6,
      cart_conversion: 0.25,
      spend_per_session: 12.75,
      sessions_per_30_days: 2,
      days_since_last_active: 30 - (20 + 20 / 1440),
      days_since_last_purchase: 30 - (10 + 10 / 1440),
    });
  });

  it('gives a customer without sessions zero rates, recency from customer_since and -1 for a missing age', () => {
    const f = features(customerFeatures({ ...emptyAggregate('C2'), customer_since: t0 }, t0 + 5 * DAY_MS));
    assert.equal(f.age, MISSING_AGE);
    assert.equal(f.session_duration, 0);
    assert.equal(f.cart_conversion, 0);
    assert.equal(f.sessions_per_30_days, 0);
    assert.equal(f.days_since_last_active, 5);
    assert.equal(f.days_since_last_purchase, 5);
  });

  it('returns one finite value per feature name', () => {
    const v = customerFeatures(emptyAggregate('C3'), t0);
    assert.equal(v.length, FEATURE_NAMES.length);
    assert.ok(v.every(Number.isFinite));
  });
});
