/**
 * The explicit mappings of the three search indices. `dynamic: strict` makes a field nobody
 * declared a rejected document (dead-lettered by the indexer) instead of a silent new mapping.
 * Money is scaled_float(100) so sums are exact in cents; durations and scores are float; the
 * exact values stay in `_source`.
 */
import { DEVICE_TYPES, PAYMENT_METHODS } from '@churnstream/contracts';
import { FEATURE_NAMES } from '@churnstream/churn';
import { indexNames } from '@churnstream/elasticsearch';

export type SearchIndex = 'customers' | 'sessions' | 'scores' | 'evaluations';
export type SearchIndexNames = Record<SearchIndex, string>;

const keyword = { type: 'keyword' } as const;
const date = { type: 'date' } as const;
const integer = { type: 'integer' } as const;
const float = { type: 'float' } as const;
const money = { type: 'scaled_float', scaling_factor: 100 } as const;
/** Only where the cluster lacks the mapper-extras module (see SearchCapabilities). */
const moneyFallback = { type: 'double' } as const;
const boolean = { type: 'boolean' } as const;
const long = { type: 'long' } as const;

export const CUSTOMER_PROPERTIES = {
  customer_id: keyword,
  name: keyword,
  email: keyword,
  age: integer,
  /** Derived from age at index time, for aggregations (see ageBand). */
  age_band: keyword,
  gender: keyword,
  location: keyword,
  country: keyword,
  customer_since: date,
  session_count: integer,
  pages_viewed_total: integer,
  products_added_total: integer,
  products_purchased_total: integer,
  total_spent: money,
  total_session_seconds: float,
  first_seen_at: date,
  last_active_at: date,
  last_purchase_at: date,
  churned: boolean,
  /** Event-time watermark (epoch ms) of the decision behind `churned`; newer decisions win. */
  churned_as_of: date,
  churn_score: float,
  churn_predicted: boolean,
  model_version: keyword,
  scored_at: date,
  /** The features watermark of the aggregate fields. */
  updated_at: date,
  /**
   * Which device types / payment methods the customer used in at least one session: one boolean per
   * value of the closed vocabularies, only ever set to true, so the writes are idempotent and commute.
   * Churn rate by a session attribute is then an aggregation over customers alone.
   */
  devices_used: { properties: Object.fromEntries(DEVICE_TYPES.map((d) => [d, boolean])) },
  payment_methods_used: { properties: Object.fromEntries(PAYMENT_METHODS.map((m) => [m, boolean])) },
} as const;

export const SESSION_PROPERTIES = {
  session_id: keyword,
  customer_id: keyword,
  session_start: date,
  session_end: date,
  pages_viewed: integer,
  products_added_to_cart: integer,
  products_purchased: integer,
  total_spent: money,
  device_type: keyword,
  payment_method: keyword,
  /** Seconds between session_start and session_end. */
  session_duration: float,
  /** total_spent / products_purchased; null when nothing was bought. */
  spend_per_product: money,
} as const;

export const SCORE_PROPERTIES = {
  event_id: keyword,
  customer_id: keyword,
  churn_probability: float,
  churn_predicted: boolean,
  threshold: float,
  model_version: keyword,
  features_event_id: keyword,
  scored_at: date,
} as const;

/** One document per (model version, simulated day): the newest model_evaluation of that day. */
export const EVALUATION_PROPERTIES = {
  event_id: keyword,
  day: date,
  model_version: keyword,
  issued: integer,
  matured: integer,
  churned: integer,
  /** matured / issued of the day's predictions. */
  matured_share: float,
  roc_auc: float,
  brier: float,
  calibration: {
    properties: {
      lower: float,
      upper: float,
      count: integer,
      mean_predicted: float,
      observed_rate: float,
    },
  },
  score_psi: float,
  /** The largest PSI of the day (score or any feature). */
  max_psi: float,
  feature_psi: { properties: Object.fromEntries(FEATURE_NAMES.map((f) => [f, float])) },
  drift_alert: boolean,
  revision: long,
  watermark: date,
} as const;

const PROPERTIES: Record<SearchIndex, Record<string, object>> = {
  customers: CUSTOMER_PROPERTIES,
  sessions: SESSION_PROPERTIES,
  scores: SCORE_PROPERTIES,
  evaluations: EVALUATION_PROPERTIES,
};

export const SEARCH_INDICES: readonly SearchIndex[] = ['customers', 'sessions', 'scores', 'evaluations'];

export function searchIndexNames(prefix: string): SearchIndexNames {
  return { ...indexNames(prefix) };
}

export interface IndexTemplate {
  name: string;
  index_patterns: string[];
  priority: number;
  template: {
    settings: Record<string, unknown>;
    mappings: { dynamic: 'strict'; properties: Record<string, object> };
  };
  _meta: Record<string, unknown>;
}

/**
 * What the cluster offers beyond a bare server. A full Elasticsearch distribution has the
 * mapper-extras module (scaled_float); a stripped one (the integ-test-zip) does not, and the indexer
 * then maps money as double and says so loudly at start-up. See detectSearchCapabilities.
 */
export interface SearchCapabilities {
  scaledFloat: boolean;
}

export const FULL_CAPABILITIES: SearchCapabilities = { scaledFloat: true };

function withCapabilities(properties: Record<string, object>, capabilities: SearchCapabilities) {
  if (capabilities.scaledFloat) return properties;
  return Object.fromEntries(
    Object.entries(properties).map(([name, mapping]) => [name, mapping === money ? moneyFallback : mapping]),
  );
}

/** Bumped when a mapping changes, so an installed template shows which version it is. */
export const MAPPING_VERSION = 1;

/** One index template per index; each matches exactly its index name (no wildcard). */
export function indexTemplates(
  prefix: string,
  capabilities: SearchCapabilities = FULL_CAPABILITIES,
): Record<SearchIndex, IndexTemplate> {
  const names = searchIndexNames(prefix);
  const build = (index: SearchIndex): IndexTemplate => ({
    name: names[index],
    index_patterns: [names[index]],
    // Above the built-in templates (priority 100-ish) so nothing else shapes these indices.
    priority: 500,
    template: {
      // One node locally: replicas would keep the cluster yellow for nothing.
      settings: { number_of_shards: 1, number_of_replicas: 0, refresh_interval: '1s' },
      mappings: { dynamic: 'strict', properties: withCapabilities(PROPERTIES[index], capabilities) },
    },
    _meta: { owner: 'churnstream-indexer', mapping_version: MAPPING_VERSION, capabilities },
  });
  return {
    customers: build('customers'),
    sessions: build('sessions'),
    scores: build('scores'),
    evaluations: build('evaluations'),
  };
}
