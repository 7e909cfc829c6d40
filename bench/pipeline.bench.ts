/**
 * `npm run bench -- pipeline [--customers N --sessions N --replicas N --json]`: sessions per second
 * end to end (generator -> Kafka -> features -> scoring -> indexer -> Elasticsearch, until every
 * consumer group has caught up), the CPU each process spent per activity event, and the p50/p99
 * latency from a session event acknowledged by Kafka to its document readable in Elasticsearch,
 * beside the baseline measured in the same run: raw `_bulk` of the very documents the pipeline left
 * in Elasticsearch (sessions, customers in their final state, the score history) into indices of the
 * same mappings. Needs the local stack up.
 */
import { parseArgs } from 'node:util';
import type { Client } from '@elastic/elasticsearch';
import { topicNames } from '@churnstream/contracts';
import { EventProducer } from '@churnstream/kafka';
import {
  SEARCH_INDICES,
  deleteSearchIndices,
  detectSearchCapabilities,
  installSearchIndices,
  refreshSearchIndices,
  searchIndexNames,
} from '@churnstream/search';
// The benchmark drives the generator's own use case, so what it measures is what the generator does.

import { StreamService } from '@churnstream/replay';
import { cpuCost, cpuCostJson, readCpu, selfCpuSource } from '../tools/pipeline/cpu.sampler';
import { LatencySampler } from '../tools/pipeline/latency.sampler';
import { startIsolatedPipeline } from '../tools/pipeline/isolated.pipeline';
import { waitCaughtUp } from '../tools/pipeline/pipeline.progress';
import { percentile } from '../tools/loadtest/loadtest.stats';
import { renderTable } from '../tools/stack/table.util';
import type { Benchmark } from './benchmark';

const root = new URL('../', import.meta.url).pathname;
const PREFIX = 'churnstream-bench';
const GENERATOR = 'bench (generator)';
/** Bulk requests of the baseline: a few MB each, two in flight (one per core). */
const RAW_REQUEST_BYTES = 4 * 1024 * 1024;
const RAW_IN_FLIGHT = 2;

/** Every document of the pipeline's indices, as `_bulk` bodies of a few MB aimed at `rawPrefix`. */
async function documentsAsBulk(
  es: Client,
  prefix: string,
  rawPrefix: string,
): Promise<{ bodies: string[]; docs: number }> {
  const from = searchIndexNames(prefix);
  const to = searchIndexNames(rawPrefix);
  const bodies: string[] = [];
  let body = '';
  let docs = 0;
  for (const index of SEARCH_INDICES) {
    const scroll = es.helpers.scrollSearch<Record<string, unknown>>({
      index: from[index],
      size: 5_000,
      sort: ['_doc'],
      query: { match_all: {} },
    });
    for await (const page of scroll) {
      for (const hit of page.body.hits.hits) {
        body += `${JSON.stringify({ index: { _index: to[index], _id: hit._id } })}\n${JSON.stringify(hit._source)}\n`;
        docs++;
        if (body.length >= RAW_REQUEST_BYTES) {
          bodies.push(body);
          body = '';
        }
      }
    }
  }
  if (body.length > 0) bodies.push(body);
  return { bodies, docs };
}

async function rawBulk(es: Client, bodies: readonly string[]): Promise<number> {
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < bodies.length) {
      const body = bodies[next++] ?? '';
      const response = await es.transport.request<{ errors: boolean }>({
        method: 'POST',
        path: '/_bulk',
        bulkBody: body,
      });
      if (response.errors) throw new Error('raw _bulk rejected documents');
    }
  };
  await Promise.all(Array.from({ length: RAW_IN_FLIGHT }, worker));
  return (performance.now() - started) / 1000;
}

export const bench: Benchmark = {
  summary:
    'end-to-end sessions/s, CPU per event by process and event -> indexed latency vs raw _bulk of the same final documents',
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        customers: { type: 'string', default: '2000' },
        sessions: { type: 'string', default: '20000' },
        replicas: { type: 'string', default: '1' },
        json: { type: 'boolean' },
      },
    });
    const population = { customers: Number(values.customers), sessions: Number(values.sessions), seed: 99 };
    const replicas = Number(values.replicas);
    for (const [name, value] of Object.entries({ ...population, replicas })) {
      if (!Number.isInteger(value) || value <= 0) {
        console.error(`bench pipeline: --${name}: expected a positive integer, got ${String(value)}`);
        return 2;
      }
    }
    const tickEveryMs = 6 * 3_600_000;
    const pipeline = await startIsolatedPipeline(root, PREFIX, 3241, { replicas });
    const cpuSources = [...pipeline.cpuSources, selfCpuSource(GENERATOR)];
    const producer = new EventProducer(pipeline.kafka);
    try {
      await producer.connect();
      const names = searchIndexNames(PREFIX);
      const latency = new LatencySampler(
        pipeline.es,
        names.sessions,
        Math.max(1, Math.floor(population.sessions / 1000)),
      );
      latency.start();
      const cpuBefore = readCpu(cpuSources);
      const started = performance.now();
      const streamed = await new StreamService(producer, topicNames(PREFIX)).run({
        population,
        pace: { kind: 'max' },
        tickEveryMs,
        partitions: pipeline.config.ACTIVITY_PARTITIONS,
        onSent: latency.onSent,
      });
      await waitCaughtUp(pipeline.kafka, pipeline.config, { timeoutMs: 600_000 });
      const endToEndSeconds = (performance.now() - started) / 1000;
      const cpu = cpuCost(cpuBefore, readCpu(cpuSources), streamed.sent, endToEndSeconds, [GENERATOR]);
      await latency.stop();
      const latencies = latency.take();

      // Baseline: what the pipeline left in Elasticsearch, written straight into fresh indices.
      await refreshSearchIndices(pipeline.es, PREFIX);
      const rawPrefix = `${PREFIX}-raw`;
      await deleteSearchIndices(pipeline.es, rawPrefix);
      await installSearchIndices(pipeline.es, rawPrefix, await detectSearchCapabilities(pipeline.es));
      const { bodies, docs } = await documentsAsBulk(pipeline.es, PREFIX, rawPrefix);
      const bulkSeconds = await rawBulk(pipeline.es, bodies);
      await deleteSearchIndices(pipeline.es, rawPrefix);

      const pipelineRate = population.sessions / endToEndSeconds;
      const bulkRate = population.sessions / bulkSeconds;
      console.log(
        `population ${population.customers} customers, ${population.sessions} sessions (${streamed.sent} activity events, ${docs} documents in the end); ${replicas} replica(s) of each app`,
      );
      console.log(
        renderTable(
          ['', 'sessions/s', 'seconds'],
          [
            [
              'end to end',
              pipelineRate.toFixed(0),
              `${endToEndSeconds.toFixed(1)} (until every group caught up)`,
            ],
            [
              'raw _bulk',
              bulkRate.toFixed(0),
              `${bulkSeconds.toFixed(1)} (the same ${docs} final documents)`,
            ],
            ['ratio', (pipelineRate / bulkRate).toFixed(2), ''],
          ],
        ),
      );
      console.log(
        `latency event -> indexed: p50 ${percentile(latencies, 50).toFixed(0)} ms, p99 ${percentile(latencies, 99).toFixed(0)} ms ` +
          `(${latencies.length} sampled sessions; at max speed this includes queueing behind the backlog)`,
      );
      console.log('\nCPU per activity event');
      console.log(
        renderTable(
          ['process', 'µs/event', 'cores'],
          [
            ...cpu.stages.map((s) => [s.stage, s.usPerEvent.toFixed(0), s.cores.toFixed(2)]),
            ['pipeline total', cpu.pipelineUsPerEvent.toFixed(0), ''],
            ...cpu.outside.map((s) => [
              `${s.stage}, not in the total`,
              s.usPerEvent.toFixed(0),
              s.cores.toFixed(2),
            ]),
          ],
        ),
      );
      if (values.json) {
        console.log(
          JSON.stringify({
            benchmark: 'pipeline',
            customers: population.customers,
            sessions: population.sessions,
            events: streamed.sent,
            replicas,
            sessions_per_s: Math.round(pipelineRate),
            raw_bulk_sessions_per_s: Math.round(bulkRate),
            ratio: Math.round((pipelineRate / bulkRate) * 1000) / 1000,
            p50_ms: Math.round(percentile(latencies, 50)),
            p99_ms: Math.round(percentile(latencies, 99)),
            cpu_us_per_event: cpuCostJson(cpu),
          }),
        );
      }
      return 0;
    } finally {
      await producer.disconnect().catch(() => undefined);
      await pipeline.stop();
    }
  },
};
