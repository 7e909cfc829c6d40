import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import type { Kafka } from 'kafkajs';
import type { Client } from '@elastic/elasticsearch';
import type { Redis } from 'ioredis';
import { loadConfig } from '@churnstream/config';
import { allTopics, consumerGroups, topicNames } from '@churnstream/contracts';
import { createElasticsearch } from '@churnstream/elasticsearch';
import { createKafka, deleteGroups, deleteTopics } from '@churnstream/kafka';
import { createRedis } from '@churnstream/redis';
import { deleteSearchIndices, refreshSearchIndices, searchIndexNames } from '@churnstream/search';
import { waitCaughtUp } from '../tools/pipeline/pipeline.progress';
import { SERVICES } from '../tools/start/services';
import { type RunningService, startService, stopService, waitHealthy } from '../tools/start/supervisor';
import { compareWithBatch, expectedCustomers, trainSmallModel, uniqueName } from './support';

const root = new URL('../', import.meta.url).pathname;

describe('the whole pipeline: generator -> Kafka -> features -> scoring -> indexer -> Elasticsearch', () => {
  const prefix = uniqueName('pipe');
  const population = { customers: 400, sessions: 5_000, seed: 11 };
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

  it('ends with Elasticsearch equal to the batch computation of the same seed', async () => {
    const ports = new Map([
      ['generator', 3920],
      ['features', 3921],
      ['scoring', 3922],
      ['indexer', 3923],
    ]);
    for (const spec of SERVICES.filter((s) => ['features', 'scoring', 'indexer'].includes(s.name))) {
      const service = startService(root, { ...spec, port: ports.get(spec.name) ?? 0 }, env);
      running.push(service);
    }
    for (const s of running)
      assert.equal(await waitHealthy(s, 180_000), true, `${s.spec.name} healthy (log ${s.logPath})`);
    const generatorSpec = SERVICES.find((s) => s.name === 'generator');
    assert.ok(generatorSpec);
    const generator = startService(
      root,
      {
        ...generatorSpec,
        port: 3920,
        args: [
          '--customers',
          '400',
          '--sessions',
          '5000',
          '--seed',
          '11',
          '--max-speed',
          '--tick-hours',
          '6',
        ],
      },
      env,
    );
    running.push(generator);
    assert.equal(await generator.exited, 0, `generator finished (log ${generator.logPath})`);
    await waitCaughtUp(kafka, loadConfig(env), { timeoutMs: 180_000 });
    await refreshSearchIndices(es, prefix);

    const names = searchIndexNames(prefix);
    const difference = await compareWithBatch(es, prefix, population);
    assert.deepEqual(difference.sessions, { indexed: population.sessions, expected: population.sessions });
    assert.equal(difference.customers.indexed, difference.customers.expected);
    assert.deepEqual(difference.mismatches.slice(0, 5), []);
    const expected = expectedCustomers(population);

    const byGender = await es.search<unknown, { g: { buckets: { key: string; doc_count: number }[] } }>({
      index: names.customers,
      size: 0,
      aggs: { g: { terms: { field: 'gender', size: 10 } } },
    });
    const wantedGender = new Map<string, number>();
    for (const c of expected.values())
      wantedGender.set(c.aggregate.gender ?? '', (wantedGender.get(c.aggregate.gender ?? '') ?? 0) + 1);
    assert.deepEqual(
      Object.fromEntries((byGender.aggregations?.g.buckets ?? []).map((b) => [b.key, b.doc_count]).sort()),
      Object.fromEntries([...wantedGender].sort()),
    );
    const dead = kafka.admin();
    await dead.connect();
    const offsets = await dead.fetchTopicOffsets(topicNames(prefix).deadLetter);
    await dead.disconnect();
    assert.equal(
      offsets.reduce((n, o) => n + Number(o.high), 0),
      0,
      'no dead letters from a valid population',
    );
  });
});
