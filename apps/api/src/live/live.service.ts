import { topicNames } from '@churnstream/contracts';
import { CHURN_DIMENSIONS, type QueryOutcome, type SegmentParams } from '@churnstream/search';
import type { DocumentCounts, DurationByChurn, LiveRepository } from './live.repository';

export type RunQuery = (name: string, params: Record<string, unknown>) => Promise<QueryOutcome>;

export interface LiveSummary {
  generated_at: string;
  counters: {
    events_per_second: number | null;
    activity_events: number;
    consumer_lag: { group: string; lag: number }[];
    documents: DocumentCounts;
    dead_letters: number;
  };
  /** Samples over wall time, one per summary at most every SAMPLE_EVERY_MS, the last MAX_SAMPLES. */
  series: LiveSample[];
  score_trend: unknown;
  evaluation: unknown;
  segment: SegmentParams;
  segment_scope: typeof SEGMENT_SCOPE;
  churn: unknown;
  spend: unknown;
  session_duration: DurationByChurn[];
  segments: Record<string, unknown>;
  at_risk: unknown;
}

export interface LiveSample {
  at: string;
  /** Activity events produced per second since the previous sample. */
  produced_per_second: number | null;
  /** Documents written per second (all indices) since the previous sample. */
  indexed_per_second: number | null;
  lag: Record<string, number>;
  documents: DocumentCounts;
}

const SAMPLE_EVERY_MS = 2_000;
const MAX_SAMPLES = 300;
/** Pages open side by side share one snapshot per filter for this long (the queries run once). */
const REUSE_FOR_MS = 1_000;

/**
 * Which parts of the summary the segment filter narrows. The others cannot be narrowed: the Kafka
 * counters, rates and lags and the document counts are the pipeline's (a topic holds every
 * customer's events); the score trend and the online evaluation come from the scores and
 * evaluations indices, whose documents carry no customer attributes (the evaluator grades each
 * simulated day as a whole, on the stream).
 */
export const SEGMENT_SCOPE = {
  filtered: ['churn', 'spend', 'session_duration', 'segments', 'at_risk'],
  not_filtered: ['counters', 'series', 'score_trend', 'evaluation'],
} as const;

/**
 * The live page's use case: one snapshot of the system from Elasticsearch aggregations (the canned
 * queries, so the page and the API cannot disagree) and Kafka counters. Events per second is the
 * growth of the activity topic since the previous snapshot.
 */
export class LiveService {
  private previous: { at: number; events: number } | null = null;
  private readonly samples: { ms: number; events: number; docs: number; sample: LiveSample }[] = [];
  private readonly recent = new Map<string, { at: number; summary: Promise<LiveSummary> }>();

  constructor(
    private readonly repository: LiveRepository,
    private readonly query: RunQuery,
    private readonly topicPrefix: string,
  ) {}

  private sample(
    now: number,
    events: number,
    documents: DocumentCounts,
    lag: { group: string; lag: number }[],
  ) {
    const last = this.samples.at(-1);
    if (last && now - last.ms < SAMPLE_EVERY_MS) return;
    const docs = documents.customers + documents.sessions + documents.scores + documents.evaluations;
    const perSecond = (a: number, b: number) =>
      last && now > last.ms ? Math.max(0, Math.round(((a - b) * 1000) / (now - last.ms))) : null;
    this.samples.push({
      ms: now,
      events,
      docs,
      sample: {
        at: new Date(now).toISOString(),
        produced_per_second: perSecond(events, last?.events ?? 0),
        indexed_per_second: perSecond(docs, last?.docs ?? 0),
        lag: Object.fromEntries(lag.map((l) => [l.group.split('.').at(-1) ?? l.group, l.lag])),
        documents,
      },
    });
    if (this.samples.length > MAX_SAMPLES) this.samples.shift();
  }

  summary(segment: SegmentParams = {}): Promise<LiveSummary> {
    const now = Date.now();
    for (const [key, entry] of this.recent) if (now - entry.at >= REUSE_FOR_MS) this.recent.delete(key);
    const key = JSON.stringify(segment);
    const reused = this.recent.get(key);
    if (reused) return reused.summary;
    const summary = this.snapshot(segment);
    this.recent.set(key, { at: now, summary });
    summary.catch(() => this.recent.delete(key));
    return summary;
  }

  private async snapshot(segment: SegmentParams): Promise<LiveSummary> {
    const topics = topicNames(this.topicPrefix);
    const ok = async (name: string, params: Record<string, unknown> = {}) => {
      const outcome = await this.query(name, params);
      return outcome.status === 'ok' ? outcome.result : { error: outcome.message };
    };
    const [kafka, documents, duration, spend, atRisk, trend, evaluation, ...segments] = await Promise.all([
      this.repository.kafkaCounters(),
      this.repository.documentCounts(),
      this.repository.durationByChurn(segment),
      ok('spend-by-churn', segment),
      ok('at-risk', { n: '10', ...segment }),
      ok('score-trend'),
      ok('model-evaluation'),
      ...CHURN_DIMENSIONS.map((by) => ok('churn-rate', { by, ...segment })),
    ]);
    const now = Date.now();
    const events = kafka.topics[topics.activity] ?? 0;
    const rate =
      this.previous && now > this.previous.at
        ? ((events - this.previous.events) * 1000) / (now - this.previous.at)
        : null;
    this.previous = { at: now, events };
    this.sample(now, events, documents, kafka.lag);
    const byDimension = Object.fromEntries(CHURN_DIMENSIONS.map((d, i) => [d, segments[i]]));
    return {
      generated_at: new Date(now).toISOString(),
      counters: {
        events_per_second: rate === null ? null : Math.max(0, Math.round(rate)),
        activity_events: events,
        consumer_lag: kafka.lag,
        documents,
        dead_letters: kafka.topics[topics.deadLetter] ?? 0,
      },
      churn: byDimension.gender,
      spend,
      session_duration: duration,
      segments: byDimension,
      at_risk: atRisk,
      series: this.samples.map((x) => x.sample),
      score_trend: trend,
      evaluation,
      segment,
      segment_scope: SEGMENT_SCOPE,
    };
  }
}
