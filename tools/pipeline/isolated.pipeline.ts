import type { Client } from '@elastic/elasticsearch';
import type { Kafka } from 'kafkajs';
import { type Config, loadConfig } from '@churnstream/config';
import { type TopicNames, topicNames } from '@churnstream/contracts';
import { createElasticsearch } from '@churnstream/elasticsearch';
import { createKafka, ensureTopics, topicSpecs } from '@churnstream/kafka';
import { deleteSearchIndices } from '@churnstream/search';
import { SERVICES } from '../start/services';
import { type RunningService, startService, stopService, waitHealthy } from '../start/supervisor';
import { ensureModel } from './pipeline.model';
import { resetRun } from './pipeline.reset';

export interface IsolatedPipeline {
  config: Config;
  kafka: Kafka;
  es: Client;
  topics: TopicNames;
  stop(): Promise<void>;
}

/**
 * A features + scoring + indexer pipeline of its own (its own topics, groups, Redis keys and indices
 * under `prefix`, its own processes on `firstPort`..+2), started from a clean slate, for load tests
 * and benchmarks that must neither disturb nor be disturbed by a live simulation on the same stack.
 */
export async function startIsolatedPipeline(
  root: string,
  prefix: string,
  firstPort: number,
): Promise<IsolatedPipeline> {
  const env = {
    ...process.env,
    TOPIC_PREFIX: prefix,
    REDIS_KEY_PREFIX: `${prefix}:`,
    ES_INDEX_PREFIX: prefix,
  };
  const config = loadConfig(env);
  ensureModel(root, config.MODEL_PATH, { customers: 10_000, sessions: 100_000, seed: 42 });
  const kafka = createKafka(config, prefix);
  const es = createElasticsearch(config);
  await resetRun(config);
  await deleteSearchIndices(es, prefix);
  const topics = topicNames(prefix);
  await ensureTopics(kafka, topicSpecs(topics, config.ACTIVITY_PARTITIONS));
  const names = ['features', 'scoring', 'indexer'];
  const running: RunningService[] = SERVICES.filter((s) => names.includes(s.name)).map((spec) =>
    startService(root, { ...spec, port: firstPort + names.indexOf(spec.name) }, env),
  );
  const stop = async () => {
    await Promise.all(running.map((s) => stopService(s)));
    await es.close();
  };
  const healthy = await Promise.all(running.map((s) => waitHealthy(s, 90_000)));
  const sick = running.filter((_, i) => !healthy[i]);
  if (sick.length > 0) {
    await stop();
    throw new Error(`not healthy: ${sick.map((s) => `${s.spec.name} (${s.logPath})`).join(', ')}`);
  }
  return { config, kafka, es, topics, stop };
}
