import { rmSync } from 'node:fs';
import type { Client } from '@elastic/elasticsearch';
import type { Kafka } from 'kafkajs';
import type { Redis } from 'ioredis';
import { type Config, loadConfig } from '@churnstream/config';
import { allTopics, consumerGroups, topicNames } from '@churnstream/contracts';
import { createElasticsearch } from '@churnstream/elasticsearch';
import { createKafka, deleteGroups, deleteTopics } from '@churnstream/kafka';
import { createRedis } from '@churnstream/redis';
import { deleteSearchIndices } from '@churnstream/search';
import { trainSmallModel } from './model.fixture';
import { uniqueName } from './unique';
import { waitFor } from './wait-for';

/**
 * Names and clients of a test's own pipeline (topics, groups, Redis keys and indices under one unique
 * prefix) and a small model, for tests that start their apps themselves (under the Supervisor, say).
 */
export interface OwnPipeline {
  prefix: string;
  env: NodeJS.ProcessEnv;
  config: Config;
  kafka: Kafka;
  es: Client;
  redis: Redis;
  /** A small model trained with the real CLI; MODEL_PATH of `env`. */
  model: ReturnType<typeof trainSmallModel>;
  /** Deletes what the run left (call after its processes stopped) and closes the clients. */
  cleanUp(): Promise<void>;
}

export function ownPipeline(base: string, extraEnv: Record<string, string> = {}): OwnPipeline {
  const prefix = uniqueName(base);
  const model = trainSmallModel({ trees: 10 });
  const env = {
    ...process.env,
    TOPIC_PREFIX: prefix,
    REDIS_KEY_PREFIX: `${prefix}:`,
    ES_INDEX_PREFIX: prefix,
    MODEL_PATH: model.model,
    ...extraEnv,
  };
  const config = loadConfig(env);
  const kafka = createKafka(config, 'test');
  const es = createElasticsearch(config);
  const redis = createRedis(config);
  const cleanUp = async () => {
    // A member SIGKILLed by the test stays in its group until its session times out.
    await waitFor(
      'the consumer groups deleted',
      () => deleteGroups(kafka, Object.values(consumerGroups(prefix))).then(() => true),
      { timeoutMs: 60_000, intervalMs: 2_000 },
    );
    await deleteTopics(kafka, allTopics(topicNames(prefix)));
    await deleteSearchIndices(es, prefix);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
    await es.close();
    rmSync(model.dir, { recursive: true, force: true });
  };
  return { prefix, env, config, kafka, es, redis, model, cleanUp };
}
