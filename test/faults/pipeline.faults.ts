import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import type { Admin, Kafka, Producer } from 'kafkajs';
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
  pipelineLag,
  topicSpecs,
} from '@churnstream/kafka';
import { createRedis } from '@churnstream/redis';
import { deleteSearchIndices, refreshSearchIndices } from '@churnstream/search';
import { waitCaughtUp } from '../../tools/pipeline/pipeline.progress';
import { SERVICES } from '../../tools/start/services';
import { type RunningService, Supervisor, healthOf } from '../../tools/start/supervisor';
import { type ServerName, stackDown, stackKill, stackUp } from '../../tools/stack/stack';
import { loadStackConfig } from '../../tools/stack/stack.config';
import { renderTable } from '../../tools/stack/table.util';
import { TopicReader, compareWithBatch, session, trainSmallModel, uniqueName, waitFor } from '../support';

const root = new URL('../../', import.meta.url).pathname;
const OUTAGE_MS = 60_000;
const UNKNOWN = 'NEVER-REGISTERED';
/** 300 customers, 3,000 sessions and the daily ticks (~3,660 events) at 12/s: a stream of ~5 min,
 * long enough that the faults which need input (a restarted consumer's first batch) get some. */
const population = { customers: 300, sessions: 3_000, seed: 23 };
const RATE = 12;
/** A loaded machine can take minutes to start a JVM: the stack's own deadlines, lengthened. */
const stack = {
  config: loadStackConfig({
    STACK_ES_HEALTH_TIMEOUT_MS: '300000',
    STACK_KAFKA_HEALTH_TIMEOUT_MS: '180000',
    ...process.env,
  }),
};

interface Recovery {
  fault: string;
  /** What "recovered" means for this fault, and the times measured. */
  recovered: string;
  seconds: number;
}

/**
 * The fault battery: one population streamed through one supervised pipeline (features, scoring,
 * indexer and the generator, as `npm start` runs them) while every fault hits it in turn: a 900 KB
 * poison message and a session of a customer who never registered, Kafka down a minute, Redis
 * killed with -9, SIGKILL of each consuming app, Elasticsearch down a minute. No human step: the
 * supervisor restarts what exits, the apps and the generator wait out the rest. Servers are stopped,
 * killed and started with the stack's own functions (what `npm run stack -- down|kill|up` runs). It
 * ends with Elasticsearch exactly equal to the batch computation and prints how long each recovery
 * took, and for each SIGKILLed consumer how long its replacement took to consume its first batch.
 */
describe('faults: one pipeline through every fault, ending equal to the batch computation', () => {
  const prefix = uniqueName('faults');
  const topics = topicNames(prefix);
  const groups = consumerGroups(prefix);
  let fixture: ReturnType<typeof trainSmallModel>;
  let env: NodeJS.ProcessEnv;
  let kafka: Kafka;
  let es: Client;
  let redis: Redis;
  let supervisor: Supervisor;
  let gaveUp: string | undefined;
  const recoveries: Recovery[] = [];
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
    void supervisor.gaveUp.then((reason) => {
      gaveUp = reason;
    });
  });

  after(async () => {
    console.log(
      `\n# fault recovery (shared machine: times include its load)\n${renderTable(
        ['fault', 'recovered', 's'],
        recoveries.map((r) => [r.fault, r.recovered, r.seconds.toFixed(1)]),
      )
        .split('\n')
        .map((l) => `# ${l}`)
        .join('\n')}`,
    );
    console.log(`# faults --json ${JSON.stringify({ test: 'faults', recoveries })}`);
    // Every step, whatever failed before it: leave the stack up and healthy for what follows.
    const step = async (what: string, fn: () => Promise<unknown>) => {
      try {
        await fn();
      } catch (error) {
        console.log(`# clean-up: ${what} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    };
    await step('the dead-letter reader', async () => reader?.close());
    await step('stack up', async () => {
      const up = await stackUp({ ...stack, servers: ['redis', 'kafka', 'elasticsearch'] });
      if (!up.ok) throw new Error(up.failed.map((f) => `${f.server}: ${f.message}`).join('; '));
    });
    await step('stopping the apps', () => supervisor.stopAll());
    await step('groups', () => deleteGroups(kafka, Object.values(groups)));
    await step('topics', () => deleteTopics(kafka, allTopics(topics)));
    await step('indices', () => deleteSearchIndices(es, prefix));
    await step('keys', async () => {
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
    });
    redis.disconnect();
    await es.close();
    rmSync(fixture.dir, { recursive: true, force: true });
  });

  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const record = (fault: string, recovered: string, ms: number) => {
    recoveries.push({ fault, recovered, seconds: ms / 1000 });
    console.log(`# ${fault}: ${recovered}`);
  };
  /** Waits on a condition; fails at once, with the reason, if the supervisor gave up on an app. */
  const until = <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, intervalMs = 250) =>
    waitFor(
      what,
      async () => {
        if (gaveUp) throw new Error(`supervisor gave up: ${gaveUp}`);
        return probe();
      },
      { timeoutMs, intervalMs, describe: () => (gaveUp ? `supervisor gave up: ${gaveUp}` : 'running') },
    );

  /** Offsets a group committed, over every topic: it grows whenever the group consumes. */
  const committed = async (group: string) =>
    (await consumerLag(kafka, group, allTopics(topics))).reduce((sum, l) => sum + l.committed, 0n);
  const progressed = async (group: string, what: string, timeoutMs: number) => {
    const from = await until(`${group} offsets`, () => committed(group), timeoutMs);
    await until(what, async () => ((await committed(group)) > from ? true : undefined), timeoutMs);
  };
  const lagOf = async (group: string) =>
    (await pipelineLag(kafka, prefix)).find((l) => l.group === group)?.lag;
  /** Batches an app handled since it started (its /metrics). */
  const batches = async (port: number) => {
    const response = await fetch(`http://127.0.0.1:${port}/metrics`);
    return (await response.text())
      .split('\n')
      .filter((l) => l.startsWith('churnstream_batch_seconds_count'))
      .reduce((n, l) => n + Number(l.split(' ').at(-1) ?? 0), 0);
  };
  const members = async (admin: Admin, group: string) => {
    const [described] = (await admin.describeGroups([group])).groups;
    return { state: described?.state, ids: (described?.members ?? []).map((m) => m.memberId) };
  };

  /**
   * SIGKILL (no leaving the group, as a crash or the OOM killer would), the supervisor's restart,
   * and how long the replacement took: from its spawn to healthy, and from healthy to its first
   * consumed batch (its rejoin). With nothing left to consume, rejoining the group stands in for it.
   */
  const killApp = async (name: string, group: string) => {
    const victim = supervisor.service(name);
    assert.ok(victim, name);
    const admin = kafka.admin();
    await admin.connect();
    try {
      const before = new Set((await members(admin, group)).ids);
      const killedAt = Date.now();
      victim.child.kill('SIGKILL');
      const next = await until(
        `${name} restarted`,
        () => {
          const s = supervisor.service(name);
          return Promise.resolve(s && s !== victim ? s : undefined);
        },
        60_000,
        50,
      );
      const spawnedAt = Date.now();
      await until(
        `${name} healthy again`,
        async () => ((await healthOf(next.spec.port)).ok ? true : undefined),
        120_000,
        100,
      );
      const healthyAt = Date.now();
      const how = await until(
        `${name} consuming again`,
        async () => {
          if ((await batches(next.spec.port)) > 0) return 'first batch';
          const now = await members(admin, group);
          const joined = now.state === 'Stable' && now.ids.some((id) => !before.has(id));
          return joined && (await lagOf(group)) === 0 ? 'rejoined, nothing to consume' : undefined;
        },
        120_000,
        100,
      );
      const doneAt = Date.now();
      record(
        `SIGKILL ${name}`,
        `${how} ${seconds(doneAt - healthyAt)} after healthy (spawn to healthy ${seconds(healthyAt - spawnedAt)}, kill to spawn ${seconds(spawnedAt - killedAt)})`,
        doneAt - healthyAt,
      );
    } finally {
      await admin.disconnect();
    }
  };

  /** The server stopped for a minute, started again, and the time until `group` consumes again. */
  const outage = async (server: ServerName, group: string, caughtUp: boolean) => {
    const downAt = Date.now();
    const down = await stackDown({ ...stack, servers: [server] });
    assert.equal(down.ok, true, `${server} stopped`);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, OUTAGE_MS - (Date.now() - downAt))));
    const upAt = Date.now();
    const up = await stackUp({ ...stack, servers: [server] });
    assert.equal(up.ok, true, `${server} started again: ${JSON.stringify(up.failed)}`);
    const healthyAt = Date.now();
    let what: string;
    if (caughtUp) {
      const lag = await until(`${group} lag`, () => lagOf(group), 60_000);
      await until(
        `${group} caught up after ${server} came back`,
        async () => ((await lagOf(group)) === 0 ? true : undefined),
        300_000,
        500,
      );
      what = `${group.slice(prefix.length + 1)} caught up (lag ${lag} when ${server} was healthy)`;
    } else {
      await progressed(group, `${group} consuming after ${server} came back`, 180_000);
      what = `${group.slice(prefix.length + 1)} consuming`;
    }
    record(
      `${server} down ${seconds(OUTAGE_MS)}`,
      `${what} ${seconds(Date.now() - healthyAt)} after ${server} was healthy (its start ${seconds(healthyAt - upAt)})`,
      Date.now() - healthyAt,
    );
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
      await until(
        `${s.spec.name} healthy`,
        async () => ((await healthOf(s.spec.port)).ok ? true : undefined),
        180_000,
        500,
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
    const poisonAt = Date.now();
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
        String(population.customers),
        '--sessions',
        String(population.sessions),
        '--seed',
        String(population.seed),
        '--rate',
        String(RATE),
        '--tick-hours',
        '24',
      ],
    });
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
      120_000,
    );
    await letters0.close();
    reader = undefined;
    await progressed(groups.features, 'features consuming past the poison', 120_000);
    record(
      '900 KB poison + unknown customer',
      'both dead-lettered, features consuming past them',
      Date.now() - poisonAt,
    );

    // Kafka first: the generator is surely still streaming, and must wait the outage out.
    assert.equal(generator.child.exitCode, null, 'the generator is still streaming when Kafka goes down');
    await outage('kafka', groups.features, false);

    const redisKilledAt = Date.now();
    assert.equal(
      (await stackKill({ ...stack, servers: ['redis'] })).stopped.includes('redis'),
      true,
      'redis killed',
    );
    const redisUp = await stackUp({ ...stack, servers: ['redis'] });
    assert.equal(redisUp.ok, true, `redis restarted: ${JSON.stringify(redisUp.failed)}`);
    const redisUpAt = Date.now();
    await progressed(groups.features, 'features consuming after Redis came back', 180_000);
    record(
      'redis kill -9',
      `features consuming ${seconds(Date.now() - redisUpAt)} after Redis was back (kill to healthy ${seconds(redisUpAt - redisKilledAt)})`,
      Date.now() - redisUpAt,
    );

    await killApp('features', groups.features);
    await killApp('scoring', groups.scoring);
    await killApp('indexer', groups.indexer);

    await outage('elasticsearch', groups.indexer, true);

    assert.equal(await generator.exited, 0, `generator finished (log ${generator.logPath})`);
    const drainAt = Date.now();
    await waitCaughtUp(kafka, loadConfig(env), { timeoutMs: 300_000 });
    console.log(`# drained ${seconds(Date.now() - drainAt)} after the generator finished`);
    await refreshSearchIndices(es, prefix);

    // The unknown customer's session was refused: it has no document, so every customer is expected.
    const difference = await compareWithBatch(es, prefix, population);
    assert.deepEqual(difference.mismatches.slice(0, 5), []);
    assert.equal(difference.customers.indexed, difference.customers.expected);
    assert.equal(difference.sessions.indexed, difference.sessions.expected);
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
    assert.deepEqual(kinds, [`${groups.features} CONTRACT_TOO_LARGE`, `${groups.features} UNKNOWN_CUSTOMER`]);
    assert.equal(supervisor.restarts.get('generator') ?? 0, 0, 'the generator waited out the Kafka outage');
    console.log(
      `# restarts: ${JSON.stringify(Object.fromEntries(supervisor.restarts))}; dead letters: ${kinds.join(', ')}`,
    );
  });
});
