/**
 * The model's features of one customer, computed from the CustomerAggregate alone, as of an instant.
 * This is the one implementation used by training (as of the cutoff), evaluation, batch scoring (as of
 * snapshot_at) and the live scoring service (the aggregate kept in Redis, as of the watermark), so
 * a model sees the same numbers in every place it runs.
 *
 * Sums vs means: pages_viewed, products_added_to_cart, products_purchased and total_spent are sums over
 * the customer's sessions up to `asOfMs`; session_duration is the mean session length in minutes.
 * A missing age (registration not seen) is -1, a value no real age takes, so trees can isolate it.
 * The two recency features are legitimate as of a cutoff with a label from after it (the predictive
 * framing); measured at the snapshot against the snapshot's churned flag they are the label itself.
 */
import { DAY_MS } from './churn.rule';
import { churnReference, type CustomerAggregate } from './customer-aggregate';

export const FEATURE_NAMES = [
  'age',
  'tenure_days',
  'session_count',
  'session_duration',
  'pages_viewed',
  'products_added_to_cart',
  'products_purchased',
  'total_spent',
  'pages_per_session',
  'cart_conversion',
  'spend_per_session',
  'sessions_per_30_days',
  'days_since_last_active',
  'days_since_last_purchase',
] as const;

export type FeatureName = (typeof FEATURE_NAMES)[number];

/** Bumped whenever a feature's definition changes, so a model trained on older features is refused. */
export const FEATURES_VERSION = 1;

export const MISSING_AGE = -1;

/** Features that measure time since the customer's last activity: target leakage in the seed framing. */
export const RECENCY_FEATURES: readonly FeatureName[] = [
  'days_since_last_active',
  'days_since_last_purchase',
];

const ratio = (a: number, b: number): number => (b > 0 ? a / b : 0);

/** The feature vector in FEATURE_NAMES order. `asOfMs` is the cutoff, the snapshot or the watermark. */
export function customerFeatures(agg: CustomerAggregate, asOfMs: number): number[] {
  const since = agg.customer_since ?? agg.first_seen_at ?? asOfMs;
  const tenureDays = Math.max(0, (asOfMs - since) / DAY_MS);
  const sessions = agg.session_count;
  const spent = agg.total_spent_cents / 100;
  const lastActive = agg.last_active_at ?? since;
  const reference = churnReference(agg) ?? since;
  return [
    agg.age ?? MISSING_AGE,
    tenureDays,
    sessions,
    ratio(agg.total_session_ms / 60_000, sessions),
    agg.pages_viewed_total,
    agg.products_added_total,
    agg.products_purchased_total,
    spent,
    ratio(agg.pages_viewed_total, sessions),
    ratio(agg.products_purchased_total, agg.products_added_total),
    ratio(spent, sessions),
    (sessions / Math.max(tenureDays, 1)) * 30,
    Math.max(0, (asOfMs - lastActive) / DAY_MS),
    Math.max(0, (asOfMs - reference) / DAY_MS),
  ];
}
