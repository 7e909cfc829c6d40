import { topicNames } from '@churnstream/contracts';
import { CHURN_DIMENSIONS, type QueryOutcome } from '@churnstream/search';
import type { DurationByChurn, LiveRepository } from './live.repository';

export type RunQuery = (name: string, params: Record<string, unknown>) => Promise<QueryOutcome>;

export interface LiveSummary {
  generated_at: string;
  counters: {
    events_per_second: number | null;
    activity_events: number;
    consumer_lag: { group: string; lag: number }[];
    documents: { customers: number; sessions: number; scores: number };
    dead_letters: number;
  };
  churn: unknown;
  spend: unknown;
  session_duration: DurationByChurn[];
  segments: Record<string, unknown>;
  at_risk: unknown;
}

/**
 * The live page's use case: one snapshot of the system from Elasticsearch aggregations (the canned
 * queries, so the page and the API cannot disagree) and Kafka counters. Events per second is the
 * growth of the activity topic since the previous snapshot.
 */
export class LiveService {
  private previous: { at: number; events: number } | null = null;

  constructor(
    private readonly repository: LiveRepository,
    private readonly query: RunQuery,
    private readonly topicPrefix: string,
  ) {}

  async summary(): Promise<LiveSummary> {
    const topics = topicNames(this.topicPrefix);
    const ok = async (name: string, params: Record<string, unknown> = {}) => {
      const outcome = await this.query(name, params);
      return outcome.status === 'ok' ? outcome.result : { error: outcome.message };
    };
    const [kafka, documents, duration, spend, atRisk, ...segments] = await Promise.all([
      this.repository.kafkaCounters(),
      this.repository.documentCounts(),
      this.repository.durationByChurn(),
      ok('spend-by-churn'),
      ok('top-churn-risk', { n: '10' }),
      ...CHURN_DIMENSIONS.map((by) => ok('churn-rate', { by })),
    ]);
    const now = Date.now();
    const events = kafka.topics[topics.activity] ?? 0;
    const rate =
      this.previous && now > this.previous.at
        ? ((events - this.previous.events) * 1000) / (now - this.previous.at)
        : null;
    this.previous = { at: now, events };
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
    };
  }
}
