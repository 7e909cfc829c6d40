import type { Admin, Kafka } from 'kafkajs';
import { consumerGroups, topicNames } from '@churnstream/contracts';
import { consumerLag, totalLag } from './consumer-lag';

export interface GroupLag {
  group: string;
  lag: number;
}

/**
 * Consumer lag of each of the pipeline's groups on the topics it reads. The evaluator's group only
 * with `evaluator: true` (runs without the evaluator would otherwise wait on a group nobody consumes).
 * Pass a connected `admin` to sample often without a new connection each time.
 */
export async function pipelineLag(
  kafka: Kafka,
  topicPrefix: string,
  options: { evaluator?: boolean; admin?: Admin } = {},
): Promise<GroupLag[]> {
  const topics = topicNames(topicPrefix);
  const groups = consumerGroups(topicPrefix);
  const reads: [string, string[]][] = [
    [groups.features, [topics.activity]],
    [groups.scoring, [topics.features]],
    [groups.indexer, [topics.sessions, topics.scores]],
  ];
  if (options.evaluator) reads.push([groups.evaluator, [topics.activity, topics.scores]]);
  return Promise.all(
    reads.map(async ([group, groupTopics]) => ({
      group,
      lag: totalLag(await consumerLag(kafka, group, groupTopics, options.admin)),
    })),
  );
}

/** Messages on each topic (end minus start offsets over its partitions); 0 for a missing topic. */
export async function topicSizes(kafka: Kafka, topicList: string[]): Promise<Record<string, number>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const sizes: Record<string, number> = {};
    for (const topic of topicList) {
      if (!existing.has(topic)) {
        sizes[topic] = 0;
        continue;
      }
      const offsets = await admin.fetchTopicOffsets(topic);
      sizes[topic] = offsets.reduce((sum, o) => sum + Number(BigInt(o.high) - BigInt(o.low)), 0);
    }
    return sizes;
  } finally {
    await admin.disconnect();
  }
}
