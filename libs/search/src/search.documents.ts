/**
 * The documents of the search indices, built from pipeline events. Pure: no client, no clock.
 * Whoever writes these indices (the indexer, a bulk load) builds them here.
 *
 * Every document has one writer and is written whole, so at-least-once delivery ends in exactly the
 * same documents and nothing is read before it is written:
 * - a session by its session_id, from the session as the features service accepted it;
 * - a score by its event id, from the churn_score event;
 * - a customer by customer_id, from the newest churn_score, which carries the scored aggregate with
 *   its version: the write carries that version (`version_type=external_gte`), so Elasticsearch
 *   keeps the newest whatever order redeliveries or replicas bring them in.
 */
import type { ChurnScore, CustomerAggregateDto, SessionEnded } from '@churnstream/contracts';
import type { SearchIndex } from './search.mappings';

export type IndexableEvent = SessionEnded | ChurnScore;

export interface IndexOperation {
  index: SearchIndex;
  id: string;
  document: Record<string, unknown>;
  /** An external version: Elasticsearch keeps the document of the highest version it was given. */
  version?: number;
}

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

export function sessionDocument(session: SessionEnded['session']): Record<string, unknown> {
  const seconds = (Date.parse(session.session_end) - Date.parse(session.session_start)) / 1000;
  return {
    ...session,
    session_duration: seconds,
    spend_per_product:
      session.products_purchased > 0 ? session.total_spent / session.products_purchased : null,
  };
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

const PROFILE_FIELDS = ['name', 'email', 'age', 'gender', 'location', 'country', 'customer_since'] as const;

/** `{ value: true }` for each value used (see CUSTOMER_PROPERTIES.devices_used). */
function usedFlags(values: readonly string[]): Record<string, true> {
  const flags: Record<string, true> = {};
  for (const value of values) flags[value] = true;
  return flags;
}

/**
 * The customer's whole document: profile, aggregate, the churn flag and the score. Built field by
 * field into one object (no spreads): the indexer builds one per score, and this was its costliest
 * function.
 */
export function customerDocument(event: ChurnScore): Record<string, unknown> {
  const a: CustomerAggregateDto = event.aggregate;
  const document: Record<string, unknown> = { customer_id: a.customer_id };
  // A profile field the customer has no value for yet is left out, not stored as null.
  for (const key of PROFILE_FIELDS) if (a[key] !== null) document[key] = a[key];
  if (a.age !== null) document.age_band = ageBand(a.age);
  document.session_count = a.session_count;
  document.pages_viewed_total = a.pages_viewed_total;
  document.products_added_total = a.products_added_total;
  document.products_purchased_total = a.products_purchased_total;
  document.total_spent = a.total_spent;
  document.total_session_seconds = a.total_session_seconds;
  document.first_seen_at = a.first_seen_at;
  document.last_active_at = a.last_active_at;
  document.last_purchase_at = a.last_purchase_at;
  document.devices_used = usedFlags(a.devices_used);
  document.payment_methods_used = usedFlags(a.payment_methods_used);
  document.updated_at = event.watermark;
  document.churned = event.churned;
  document.churned_as_of = Date.parse(event.watermark);
  document.churn_score = event.churn_probability;
  document.churn_predicted = event.churn_predicted;
  document.model_version = event.model_version;
  document.scored_at = event.event_time;
  return document;
}

/** The writes one event leads to. */
export function operationsFor(event: IndexableEvent): IndexOperation[] {
  switch (event.event_type) {
    case 'session_ended':
      return [{ index: 'sessions', id: event.session.session_id, document: sessionDocument(event.session) }];
    case 'churn_score':
      return [
        {
          index: 'customers',
          id: event.customer_id,
          document: customerDocument(event),
          version: event.version,
        },
        { index: 'scores', id: event.event_id, document: scoreDocument(event) },
      ];
  }
}

export interface PlannedOperation {
  operation: IndexOperation;
  /** Position, in the input, of the event this operation stands for. */
  source: number;
}

/**
 * The writes for a batch of events, one per document: a document written several times in the
 * batch (a customer scored again, a redelivered session) is sent once, as its newest version (the
 * highest external version, else the last in the batch). The end state is the same as writing every
 * event in turn, in fewer and smaller requests.
 */
export function planOperations(events: readonly IndexableEvent[]): PlannedOperation[] {
  const planned = new Map<string, PlannedOperation>();
  events.forEach((event, source) => {
    for (const operation of operationsFor(event)) {
      const key = `${operation.index}\u0000${operation.id}`;
      const previous = planned.get(key)?.operation.version;
      if (previous !== undefined && operation.version !== undefined && operation.version < previous) continue;
      planned.set(key, { operation, source });
    }
  });
  return [...planned.values()];
}

/** The two NDJSON lines of one operation, for the `_bulk` API. */
export function bulkLines(operation: IndexOperation, indexName: string): [object, object] {
  const target: Record<string, unknown> = { _index: indexName, _id: operation.id };
  if (operation.version !== undefined) {
    target.version = operation.version;
    target.version_type = 'external_gte';
  }
  return [{ index: target }, operation.document];
}
