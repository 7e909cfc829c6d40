/**
 * The canned queries, shared by the HTTP API, the CLI and the benchmark: each has a name, a zod
 * schema for its parameters (also the source of the OpenAPI document), a zod schema for its result,
 * and a `run` that builds request bodies, sends them through a SearchBackend and shapes the answer.
 * Body builders and shapers are exported for unit tests.
 *
 * Churn rate by a session attribute (device_type, payment_method): a customer belongs to every value
 * they used in at least one session (paid with, for payment_method), so the groups overlap; the rate
 * of a group is its churned customers over its customers. The indexer keeps per customer one
 * boolean per value (devices_used.mobile, payment_methods_used.paypal, ...), so this is an exact
 * aggregation over the customers index, with no join against the sessions.
 */
import { z } from 'zod';
import { DEVICE_TYPES, PAYMENT_METHODS } from '@churnstream/contracts';
import { AGE_BAND_ORDER } from './search.documents';
import { type SearchBackend, type SearchResponse, totalHits } from './search.backend';
import type { SearchIndexNames } from './search.mappings';
import {
  AtRiskParamsSchema,
  AtRiskResultSchema,
  CustomerSessionsParamsSchema,
  CustomerSessionsResultSchema,
  EvaluationResultSchema,
  ScoreTrendResultSchema,
  type SegmentParams,
  SegmentParamsSchema,
  atRiskBody,
  customerSessionsBody,
  evaluationBody,
  scoreTrendBody,
  shapeAtRisk,
  shapeCustomerSessions,
  shapeEvaluation,
  shapeScoreTrend,
  segmentQuery,
} from './search.dashboard.queries';

type Body = Record<string, unknown>;

interface Bucket {
  key: string | number;
  key_as_string?: string;
  doc_count: number;
  [sub: string]: unknown;
}

function bucketsOf(aggregations: Record<string, unknown> | undefined, name: string): Bucket[] {
  const agg = aggregations?.[name] as { buckets?: Bucket[] | Record<string, Bucket> } | undefined;
  const buckets = agg?.buckets;
  if (buckets === undefined) return [];
  if (Array.isArray(buckets)) return buckets;
  return Object.entries(buckets).map(([key, bucket]) => ({ ...bucket, key }));
}

function subCount(bucket: Record<string, unknown>, name: string): number {
  return (bucket[name] as { doc_count?: number } | undefined)?.doc_count ?? 0;
}

function subValue(bucket: Record<string, unknown> | undefined, name: string): number | null {
  return (bucket?.[name] as { value?: number | null } | undefined)?.value ?? null;
}

const ratio = (part: number, whole: number) => (whole === 0 ? 0 : Math.round((part / whole) * 1e6) / 1e6);

// ---------------------------------------------------------------- customers by gender

export const GenderResultSchema = z.object({
  customers: z.number().int(),
  genders: z.array(z.object({ gender: z.string(), customers: z.number().int(), share: z.number() })),
});
export type GenderResult = z.infer<typeof GenderResultSchema>;

export function genderBody(): Body {
  return {
    size: 0,
    track_total_hits: true,
    aggs: {
      by_gender: { terms: { field: 'gender', size: 20, order: [{ _count: 'desc' }, { _key: 'asc' }] } },
    },
  };
}

export function shapeGender(response: SearchResponse): GenderResult {
  const customers = totalHits(response);
  return {
    customers,
    genders: bucketsOf(response.aggregations, 'by_gender').map((b) => ({
      gender: String(b.key),
      customers: b.doc_count,
      share: ratio(b.doc_count, customers),
    })),
  };
}

// ---------------------------------------------------------------- churn rate by a dimension

export const CUSTOMER_DIMENSIONS = ['country', 'age_band', 'gender'] as const;
export const SESSION_DIMENSIONS = ['device_type', 'payment_method'] as const;
export const CHURN_DIMENSIONS = [...CUSTOMER_DIMENSIONS, ...SESSION_DIMENSIONS] as const;
export type ChurnDimension = (typeof CHURN_DIMENSIONS)[number];

const ChurnGroupSchema = z.object({
  key: z.string(),
  customers: z.number().int(),
  churned: z.number().int(),
  churn_rate: z.number(),
});
export const ChurnRateResultSchema = z.object({
  by: z.enum(CHURN_DIMENSIONS),
  /** What a group counts: `customers` (one group each) or `customers_with_sessions` (overlapping). */
  basis: z.enum(['customers', 'customers_with_sessions']),
  overall: ChurnGroupSchema,
  groups: z.array(ChurnGroupSchema),
});
export type ChurnRateResult = z.infer<typeof ChurnRateResultSchema>;

const CHURNED = { term: { churned: true } };

export function churnByCustomerFieldBody(
  field: (typeof CUSTOMER_DIMENSIONS)[number],
  segment: SegmentParams = {},
): Body {
  return {
    size: 0,
    track_total_hits: true,
    ...segmentQuery(segment),
    aggs: {
      churned: { filter: CHURNED },
      groups: {
        terms: { field, size: 1000, order: [{ _count: 'desc' }, { _key: 'asc' }] },
        aggs: { churned: { filter: CHURNED } },
      },
    },
  };
}

function orderGroups(by: ChurnDimension, groups: ChurnRateResult['groups']): ChurnRateResult['groups'] {
  if (by !== 'age_band') return groups;
  const rank = (key: string) => {
    const i = AGE_BAND_ORDER.indexOf(key);
    return i < 0 ? AGE_BAND_ORDER.length : i;
  };
  return [...groups].sort((a, b) => rank(a.key) - rank(b.key));
}

export function shapeChurnByCustomerField(
  by: (typeof CUSTOMER_DIMENSIONS)[number],
  response: SearchResponse,
): ChurnRateResult {
  const customers = totalHits(response);
  const churned = subCount(response.aggregations ?? {}, 'churned');
  const groups = bucketsOf(response.aggregations, 'groups').map((b) => {
    const c = subCount(b, 'churned');
    return { key: String(b.key), customers: b.doc_count, churned: c, churn_rate: ratio(c, b.doc_count) };
  });
  return {
    by,
    basis: 'customers',
    overall: { key: 'all', customers, churned, churn_rate: ratio(churned, customers) },
    groups: orderGroups(by, groups),
  };
}

const SESSION_FLAGS = { device_type: 'devices_used', payment_method: 'payment_methods_used' } as const;

/**
 * One filter per value of the vocabulary on the customer's "used" flags (set by the indexer from
 * their sessions), each with its churned customers: exact counts from the customers index alone.
 */
export function churnBySessionFieldBody(
  field: (typeof SESSION_DIMENSIONS)[number],
  segment: SegmentParams = {},
): Body {
  const flags = SESSION_FLAGS[field];
  const values = field === 'device_type' ? DEVICE_TYPES : PAYMENT_METHODS;
  return {
    size: 0,
    track_total_hits: false,
    ...segmentQuery(segment),
    aggs: {
      all: {
        filter: { exists: { field: flags } },
        aggs: { churned: { filter: CHURNED } },
      },
      groups: {
        filters: {
          filters: Object.fromEntries(values.map((v) => [v, { term: { [`${flags}.${v}`]: true } }])),
        },
        aggs: { churned: { filter: CHURNED } },
      },
    },
  };
}

export function shapeChurnBySessionField(
  by: (typeof SESSION_DIMENSIONS)[number],
  response: SearchResponse,
): ChurnRateResult {
  const aggs = response.aggregations ?? {};
  const all = (aggs.all ?? {}) as Record<string, unknown>;
  const allCustomers = (all.doc_count as number | undefined) ?? 0;
  const allChurned = subCount(all, 'churned');
  return {
    by,
    basis: 'customers_with_sessions',
    overall: {
      key: 'all',
      customers: allCustomers,
      churned: allChurned,
      churn_rate: ratio(allChurned, allCustomers),
    },
    groups: bucketsOf(aggs, 'groups')
      .filter((b) => b.doc_count > 0)
      .map((b) => {
        const churned = subCount(b, 'churned');
        return {
          key: String(b.key),
          customers: b.doc_count,
          churned,
          churn_rate: ratio(churned, b.doc_count),
        };
      })
      .sort((a, b) => b.customers - a.customers || a.key.localeCompare(b.key)),
  };
}

// ---------------------------------------------------------------- spend, churned vs active

const SpendGroupSchema = z.object({
  group: z.enum(['churned', 'active']),
  customers: z.number().int(),
  total_spent: z.object({
    sum: z.number(),
    avg: z.number().nullable(),
    min: z.number().nullable(),
    max: z.number().nullable(),
    p50: z.number().nullable(),
    p90: z.number().nullable(),
  }),
  avg_session_count: z.number().nullable(),
  avg_products_purchased: z.number().nullable(),
});
export const SpendResultSchema = z.object({ groups: z.array(SpendGroupSchema) });
export type SpendResult = z.infer<typeof SpendResultSchema>;

export function spendBody(segment: SegmentParams = {}): Body {
  return {
    size: 0,
    track_total_hits: false,
    ...segmentQuery(segment),
    aggs: {
      groups: {
        // "active" is every customer not flagged churned (including not yet flagged at all).
        filters: { filters: { churned: CHURNED, active: { bool: { must_not: [CHURNED] } } } },
        aggs: {
          spent: { stats: { field: 'total_spent' } },
          spent_percentiles: { percentiles: { field: 'total_spent', percents: [50, 90] } },
          sessions: { avg: { field: 'session_count' } },
          purchases: { avg: { field: 'products_purchased_total' } },
        },
      },
    },
  };
}

const cents = (value: number | null | undefined) =>
  value === null || value === undefined ? null : Math.round(value * 100) / 100;

const round3 = (value: number | null) => (value === null ? null : Math.round(value * 1000) / 1000);

export function shapeSpend(response: SearchResponse): SpendResult {
  const buckets = bucketsOf(response.aggregations, 'groups');
  const order = ['churned', 'active'] as const;
  return {
    groups: order.map((group) => {
      const b = buckets.find((x) => x.key === group);
      const stats = (b?.spent ?? {}) as {
        sum?: number;
        avg?: number | null;
        min?: number | null;
        max?: number | null;
      };
      const pct =
        (b?.spent_percentiles as { values?: Record<string, number | null> } | undefined)?.values ?? {};
      return {
        group,
        customers: b?.doc_count ?? 0,
        total_spent: {
          sum: cents(stats.sum) ?? 0,
          avg: cents(stats.avg),
          min: cents(stats.min),
          max: cents(stats.max),
          p50: cents(pct['50.0']),
          p90: cents(pct['90.0']),
        },
        avg_session_count: round3(subValue(b, 'sessions')),
        avg_products_purchased: round3(subValue(b, 'purchases')),
      };
    }),
  };
}

// ---------------------------------------------------------------- sessions per day

const isoDay = z.iso.date().or(z.iso.datetime({ offset: true }));
export const SessionsPerDayParamsSchema = z.strictObject({
  from: isoDay.optional().describe('First day (inclusive), YYYY-MM-DD or an ISO time'),
  to: isoDay.optional().describe('End (exclusive), YYYY-MM-DD or an ISO time'),
});
export const SessionsPerDayResultSchema = z.object({
  sessions: z.number().int(),
  days: z.array(z.object({ date: z.string(), sessions: z.number().int(), total_spent: z.number() })),
});
export type SessionsPerDayResult = z.infer<typeof SessionsPerDayResultSchema>;

export function sessionsPerDayBody(params: { from?: string | undefined; to?: string | undefined }): Body {
  const range: Record<string, string> = {};
  if (params.from) range.gte = params.from;
  if (params.to) range.lt = params.to;
  return {
    size: 0,
    track_total_hits: true,
    query: Object.keys(range).length > 0 ? { range: { session_start: range } } : { match_all: {} },
    aggs: {
      days: {
        date_histogram: {
          field: 'session_start',
          calendar_interval: 'day',
          time_zone: 'UTC',
          format: 'yyyy-MM-dd',
          min_doc_count: 0,
        },
        aggs: { spent: { sum: { field: 'total_spent' } } },
      },
    },
  };
}

export function shapeSessionsPerDay(response: SearchResponse): SessionsPerDayResult {
  return {
    sessions: totalHits(response),
    days: bucketsOf(response.aggregations, 'days').map((b) => ({
      date: b.key_as_string ?? String(b.key),
      sessions: b.doc_count,
      total_spent: cents(subValue(b, 'spent')) ?? 0,
    })),
  };
}

// ---------------------------------------------------------------- top-N by churn score

export const TopChurnParamsSchema = z.strictObject({
  n: z.coerce.number().int().min(1).max(1_000).default(10).describe('How many customers (1-1000)'),
});
const TOP_FIELDS = [
  'customer_id',
  'name',
  'country',
  'churn_score',
  'churn_predicted',
  'churned',
  'model_version',
  'total_spent',
  'session_count',
  'last_purchase_at',
] as const;
export const TopChurnResultSchema = z.object({
  customers: z.array(
    z.object({
      rank: z.number().int(),
      customer_id: z.string(),
      name: z.string().nullable(),
      country: z.string().nullable(),
      churn_score: z.number(),
      churn_predicted: z.boolean().nullable(),
      churned: z.boolean().nullable(),
      model_version: z.string().nullable(),
      total_spent: z.number().nullable(),
      session_count: z.number().nullable(),
      last_purchase_at: z.string().nullable(),
    }),
  ),
});
export type TopChurnResult = z.infer<typeof TopChurnResultSchema>;

export function topChurnBody(n: number): Body {
  return {
    size: n,
    track_total_hits: false,
    _source: [...TOP_FIELDS],
    query: { bool: { filter: [{ exists: { field: 'churn_score' } }] } },
    sort: [{ churn_score: 'desc' }, { customer_id: 'asc' }],
  };
}

function field<T>(source: Record<string, unknown>, key: string, guard: (v: unknown) => v is T): T | null {
  const value = source[key];
  return guard(value) ? value : null;
}
const isString = (v: unknown): v is string => typeof v === 'string';
const isNumber = (v: unknown): v is number => typeof v === 'number';
const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';

export function shapeTopChurn(response: SearchResponse): TopChurnResult {
  return {
    customers: response.hits.hits.map((hit, i) => {
      const s = hit._source ?? {};
      return {
        rank: i + 1,
        customer_id: hit._id,
        name: field(s, 'name', isString),
        country: field(s, 'country', isString),
        churn_score: field(s, 'churn_score', isNumber) ?? 0,
        churn_predicted: field(s, 'churn_predicted', isBoolean),
        churned: field(s, 'churned', isBoolean),
        model_version: field(s, 'model_version', isString),
        total_spent: field(s, 'total_spent', isNumber),
        session_count: field(s, 'session_count', isNumber),
        last_purchase_at: field(s, 'last_purchase_at', isString),
      };
    }),
  };
}

// ---------------------------------------------------------------- one customer

export const CustomerParamsSchema = z.strictObject({
  id: z.string().min(1).max(512).describe('The customer_id'),
});
const nullableString = z.string().nullable();
const nullableNumber = z.number().nullable();
export const CustomerResultSchema = z.object({
  customer_id: z.string(),
  profile: z.object({
    name: nullableString,
    email: nullableString,
    age: nullableNumber,
    age_band: nullableString,
    gender: nullableString,
    location: nullableString,
    country: nullableString,
    customer_since: nullableString,
  }),
  features: z.object({
    session_count: nullableNumber,
    pages_viewed_total: nullableNumber,
    products_added_total: nullableNumber,
    products_purchased_total: nullableNumber,
    total_spent: nullableNumber,
    total_session_seconds: nullableNumber,
    first_seen_at: nullableString,
    last_active_at: nullableString,
    last_purchase_at: nullableString,
    updated_at: nullableString,
  }),
  flag: z.object({ churned: z.boolean().nullable(), as_of: nullableString }),
  score: z.object({
    churn_score: nullableNumber,
    churn_predicted: z.boolean().nullable(),
    model_version: nullableString,
    scored_at: nullableString,
  }),
  score_history: z.array(
    z.object({
      event_id: z.string(),
      churn_probability: z.number(),
      churn_predicted: z.boolean(),
      model_version: z.string(),
      scored_at: z.string(),
    }),
  ),
});
export type CustomerResult = z.infer<typeof CustomerResultSchema>;

export function scoreHistoryBody(customerId: string, size = 10): Body {
  return {
    size,
    track_total_hits: false,
    query: { bool: { filter: [{ term: { customer_id: customerId } }] } },
    sort: [{ scored_at: 'desc' }, { event_id: 'desc' }],
  };
}

export function shapeCustomer(
  id: string,
  source: Record<string, unknown>,
  history: SearchResponse,
): CustomerResult {
  const str = (key: string) => field(source, key, isString);
  const num = (key: string) => field(source, key, isNumber);
  const asOf = num('churned_as_of');
  return {
    customer_id: id,
    profile: {
      name: str('name'),
      email: str('email'),
      age: num('age'),
      age_band: str('age_band'),
      gender: str('gender'),
      location: str('location'),
      country: str('country'),
      customer_since: str('customer_since'),
    },
    features: {
      session_count: num('session_count'),
      pages_viewed_total: num('pages_viewed_total'),
      products_added_total: num('products_added_total'),
      products_purchased_total: num('products_purchased_total'),
      total_spent: num('total_spent'),
      total_session_seconds: num('total_session_seconds'),
      first_seen_at: str('first_seen_at'),
      last_active_at: str('last_active_at'),
      last_purchase_at: str('last_purchase_at'),
      updated_at: str('updated_at'),
    },
    flag: {
      churned: field(source, 'churned', isBoolean),
      as_of: asOf === null ? null : new Date(asOf).toISOString(),
    },
    score: {
      churn_score: num('churn_score'),
      churn_predicted: field(source, 'churn_predicted', isBoolean),
      model_version: str('model_version'),
      scored_at: str('scored_at'),
    },
    score_history: history.hits.hits.map((hit) => {
      const s = hit._source ?? {};
      return {
        event_id: hit._id,
        churn_probability: field(s, 'churn_probability', isNumber) ?? 0,
        churn_predicted: field(s, 'churn_predicted', isBoolean) ?? false,
        model_version: field(s, 'model_version', isString) ?? '',
        scored_at: field(s, 'scored_at', isString) ?? '',
      };
    }),
  };
}

// ---------------------------------------------------------------- the registry

export interface CannedQuery<P extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  readonly name: string;
  readonly summary: string;
  readonly params: P;
  readonly result: R;
  /** The shaped result, or null when the thing asked for does not exist (one customer). */
  run(backend: SearchBackend, indices: SearchIndexNames, params: z.output<P>): Promise<z.output<R> | null>;
}

function defineQuery<P extends z.ZodType, R extends z.ZodType>(query: CannedQuery<P, R>): CannedQuery<P, R> {
  return query;
}

export const ChurnRateParamsSchema = SegmentParamsSchema.extend({
  by: z.enum(CHURN_DIMENSIONS).default('country').describe('The dimension to group by'),
});

export const CANNED_QUERIES = [
  defineQuery({
    name: 'customers-by-gender',
    summary: 'Customers per gender (count and share)',
    params: z.strictObject({}),
    result: GenderResultSchema,
    run: async (backend, indices) => shapeGender(await backend.search(indices.customers, genderBody())),
  }),
  defineQuery({
    name: 'churn-rate',
    summary:
      'Churn rate by country, age_band or gender (per customer), or device_type or payment_method (customers who used it in a session); segment filter optional',
    params: ChurnRateParamsSchema,
    result: ChurnRateResultSchema,
    run: async (backend, indices, { by, ...segment }) => {
      if (by === 'device_type' || by === 'payment_method') {
        return shapeChurnBySessionField(
          by,
          await backend.search(indices.customers, churnBySessionFieldBody(by, segment)),
        );
      }
      return shapeChurnByCustomerField(
        by,
        await backend.search(indices.customers, churnByCustomerFieldBody(by, segment)),
      );
    },
  }),
  defineQuery({
    name: 'spend-by-churn',
    summary: 'Spend statistics of churned vs active customers (segment filter optional)',
    params: SegmentParamsSchema,
    result: SpendResultSchema,
    run: async (backend, indices, segment) =>
      shapeSpend(await backend.search(indices.customers, spendBody(segment))),
  }),
  defineQuery({
    name: 'sessions-per-day',
    summary: 'Sessions (and spend) per UTC day of session_start',
    params: SessionsPerDayParamsSchema,
    result: SessionsPerDayResultSchema,
    run: async (backend, indices, params) =>
      shapeSessionsPerDay(await backend.search(indices.sessions, sessionsPerDayBody(params))),
  }),
  defineQuery({
    name: 'top-churn-risk',
    summary: 'The N customers with the highest churn score',
    params: TopChurnParamsSchema,
    result: TopChurnResultSchema,
    run: async (backend, indices, { n }) =>
      shapeTopChurn(await backend.search(indices.customers, topChurnBody(n))),
  }),
  defineQuery({
    name: 'customer',
    summary: "One customer's profile, features, churn flag, latest score and score history",
    params: CustomerParamsSchema,
    result: CustomerResultSchema,
    run: async (backend, indices, { id }) => {
      const [source, history] = await Promise.all([
        backend.get(indices.customers, id),
        backend.search(indices.scores, scoreHistoryBody(id)),
      ]);
      return source === null ? null : shapeCustomer(id, source, history);
    },
  }),
  defineQuery({
    name: 'at-risk',
    summary:
      'Customers not flagged churned yet, by churn score, with the days since their last purchase (segment filter optional)',
    params: AtRiskParamsSchema,
    result: AtRiskResultSchema,
    run: async (backend, indices, params) =>
      shapeAtRisk(await backend.search(indices.customers, atRiskBody(params))),
  }),
  defineQuery({
    name: 'customer-sessions',
    summary: "One customer's sessions, newest first (the drill-down's timeline)",
    params: CustomerSessionsParamsSchema,
    result: CustomerSessionsResultSchema,
    run: async (backend, indices, { id, n }) =>
      shapeCustomerSessions(id, await backend.search(indices.sessions, customerSessionsBody(id, n))),
  }),
  defineQuery({
    name: 'score-trend',
    summary: 'Scores issued and their mean churn probability per simulated (UTC) day',
    params: z.strictObject({}),
    result: ScoreTrendResultSchema,
    run: async (backend, indices) => shapeScoreTrend(await backend.search(indices.scores, scoreTrendBody())),
  }),
  defineQuery({
    name: 'model-evaluation',
    summary:
      'Online evaluation per simulated day and model version: matured predictions, ROC AUC, Brier, calibration, drift (PSI)',
    params: z.strictObject({}),
    result: EvaluationResultSchema,
    run: async (backend, indices) =>
      shapeEvaluation(await backend.search(indices.evaluations, evaluationBody())),
  }),
] as const;

export type QueryName = (typeof CANNED_QUERIES)[number]['name'];

export function findQuery(name: string): CannedQuery | undefined {
  return (CANNED_QUERIES as readonly CannedQuery[]).find((q) => q.name === name);
}

export type QueryOutcome =
  | { status: 'ok'; query: string; result: unknown }
  | { status: 'not_found'; message: string }
  | { status: 'invalid'; message: string };

/** One line naming each bad parameter: `<what>: <param>: <problem>; ...`. */
export function paramIssues(what: string, error: z.ZodError): string {
  const issues = error.issues
    .map((i) => `${i.path.length > 0 ? i.path.map(String).join('.') : '(params)'}: ${i.message}`)
    .join('; ');
  return `${what}: ${issues}`;
}

/** Validates raw parameters (query string, CLI options) against the query's schema and runs it. */
export async function runQuery(
  backend: SearchBackend,
  indices: SearchIndexNames,
  name: string,
  raw: Record<string, unknown>,
): Promise<QueryOutcome> {
  const query = findQuery(name);
  if (!query) {
    const known = CANNED_QUERIES.map((q) => q.name).join(', ');
    return { status: 'not_found', message: `unknown query "${name}"; known: ${known}` };
  }
  const parsed = query.params.safeParse(raw);
  if (!parsed.success) return { status: 'invalid', message: paramIssues(name, parsed.error) };
  const result = await query.run(backend, indices, parsed.data);
  if (result === null)
    return { status: 'not_found', message: `${name}: nothing found for ${JSON.stringify(raw)}` };
  return { status: 'ok', query: name, result };
}
