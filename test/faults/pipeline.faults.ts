import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import type { Kafka, Producer } from 'kafkajs';
import type { Client } from '@elastic/elasticsearch';
import type { Redis } from 'ioredis';
import { loadConfig } from '@churnstream/config';
import { type DeadLetter, allTopics, consumerGroups, topicNames } from '@churnstream/contracts';
import { createElasticsearch } from '@churnstream/elasticsearch';
import {
  consumerLag,
  createKafka,
  deleteGroups,
  deleteTopics,
  ensureTopics,
  topicSpecs,
} from '@churnstream/kafka';
import { createRedis } from '@churnstream/redis';
import { deleteSearchIndices, refreshSearchIndices } from '@churnstream/search';
import { waitCaughtUp } from '../../tools/pipeline/pipeline.progress';
import { SERVICES } from '../../tools/start/services';
import { type RunningService, Supervisor, healthOf } from '../../tools/start/supervisor';
import { type ServerName, stackDown, stackKill, stackUp } from '../../tools/stack/stack';
import { TopicReader, compareWithBatch, session, trainSmallModel, uniqueName, waitFor } from '../support';

const root = new URL('../../', import.meta.url).pathname;
const OUTAGE_MS = 60_000;
/** A consumer restarted after SIGKILL consumes again within this (from the moment it is healthy). */
const REJOIN_BOUND_MS = 10_000;
const UNKNOWN = 'NEVER-REGISTERED';

/**
 * One population streamed through one supervised pipeline (features, scoring, indexer, generator as
 * `npm start` runs them) while every fault hits it in turn: a 900 KB poison message and a session of
 * a customer who never registered, SIGKILL of each consuming app, Redis killed with -9, Kafka down a
 * minute, Elasticsearch down a minute. No human step: the supervisor restarts what exits, the apps
 * wait out the rest. It ends with Elasticsearch exactly equal to the batch computation, and prints
 * how long each recovery took.
 */
describe('faults: one pipeline through every fault, ending equal to the batch computation', () => {
  const prefix = uniqueName('faults');
  const population = { customers: 300, sessions: 3_000, seed: 23 };
  const topics = topicNames(prefix);
  const groups = consumerGroups(prefix);
  let fixture: ReturnType<typeof trainSmallModel>;
  let env: NodeJS.ProcessEnv;
  let kafka: Kafka;
  let es: Client;
  let redis: Redis;
  let supervisor: Supervisor;
  const recoveries: Record<string, string> = {};
  let reader: TopicReader | undefined;

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
    supervisor = new Supervisor(root, env, {
      onExit: (s, how) => {
        console.log(`# ${s.spec.name} exited (${how})`);
      },
    });
  });

  after(async () => {
    await reader?.close().catch(() => undefined);
    // Whatever happened, leave the stack up for the next spec.
    await stackUp({ servers: ['redis', 'kafka', 'elasticsearch'] });
    await supervisor.stopAll();
    await deleteGroups(kafka, Object.values(groups));
    await deleteTopics(kafka, allTopics(topics));
    await deleteSearchIndices(es, prefix);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    await es.close();
    rmSync(fixture.dir, { recursive: true, force: true });
    console.log(`# recoveries: ${JSON.stringify(recoveries)}`);
  });

  /** Offsets a group committed, over every topic: it grows whenever the group consumes. */
  const committed = async (group: string) =>
    (await consumerLag(kafka, group, allTopics(topics))).reduce((sum, l) => sum + l.committed, 0n);
  const progressed = async (group: string, what: string, timeoutMs: number) => {
    const from = await waitFor(`${group} offsets`, () => committed(group), { timeoutMs });
    await waitFor(what, async () => ((await committed(group)) > from ? true : undefined), {
      timeoutMs,
      intervalMs: 250,
    });
  };
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const batches = async (port: number) => {
    const response = await fetch(`http://127.0.0.1:${port}/metrics`);
    const line = (await response.text())
      .split('\n')
      .find((l) => l.startsWith('churnstream_batch_seconds_count'));
    return Number(line?.split(' ').at(-1) ?? 0);
  };

  /** SIGKILL, restart by the supervisor, and the time until the new instance handled a batch. */
  const killApp = async (name: string) => {
    const victim = supervisor.service(name);
    assert.ok(victim, name);
    const killedAt = Date.now();
    victim.child.kill('SIGKILL');
    const next = await waitFor(
      `${name} restarted`,
      () => {
        const s = supervisor.service(name);
        return s && s !== victim ? s : undefined;
      },
      { timeoutMs: 30_000 },
    );
    await waitFor(
      `${name} healthy again`,
      async () => ((await healthOf(next.spec.port)).ok ? true : undefined),
      {
        timeoutMs: 90_000,
        intervalMs: 100,
      },
    );
    const healthyAt = Date.now();
    await waitFor(
      `${name} consuming again`,
      async () => ((await batches(next.spec.port)) > 0 ? true : undefined),
      {
        timeoutMs: 60_000,
        intervalMs: 100,
      },
    );
    const consumingAt = Date.now();
    recoveries[`SIGKILL ${name}`] =
      `consuming ${seconds(consumingAt - healthyAt)} after healthy, ${seconds(consumingAt - killedAt)} after the kill`;
    assert.ok(
      consumingAt - healthyAt <= REJOIN_BOUND_MS,
      `${name} consumed again ${seconds(consumingAt - healthyAt)} after it was healthy (bound ${seconds(REJOIN_BOUND_MS)})`,
    );
  };

  const outage = async (server: ServerName, group: string) => {
    const downAt = Date.now();
    const down = await stackDown({ servers: [server] });
    assert.equal(down.ok, true, `${server} stopped`);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, OUTAGE_MS - (Date.now() - downAt))));
    const upAt = Date.now();
    const up = await stackUp({ servers: [server] });
    assert.equal(up.ok, true, `${server} started again: ${JSON.stringify(up.failed)}`);
    const healthyAt = Date.now();
    await progressed(group, `${group} consuming after ${server} came back`, 180_000);
    recoveries[`${server} down ${seconds(OUTAGE_MS)}`] =
      `${server} healthy ${seconds(healthyAt - upAt)} after start, ${group} consuming ${seconds(Date.now() - healthyAt)} after that`;
  };

  it('recovers from each fault unaided and ends with Elasticsearch equal to the batch computation', async () => {
    await ensureTopics(kafka, topicSpecs(topics, loadConfig(env).ACTIVITY_PARTITIONS));
    const ports = new Map([
      ['generator', 3960],
      ['features', 3961],
      ['scoring', 3962],
      ['indexer', 3963],
    ]);
    const spec = (name: string) => {
      const found = SERVICES.find((s) => s.name === name);
      assert.ok(found);
      return { ...found, port: ports.get(name) ?? 0 };
    };
    const consumers = ['features', 'scoring', 'indexer'].map((name) => supervisor.start(spec(name)));
    for (const s of consumers)
      await waitFor(
        `${s.spec.name} healthy`,
        async () => ((await healthOf(s.spec.port)).ok ? true : undefined),
        {
          timeoutMs: 120_000,
          intervalMs: 500,
        },
      );
    reader = await TopicReader.open(kafka, [topics.deadLetter]);
    const letters0 = reader;

    // Bad input first, on the partition the stream is about to use.
    const raw: Producer = kafka.producer();
    await raw.connect();
    const poison = JSON.stringify({
      event_type: 'session_ended',
      items: Array.from({ length: 112_500 }, (_, i) => ({ k: i % 10 })),
    });
    const stray = session('S-STRAY', UNKNOWN, '2026-01-15T10:00:00.000Z', 10, { products: 1, spent: 9.99 });
    await raw.send({
      topic: topics.activity,
      messages: [
        { key: UNKNOWN, value: poison },
        { key: UNKNOWN, value: JSON.stringify(stray) },
      ],
    });
    await raw.disconnect();

    const generator: RunningService = supervisor.start({
      ...spec('generator'),
      args: [
        '--customers',
        '300',
        '--sessions',
        '3000',
        '--seed',
        '23',
        '--rate',
        '25',
        '--tick-hours',
        '24',
      ],
    });
    const poisonAt = Date.now();
    await letters0.waitUntil(
      'the poison and the stray session dead-lettered',
      () => {
        const codes = new Set(
          letters0.of<DeadLetter>(topics.deadLetter).map((d) => `${d.group} ${d.error.code}`),
        );
        return codes.has(`${groups.features} CONTRACT_TOO_LARGE`) &&
          codes.has(`${groups.features} UNKNOWN_CUSTOMER`)
          ? true
          : undefined;
      },
      60_000,
    );
    await letters0.close();
    reader = undefined;
    await progressed(groups.features, 'features consuming past the poison', 60_000);
    recoveries.poison = `dead-lettered, features past it ${seconds(Date.now() - poisonAt)} after it was written`;

    for (const name of ['features', 'scoring', 'indexer']) await killApp(name);

    const redisKilledAt = Date.now();
    await stackKill({ servers: ['redis'] });
    assert.equal((await stackUp({ servers: ['redis'] })).ok, true, 'redis restarted');
    await progressed(groups.features, 'features consuming after Redis came back', 120_000);
    recoveries['redis kill -9'] = `features consuming ${seconds(Date.now() - redisKilledAt)} after the kill`;

    assert.equal(generator.child.exitCode, null, 'the generator is still streaming when Kafka goes down');
    await outage('kafka', groups.features);
    await outage('elasticsearch', groups.indexer);

    assert.equal(await generator.exited, 0, `generator finished (log ${generator.logPath})`);
    await waitCaughtUp(kafka, loadConfig(env), { timeoutMs: 300_000 });
    await refreshSearchIndices(es, prefix);

    // The unknown customer's session was refused: it has no document, so every customer is expected.
    const difference = await compareWithBatch(es, prefix, population);
    assert.deepEqual(difference.mismatches.slice(0, 5), []);
    assert.equal(difference.customers.indexed, difference.customers.expected);
    assert.equal(
      await redis.exists(
        `${prefix}:${prefix}:{p0}:c:${UNKNOWN}`,
        `${prefix}:${prefix}:{p1}:c:${UNKNOWN}`,
        `${prefix}:${prefix}:{p2}:c:${UNKNOWN}`,
      ),
      0,
    );

    // Exactly the dead letters the bad input calls for (redeliveries repeat an id, never add one).
    const final = await TopicReader.open(kafka, [topics.deadLetter]);
    const dead = await waitFor('the dead-letter topic read to its end', async () => {
      const end = (await consumerLag(kafka, 'none', [topics.deadLetter])).reduce(
        (n, l) => n + Number(l.end),
        0,
      );
      const read = final.of<DeadLetter>(topics.deadLetter);
      return read.length >= end ? read : undefined;
    });
    await final.close();
    const letters = new Map(dead.map((d) => [d.event_id, d]));
    const kinds = [...letters.values()].map((d) => `${d.group} ${d.error.code}`).sort();
    assert.ok(kinds.includes(`${groups.features} CONTRACT_TOO_LARGE`));
    assert.ok(kinds.includes(`${groups.features} UNKNOWN_CUSTOMER`));
    assert.deepEqual(
      kinds.filter((k) => !k.startsWith(groups.indexer)),
      [`${groups.features} CONTRACT_TOO_LARGE`, `${groups.features} UNKNOWN_CUSTOMER`],
    );
    assert.equal(supervisor.restarts.get('generator') ?? 0, 0, 'the generator waited out the Kafka outage');
    console.log(
      `# restarts: ${JSON.stringify(Object.fromEntries(supervisor.restarts))}; dead letters: ${kinds.join(', ')}`,
    );
  });
});
