/**
 * What `load` writes, built from a batch dataset with the pipeline's own pieces: each row becomes the
 * event the pipeline would carry (customer_registered, session_ended, and per customer the churn_score
 * of its final aggregate as of snapshot_at, from the batch scores), validated with the same contract
 * schemas; bulk.load.ts turns each event into documents through libs/search's `operationsFor`, the
 * indexer's function. Nothing here knows a document field: a change to the documents flows through.
 */
import {
  ChurnScoreSchema,
  CustomerRegisteredSchema,
  describeIssues,
  SessionEndedSchema,
  type ChurnScore,
  type CustomerAggregateDto,
  type CustomerRegistered,
  type SessionEnded,
} from '@churnstream/contracts';
import type { CustomerAggregate } from '@churnstream/churn';
import type { z } from 'zod';

export type Checked<T> = { ok: true; event: T } | { ok: false; reason: string };

function check<S extends z.ZodType>(schema: S, event: unknown): Checked<z.infer<S>> {
  const parsed = schema.safeParse(event);
  return parsed.success
    ? { ok: true, event: parsed.data }
    : { ok: false, reason: describeIssues(parsed.error) };
}

const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString());
const isoMs = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export interface CustomerInput {
  customer_id: string | null;
  name: string | null;
  email: string | null;
  age: number | null;
  gender: string | null;
  location: string | null;
  country: string | null;
  customer_since: Date | null;
}

export interface SessionInput {
  session_id: string | null;
  customer_id: string | null;
  session_start: Date | null;
  session_end: Date | null;
  pages_viewed: number | null;
  products_added_to_cart: number | null;
  products_purchased: number | null;
  total_spent: number | null;
  device_type: string | null;
  payment_method: string | null;
}

/** `idPrefix` starts the event id: `load` for cli load, `replay` for the generator's replay. */
export function registrationOf(c: CustomerInput, idPrefix = 'load'): Checked<CustomerRegistered> {
  const since = iso(c.customer_since);
  return check(CustomerRegisteredSchema, {
    event_id: `${idPrefix}:customer:${c.customer_id ?? ''}`,
    event_time: since,
    event_type: 'customer_registered',
    schema_version: 1,
    customer: { ...c, customer_since: since },
  });
}

export function sessionEventOf(s: SessionInput, idPrefix = 'load'): Checked<SessionEnded> {
  return check(SessionEndedSchema, {
    event_id: `${idPrefix}:session:${s.session_id ?? ''}`,
    event_time: iso(s.session_end),
    event_type: 'session_ended',
    schema_version: 1,
    session: {
      ...s,
      session_start: iso(s.session_start),
      session_end: iso(s.session_end),
    },
  });
}

/** The aggregate as features_updated carries it (what the features service reads back from Redis). */
export function aggregateDto(
  agg: CustomerAggregate,
  profile: { name: string; email: string },
  used: { devices: ReadonlySet<string>; payments: ReadonlySet<string> },
): CustomerAggregateDto {
  return {
    customer_id: agg.customer_id,
    name: profile.name,
    email: profile.email,
    age: agg.age,
    gender: agg.gender as CustomerAggregateDto['gender'],
    location: agg.location,
    country: agg.country,
    customer_since: isoMs(agg.customer_since),
    session_count: agg.session_count,
    pages_viewed_total: agg.pages_viewed_total,
    products_added_total: agg.products_added_total,
    products_purchased_total: agg.products_purchased_total,
    total_spent: agg.total_spent_cents / 100,
    total_session_seconds: agg.total_session_ms / 1000,
    first_seen_at: isoMs(agg.first_seen_at),
    last_active_at: isoMs(agg.last_active_at),
    last_purchase_at: isoMs(agg.last_purchase_at),
    devices_used: [...used.devices].sort() as CustomerAggregateDto['devices_used'],
    payment_methods_used: [...used.payments].sort() as CustomerAggregateDto['payment_methods_used'],
  };
}

export interface BatchScore {
  customer_id: string;
  churn_probability: number;
  churn_predicted: boolean;
  threshold: number;
  model_version: string;
}

/**
 * A batch score (`cli score`) as the churn_score the scoring service publishes for the customer's final
 * aggregate: version = one change per registration and per session, features id as the features
 * service names it, watermark = snapshot_at.
 */
export function scoreEventOf(
  score: BatchScore,
  aggregate: CustomerAggregateDto,
  version: number,
  churned: boolean,
  snapshotAt: string,
): Checked<ChurnScore> {
  const featuresEventId = `features:${aggregate.customer_id}:v${version}`;
  return check(ChurnScoreSchema, {
    event_id: `score:${featuresEventId}:${score.model_version}`,
    event_time: snapshotAt,
    event_type: 'churn_score',
    schema_version: 2,
    ...score,
    features_event_id: featuresEventId,
    watermark: snapshotAt,
    version,
    churned,
    aggregate,
  });
}
