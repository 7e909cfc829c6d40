import { readFileSync } from 'node:fs';
import type { Client } from '@elastic/elasticsearch';
import type { Kafka } from 'kafkajs';
import type { Redis } from 'ioredis';
import { loadConfig, type Config } from '@churnstream/config';
import { allTopics, consumerGroups, topicNames } from '@churnstream/contracts';
import { createElasticsearch } from '@churnstream/elasticsearch';
import { createKafka, deleteGroups, deleteTopics } from '@churnstream/kafka';
import { createRedis } from '@churnstream/redis';
import { deleteSearchIndices, refreshSearchIndices } from '@churnstream/search';
import { waitCaughtUp } from '../../tools/pipeline/pipeline.progress';
import { SERVICES } from '../../tools/start/services';
import { type RunningService, startService, stopService, waitHealthy } from '../../tools/start/supervisor';
import { stackEnv, stackPrefixes } from './test.stack';

const root = new URL('../../', import.meta.url).pathname;

export interface PipelineRun {
  /** The apps' environment: the test stack, this run's prefixes, the model. */
  env: NodeJS.ProcessEnv;
  config: Config;
  stack: { topic: string; redis: string; index: string };
  kafka: Kafka;
  es: Client;
  redis: Redis;
  /** Processes the test starts; `cleanup` stops them. */
  running: RunningService[];
  /** Starts features, scoring and the indexer on `firstPort` + 1, 2, 3; the apps that are not healthy. */
  startApps(firstPort: number): Promise<string[]>;
  /**
   * Runs the generator with `args` on `port` to its end; once it exited 0, waits until every consumer
   * caught up and refreshes the indices. Its exit code and log.
   */
  stream(port: number, args: string[]): Promise<{ exitCode: number | null; log: string }>;
  /** Messages on the run's dead-letter topic. */
  deadLetters(): Promise<number>;
  /** Stops the processes, deletes the run's groups, topics, indices and Redis keys, closes the clients. */
  cleanup(): Promise<void>;
}

/** A pipeline run of a test of its own under unique names (`base` starts them), scoring with `modelPath`. */
export function pipelineRun(base: string, modelPath: string): PipelineRun {
  // The plain stack, or the one CHURNSTREAM_TEST_ENV_FILE describes (npm run test:secure).
  const stack = stackPrefixes(base);
  const env = {
    ...process.env,
    ...stackEnv(),
    TOPIC_PREFIX: stack.topic,
    REDIS_KEY_PREFIX: stack.redis,
    ES_INDEX_PREFIX: stack.index,
    MODEL_PATH: modelPath,
  };
  const config = loadConfig(env);
  const kafka = createKafka(config, 'test');
  const es = createElasticsearch(config);
  const redis = createRedis(config);
  const running: RunningService[] = [];
  return {
    env,
    config,
    stack,
    kafka,
    es,
    redis,
    running,
    async startApps(firstPort) {
      const apps = ['features', 'scoring', 'indexer'];
      const started = apps.map((name, i) => {
        const spec = SERVICES.find((s) => s.name === name);
        if (spec === undefined) throw new Error(`no service ${name}`);
        const service = startService(root, { ...spec, port: firstPort + 1 + i }, env);
        running.push(service);
        return service;
      });
      const healthy = await Promise.all(started.map((s) => waitHealthy(s, 180_000)));
      return started.filter((_, i) => !healthy[i]).map((s) => `${s.spec.name} (log ${s.logPath})`);
    },
    async stream(port, args) {
      const spec = SERVICES.find((s) => s.name === 'generator');
      if (spec === undefined) throw new Error('no generator service');
      const generator = startService(root, { ...spec, port, args }, env);
      running.push(generator);
      const exitCode = await generator.exited;
      if (exitCode === 0) {
        await waitCaughtUp(kafka, config, { timeoutMs: 180_000 });
        await refreshSearchIndices(es, stack.index);
      }
      return { exitCode, log: `${generator.logPath}:\n${readFileSync(generator.logPath, 'utf8')}` };
    },
    async deadLetters() {
      const admin = kafka.admin();
      await admin.connect();
      try {
        const offsets = await admin.fetchTopicOffsets(topicNames(stack.topic).deadLetter);
        return offsets.reduce((n, o) => n + Number(o.high), 0);
      } finally {
        await admin.disconnect();
      }
    },
    async cleanup() {
      await Promise.all(running.map((s) => stopService(s)));
      await deleteGroups(kafka, Object.values(consumerGroups(stack.topic)));
      await deleteTopics(kafka, allTopics(topicNames(stack.topic)));
      await deleteSearchIndices(es, stack.index);
      const keys = await redis.keys(`${stack.redis}*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
      await es.close();
    },
  };
}
