import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import type { Kafka } from 'kafkajs';
import type { Client } from '@elastic/elasticsearch';
import type { Redis } from 'ioredis';
import { loadConfig } from '@churnstream/config';
import { allTopics, consumerGroups, topicNames } from '@churnstream/contracts';
import { createElasticsearch } from '@churnstream/elasticsearch';
import { consumerLag, createKafka, deleteGroups, deleteTopics, partitionCount } from '@churnstream/kafka';
import { createRedis } from '@churnstream/redis';
import { deleteSearchIndices, refreshSearchIndices } from '@churnstream/search';
import { waitCaughtUp } from '../tools/pipeline/pipeline.progress';
import { type ServiceSpec, SERVICES } from '../tools/start/services';
import { type RunningService, startService, stopService, waitHealthy } from '../tools/start/supervisor';
import { compareWithBatch, trainSmallModel, uniqueName, waitFor } from './support';

const root = new URL('../', import.meta.url).pathname;
const spec = (name: string): ServiceSpec => {
  const found = SERVICES.find((s) => s.name === name);
  assert.ok(found, name);
  return found;
};

/** The events one app process has taken in, from its own /metrics. */
async function eventsIn(port: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('churnstream_events_in_total')) total += Number(line.split(' ').at(-1));
  }
  return total;
}

describe('two replicas of each app over four partitions, one features replica killed mid-stream', () => {
  const prefix = uniqueName('replicas');
  const population = { customers: 300, sessions: 4_000, seed: 23 };
  let fixture: ReturnType<typeof trainSmallModel>;
  let env: NodeJS.ProcessEnv;
  let kafka: Kafka;
  let es: Client;
  let redis: Redis;
  const running: RunningService[] = [];

  before(() => {
    fixture = trainSmallModel({ trees: 10 });
    env = {
      ...process.env,
      TOPIC_PREFIX: prefix,
      REDIS_KEY_PREFIX: `${prefix}:`,
      ES_INDEX_PREFIX: prefix,
      MODEL_PATH: fixture.model,
      ACTIVITY_PARTITIONS: '4',
    };
    const config = loadConfig(env);
    kafka = createKafka(config, 'test');
    es = createElasticsearch(config);
    redis = createRedis(config);
  });

  after(async () => {
    await Promise.all(running.map((s) => stopService(s)));
    await deleteGroups(kafka, Object.values(consumerGroups(prefix)));
    await deleteTopics(kafka, allTopics(topicNames(prefix)));
    await deleteSearchIndices(es, prefix);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
    await es.close();
    rmSync(fixture.dir, { recursive: true, force: true });
  });

  it('shares the partitions between replicas and still ends exactly equal to the batch computation', async () => {
    let port = 3960;
    const replicas = new Map<string, RunningService[]>();
    for (const name of ['features', 'scoring', 'indexer']) {
      const pair = [1, 2].map((n) =>
        startService(root, { ...spec(name), port: port++, logName: `${prefix}-${name}-${n}` }, env),
      );
      running.push(...pair);
      replicas.set(name, pair);
    }
    for (const s of running)
      assert.equal(await waitHealthy(s, 300_000), true, `${s.spec.name} healthy (log ${s.logPath})`);
    assert.equal(await partitionCount(kafka, topicNames(prefix).activity), 4);

    const generator = startService(
      root,
      {
        ...spec('generator'),
        port: port++,
        args: [
          '--customers',
          '300',
          '--sessions',
          '4000',
          '--seed',
          '23',
          '--rate',
          '600',
          '--tick-hours',
          '24',
        ],
      },
      env,
    );
    running.push(generator);

    const group = consumerGroups(prefix).features;
    const activity = topicNames(prefix).activity;
    const [victim, survivor] = replicas.get('features') ?? [];
    assert.ok(victim && survivor);
    await waitFor(
      'both features replicas to have consumed part of the stream',
      async () => {
        const committed = (await consumerLag(kafka, group, [activity])).reduce((n, l) => n + l.committed, 0n);
        const [a, b] = await Promise.all([eventsIn(victim.spec.port), eventsIn(survivor.spec.port)]);
        return committed > 500n && a > 0 && b > 0 ? true : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 300 },
    );
    victim.child.kill('SIGKILL');
    await victim.exited;

    assert.equal(await generator.exited, 0, `generator finished (log ${generator.logPath})`);
    await waitCaughtUp(kafka, loadConfig(env), { timeoutMs: 240_000 });
    for (const name of ['scoring', 'indexer']) {
      const counts = await Promise.all((replicas.get(name) ?? []).map((s) => eventsIn(s.spec.port)));
      assert.ok(
        counts.every((n) => n > 0),
        `both ${name} replicas took part (events in: ${counts.join(', ')})`,
      );
    }
    await refreshSearchIndices(es, prefix);
    const difference = await compareWithBatch(es, prefix, population);
    assert.deepEqual(difference.sessions, { indexed: population.sessions, expected: population.sessions });
    assert.equal(difference.customers.indexed, difference.customers.expected);
    assert.deepEqual(difference.mismatches.slice(0, 5), []);
  });
});
