/**
 * Turns customers and sessions into labelled examples, in one of two framings:
 *
 * - predictive (default): cutoff = snapshot_at - horizon (60 days unless given), or a cutoff given
 *   with cutoff + horizon <= snapshot_at. Features fold only the sessions that ended by the cutoff,
 *   for customers who had joined by then; the label is 1 when the customer makes no purchase ending
 *   in (cutoff, cutoff + horizon]. Nothing after the cutoff reaches a feature, so this is what a shop
 *   can act on and what the live scorer (features as of the watermark) reproduces.
 * - seed: the seed project's descriptive framing. Features over the whole window, as of snapshot_at,
 *   label = the churned column. Recency features then restate the label (target leakage).
 *
 * Pure: the caller reads the files; this only folds with libs/churn's `applySession`.
 */
import {
  applySession,
  customerFeatures,
  DAY_MS,
  DEFAULT_CHURN_WINDOW_DAYS,
  registeredAggregate,
  isChurned,
  churnReference,
  type CustomerAggregate,
  type SessionFacts,
} from '@churnstream/churn';

export const FRAMINGS = ['predictive', 'seed'] as const;
export type Framing = (typeof FRAMINGS)[number];

export interface CustomerRecord {
  customer_id: string;
  age: number | null;
  gender: string | null;
  location: string | null;
  country: string | null;
  customer_since: number | null;
  /** The dataset's churned column (seed framing label); null when missing. */
  churned: number | null;
}

export interface SessionRecord extends SessionFacts {
  customer_id: string;
}

export interface Example {
  customer_id: string;
  features: number[];
  label: 0 | 1;
}

export interface FramingResult {
  framing: Framing;
  /** The instant features are computed as of (the cutoff, or snapshot_at in the seed framing). */
  asOfMs: number;
  snapshotAtMs: number;
  /** The label window is (asOfMs, labelEndMs]: asOfMs + horizon in the predictive framing. */
  labelEndMs: number;
  horizonDays: number;
  examples: Example[];
  /** Customers left out (joined after the cutoff, or no label) and why. */
  excluded: Record<string, number>;
}

/** Folds every session ending at or before `untilMs` into its customer's aggregate. */
export function foldAggregates(
  customers: readonly CustomerRecord[],
  sessions: readonly SessionRecord[],
  untilMs: number,
): Map<string, CustomerAggregate> {
  const aggs = new Map<string, CustomerAggregate>();
  for (const c of customers) if (!aggs.has(c.customer_id)) aggs.set(c.customer_id, registeredAggregate(c));
  for (const s of sessions) {
    if (s.session_end > untilMs) continue;
    const agg = aggs.get(s.customer_id);
    if (agg !== undefined) aggs.set(s.customer_id, applySession(agg, s));
  }
  return aggs;
}

export function buildExamples(
  framing: Framing,
  customers: readonly CustomerRecord[],
  sessions: readonly SessionRecord[],
  snapshotAtMs: number,
  horizonDays = DEFAULT_CHURN_WINDOW_DAYS,
  cutoffMs?: number,
): FramingResult {
  const excluded: Record<string, number> = {};
  const exclude = (why: string): void => {
    excluded[why] = (excluded[why] ?? 0) + 1;
  };
  const asOfMs = framing === 'predictive' ? (cutoffMs ?? snapshotAtMs - horizonDays * DAY_MS) : snapshotAtMs;
  const labelEndMs = framing === 'predictive' ? asOfMs + horizonDays * DAY_MS : snapshotAtMs;
  if (labelEndMs > snapshotAtMs) {
    throw new RangeError(
      `the label window (cutoff ${new Date(asOfMs).toISOString()} + ${horizonDays} days) ends after snapshot_at ` +
        `${new Date(snapshotAtMs).toISOString()}: nothing is known about it`,
    );
  }
  const aggs = foldAggregates(customers, sessions, asOfMs);
  const purchasedAfter = new Set<string>();
  if (framing === 'predictive') {
    for (const s of sessions) {
      if (s.products_purchased > 0 && s.session_end > asOfMs && s.session_end <= labelEndMs) {
        purchasedAfter.add(s.customer_id);
      }
    }
  }
  const examples: Example[] = [];
  const seen = new Set<string>();
  for (const c of customers) {
    if (seen.has(c.customer_id)) {
      exclude('duplicate customer_id');
      continue;
    }
    seen.add(c.customer_id);
    const agg = aggs.get(c.customer_id);
    if (agg === undefined) continue;
    let label: 0 | 1;
    if (framing === 'predictive') {
      if (c.customer_since === null || c.customer_since > asOfMs) {
        exclude(c.customer_since === null ? 'no customer_since' : 'joined after the cutoff');
        continue;
      }
      label = purchasedAfter.has(c.customer_id) ? 0 : 1;
    } else if (c.churned === 0 || c.churned === 1) {
      label = c.churned;
    } else {
      // A missing churned value is recomputed with the churn rule rather than dropping the customer.
      const ref = churnReference(agg);
      if (ref === null) {
        exclude('no churned value and no customer_since');
        continue;
      }
      label = isChurned(ref, snapshotAtMs, horizonDays) ? 1 : 0;
    }
    examples.push({ customer_id: c.customer_id, features: customerFeatures(agg, asOfMs), label });
  }
  return { framing, asOfMs, snapshotAtMs, labelEndMs, horizonDays, examples, excluded };
}
