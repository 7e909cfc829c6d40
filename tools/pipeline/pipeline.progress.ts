import type { Kafka } from 'kafkajs';
import type { Config } from '@churnstream/config';
import { consumerGroups, topicNames } from '@churnstream/contracts';
import { consumerLag, totalLag } from '@churnstream/kafka';

export interface GroupLag {
  group: string;
  lag: number;
}

/** Consumer lag of each of the pipeline's groups on the topics it reads. */
export async function pipelineLag(kafka: Kafka, config: Config): Promise<GroupLag[]> {
  const topics = topicNames(config.TOPIC_PREFIX);
  const groups = consumerGroups(config.TOPIC_PREFIX);
  const reads: [string, string[]][] = [
    [groups.features, [topics.activity]],
    [groups.scoring, [topics.features]],
    [groups.indexer, [topics.activity, topics.features, topics.flags, topics.scores]],
  ];
  return Promise.all(
    reads.map(async ([group, groupTopics]) => ({
      group,
      lag: totalLag(await consumerLag(kafka, group, groupTopics)),
    })),
  );
}

/** Messages on each topic (end minus start offsets over its partitions). */
export async function topicSizes(kafka: Kafka, topicList: string[]): Promise<Record<string, number>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const sizes: Record<string, number> = {};
    for (const topic of topicList) {
      const offsets = await admin.fetchTopicOffsets(topic);
      sizes[topic] = offsets.reduce((sum, o) => sum + Number(BigInt(o.high) - BigInt(o.low)), 0);
    }
    return sizes;
  } finally {
    await admin.disconnect();
  }
}

/**
 * Waits until every group has consumed everything, twice in a row a second apart: features and
 * scoring produce while they consume, so one zero reading can precede their last output.
 */
export async function waitCaughtUp(
  kafka: Kafka,
  config: Config,
  options: { timeoutMs: number; onPoll?: (lags: GroupLag[]) => void },
): Promise<GroupLag[]> {
  const deadline = Date.now() + options.timeoutMs;
  let zeroes = 0;
  for (;;) {
    const lags = await pipelineLag(kafka, config);
    options.onPoll?.(lags);
    zeroes = lags.every((l) => l.lag === 0) ? zeroes + 1 : 0;
    if (zeroes >= 3) return lags;
    if (Date.now() > deadline) {
      throw new Error(
        `consumers did not catch up within ${options.timeoutMs / 1000}s: ${lags.map((l) => `${l.group} lag ${l.lag}`).join(', ')}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}
