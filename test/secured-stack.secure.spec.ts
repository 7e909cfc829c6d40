// Runs only against the secured stack (scripts/run-tests.mjs secure, after `stack up --secure`):
// what each app's credentials may not do, what a wrong credential does to start-up, and that no
// secret reached any log. The pipeline itself is test/pipeline.spec.ts, run in the same phase.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { errors } from '@elastic/elasticsearch';
import type { Client } from '@elastic/elasticsearch';
import { loadConfig } from '@churnstream/config';
import { createElasticsearch } from '@churnstream/elasticsearch';
import { createKafka, deleteTopics } from '@churnstream/kafka';
import { createRedis } from '@churnstream/redis';
import { loadOrCreateSecrets, secretValues } from '../tools/stack/secure.secrets';
import { elasticsearchLogsDir } from '../tools/stack/elasticsearch.server';
import { loadStackConfig } from '../tools/stack/stack.config';
import { SECURE_ROOT, STACK_ROOT } from '../tools/stack/stack.paths';
import { secureStack, stackEnv, stackPrefixes } from './support';

const root = new URL('../', import.meta.url).pathname;

/** Starts one app with `env` and returns its exit code and output once it exits (or fails the test). */
function runApp(entry: string, env: NodeJS.ProcessEnv, port: number, deadlineMs = 90_000) {
  return new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', entry], {
      cwd: root,
      env: { ...env, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${entry} still running after ${deadlineMs} ms; output:\n${output}`));
    }, deadlineMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('the secured stack', () => {
  const names = stackPrefixes('sec');
  let env: NodeJS.ProcessEnv;
  let admin: Client;

  before(() => {
    assert.ok(
      secureStack,
      'runs against the secured stack: npm run test:secure (after npm run stack -- up --secure)',
    );
    env = { ...process.env, ...stackEnv(), TOPIC_PREFIX: names.topic, ES_INDEX_PREFIX: names.index };
    admin = createElasticsearch(loadConfig(env));
  });

  after(async () => {
    await admin.indices.delete({ index: `${names.index}*`, ignore_unavailable: true });
    await admin.close();
    await deleteTopics(createKafka(loadConfig(env), 'test'), [`${names.topic}.probe`]);
  });

  it('gives the api read-only credentials: Elasticsearch answers its writes with 403, reads with 200', async () => {
    await admin.index({ index: `${names.index}-customers`, id: 'c1', document: { x: 1 }, refresh: true });
    const api = createElasticsearch(loadConfig(env, 'api'));
    try {
      const read = await api.count({ index: `${names.index}-customers` });
      assert.equal(read.count, 1);
      const write = await api.index({ index: `${names.index}-customers`, id: 'c2', document: { x: 2 } }).then(
        () => undefined,
        (error: unknown) => error,
      );
      assert.ok(write instanceof errors.ResponseError, `the api's write was accepted: ${String(write)}`);
      assert.equal(write.statusCode, 403);
      const outside = await createElasticsearch(loadConfig(env, 'indexer'))
        .index({ index: 'not-churnstream', document: { x: 1 } })
        .then(
          () => undefined,
          (error: unknown) => error,
        );
      assert.ok(outside instanceof errors.ResponseError);
      assert.equal(outside.statusCode, 403, 'the indexer may write churnstream-* only');
    } finally {
      await api.close();
    }
  });

  it('limits the apps Redis user to its key prefix and its commands', async () => {
    const redis = createRedis(loadConfig(env, 'features'));
    try {
      assert.equal(await redis.set(`churnstream:${names.topic}:probe`, '1', 'EX', 60), 'OK');
      await assert.rejects(redis.set('elsewhere:probe', '1'), /NOPERM/);
      await assert.rejects(redis.call('FLUSHALL'), /NOPERM/);
    } finally {
      redis.disconnect();
    }
  });

  it("refuses the api's Kafka user a write", async () => {
    const operator = createKafka(loadConfig(env), 'test').admin();
    await operator.connect();
    await operator.createTopics({ topics: [{ topic: `${names.topic}.probe`, numPartitions: 1 }] });
    await operator.disconnect();
    const producer = createKafka(loadConfig(env, 'api'), 'test').producer({ retry: { retries: 0 } });
    await producer.connect();
    try {
      await assert.rejects(
        producer.send({ topic: `${names.topic}.probe`, messages: [{ value: 'x' }] }),
        /authoriz/i,
      );
    } finally {
      await producer.disconnect();
    }
  });

  const wrong: {
    app: string;
    entry: string;
    wrongly: string;
    set: (env: NodeJS.ProcessEnv) => NodeJS.ProcessEnv;
    message: string;
  }[] = [
    {
      app: 'indexer',
      entry: 'apps/indexer/src/main.ts',
      wrongly: 'INDEXER_ES_PASSWORD',
      set: () => ({ INDEXER_ES_PASSWORD: 'not-the-password' }),
      message: 'indexer: Elasticsearch rejected INDEXER_ES_USERNAME/INDEXER_ES_PASSWORD (401)',
    },
    {
      app: 'features',
      entry: 'apps/features/src/main.ts',
      wrongly: 'FEATURES_KAFKA_SASL_PASSWORD',
      set: () => ({ FEATURES_KAFKA_SASL_PASSWORD: 'not-the-password' }),
      message:
        'features: Kafka rejected FEATURES_KAFKA_SASL_USERNAME/FEATURES_KAFKA_SASL_PASSWORD (SASL authentication failed)',
    },
    {
      app: 'features',
      entry: 'apps/features/src/main.ts',
      wrongly: 'the password in FEATURES_REDIS_URL',
      set: (e) => ({ FEATURES_REDIS_URL: e.FEATURES_REDIS_URL?.replace(/:[^:@/]+@/, ':not-the-password@') }),
      message: 'features: Redis rejected the user in FEATURES_REDIS_URL (WRONGPASS)',
    },
  ];
  for (const [i, { app, entry, wrongly, set, message }] of wrong.entries()) {
    it(`stops ${app} at start-up with one line when ${wrongly} is wrong`, async () => {
      const { code, output } = await runApp(entry, { ...env, ...set(env) }, 3930 + i);
      assert.equal(code, 1, output);
      const lines = output.trim().split('\n');
      assert.equal(lines.at(-1), message, output);
      assert.doesNotMatch(output, /^\s+at |\\n\s+at /m, 'no stack trace, plain or inside a JSON log line');
    });
  }

  it('writes no secret into any log of the apps or the servers', () => {
    const secrets = secretValues(loadOrCreateSecrets());
    const logs = [
      ...filesUnder(join(STACK_ROOT, 'logs')),
      ...filesUnder(join(SECURE_ROOT, 'logs')),
      ...filesUnder(elasticsearchLogsDir(loadStackConfig(process.env, 'secure'))),
    ];
    assert.ok(logs.length >= 5, `expected the apps' and servers' logs, found ${logs.join(', ')}`);
    const leaks: string[] = [];
    for (const file of logs) {
      const text = readFileSync(file, 'utf8');
      for (const secret of secrets)
        if (text.includes(secret)) leaks.push(`${file}: secret #${secrets.indexOf(secret)}`);
    }
    assert.deepEqual(leaks, []);
  });
});
