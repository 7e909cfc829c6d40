import type { Kafka } from 'kafkajs';
import { consumerGroups, topicNames } from '@churnstream/contracts';
import { consumerLag, totalLag } from './consumer-lag';

export interface GroupLag {
  group: string;
  lag: number;
}

/** Consumer lag of each of the pipeline's groups on the topics it reads. */
export async function pipelineLag(kafka: Kafka, topicPrefix: string): Promise<GroupLag[]> {
  const topics = topicNames(topicPrefix);
  const groups = consumerGroups(topicPrefix);
  const reads: [string, string[]][] = [
    [groups.features, [topics.activity]],
    [groups.scoring, [topics.features]],
    [groups.indexer, [topics.sessions, topics.scores]],
  ];
  return Promise.all(
    reads.map(async ([group, groupTopics]) => ({
      group,
      lag: totalLag(await consumerLag(kafka, group, groupTopics)),
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
