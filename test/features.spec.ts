import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import type { Redis } from 'ioredis';
import { loadConfig } from '@churnstream/config';
import { DAY_MS } from '@churnstream/churn';
import { createHash } from 'node:crypto';
import {
  type ActivityEvent,
  type ChurnFlag,
  type DeadLetter,
  DeadLetterSchema,
  allTopics,
  type FeaturesUpdated,
  topicNames,
} from '@churnstream/contracts';
import {
  EventProducer,
  type OutgoingEvent,
  createKafka,
  deleteTopics,
  ensureTopics,
  topicSpecs,
} from '@churnstream/kafka';
import { createRedis } from '@churnstream/redis';
import { METRICS, type ServiceMetrics } from '@churnstream/service-kit';
import { FeaturesModule } from '../apps/features/src/features.module';
import { TopicReader, registered, session, tick, uniqueName } from './support';

const at = (iso: string, days = 0) => new Date(Date.parse(iso) + days * DAY_MS).toISOString();

describe('features service (real Kafka and Redis)', () => {
  const prefix = uniqueName('features');
  const topics = topicNames(prefix);
  const config = loadConfig({ ...process.env, TOPIC_PREFIX: prefix, REDIS_KEY_PREFIX: `${prefix}:` });
  let kafka: Kafka;
  let redis: Redis;
  let producer: EventProducer;
  let app: INestApplicationContext | undefined;
  let reader: TopicReader;

  const startApp = async () => {
    app = await NestFactory.createApplicationContext(FeaturesModule.forRoot(config), { logger: false });
    await app.init();
  };
  const stopApp = async () => {
    await app?.close();
    app = undefined;
  };
  /** Activity keyed by customer; ticks to every partition, as the generator does. */
  const produce = async (events: ActivityEvent[]) => {
    await producer.send(
      events.flatMap((event): OutgoingEvent[] =>
        event.event_type === 'clock_tick'
          ? Array.from({ length: config.ACTIVITY_PARTITIONS }, (_, partition) => ({
              topic: topics.activity,
              key: null,
              partition,
              event,
            }))
          : [
              {
                topic: topics.activity,
                key:
                  event.event_type === 'customer_registered'
                    ? event.customer.customer_id
                    : event.session.customer_id,
                event,
              },
            ],
      ),
    );
  };
  const latestFeatures = (customerId: string) =>
    reader
      .of<FeaturesUpdated>(topics.features)
      .filter((f) => f.aggregate.customer_id === customerId)
      .at(-1);

  before(async () => {
    kafka = createKafka(config, 'test');
    redis = createRedis(config);
    await ensureTopics(kafka, topicSpecs(topics, config.ACTIVITY_PARTITIONS));
    producer = new EventProducer(kafka);
    await producer.connect();
    reader = await TopicReader.open(kafka, [topics.features, topics.flags, topics.deadLetter]);
    await startApp();
  });

  after(async () => {
    await stopApp();
    await reader.close();
    await producer.disconnect();
    await deleteTopics(kafka, allTopics(topics));
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('folds sessions into exact aggregates and flags 60 days without purchase, un-flagging on a new purchase', async () => {
    const t0 = '2026-01-01T10:00:00.000Z';
    await produce([
      registered('A1', t0),
      registered('B1', t0),
      session('SA1', 'A1', at(t0, 1), 30, { products: 2, spent: 19.99 }),
      session('SA2', 'A1', at(t0, 2), 10, null),
      session('SB1', 'B1', at(t0, 3), 5, null),
      tick(at(t0, 60)),
    ]);
    // B1 never bought: due 60 days after customer_since. A1 bought on day 1 (+30 min): due on day 61.
    const flagB = await reader.waitUntil('B1 flagged', () =>
      reader.of<ChurnFlag>(topics.flags).find((f) => f.customer_id === 'B1' && f.churned),
    );
    assert.equal(flagB.last_purchase_at, t0);
    const a = await reader.waitUntil('A1 aggregate', () => {
      const f = latestFeatures('A1');
      return f && f.aggregate.session_count === 2 ? f : undefined;
    });
    assert.equal(a.churned, false);
    assert.deepEqual(
      {
        pages: a.aggregate.pages_viewed_total,
        added: a.aggregate.products_added_total,
        bought: a.aggregate.products_purchased_total,
        spent: a.aggregate.total_spent,
        seconds: a.aggregate.total_session_seconds,
        last_purchase_at: a.aggregate.last_purchase_at,
        name: a.aggregate.name,
      },
      {
        pages: 20,
        added: 5,
        bought: 2,
        spent: 19.99,
        seconds: 2400,
        last_purchase_at: at(at(t0, 1), 0).replace('10:00', '10:30'),
        name: 'Name A1',
      },
    );

    await produce([tick(at(t0, 62))]);
    await reader.waitUntil('A1 flagged on day 61', () =>
      reader.of<ChurnFlag>(topics.flags).find((f) => f.customer_id === 'A1' && f.churned),
    );
    await produce([session('SA3', 'A1', at(t0, 63), 10, { products: 1, spent: 5 }), tick(at(t0, 64))]);
    const unflag = await reader.waitUntil('A1 un-flagged after buying again', () =>
      reader.of<ChurnFlag>(topics.flags).find((f) => f.customer_id === 'A1' && !f.churned),
    );
    assert.equal(unflag.last_purchase_at, at(t0, 63).replace('10:00', '10:10'));
  });

  it('never counts a redelivered or replayed session twice, even across a restart', async () => {
    const t0 = '2026-02-01T08:00:00.000Z';
    const events = [
      registered('R1', t0),
      session('SR1', 'R1', at(t0, 1), 20, { products: 1, spent: 10.1 }),
      session('SR2', 'R1', at(t0, 2), 20, { products: 3, spent: 0.2 }),
    ];
    await produce(events);
    const first = await reader.waitUntil('R1 with two sessions', () => {
      const f = latestFeatures('R1');
      return f && f.aggregate.session_count === 2 ? f : undefined;
    });
    await stopApp();
    await produce(events); // the same events again, new offsets: a replay
    await startApp();
    await produce([session('SR3', 'R1', at(t0, 3), 20, null)]);
    const last = await reader.waitUntil('R1 after the replay and one new session', () => {
      const f = latestFeatures('R1');
      return f && f.aggregate.session_count >= 3 ? f : undefined;
    });
    assert.equal(last.aggregate.session_count, 3);
    assert.equal(last.aggregate.products_purchased_total, 4);
    assert.equal(last.aggregate.total_spent, 10.3);
    assert.equal(first.aggregate.total_spent, 10.3);
    const ids = reader.of<FeaturesUpdated>(topics.features).filter((f) => f.aggregate.customer_id === 'R1');
    const versions = new Map(ids.map((f) => [f.event_id, JSON.stringify(f.aggregate)]));
    for (const f of ids)
      assert.equal(versions.get(f.event_id), JSON.stringify(f.aggregate), 'same id, same state');
  });

  it('dead-letters poison (not JSON, wrong version, 900 KB) in bounded letters and goes on', async () => {
    const huge = JSON.stringify({
      event_type: 'session_ended',
      items: Array.from({ length: 112_500 }, (_, i) => ({ k: i % 10 })),
    });
    assert.ok(huge.length > 900_000);
    const p = kafka.producer();
    await p.connect();
    await p.send({
      topic: topics.activity,
      messages: [
        { key: 'P1', value: 'not json' },
        {
          key: 'P1',
          value: JSON.stringify({ ...registered('P1', '2026-03-01T00:00:00.000Z'), schema_version: 2 }),
        },
        { key: 'P1', value: huge },
      ],
    });
    await p.disconnect();
    await produce([registered('P2', '2026-03-01T00:00:00.000Z')]);
    const dead = await reader.waitUntil('three dead letters', () => {
      const d = reader.of<DeadLetter>(topics.deadLetter);
      return d.length >= 3 ? d : undefined;
    });
    for (const letter of dead) assert.ok(DeadLetterSchema.safeParse(letter).success, letter.event_id);
    assert.equal(dead[0]?.error.code, 'CONTRACT_UNPARSABLE');
    assert.equal(dead[0]?.original.prefix, 'not json');
    assert.match(dead[1]?.error.message ?? '', /schema_version/);
    assert.equal(dead[2]?.error.code, 'CONTRACT_TOO_LARGE');
    assert.equal(dead[2]?.original.size_bytes, huge.length);
    assert.equal(dead[2]?.original.sha256, createHash('sha256').update(huge).digest('hex'));
    assert.equal(dead[2]?.original.truncated, true);
    assert.match(
      dead[2]?.event_id ?? '',
      new RegExp(`^dead:${prefix}\\.features:${topics.activity}:\\d+:\\d+$`),
    );
    await reader.waitUntil('P2 processed after the poison', () => latestFeatures('P2'));
    const metrics = app?.get<ServiceMetrics>(METRICS);
    const counted = (await metrics?.deadLetters.get())?.values.reduce((sum, v) => sum + v.value, 0);
    assert.equal(counted, 3, 'dead letters counted in /metrics');
  });

  it('refuses a session of a customer who never registered: dead letter UNKNOWN_CUSTOMER, nothing applied', async () => {
    const t0 = '2026-03-01T00:00:00.000Z';
    const before = reader.of<DeadLetter>(topics.deadLetter).length;
    await produce([
      session('SU1', 'U1', at(t0, 1), 10, { products: 1, spent: 5 }),
      registered('U2', t0),
      session('SU2', 'U2', at(t0, 1), 10, null),
    ]);
    const letter = await reader.waitUntil('the unknown customer dead letter', () =>
      reader
        .of<DeadLetter>(topics.deadLetter)
        .slice(before)
        .find((d) => d.error.code === 'UNKNOWN_CUSTOMER'),
    );
    assert.equal(letter.source.key, 'U1');
    assert.match(letter.error.message, /session SU1 of customer U1/);
    const u2 = await reader.waitUntil('U2 and its session applied', () => {
      const f = latestFeatures('U2');
      return f?.aggregate.session_count === 1 ? f : undefined;
    });
    assert.equal(u2.aggregate.session_count, 1);
    assert.equal(latestFeatures('U1'), undefined, 'no features for the unknown customer');
    const partition = letter.source.partition;
    assert.deepEqual(await redis.hgetall(`${prefix}:${prefix}:{p${partition}}:c:U1`), {});
  });
});
