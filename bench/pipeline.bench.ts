/**
 * `npm run bench -- pipeline [--customers N --sessions N]`: sustained sessions per second end to
 * end (generator -> Kafka -> features -> scoring -> indexer -> Elasticsearch, until every consumer
 * group has caught up) and the p50/p99 latency from a session event acknowledged by Kafka to its
 * document readable in Elasticsearch, beside the baseline: raw `_bulk` throughput of the same session
 * documents into an index of the same mapping, measured in the same run. Needs the local stack up.
 */
import { parseArgs } from 'node:util';
import { topicNames } from '@churnstream/contracts';
import { EventProducer } from '@churnstream/kafka';
import { activityEvents } from '@churnstream/simulation';
import {
  bulkLines,
  deleteSearchIndices,
  detectSearchCapabilities,
  installSearchIndices,
  operationsFor,
  searchIndexNames,
} from '@churnstream/search';
// The benchmark drives the generator's own use case, so what it measures is what the generator does.

import { StreamService } from '../apps/generator/src/stream.service';
import { LatencySampler } from '../tools/pipeline/latency.sampler';
import { startIsolatedPipeline } from '../tools/pipeline/isolated.pipeline';
import { waitCaughtUp } from '../tools/pipeline/pipeline.progress';
import { percentile } from '../tools/loadtest/loadtest.stats';
import type { Benchmark } from './benchmark';

const root = new URL('../', import.meta.url).pathname;
const PREFIX = 'churnstream-bench';

export const bench: Benchmark = {
  summary: 'end-to-end sessions/s and event -> indexed latency vs raw _bulk of the same documents',
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        customers: { type: 'string', default: '2000' },
        sessions: { type: 'string', default: '20000' },
      },
    });
    const population = { customers: Number(values.customers), sessions: Number(values.sessions), seed: 99 };
    const tickEveryMs = 6 * 3_600_000;
    const pipeline = await startIsolatedPipeline(root, PREFIX, 3211);
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
      const started = Date.now();
      const streamed = await new StreamService(producer, topicNames(PREFIX)).run({
        population,
        pace: { kind: 'max' },
        tickEveryMs,
        partitions: pipeline.config.ACTIVITY_PARTITIONS,
        onSent: latency.onSent,
      });
      await waitCaughtUp(pipeline.kafka, pipeline.config, { timeoutMs: 600_000 });
      const endToEndSeconds = (Date.now() - started) / 1000;
      await latency.stop();
      const latencies = latency.take();

      // Baseline: the same session documents straight into an index of the same mapping.
      const rawPrefix = `${PREFIX}-raw`;
      await installSearchIndices(pipeline.es, rawPrefix, await detectSearchCapabilities(pipeline.es));
      const rawIndex = searchIndexNames(rawPrefix).sessions;
      const lines: object[] = [];
      for (const event of activityEvents(population, { tickEveryMs })) {
        if (event.event_type !== 'session_ended') continue;
        for (const op of operationsFor(event))
          if (op.index === 'sessions') lines.push(...bulkLines(op, rawIndex));
      }
      const bulkStarted = Date.now();
      for (let i = 0; i < lines.length; i += 4_000) {
        const response = await pipeline.es.bulk({ operations: lines.slice(i, i + 4_000) });
        if (response.errors) throw new Error('raw _bulk rejected documents');
      }
      const bulkSeconds = (Date.now() - bulkStarted) / 1000;
      await deleteSearchIndices(pipeline.es, rawPrefix);

      const pipelineRate = population.sessions / endToEndSeconds;
      const bulkRate = lines.length / 2 / bulkSeconds;
      console.log(
        `population ${population.customers} customers, ${population.sessions} sessions (${streamed.sent} events)`,
      );
      console.log(
        `end to end        ${pipelineRate.toFixed(0).padStart(8)} sessions/s  (${endToEndSeconds.toFixed(1)} s until every group caught up)`,
      );
      console.log(
        `raw _bulk         ${bulkRate.toFixed(0).padStart(8)} sessions/s  (same documents, ${bulkSeconds.toFixed(1)} s)`,
      );
      console.log(
        `ratio             ${(pipelineRate / bulkRate).toFixed(2).padStart(8)}  (end to end / raw _bulk)`,
      );
      console.log(
        `latency event -> indexed: p50 ${percentile(latencies, 50).toFixed(0)} ms, p99 ${percentile(latencies, 99).toFixed(0)} ms ` +
          `(${latencies.length} sampled sessions; at max speed this includes queueing behind the backlog)`,
      );
      return 0;
    } finally {
      await producer.disconnect().catch(() => undefined);
      await pipeline.stop();
    }
  },
};
