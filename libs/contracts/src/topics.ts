/**
 * Every Kafka topic the system uses, in one place. A prefix lets tests and parallel runs
 * use their own topics on one broker.
 *
 * `activity` carries customer registrations, ended sessions and clock ticks on one topic keyed by
 * customer_id: Kafka orders events only within a partition, so a customer's registration is
 * guaranteed to reach a consumer before that customer's sessions, and a clock tick (written to every
 * partition) arrives after every event of earlier simulated time on that partition.
 *
 * `sessions` carries the sessions the features service accepted from `activity` (valid, for a
 * registered customer), byte for byte: what the indexer stores, so a refused session never reaches
 * the indices.
 */
export interface TopicNames {
  readonly activity: string;
  readonly sessions: string;
  readonly features: string;
  readonly flags: string;
  readonly scores: string;
  readonly deadLetter: string;
}

export const DEFAULT_TOPIC_PREFIX = 'churnstream';

export function topicNames(prefix: string = DEFAULT_TOPIC_PREFIX): TopicNames {
  return {
    activity: `${prefix}.activity`,
    sessions: `${prefix}.sessions`,
    features: `${prefix}.features`,
    flags: `${prefix}.flags`,
    scores: `${prefix}.scores`,
    deadLetter: `${prefix}.dead-letter`,
  };
}

export function allTopics(topics: TopicNames): string[] {
  return [topics.activity, topics.sessions, topics.features, topics.flags, topics.scores, topics.deadLetter];
}

/** Consumer group names, also in one place so lag can be reported per group. */
export function consumerGroups(prefix: string = DEFAULT_TOPIC_PREFIX) {
  return {
    features: `${prefix}.features`,
    scoring: `${prefix}.scoring`,
    indexer: `${prefix}.indexer`,
  } as const;
}
