import type { Client } from '@elastic/elasticsearch';
import type { Kafka } from 'kafkajs';
import { allTopics, topicNames } from '@churnstream/contracts';
import { type GroupLag, pipelineLag, topicSizes } from '@churnstream/kafka';
import { type SearchIndexNames, type SegmentParams, segmentQuery } from '@churnstream/search';

export interface DocumentCounts {
  customers: number;
  sessions: number;
  scores: number;
  evaluations: number;
}

export interface DurationByChurn {
  churned: boolean;
  customers: number;
  avg_session_seconds: number | null;
}

/**
 * What the live page needs beyond the canned queries: document counts, session duration by churn
 * (one aggregation over the customers), and the pipeline's Kafka counters.
 */
export class LiveRepository {
  constructor(
    private readonly es: Client,
    private readonly kafka: Kafka,
    private readonly indices: SearchIndexNames,
    private readonly topicPrefix: string,
  ) {}

  async documentCounts(): Promise<DocumentCounts> {
    const count = async (index: string) =>
      (await this.es.count({ index, ignore_unavailable: true, allow_no_indices: true })).count;
    const [customers, sessions, scores, evaluations] = await Promise.all([
      count(this.indices.customers),
      count(this.indices.sessions),
      count(this.indices.scores),
      count(this.indices.evaluations),
    ]);
    return { customers, sessions, scores, evaluations };
  }

  async durationByChurn(segment: SegmentParams = {}): Promise<DurationByChurn[]> {
    const response = await this.es.search<
      unknown,
      {
        by: {
          buckets: {
            key: number;
            key_as_string?: string;
            doc_count: number;
            seconds: { value: number };
            sessions: { value: number };
          }[];
        };
      }
    >({
      index: this.indices.customers,
      size: 0,
      ignore_unavailable: true,
      ...segmentQuery(segment),
      aggs: {
        by: {
          terms: { field: 'churned', size: 2 },
          aggs: {
            seconds: { sum: { field: 'total_session_seconds' } },
            sessions: { sum: { field: 'session_count' } },
          },
        },
      },
    });
    return (response.aggregations?.by.buckets ?? []).map((b) => ({
      churned: b.key === 1 || b.key_as_string === 'true',
      customers: b.doc_count,
      avg_session_seconds: b.sessions.value > 0 ? b.seconds.value / b.sessions.value : null,
    }));
  }

  async kafkaCounters(): Promise<{ topics: Record<string, number>; lag: GroupLag[] }> {
    const [topics, lag] = await Promise.all([
      topicSizes(this.kafka, allTopics(topicNames(this.topicPrefix))),
      pipelineLag(this.kafka, this.topicPrefix, { evaluator: true }),
    ]);
    return { topics, lag };
  }
}
