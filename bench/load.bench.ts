/**
 * `npm run bench -- load [--customers N] [--sessions N] [--concurrency N] [--json]`: `cli load` of a
 * generated population against raw `_bulk` of the very same documents, in the same run. The raw side
 * is the request bodies `load` sends (captured once), posted with the same number of requests in
 * flight and nothing else: no reading, no validation, no document building, no retries. Goal: load at
 * >= 80% of raw.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadDataset } from '@churnstream/bulk-load';
import { loadConfig } from '@churnstream/config';
import { writeBatchDataset } from '@churnstream/dataset-writer';
import { createElasticsearch } from '@churnstream/elasticsearch';
import { deleteSearchIndices, type BulkItemResult } from '@churnstream/search';
import { DEFAULT_GENERATE_OPTIONS, generatePopulation } from '@churnstream/simulation';
import { JSON_OPTION, printJson, type Benchmark } from './benchmark';

export const bench: Benchmark = {
  summary: 'cli load vs raw _bulk of the same documents (goal >= 80%)',
  async run(argv: string[]): Promise<number> {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        customers: { type: 'string' },
        sessions: { type: 'string' },
        concurrency: { type: 'string' },
        ...JSON_OPTION,
      },
    });
    const customers = Number(values.customers ?? DEFAULT_GENERATE_OPTIONS.customers);
    const sessions = Number(values.sessions ?? DEFAULT_GENERATE_OPTIONS.sessions);
    const concurrency = Number(values.concurrency ?? 3);
    const config = loadConfig();
    const es = createElasticsearch(config);
    const work = mkdtempSync(join(tmpdir(), 'churnstream-load-bench-'));
    const prefix = `bench-load-${Date.now().toString(36)}`;
    try {
      writeBatchDataset({ population: generatePopulation({ customers, sessions, seed: 42 }), outDir: work });
      // 1. What load sends, captured without Elasticsearch indexing anything.
      const bodies: string[] = [];
      await loadDataset({
        dir: work,
        client: es,
        prefix,
        concurrency,
        transport: {
          bulk: (ndjson: string): Promise<BulkItemResult[]> => {
            bodies.push(ndjson);
            const n = ndjson.split('\n').length >> 1;
            return Promise.resolve(Array.from({ length: n }, () => ({ status: 201 })));
          },
        },
      });
      const docs = bodies.reduce((n, b) => n + (b.split('\n').length >> 1), 0);
      const bytes = bodies.reduce((n, b) => n + Buffer.byteLength(b), 0);

      // 2. Raw _bulk of those bodies, into the indices load installed, the same requests in flight.
      const rawStarted = performance.now();
      let next = 0;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < bodies.length) {
            const body = bodies[next++] ?? '';
            await es.transport.request({ method: 'POST', path: '/_bulk', bulkBody: body }, { maxRetries: 0 });
          }
        }),
      );
      await es.indices.refresh({ index: `${prefix}-*` });
      const rawSeconds = (performance.now() - rawStarted) / 1000;
      await deleteSearchIndices(es, prefix);

      // 3. The real thing into fresh indices.
      const summary = await loadDataset({ dir: work, client: es, prefix, concurrency });
      const rawRate = docs / rawSeconds;
      const loadRate = summary.written / summary.seconds;
      const ratio = loadRate / rawRate;
      console.log(
        [
          `population ${customers.toLocaleString('en')} customers x ${sessions.toLocaleString('en')} sessions: ` +
            `${docs.toLocaleString('en')} documents, ${(bytes / 1e6).toFixed(0)} MB of NDJSON in ${bodies.length} requests, ${concurrency} in flight`,
          `  raw _bulk:  ${rawSeconds.toFixed(1)} s  ${Math.round(rawRate).toLocaleString('en')} docs/s`,
          `  cli load:   ${summary.seconds.toFixed(1)} s  ${Math.round(loadRate).toLocaleString('en')} docs/s ` +
            `(reading, validating, building every document included; ${summary.rejected} rejected)`,
          `  load / raw: ${(100 * ratio).toFixed(0)}%   goal >= 80%: ${ratio >= 0.8 ? 'met' : 'NOT met'}`,
        ].join('\n'),
      );
      printJson(values.json, 'load', {
        customers,
        sessions,
        documents: docs,
        bytes,
        concurrency,
        raw_seconds: rawSeconds,
        raw_docs_per_s: rawRate,
        load_seconds: summary.seconds,
        load_docs_per_s: loadRate,
        ratio,
        met: ratio >= 0.8,
      });
      return 0;
    } finally {
      await deleteSearchIndices(es, prefix);
      await es.close();
      rmSync(work, { recursive: true, force: true });
    }
  },
};
