/**
 * Maps pipeline events to bulk operations on the search indices. Pure: no client, no clock.
 *
 * Every operation is idempotent, so at-least-once delivery ends in exactly the same documents:
 * - documents with their own id (sessions by session_id, scores by the churn_score event_id) are
 *   written whole with `index`;
 * - the customer document is assembled from partial updates (upserts) by several sources, each
 *   owning its own fields: registration -> profile, features_updated -> aggregate + updated_at,
 *   churn_score -> churn_score/churn_predicted/model_version/scored_at, sessions -> the "used" flags;
 * - `churned` is carried by both features_updated and churn_flag, on two topics read in no fixed
 *   order: each write carries its watermark as `churned_as_of`, and guardChurnedWrites (applied by
 *   the indexer against the stored value, under a lock) drops any older than what is stored.
 */
import type {
  ChurnFlag,
  ChurnScore,
  CustomerRegistered,
  FeaturesUpdated,
  SessionEnded,
} from '@churnstream/contracts';
import type { SearchIndex } from './search.mappings';

export type IndexableEvent =
  CustomerRegistered | SessionEnded | FeaturesUpdated | ChurnFlag | ChurnScore | { event_type: 'clock_tick' };

export type IndexOperation =
  | { action: 'index'; index: SearchIndex; id: string; document: Record<string, unknown> }
  | { action: 'merge'; index: SearchIndex; id: string; document: Record<string, unknown> };

const AGE_BANDS: readonly [number, string][] = [
  [18, 'under_18'],
  [25, '18-24'],
  [35, '25-34'],
  [45, '35-44'],
  [55, '45-54'],
  [65, '55-64'],
];

/** The age band used by the aggregations: under_18, 18-24, 25-34, 35-44, 45-54, 55-64, 65+. */
export function ageBand(age: number): string {
  for (const [below, band] of AGE_BANDS) if (age < below) return band;
  return '65+';
}

export const AGE_BAND_ORDER: readonly string[] = [...AGE_BANDS.map(([, band]) => band), '65+'];

function profileFields(profile: {
  customer_id: string;
  name: string | null;
  email: string | null;
  age: number | null;
  gender: string | null;
  location: string | null;
  country: string | null;
  customer_since: string | null;
}): Record<string, unknown> {
  const fields: Record<string, unknown> = { customer_id: profile.customer_id };
  // A null in an aggregate means "not seen yet": it never erases what registration wrote.
  for (const key of ['name', 'email', 'age', 'gender', 'location', 'country', 'customer_since'] as const) {
    if (profile[key] !== null) fields[key] = profile[key];
  }
  if (profile.age !== null) fields.age_band = ageBand(profile.age);
  return fields;
}

export function sessionDocument(session: SessionEnded['session']): Record<string, unknown> {
  const seconds = (Date.parse(session.session_end) - Date.parse(session.session_start)) / 1000;
  return {
    ...session,
    session_duration: seconds,
    spend_per_product:
      session.products_purchased > 0 ? session.total_spent / session.products_purchased : null,
  };
}

/** The customer's "used" flags a session sets (see CUSTOMER_PROPERTIES.devices_used). */
export function usedBy(session: SessionEnded['session']): Record<string, unknown> {
  return {
    customer_id: session.customer_id,
    devices_used: { [session.device_type]: true },
    ...(session.payment_method === null ? {} : { payment_methods_used: { [session.payment_method]: true } }),
  };
}

function unionFlags(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [key, value] of Object.entries(b)) {
    const prev = out[key];
    out[key] =
      prev !== null && typeof prev === 'object' && value !== null && typeof value === 'object'
        ? { ...(prev as Record<string, unknown>), ...(value as Record<string, unknown>) }
        : value;
  }
  return out;
}

export function scoreDocument(event: ChurnScore): Record<string, unknown> {
  return {
    event_id: event.event_id,
    customer_id: event.customer_id,
    churn_probability: event.churn_probability,
    churn_predicted: event.churn_predicted,
    threshold: event.threshold,
    model_version: event.model_version,
    features_event_id: event.features_event_id,
    scored_at: event.event_time,
  };
}

function churnedUpdate(
  customerId: string,
  churned: boolean,
  watermark: string,
  doc: Record<string, unknown> | null,
): IndexOperation {
  const document = { customer_id: customerId, ...doc, churned, churned_as_of: Date.parse(watermark) };
  return { action: 'merge', index: 'customers', id: customerId, document };
}

/** The bulk operations one event leads to (none for a clock tick). */
export function operationsFor(event: IndexableEvent): IndexOperation[] {
  switch (event.event_type) {
    case 'customer_registered':
      return [
        {
          action: 'merge',
          index: 'customers',
          id: event.customer.customer_id,
          document: profileFields(event.customer),
        },
      ];
    case 'session_ended':
      return [
        {
          action: 'index',
          index: 'sessions',
          id: event.session.session_id,
          document: sessionDocument(event.session),
        },
        {
          action: 'merge',
          index: 'customers',
          id: event.session.customer_id,
          document: usedBy(event.session),
        },
      ];
    case 'features_updated': {
      const a = event.aggregate;
      const doc = {
        ...profileFields(a),
        session_count: a.session_count,
        pages_viewed_total: a.pages_viewed_total,
        products_added_total: a.products_added_total,
        products_purchased_total: a.products_purchased_total,
        total_spent: a.total_spent,
        total_session_seconds: a.total_session_seconds,
        first_seen_at: a.first_seen_at,
        last_active_at: a.last_active_at,
        last_purchase_at: a.last_purchase_at,
        updated_at: event.watermark,
      };
      return [churnedUpdate(a.customer_id, event.churned, event.watermark, doc)];
    }
    case 'churn_flag':
      return [churnedUpdate(event.customer_id, event.churned, event.watermark, null)];
    case 'churn_score':
      return [
        {
          action: 'merge',
          index: 'customers',
          id: event.customer_id,
          document: {
            customer_id: event.customer_id,
            churn_score: event.churn_probability,
            churn_predicted: event.churn_predicted,
            model_version: event.model_version,
            scored_at: event.event_time,
          },
        },
        { action: 'index', index: 'scores', id: event.event_id, document: scoreDocument(event) },
      ];
    case 'clock_tick':
      return [];
  }
}

export interface PlannedOperation {
  operation: IndexOperation;
  /** Position, in the input, of the (last) event this operation stands for. */
  source: number;
}

/**
 * The operations for a batch of events of one topic partition, in order, with repeats collapsed:
 * when several events write the same fields of the same document (a customer's successive
 * features_updated, a redelivered session), only the last is sent. Within one partition the last
 * is the newest, so the documents end exactly as if every operation had been applied in turn.
 * The "used" flags of a customer's sessions are unioned instead (they only ever become true).
 */
export function planOperations(events: readonly IndexableEvent[]): PlannedOperation[] {
  const planned = new Map<string, PlannedOperation>();
  events.forEach((event, source) => {
    for (const operation of operationsFor(event)) {
      const key = `${event.event_type}\u0000${operation.index}\u0000${operation.id}`;
      const previous = planned.get(key);
      planned.delete(key);
      if (
        event.event_type === 'session_ended' &&
        operation.action === 'merge' &&
        previous?.operation.action === 'merge'
      ) {
        const document = unionFlags(previous.operation.document, operation.document);
        planned.set(key, { operation: { ...operation, document }, source });
      } else planned.set(key, { operation, source });
    }
  });
  return [...planned.values()];
}

/** The two NDJSON lines of one operation, for the `_bulk` API. */
export function bulkLines(operation: IndexOperation, indexName: string): [object, object] {
  const target = { _index: indexName, _id: operation.id };
  switch (operation.action) {
    case 'index':
      return [{ index: target }, operation.document];
    case 'merge':
      return [
        { update: { ...target, retry_on_conflict: 5 } },
        { doc: operation.document, doc_as_upsert: true },
      ];
  }
}

/**
 * The newest-watermark rule for `churned` (no update scripts needed, so it works on any cluster):
 * given the `churned_as_of` stored for each customer (read just before, under a lock
 * that serializes these writes), drop `churned` from every write older than what is stored, and from
 * every write older than a later one in the same plan. The rest of each write goes through.
 */
export function guardChurnedWrites(
  planned: readonly PlannedOperation[],
  storedAsOf: ReadonlyMap<string, number>,
): PlannedOperation[] {
  const newest = new Map(storedAsOf);
  const keep = new Set<PlannedOperation>();
  for (const p of planned) {
    const asOf = p.operation.action === 'merge' ? p.operation.document.churned_as_of : undefined;
    if (typeof asOf !== 'number') continue;
    const current = newest.get(p.operation.id);
    if (current === undefined || asOf >= current) {
      newest.set(p.operation.id, asOf);
      keep.add(p);
    }
  }
  return planned.map((p) => {
    const op = p.operation;
    if (op.action !== 'merge' || typeof op.document.churned_as_of !== 'number') return p;
    const isNewest = keep.has(p) && newest.get(op.id) === op.document.churned_as_of;
    if (isNewest) return p;
    const document = { ...op.document };
    delete document.churned;
    delete document.churned_as_of;
    return { ...p, operation: { ...op, document } };
  });
}

/** The customers whose `churned` a plan writes (merges carrying churned_as_of). */
export function churnedWriteIds(planned: readonly PlannedOperation[]): string[] {
  const ids = new Set<string>();
  for (const p of planned) {
    if (p.operation.action === 'merge' && typeof p.operation.document.churned_as_of === 'number') {
      ids.add(p.operation.id);
    }
  }
  return [...ids];
}
