/**
 * The canned queries behind the live dashboard: customers at risk who are not flagged yet, one
 * customer's session timeline, the mean churn score per simulated day, and the online evaluation of
 * the model per simulated day. Bodies and shapers are pure, as in search.queries.ts.
 */
import { z } from 'zod';
import { DEVICE_TYPES, PAYMENT_METHODS } from '@churnstream/contracts';
import { DAY_MS } from '@churnstream/churn';
import type { SearchResponse } from './search.backend';

type Body = Record<string, unknown>;

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);

// ---------------------------------------------------------------- the segment filter

export const SegmentParamsSchema = z.strictObject({
  country: z.string().min(1).max(100).optional().describe('Only customers of this country'),
  age_band: z.string().min(1).max(20).optional().describe('Only customers of this age band'),
  device: z.enum(DEVICE_TYPES).optional().describe('Only customers who used this device type'),
  payment: z.enum(PAYMENT_METHODS).optional().describe('Only customers who paid with this method'),
});
export type SegmentParams = z.infer<typeof SegmentParamsSchema>;

/** Term filters on the customers index for a segment (none for an empty segment). */
export function segmentFilters(segment: SegmentParams): Body[] {
  const filters: Body[] = [];
  if (segment.country) filters.push({ term: { country: segment.country } });
  if (segment.age_band) filters.push({ term: { age_band: segment.age_band } });
  if (segment.device) filters.push({ term: { [`devices_used.${segment.device}`]: true } });
  if (segment.payment) filters.push({ term: { [`payment_methods_used.${segment.payment}`]: true } });
  return filters;
}

/** The segment as a request's query (nothing for an empty segment, so the body stays as before). */
export function segmentQuery(segment: SegmentParams): Body {
  const filter = segmentFilters(segment);
  return filter.length === 0 ? {} : { query: { bool: { filter } } };
}

// ---------------------------------------------------------------- at risk: not flagged yet

export const AtRiskParamsSchema = SegmentParamsSchema.extend({
  n: z.coerce.number().int().min(1).max(1_000).default(10).describe('How many customers (1-1000)'),
});
export const AtRiskResultSchema = z.object({
  /** The newest features watermark among the customers: the simulated "now" of the ranking. */
  as_of: z.string().nullable(),
  customers: z.array(
    z.object({
      rank: z.number().int(),
      customer_id: z.string(),
      name: z.string().nullable(),
      country: z.string().nullable(),
      churn_score: z.number(),
      model_version: z.string().nullable(),
      total_spent: z.number().nullable(),
      last_purchase_at: z.string().nullable(),
      /** Whole days from the last purchase (customer_since when none) to as_of. */
      days_since_last_purchase: z.number().int().nullable(),
    }),
  ),
});
export type AtRiskResult = z.infer<typeof AtRiskResultSchema>;

export function atRiskBody(params: z.output<typeof AtRiskParamsSchema>): Body {
  return {
    size: params.n,
    track_total_hits: false,
    _source: [
      'name',
      'country',
      'churn_score',
      'model_version',
      'total_spent',
      'last_purchase_at',
      'customer_since',
    ],
    query: {
      bool: {
        filter: [
          { exists: { field: 'churn_score' } },
          { term: { churned: false } },
          ...segmentFilters(params),
        ],
      },
    },
    sort: [{ churn_score: 'desc' }, { customer_id: 'asc' }],
    aggs: { now: { max: { field: 'updated_at' } } },
  };
}

export function shapeAtRisk(response: SearchResponse): AtRiskResult {
  const now = (response.aggregations?.now as { value?: number | null } | undefined)?.value ?? null;
  return {
    as_of: now === null ? null : new Date(now).toISOString(),
    customers: response.hits.hits.map((hit, i) => {
      const s = hit._source ?? {};
      const reference = str(s.last_purchase_at) ?? str(s.customer_since);
      return {
        rank: i + 1,
        customer_id: hit._id,
        name: str(s.name),
        country: str(s.country),
        churn_score: num(s.churn_score) ?? 0,
        model_version: str(s.model_version),
        total_spent: num(s.total_spent),
        last_purchase_at: str(s.last_purchase_at),
        days_since_last_purchase:
          now === null || reference === null ? null : Math.floor((now - Date.parse(reference)) / DAY_MS),
      };
    }),
  };
}

// ---------------------------------------------------------------- one customer's sessions

export const CustomerSessionsParamsSchema = z.strictObject({
  id: z.string().min(1).max(512).describe('The customer_id'),
  n: z.coerce.number().int().min(1).max(500).default(50).describe('How many sessions, newest first'),
});
export const CustomerSessionsResultSchema = z.object({
  customer_id: z.string(),
  sessions: z.array(
    z.object({
      session_id: z.string(),
      session_start: z.string(),
      session_end: z.string(),
      pages_viewed: z.number(),
      products_purchased: z.number(),
      total_spent: z.number(),
      device_type: z.string().nullable(),
      payment_method: z.string().nullable(),
    }),
  ),
});
export type CustomerSessionsResult = z.infer<typeof CustomerSessionsResultSchema>;

export function customerSessionsBody(id: string, n: number): Body {
  return {
    size: n,
    track_total_hits: false,
    query: { bool: { filter: [{ term: { customer_id: id } }] } },
    sort: [{ session_end: 'desc' }, { session_id: 'desc' }],
  };
}

export function shapeCustomerSessions(id: string, response: SearchResponse): CustomerSessionsResult {
  return {
    customer_id: id,
    sessions: response.hits.hits.map((hit) => {
      const s = hit._source ?? {};
      return {
        session_id: str(s.session_id) ?? hit._id,
        session_start: str(s.session_start) ?? '',
        session_end: str(s.session_end) ?? '',
        pages_viewed: num(s.pages_viewed) ?? 0,
        products_purchased: num(s.products_purchased) ?? 0,
        total_spent: num(s.total_spent) ?? 0,
        device_type: str(s.device_type),
        payment_method: str(s.payment_method),
      };
    }),
  };
}

// ---------------------------------------------------------------- churn score over simulated time

export const ScoreTrendResultSchema = z.object({
  days: z.array(z.object({ date: z.string(), scores: z.number().int(), mean_score: z.number().nullable() })),
});
export type ScoreTrendResult = z.infer<typeof ScoreTrendResultSchema>;

export function scoreTrendBody(): Body {
  return {
    size: 0,
    aggs: {
      days: {
        date_histogram: {
          field: 'scored_at',
          calendar_interval: 'day',
          time_zone: 'UTC',
          format: 'yyyy-MM-dd',
        },
        aggs: { mean: { avg: { field: 'churn_probability' } } },
      },
    },
  };
}

export function shapeScoreTrend(response: SearchResponse): ScoreTrendResult {
  const buckets =
    (response.aggregations?.days as { buckets?: Record<string, unknown>[] } | undefined)?.buckets ?? [];
  return {
    days: buckets.map((b) => ({
      date: str(b.key_as_string) ?? '',
      scores: num(b.doc_count) ?? 0,
      mean_score: (b.mean as { value?: number | null } | undefined)?.value ?? null,
    })),
  };
}

// ---------------------------------------------------------------- the online evaluation

export const EvaluationResultSchema = z.object({
  days: z.array(
    z.object({
      day: z.string(),
      model_version: z.string(),
      issued: z.number().int(),
      matured: z.number().int(),
      churned: z.number().int(),
      /** churned / matured: the observed churn share of the day's matured predictions. */
      churned_share: z.number().nullable(),
      roc_auc: z.number().nullable(),
      brier: z.number().nullable(),
      score_psi: z.number().nullable(),
      max_psi: z.number().nullable(),
      drift_alert: z.boolean(),
      calibration: z.array(
        z.object({
          lower: z.number(),
          upper: z.number(),
          count: z.number(),
          mean_predicted: z.number().nullable(),
          observed_rate: z.number().nullable(),
        }),
      ),
    }),
  ),
  totals: z.object({ issued: z.number().int(), matured: z.number().int(), alerts: z.number().int() }),
});
export type EvaluationResult = z.infer<typeof EvaluationResultSchema>;

export function evaluationBody(): Body {
  return { size: 1_000, track_total_hits: false, sort: [{ day: 'asc' }, { model_version: 'asc' }] };
}

export function shapeEvaluation(response: SearchResponse): EvaluationResult {
  const days = response.hits.hits.map((hit) => {
    const s = hit._source ?? {};
    const matured = num(s.matured) ?? 0;
    const churned = num(s.churned) ?? 0;
    return {
      day: (str(s.day) ?? '').slice(0, 10),
      model_version: str(s.model_version) ?? '',
      issued: num(s.issued) ?? 0,
      matured,
      churned,
      churned_share: matured === 0 ? null : churned / matured,
      roc_auc: num(s.roc_auc),
      brier: num(s.brier),
      score_psi: num(s.score_psi),
      max_psi: num(s.max_psi),
      drift_alert: s.drift_alert === true,
      calibration: Array.isArray(s.calibration)
        ? (s.calibration as EvaluationResult['days'][number]['calibration'])
        : [],
    };
  });
  return {
    days,
    totals: {
      issued: days.reduce((n, d) => n + d.issued, 0),
      matured: days.reduce((n, d) => n + d.matured, 0),
      alerts: days.filter((d) => d.drift_alert).length,
    },
  };
}
