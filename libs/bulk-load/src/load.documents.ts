/**
 * What `load` writes, built from a batch dataset with the pipeline's own pieces: each row becomes the
 * event the pipeline would carry (customer_registered, session_ended, then per customer the final
 * features_updated as of snapshot_at and, with batch scores, a churn_score), validated with the same
 * contract schemas; bulk.load.ts turns each event into documents through libs/search's `operationsFor`,
 * the indexer's function. Nothing here knows a document field: a change to the documents flows through.
 *
 * The pipeline assembles a customer document from partial updates; `DocumentFold` applies them the way
 * Elasticsearch applies an update's `doc` (objects merged recursively, other values replaced), so the
 * customer can be written whole, once, with `index`: a second load writes the same documents again.
 */
import {
  ChurnScoreSchema,
  CustomerRegisteredSchema,
  describeIssues,
  FeaturesUpdatedSchema,
  SessionEndedSchema,
  type ChurnScore,
  type CustomerAggregateDto,
  type CustomerRegistered,
  type FeaturesUpdated,
  type SessionEnded,
} from '@churnstream/contracts';
import type { CustomerAggregate } from '@churnstream/churn';
import type { IndexOperation, SearchIndex } from '@churnstream/search';
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

export function registrationOf(c: CustomerInput): Checked<CustomerRegistered> {
  const since = iso(c.customer_since);
  return check(CustomerRegisteredSchema, {
    event_id: `load:customer:${c.customer_id ?? ''}`,
    event_time: since,
    event_type: 'customer_registered',
    schema_version: 1,
    customer: { ...c, customer_since: since },
  });
}

export function sessionEventOf(s: SessionInput): Checked<SessionEnded> {
  return check(SessionEndedSchema, {
    event_id: `load:session:${s.session_id ?? ''}`,
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
  };
}

/** The customer's last features_updated of a run that ends at snapshot_at. */
export function finalFeaturesOf(
  aggregate: CustomerAggregateDto,
  churned: boolean,
  snapshotAt: string,
): Checked<FeaturesUpdated> {
  return check(FeaturesUpdatedSchema, {
    event_id: `load:features:${aggregate.customer_id}`,
    event_time: snapshotAt,
    event_type: 'features_updated',
    schema_version: 1,
    watermark: snapshotAt,
    churned,
    aggregate,
  });
}

export interface BatchScore {
  customer_id: string;
  churn_probability: number;
  churn_predicted: boolean;
  threshold: number;
  model_version: string;
}

/** A batch score (`cli score`) as the churn_score the scoring service would publish at snapshot_at. */
export function scoreEventOf(
  score: BatchScore,
  featuresEventId: string,
  snapshotAt: string,
): Checked<ChurnScore> {
  return check(ChurnScoreSchema, {
    event_id: `score:${featuresEventId}:${score.model_version}`,
    event_time: snapshotAt,
    event_type: 'churn_score',
    schema_version: 1,
    ...score,
    features_event_id: featuresEventId,
  });
}

type Doc = Record<string, unknown>;

const isObject = (v: unknown): v is Doc => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Elasticsearch's merge of a partial update's `doc` into the stored source. */
export function mergeDocument(stored: Doc, partial: Doc): Doc {
  const out: Doc = { ...stored };
  for (const [key, value] of Object.entries(partial)) {
    const prev = out[key];
    out[key] = isObject(prev) && isObject(value) ? mergeDocument(prev, value) : value;
  }
  return out;
}

/**
 * The documents a sequence of operations leaves, per index and id, applied in order as Elasticsearch
 * applies them (`index` replaces, `merge` upserts and merges).
 */
export class DocumentFold {
  private readonly docs = new Map<string, { index: SearchIndex; id: string; document: Doc }>();

  apply(op: IndexOperation): void {
    const key = `${op.index}\u0000${op.id}`;
    const prev = this.docs.get(key);
    const document =
      op.action === 'merge' && prev !== undefined ? mergeDocument(prev.document, op.document) : op.document;
    this.docs.set(key, { index: op.index, id: op.id, document });
  }

  get size(): number {
    return this.docs.size;
  }

  /** Every document as one whole `index` operation. */
  *operations(): Iterable<IndexOperation> {
    for (const d of this.docs.values())
      yield { action: 'index', index: d.index, id: d.id, document: d.document };
  }
}
