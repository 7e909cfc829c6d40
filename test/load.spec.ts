import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Kafka } from 'kafkajs';
import type { Client } from '@elastic/elasticsearch';
import type { Redis } from 'ioredis';
import { loadConfig } from '@churnstream/config';
import { allTopics, consumerGroups, topicNames } from '@churnstream/contracts';
import { createElasticsearch } from '@churnstream/elasticsearch';
import { createKafka, deleteGroups, deleteTopics } from '@churnstream/kafka';
import { createRedis } from '@churnstream/redis';
import {
  deleteSearchIndices,
  refreshSearchIndices,
  searchIndexNames,
  type SearchIndex,
} from '@churnstream/search';
import { waitCaughtUp } from '../tools/pipeline/pipeline.progress';
import { SERVICES } from '../tools/start/services';
import { type RunningService, startService, stopService, waitHealthy } from '../tools/start/supervisor';
import { trainSmallModel, uniqueName } from './support';

const root = new URL('../', import.meta.url).pathname;
const population = { customers: 300, sessions: 3_000, seed: 42 };

/**
 * Customer fields whose value depends on when the stream's watermark reached them, not on the data:
 * the watermark of the last aggregate change and of the churned decision, and the score computed
 * then (the pipeline scores each aggregate as of its watermark; `load` as of snapshot_at).
 */
const STREAM_TIMED = ['updated_at', 'churned_as_of', 'scored_at', 'churn_score', 'churn_predicted'];

type Docs = Map<string, Record<string, unknown>>;

async function allDocs(es: Client, index: string): Promise<Docs> {
  const docs: Docs = new Map();
  const response = await es.search<Record<string, unknown>>({
    index,
    size: 10_000,
    query: { match_all: {} },
    sort: ['_doc'],
  });
  for (const hit of response.hits.hits) if (hit._id !== undefined) docs.set(hit._id, hit._source ?? {});
  return docs;
}

function without(
  doc: Record<string, unknown> | undefined,
  fields: readonly string[],
): Record<string, unknown> {
  return Object.fromEntries(Object.entries(doc ?? {}).filter(([k]) => !fields.includes(k)));
}

function cli(env: NodeJS.ProcessEnv, args: string[]): string {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'apps/cli/src/main.ts', ...args], {
    cwd: root,
    env,
    encoding: 'utf8',
  });
  assert.equal(result.status, 0, `cli ${args.join(' ')}:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

describe('cli load: a batch dataset into the pipeline indices', () => {
  const piped = uniqueName('loadpipe');
  const loaded = uniqueName('load');
  let fixture: ReturnType<typeof trainSmallModel>;
  let pipeEnv: NodeJS.ProcessEnv;
  let loadEnv: NodeJS.ProcessEnv;
  let kafka: Kafka;
  let es: Client;
  let redis: Redis;
  const running: RunningService[] = [];

  before(() => {
    fixture = trainSmallModel({ customers: population.customers, sessions: population.sessions, trees: 10 });
    pipeEnv = {
      ...process.env,
      TOPIC_PREFIX: piped,
      REDIS_KEY_PREFIX: `${piped}:`,
      ES_INDEX_PREFIX: piped,
      MODEL_PATH: fixture.model,
    };
    loadEnv = { ...process.env, ES_INDEX_PREFIX: loaded };
    const config = loadConfig(pipeEnv);
    kafka = createKafka(config, 'test');
    es = createElasticsearch(config);
    redis = createRedis(config);
  });

  after(async () => {
    await Promise.all(running.map((s) => stopService(s)));
    await deleteGroups(kafka, Object.values(consumerGroups(piped)));
    await deleteTopics(kafka, allTopics(topicNames(piped)));
    await deleteSearchIndices(es, piped);
    await deleteSearchIndices(es, loaded);
    const keys = await redis.keys(`${piped}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
    await es.close();
    rmSync(fixture.dir, { recursive: true, force: true });
  });

  it('leaves the documents the pipeline leaves for the same population, and a second load changes nothing', async () => {
    // The pipeline, as test/pipeline.spec.ts runs it.
    const ports = new Map([
      ['generator', 3930],
      ['features', 3931],
      ['scoring', 3932],
      ['indexer', 3933],
    ]);
    for (const spec of SERVICES.filter((s) => ['features', 'scoring', 'indexer'].includes(s.name))) {
      running.push(startService(root, { ...spec, port: ports.get(spec.name) ?? 0 }, pipeEnv));
    }
    for (const s of running)
      assert.equal(await waitHealthy(s, 90_000), true, `${s.spec.name} healthy (log ${s.logPath})`);
    const generatorSpec = SERVICES.find((s) => s.name === 'generator');
    assert.ok(generatorSpec);
    const generator = startService(
      root,
      {
        ...generatorSpec,
        port: 3930,
        args: [
          ...['--customers', String(population.customers), '--sessions', String(population.sessions)],
          ...['--seed', String(population.seed), '--max-speed', '--tick-hours', '6'],
        ],
      },
      pipeEnv,
    );
    running.push(generator);
    assert.equal(await generator.exited, 0, `generator finished (log ${generator.logPath})`);
    await waitCaughtUp(kafka, loadConfig(pipeEnv), { timeoutMs: 180_000 });
    await refreshSearchIndices(es, piped);

    // The same population from files: the scores of `cli score` with the model the pipeline scores with.
    const scores = join(fixture.dir, 'scores.csv');
    cli(loadEnv, ['score', '--model', fixture.model, '--in', fixture.dataset, '--out', scores]);
    const summary = cli(loadEnv, ['load', '--in', fixture.dataset, '--scores', scores]);
    assert.match(summary, /rejected 0;/);

    const p = searchIndexNames(piped);
    const l = searchIndexNames(loaded);
    const read = async (names: Record<SearchIndex, string>) => ({
      sessions: await allDocs(es, names.sessions),
      customers: await allDocs(es, names.customers),
      scores: await allDocs(es, names.scores),
    });
    const pipe = await read(p);
    const first = await read(l);

    assert.equal(first.sessions.size, population.sessions);
    assert.deepEqual([...first.sessions.keys()].sort(), [...pipe.sessions.keys()].sort());
    for (const [id, doc] of pipe.sessions) assert.deepEqual(first.sessions.get(id), doc, `session ${id}`);

    assert.deepEqual([...first.customers.keys()].sort(), [...pipe.customers.keys()].sort());
    for (const [id, doc] of pipe.customers) {
      const got = first.customers.get(id);
      assert.deepEqual(Object.keys(got ?? {}).sort(), Object.keys(doc).sort(), `fields of customer ${id}`);
      assert.deepEqual(without(got, STREAM_TIMED), without(doc, STREAM_TIMED), `customer ${id}`);
    }

    // One score per customer (the pipeline keeps every rescoring), with the pipeline's id scheme.
    const scored = (docs: Docs) => new Set([...docs.values()].map((d) => d.customer_id));
    assert.deepEqual([...scored(first.scores)].sort(), [...scored(pipe.scores)].sort());
    for (const [id, doc] of first.scores) {
      assert.equal(id, `score:${String(doc.features_event_id)}:${String(doc.model_version)}`);
      assert.deepEqual(Object.keys(doc).sort(), Object.keys([...pipe.scores.values()][0] ?? {}).sort());
    }

    cli(loadEnv, ['load', '--in', fixture.dataset, '--scores', scores]);
    const second = await read(l);
    assert.deepEqual(second, first);
  });
});
