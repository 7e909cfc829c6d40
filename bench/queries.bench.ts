/**
 * `npm run bench -- queries`: p50/p95 of every canned query against the loaded population (the
 * indices under ES_INDEX_PREFIX, or --index-prefix), beside the p50/p95 of a `_count` round trip
 * measured in the same run, so the figures read as "x times a trivial request".
 * `--synthetic N` first indexes a seeded population of N customers (about 10 sessions each) under a
 * temporary prefix and deletes it afterwards, for when no pipeline run has loaded anything.
 * `--customers N --sessions M` generates the batch dataset of that population (seed 42) and loads it
 * with `cli load`'s use case, the way a user would before querying at scale (1,000,000 x 10,000,000
 * for the ten-million-session figures); with `--keep` its indices stay under `bench-queries-<NxM>`
 * for later runs with `--index-prefix`. `--json` prints every query's p50/p95 on the last line.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Client } from '@elastic/elasticsearch';
import { loadDataset } from '@churnstream/bulk-load';
import { loadConfig } from '@churnstream/config';
import { writeBatchDataset } from '@churnstream/dataset-writer';
import { createElasticsearch } from '@churnstream/elasticsearch';
import {
  BulkWriter,
  type IndexableEvent,
  ElasticsearchSearchBackend,
  bulkLines,
  deleteSearchIndices,
  detectSearchCapabilities,
  elasticsearchBulkTransport,
  installSearchIndices,
  planOperations,
  refreshSearchIndices,
  runQuery,
  searchIndexNames,
} from '@churnstream/search';
import { scoreDataset } from '@churnstream/model-data';
import { generatePopulation } from '@churnstream/simulation';
import { ensureModel } from '../tools/pipeline/pipeline.model';
import { JSON_OPTION, printJson, quantile, timesMs, type Benchmark } from './benchmark';
import { syntheticPopulation } from './queries.population';

interface Timing {
  p50: number;
  p95: number;
}

const root = new URL('../', import.meta.url).pathname;

async function time(fn: () => Promise<unknown>, runs: number, warmup: number): Promise<Timing> {
  const times = await timesMs(fn, runs, warmup);
  return { p50: quantile(times, 0.5), p95: quantile(times, 0.95) };
}

async function loadSynthetic(es: Client, prefix: string, customers: number): Promise<void> {
  const capabilities = await detectSearchCapabilities(es);
  await installSearchIndices(es, prefix, capabilities);
  const names = searchIndexNames(prefix);
  const writer = new BulkWriter(elasticsearchBulkTransport(es));
  const started = performance.now();
  let batch: IndexableEvent[] = [];
  let events = 0;
  const flush = async () => {
    const planned = planOperations(batch);
    const result = await writer.write(planned.map((p) => bulkLines(p.operation, names[p.operation.index])));
    if (result.rejected.length > 0)
      throw new Error(`synthetic load rejected: ${result.rejected[0]?.reason ?? ''}`);
    batch = [];
  };
  for (const event of syntheticPopulation(customers)) {
    batch.push(event);
    events++;
    if (batch.length >= 5_000) await flush();
  }
  await flush();
  await refreshSearchIndices(es, prefix);
  const secs = (performance.now() - started) / 1000;
  console.log(`loaded ${events} synthetic events (${customers} customers) in ${secs.toFixed(1)} s`);
}

/** Generates the batch dataset of a population and loads it as `cli load` does. */
async function loadGenerated(
  es: Client,
  modelPath: string,
  prefix: string,
  customers: number,
  sessions: number,
): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'churnstream-queries-bench-'));
  try {
    const generated = performance.now();
    writeBatchDataset({ population: generatePopulation({ customers, sessions, seed: 42 }), outDir: work });
    console.log(
      `generated ${customers} customers x ${sessions} sessions in ${((performance.now() - generated) / 1000).toFixed(1)} s`,
    );
    // Customers are stored with their scores, as the pipeline stores them: score them first.
    ensureModel(root, modelPath, { customers: 10_000, sessions: 100_000, seed: 42 });
    const { scores } = await scoreDataset(modelPath, work);
    const summary = await loadDataset({
      dir: work,
      client: es,
      prefix,
      scores: new Map(scores.map((s) => [s.customer_id, s])),
      onProgress: (p) => {
        process.stdout.write(
          `\rloading ${p.phase}: ${p.written}/${p.total} documents, ${(p.written / Math.max(p.seconds, 0.001)).toFixed(0)} docs/s   `,
        );
      },
    });
    process.stdout.write('\n');
    if (summary.rejected > 0)
      throw new Error(
        `load rejected ${summary.rejected} documents: ${summary.firstRejections[0]?.reason ?? ''}`,
      );
    await refreshSearchIndices(es, prefix);
    console.log(`loaded ${summary.written} documents in ${summary.seconds.toFixed(1)} s`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export const bench: Benchmark = {
  summary: 'p50/p95 of each canned query on the loaded population vs a _count round trip',
  async run(argv: string[]): Promise<number> {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        runs: { type: 'string', default: '50' },
        warmup: { type: 'string', default: '5' },
        'index-prefix': { type: 'string' },
        synthetic: { type: 'string' },
        customers: { type: 'string' },
        sessions: { type: 'string' },
        keep: { type: 'boolean' },
        ...JSON_OPTION,
      },
    });
    const runs = Number(values.runs);
    const warmup = Number(values.warmup);
    const config = loadConfig();
    const es = createElasticsearch(config);
    const synthetic = values.synthetic === undefined ? 0 : Number(values.synthetic);
    const generated =
      values.customers === undefined && values.sessions === undefined
        ? null
        : { customers: Number(values.customers ?? 10_000), sessions: Number(values.sessions ?? 100_000) };
    if (generated && !Object.values(generated).every((n) => Number.isSafeInteger(n) && n > 0)) {
      console.error('bench queries: --customers and --sessions: expected positive integers');
      return 2;
    }
    const prefix = generated
      ? `bench-queries-${generated.customers}x${generated.sessions}`
      : synthetic > 0
        ? `bench-queries-${Date.now().toString(36)}`
        : (values['index-prefix'] ?? config.ES_INDEX_PREFIX);
    const temporary = synthetic > 0 || (generated !== null && values.keep !== true);
    const names = searchIndexNames(prefix);
    try {
      if (synthetic > 0) await loadSynthetic(es, prefix, synthetic);
      if (generated) {
        await deleteSearchIndices(es, prefix);
        await loadGenerated(es, config.MODEL_PATH, prefix, generated.customers, generated.sessions);
      }
      if (!(await es.indices.exists({ index: names.customers }))) {
        console.error(`no index ${names.customers}: run the pipeline first, or pass --synthetic 10000`);
        return 1;
      }
      const customers = (await es.count({ index: names.customers })).count;
      const sessions = (await es.count({ index: names.sessions })).count;
      console.log(
        `population: ${customers} customers, ${sessions} sessions in ${prefix}-*; ${runs} runs after ${warmup} warm-up each`,
      );
      if (customers === 0) {
        console.error('the customers index is empty');
        return 1;
      }
      const someone =
        (await es.search({ index: names.customers, size: 1, _source: false, sort: ['_doc'] })).hits.hits[0]
          ?._id ?? 'none';
      const backend = new ElasticsearchSearchBackend(es);
      const cases: [string, string, Record<string, string>][] = [
        ['customers-by-gender', 'customers-by-gender', {}],
        ['churn-rate country', 'churn-rate', { by: 'country' }],
        ['churn-rate age_band', 'churn-rate', { by: 'age_band' }],
        ['churn-rate device_type', 'churn-rate', { by: 'device_type' }],
        ['churn-rate payment_method', 'churn-rate', { by: 'payment_method' }],
        ['spend-by-churn', 'spend-by-churn', {}],
        ['sessions-per-day', 'sessions-per-day', {}],
        ['top-churn-risk n=10', 'top-churn-risk', { n: '10' }],
        ['customer', 'customer', { id: someone }],
      ];
      const baseline = await time(() => es.count({ index: names.customers }), runs, warmup);
      const rows: [string, Timing][] = [['baseline: _count round trip', baseline]];
      for (const [label, name, params] of cases) {
        const outcome = await runQuery(backend, names, name, params);
        if (outcome.status !== 'ok') throw new Error(`${label}: ${outcome.message}`);
        rows.push([label, await time(() => runQuery(backend, names, name, params), runs, warmup)]);
      }
      const width = Math.max(...rows.map(([l]) => l.length));
      console.log(
        `\n${'query'.padEnd(width)}  ${'p50 ms'.padStart(8)}  ${'p95 ms'.padStart(8)}  ${'p50/baseline'.padStart(12)}`,
      );
      for (const [label, t] of rows) {
        console.log(
          `${label.padEnd(width)}  ${t.p50.toFixed(1).padStart(8)}  ${t.p95.toFixed(1).padStart(8)}  ${(t.p50 / baseline.p50).toFixed(1).padStart(11)}x`,
        );
      }
      const slow = rows.slice(1).filter(([, t]) => t.p50 >= 50);
      console.log(
        `\n${rows.length - 1} queries; slowest p50 ${Math.max(...rows.slice(1).map(([, t]) => t.p50)).toFixed(1)} ms; ` +
          (slow.length === 0
            ? 'every p50 under 50 ms'
            : `p50 at or over 50 ms: ${slow.map(([l]) => l).join(', ')}`),
      );
      printJson(values.json, 'queries', {
        prefix,
        customers,
        sessions,
        runs,
        queries: Object.fromEntries(
          rows.map(([label, t]) => [
            label,
            { p50_ms: Math.round(t.p50 * 10) / 10, p95_ms: Math.round(t.p95 * 10) / 10 },
          ]),
        ),
        slowest_p50_ms: Math.round(Math.max(...rows.slice(1).map(([, t]) => t.p50)) * 10) / 10,
        slowest_p95_ms: Math.round(Math.max(...rows.slice(1).map(([, t]) => t.p95)) * 10) / 10,
      });
      return 0;
    } finally {
      if (temporary) await deleteSearchIndices(es, prefix);
      await es.close();
    }
  },
};
