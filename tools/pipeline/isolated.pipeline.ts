import type { Client } from '@elastic/elasticsearch';
import type { Kafka } from 'kafkajs';
import { type Config, loadConfig } from '@churnstream/config';
import { type TopicNames, topicNames } from '@churnstream/contracts';
import { createElasticsearch } from '@churnstream/elasticsearch';
import { createKafka, ensureTopics, topicSpecs } from '@churnstream/kafka';
import { deleteSearchIndices } from '@churnstream/search';
import { SERVICES } from '../start/services';
import { type RunningService, startService, stopService, waitHealthy } from '../start/supervisor';
import { type CpuSource, stackCpuSources } from './cpu.sampler';
import { ensureModel } from './pipeline.model';
import { resetRun } from './pipeline.reset';

export const PIPELINE_APPS = ['features', 'scoring', 'indexer'] as const;

export interface IsolatedPipelineOptions {
  /** Processes of each app in one consumer group (default 1); the topics get at least that many partitions. */
  replicas?: number;
  /** Partitions of the activity topic and the topics the apps create (default: the config's). */
  partitions?: number;
}

export interface IsolatedPipeline {
  config: Config;
  kafka: Kafka;
  es: Client;
  topics: TopicNames;
  replicas: number;
  /** Every app process and every server of the stack, by stage name (replicas share their app's name). */
  cpuSources: CpuSource[];
  stop(): Promise<void>;
}

/**
 * A features + scoring + indexer pipeline of its own (its own topics, groups, Redis keys and indices
 * under `prefix`, its own processes on `firstPort` onwards, one port per process), started from a
 * clean slate, for load tests and benchmarks that must neither disturb nor be disturbed by a live
 * simulation on the same stack.
 */
export async function startIsolatedPipeline(
  root: string,
  prefix: string,
  firstPort: number,
  options: IsolatedPipelineOptions = {},
): Promise<IsolatedPipeline> {
  const replicas = options.replicas ?? 1;
  const base = loadConfig(process.env);
  const partitions = Math.max(options.partitions ?? base.ACTIVITY_PARTITIONS, replicas);
  const env = {
    ...process.env,
    TOPIC_PREFIX: prefix,
    REDIS_KEY_PREFIX: `${prefix}:`,
    ES_INDEX_PREFIX: prefix,
    ACTIVITY_PARTITIONS: String(partitions),
  };
  const config = loadConfig(env);
  ensureModel(root, config.MODEL_PATH, { customers: 10_000, sessions: 100_000, seed: 42 });
  const kafka = createKafka(config, prefix);
  const es = createElasticsearch(config);
  await resetRun(config);
  await deleteSearchIndices(es, prefix);
  const topics = topicNames(prefix);
  await ensureTopics(kafka, topicSpecs(topics, config.ACTIVITY_PARTITIONS));
  const running: RunningService[] = [];
  for (const name of PIPELINE_APPS) {
    const spec = SERVICES.find((s) => s.name === name);
    if (!spec) throw new Error(`no service named ${name}`);
    for (let replica = 0; replica < replicas; replica++) {
      const port = firstPort + running.length;
      running.push(
        startService(root, { ...spec, port, logName: replicas > 1 ? `${name}-${replica + 1}` : name }, env),
      );
    }
  }
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
  const cpuSources: CpuSource[] = [
    ...running.map((s) => ({
      name: s.spec.name,
      pids: () => (s.child.pid === undefined ? [] : [s.child.pid]),
    })),
    ...stackCpuSources(),
  ];
  return { config, kafka, es, topics, replicas, cpuSources, stop };
}
