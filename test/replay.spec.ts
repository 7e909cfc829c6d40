import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kafka } from 'kafkajs';
import type { Client } from '@elastic/elasticsearch';
import type { Redis } from 'ioredis';
import { loadConfig } from '@churnstream/config';
import { allTopics, consumerGroups, topicNames } from '@churnstream/contracts';
import { createElasticsearch } from '@churnstream/elasticsearch';
import { createKafka, deleteGroups, deleteTopics } from '@churnstream/kafka';
import { createRedis } from '@churnstream/redis';
import { deleteSearchIndices, refreshSearchIndices } from '@churnstream/search';
import { formatCents, generatePopulation, sessionStream } from '@churnstream/simulation';
import { waitCaughtUp } from '../tools/pipeline/pipeline.progress';
import { SERVICES } from '../tools/start/services';
import { type RunningService, startService, stopService, waitHealthy } from '../tools/start/supervisor';
import { compareWithExpected, expectedFromFolder, stackEnv, stackPrefixes } from './support';

const root = new URL('../', import.meta.url).pathname;

function cli(args: string[]): string {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'apps/cli/src/main.ts', ...args], {
    cwd: root,
    encoding: 'utf8',
  });
  if (result.status !== 0)
    throw new Error(`cli ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/**
 * A purchase log the way public ones come (customer, day as yyyymmdd, quantity, amount; whitespace
 * between columns; no sessions, funnel, devices, payments or demographics): a small generated shop's
 * purchases, with two rows import must reject.
 */
function writePurchaseLog(path: string): void {
  const out = ['customer_id date qty amount'];
  for (const s of sessionStream(generatePopulation({ customers: 300, sessions: 3_000, seed: 23 }))) {
    if (s.products_purchased === 0) continue;
    const day = new Date(s.session_start).toISOString().slice(0, 10).replaceAll('-', '');
    out.push(`${s.customer_id} ${day} ${s.products_purchased} ${formatCents(s.total_spent_cents)}`);
  }
  out.push('C000001 20260231 1 5.00', 'C000002 20260301 1 abc');
  writeFileSync(path, out.join('\n') + '\n');
}

describe('an imported transaction log replayed through the pipeline (generator --from)', () => {
  const stack = stackPrefixes('replay');
  const prefix = stack.topic;
  let dir: string;
  let shop: string;
  let env: NodeJS.ProcessEnv;
  let kafka: Kafka;
  let es: Client;
  let redis: Redis;
  const running: RunningService[] = [];

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'churnstream-replay-'));
    shop = join(dir, 'shop');
    writePurchaseLog(join(dir, 'log.txt'));
    const imported = cli([
      'import',
      '--in',
      join(dir, 'log.txt'),
      '--out',
      shop,
      '--customer-id',
      'customer_id',
      '--time',
      'date:%Y%m%d',
      '--quantity',
      'qty',
      '--amount',
      'amount',
    ]);
    assert.match(imported, /rejected 2/);
    cli(['train', '--in', shop, '--out', join(dir, 'model'), '--trees', '10', '--min-samples-leaf', '5']);
    env = {
      ...process.env,
      ...stackEnv(),
      TOPIC_PREFIX: prefix,
      REDIS_KEY_PREFIX: stack.redis,
      ES_INDEX_PREFIX: stack.index,
      MODEL_PATH: join(dir, 'model', 'model.json'),
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
    await deleteSearchIndices(es, stack.index);
    const keys = await redis.keys(`${stack.redis}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
    await es.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ends with Elasticsearch equal to the batch computation on the imported folder, with no dead letter', async () => {
    const ports = new Map([
      ['features', 3971],
      ['scoring', 3972],
      ['indexer', 3973],
    ]);
    for (const spec of SERVICES.filter((s) => ports.has(s.name)))
      running.push(startService(root, { ...spec, port: ports.get(spec.name) ?? 0 }, env));
    for (const s of running)
      assert.equal(await waitHealthy(s, 180_000), true, `${s.spec.name} healthy (log ${s.logPath})`);
    const generatorSpec = SERVICES.find((s) => s.name === 'generator');
    assert.ok(generatorSpec);
    const generator = startService(
      root,
      { ...generatorSpec, port: 3970, args: ['--from', shop, '--max-speed', '--tick-hours', '24'] },
      env,
    );
    running.push(generator);
    assert.equal(await generator.exited, 0, `generator finished (log ${generator.logPath})`);
    const log = readFileSync(generator.logPath, 'utf8');
    assert.doesNotMatch(log, /left out/, 'the replay uses every row import wrote');
    await waitCaughtUp(kafka, loadConfig(env), { timeoutMs: 180_000 });
    await refreshSearchIndices(es, stack.index);

    const expected = await expectedFromFolder(shop);
    assert.ok(expected.customers.size > 100 && expected.sessions > 500, 'a folder worth the name');
    assert.ok(
      [...expected.customers.values()].some((c) => c.churned) &&
        [...expected.customers.values()].some((c) => !c.churned),
      'churned and active customers both',
    );
    const difference = await compareWithExpected(es, stack.index, expected.customers, expected.sessions);
    assert.deepEqual(difference.sessions, { indexed: expected.sessions, expected: expected.sessions });
    assert.equal(difference.customers.indexed, difference.customers.expected);
    assert.deepEqual(difference.mismatches.slice(0, 5), []);

    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(topicNames(prefix).deadLetter);
    await admin.disconnect();
    assert.equal(
      offsets.reduce((n, o) => n + Number(o.high), 0),
      0,
      'no dead letters: every event the replay built meets its contract',
    );
  });
});
