import type { Config } from '@churnstream/config';
import { allTopics, consumerGroups, topicNames } from '@churnstream/contracts';
import { createElasticsearch } from '@churnstream/elasticsearch';
import { createKafka, deleteGroups, deleteTopics } from '@churnstream/kafka';
import { createRedis } from '@churnstream/redis';

/**
 * `--fresh`: forgets the previous run of this prefix: its topics, consumer groups, indices and Redis
 * keys. Only names under the configured prefixes are touched.
 */
export async function resetRun(config: Config): Promise<{ topics: number; keys: number; indices: string }> {
  const kafka = createKafka(config, 'simulate');
  const topics = allTopics(topicNames(config.TOPIC_PREFIX));
  await deleteGroups(kafka, Object.values(consumerGroups(config.TOPIC_PREFIX)));
  await deleteTopics(kafka, topics);

  const redis = createRedis(config);
  let keys = 0;
  try {
    let cursor = '0';
    do {
      const [next, batch] = await redis.scan(
        cursor,
        'MATCH',
        `${config.REDIS_KEY_PREFIX}${config.TOPIC_PREFIX}:*`,
        'COUNT',
        1000,
      );
      cursor = next;
      if (batch.length > 0) keys += await redis.unlink(...batch);
    } while (cursor !== '0');
  } finally {
    await redis.quit();
  }

  const es = createElasticsearch(config);
  const pattern = `${config.ES_INDEX_PREFIX}-*`;
  try {
    await es.indices.delete({ index: pattern, ignore_unavailable: true, allow_no_indices: true });
  } finally {
    await es.close();
  }
  return { topics: topics.length, keys, indices: pattern };
}
