import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Kafka } from 'kafkajs';
import type { Redis } from 'ioredis';
import { loadConfig } from '@churnstream/config';
import { allTopics, consumerGroups, topicNames } from '@churnstream/contracts';
import { consumerLag, createKafka, deleteGroups, deleteTopics, totalLag } from '@churnstream/kafka';
import { createRedis } from '@churnstream/redis';
import { SERVICES } from '../tools/start/services';
import { type RunningService, startService, stopService, waitHealthy } from '../tools/start/supervisor';
import { expectedCustomers, uniqueName, waitFor } from './support';

const root = new URL('../', import.meta.url).pathname;
const spec = (name: string) => {
  const found = SERVICES.find((s) => s.name === name);
  if (!found) throw new Error(`no ${name} service`);
  return found;
};

describe('features service killed with SIGKILL mid-stream', () => {
  const prefix = uniqueName('crash');
  const env = { ...process.env, TOPIC_PREFIX: prefix, REDIS_KEY_PREFIX: `${prefix}:` };
  const config = loadConfig(env);
  const population = { customers: 300, sessions: 4_000, seed: 7 };
  let kafka: Kafka;
  let redis: Redis;
  const running: RunningService[] = [];

  before(() => {
    kafka = createKafka(config, 'test');
    redis = createRedis(config);
  });

  after(async () => {
    await Promise.all(running.map((s) => stopService(s)));
    await deleteGroups(kafka, Object.values(consumerGroups(prefix)));
    await deleteTopics(kafka, allTopics(topicNames(prefix)));
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('restarts and ends with every aggregate and flag exactly equal to the batch computation', async () => {
    const group = consumerGroups(prefix).features;
    const activity = topicNames(prefix).activity;
    const startFeatures = async (port: number) => {
      const features = startService(root, { ...spec('features'), port }, env);
      running.push(features);
      assert.equal(await waitHealthy(features, 60_000), true, `features healthy (log ${features.logPath})`);
      return features;
    };
    const first = await startFeatures(3941);
    const generator = startService(
      root,
      {
        ...spec('generator'),
        port: 3940,
        args: [
          '--customers',
          '300',
          '--sessions',
          '4000',
          '--seed',
          '7',
          '--rate',
          '800',
          '--tick-hours',
          '24',
        ],
      },
      env,
    );
    running.push(generator);

    // Kill once the group has committed part of the stream but not all of it.
    await waitFor(
      'features to have committed some offsets',
      async () => {
        const lags = await consumerLag(kafka, group, [activity]);
        const committed = lags.reduce((sum, l) => sum + l.committed, 0n);
        return committed > 300n ? committed : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    first.child.kill('SIGKILL');
    await first.exited;
    await startFeatures(3942);

    assert.equal(await generator.exited, 0, `generator finished (log ${generator.logPath})`);
    await waitFor(
      'the features group to consume everything',
      async () => (totalLag(await consumerLag(kafka, group, [activity])) === 0 ? true : undefined),
      { timeoutMs: 120_000, intervalMs: 500 },
    );

    const expected = expectedCustomers(population);
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}:*:c:*`, 'COUNT', 1000);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    assert.equal(keys.length, expected.size, 'one hash per customer');
    let mismatches = 0;
    for (const key of keys) {
      const h = await redis.hgetall(key);
      const want = expected.get(h.customer_id ?? '');
      assert.ok(want, `unexpected customer ${h.customer_id}`);
      const a = want.aggregate;
      const got = {
        session_count: Number(h.session_count ?? 0),
        pages: Number(h.pages_viewed_total ?? 0),
        added: Number(h.products_added_total ?? 0),
        bought: Number(h.products_purchased_total ?? 0),
        cents: Number(h.total_spent_cents ?? 0),
        ms: Number(h.total_session_ms ?? 0),
        last_purchase_at: h.last_purchase_at === undefined ? null : Number(h.last_purchase_at),
        churned: h.flagged === '1',
      };
      const wanted = {
        session_count: a.session_count,
        pages: a.pages_viewed_total,
        added: a.products_added_total,
        bought: a.products_purchased_total,
        cents: a.total_spent_cents,
        ms: a.total_session_ms,
        last_purchase_at: a.last_purchase_at,
        churned: want.churned,
      };
      if (JSON.stringify(got) !== JSON.stringify(wanted)) {
        mismatches++;
        if (mismatches <= 3) assert.deepEqual(got, wanted, `customer ${h.customer_id}`);
      }
    }
    assert.equal(mismatches, 0);
  });
});
