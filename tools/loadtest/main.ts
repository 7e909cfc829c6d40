/**
 * `npm run loadtest -- --rate R --duration S` or `--find-max`: drives the generator at a steady event
 * rate against a pipeline of features, scoring and indexer apps on the local stack, samples consumer
 * lag per group and the end-to-end latency (session event acknowledged by Kafka -> its document
 * readable in Elasticsearch by id) every second, and prints a table, a CSV and a chart.
 *
 * It runs under its own prefixes (topics, consumer groups, Redis keys, indices: churnstream-loadtest)
 * with its own app processes, so a live simulation on the same stack is neither disturbed nor
 * polluted. Every loop is bounded in count and time; all traffic stays on 127.0.0.1.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { numberOption, parseOptions, runMain, usageError } from '@churnstream/cli-options';
import { EventProducer } from '@churnstream/kafka';
import { searchIndexNames } from '@churnstream/search';
import { renderSvg, svgToPng } from '@churnstream/analytics';
// The load test drives the generator's own use case, so what it measures is what the generator does.
// eslint-disable-next-line no-restricted-imports
import { StreamService } from '../../apps/generator/src/stream.service';
import { LatencySampler } from '../pipeline/latency.sampler';
import { startIsolatedPipeline } from '../pipeline/isolated.pipeline';
import { type GroupLag, pipelineLag, waitCaughtUp } from '../pipeline/pipeline.progress';
import { isSustained, percentile } from './loadtest.stats';

const root = new URL('../../', import.meta.url).pathname;
const PREFIX = 'churnstream-loadtest';
const HELP = `usage: npm run loadtest -- [options]
  --rate R            events per second the generator holds (default 1000)
  --duration S        seconds to hold it (default 30)
  --find-max          step the rate up (from --start-rate, times --step-factor, each for
                      --step-seconds) until lag grows without bound; reports the highest rate sustained
  --start-rate R      first rate of --find-max (default 500)
  --step-factor F     rate multiplier between steps (default 1.5)
  --step-seconds S    length of each step (default 20)
  --max-rate R        never go above this rate (default 50000)
  --out DIR           where loadtest.csv and loadtest.svg/png go (default .stack/loadtest)
  --help              this text
The run uses its own topics, groups, Redis keys and indices (prefix ${PREFIX}) and its own app
processes (ports 3201-3203); the local stack must be up (npm run stack -- up). A rate is sustained
when, over the second half of its step, total lag grows by at most 2% of the rate per second and ends
below 3 seconds' worth of events.`;

interface SecondRow {
  step: number;
  second: number;
  targetRate: number;
  producedPerSecond: number;
  lags: GroupLag[];
  latencies: number[];
}

interface StepResult {
  rate: number;
  achieved: number;
  p50: number;
  p95: number;
  p99: number;
  samples: number;
  sustained: boolean;
  finalLag: number;
  slope: number;
}

const fmt = (ms: number) => (Number.isNaN(ms) ? '-' : `${Math.round(ms)}`);

async function main(): Promise<number> {
  const { values } = parseOptions(process.argv.slice(2), {
    rate: { type: 'string', default: '1000' },
    duration: { type: 'string', default: '30' },
    'find-max': { type: 'boolean' },
    'start-rate': { type: 'string', default: '500' },
    'step-factor': { type: 'string', default: '1.5' },
    'step-seconds': { type: 'string', default: '20' },
    'max-rate': { type: 'string', default: '50000' },
    out: { type: 'string', default: join(root, '.stack', 'loadtest') },
    help: { type: 'boolean' },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const positive = (name: keyof typeof values): number =>
    numberOption(name, values[name] as string, { above: 0 }, 0);
  const numbers = {
    rate: positive('rate'),
    duration: positive('duration'),
    startRate: positive('start-rate'),
    stepFactor: positive('step-factor'),
    stepSeconds: positive('step-seconds'),
    maxRate: positive('max-rate'),
  };
  if (numbers.stepFactor <= 1)
    throw usageError(`--step-factor: expected a number > 1, got "${values['step-factor']}"`);

  console.log(`loadtest: a fresh pipeline under ${PREFIX} ...`);
  const { config, kafka, es, topics, stop } = await startIsolatedPipeline(root, PREFIX, 3201);
  const producer = new EventProducer(kafka);
  try {
    await producer.connect();
    const stream = new StreamService(producer, topics);
    const sessionsIndex = searchIndexNames(PREFIX).sessions;
    const rows: SecondRow[] = [];
    const results: StepResult[] = [];

    const runStep = async (step: number, rate: number, seconds: number): Promise<StepResult> => {
      const latency = new LatencySampler(es, sessionsIndex, Math.max(1, Math.floor(rate / 50)));
      let produced = 0;
      let lastProduced = 0;
      const stepRows: SecondRow[] = [];
      latency.start();
      const sampler = setInterval(() => {
        void pipelineLag(kafka, config.TOPIC_PREFIX).then((lags) => {
          const row: SecondRow = {
            step,
            second: stepRows.length + 1,
            targetRate: rate,
            producedPerSecond: produced - lastProduced,
            lags,
            latencies: latency.take(),
          };
          lastProduced = produced;
          stepRows.push(row);
          rows.push(row);
          console.log(
            `${String(step).padStart(4)} ${String(row.second).padStart(4)}s ${String(rate).padStart(7)} ${String(row.producedPerSecond).padStart(8)}  ` +
              `${lags.map((l) => String(l.lag).padStart(8)).join(' ')}  ` +
              `${fmt(percentile(row.latencies, 50)).padStart(6)} ${fmt(percentile(row.latencies, 95)).padStart(6)} ${fmt(percentile(row.latencies, 99)).padStart(6)}`,
          );
        });
      }, 1_000);

      const sessions = Math.ceil(rate * seconds * 1.1);
      await stream.run({
        population: { customers: Math.max(100, Math.ceil(sessions / 20)), sessions, seed: 1000 + step },
        pace: { kind: 'rate', eventsPerSecond: rate },
        durationSeconds: seconds,
        tickEveryMs: 6 * 3_600_000,
        partitions: config.ACTIVITY_PARTITIONS,
        onSent: (events, ackedAt) => {
          produced += events.length;
          latency.onSent(events, ackedAt);
        },
      });
      clearInterval(sampler);
      await latency.stop();
      const all = stepRows.flatMap((r) => r.latencies).concat(latency.take());
      const verdict = isSustained(
        stepRows.map((r) => ({ atSeconds: r.second, lag: r.lags.reduce((s, l) => s + l.lag, 0) })),
        rate,
      );
      const achieved =
        stepRows.length > 0 ? stepRows.reduce((s, r) => s + r.producedPerSecond, 0) / stepRows.length : 0;
      return {
        rate,
        achieved,
        p50: percentile(all, 50),
        p95: percentile(all, 95),
        p99: percentile(all, 99),
        samples: all.length,
        sustained: verdict.sustained && achieved >= rate * 0.9,
        finalLag: verdict.finalLag,
        slope: verdict.slope,
      };
    };

    console.log(
      `step    t    rate produced/s  ${['features', 'scoring', 'indexer'].map((g) => `lag:${g}`.padStart(8)).join(' ')}     p50    p95    p99 (ms)`,
    );
    if (values['find-max']) {
      for (
        let step = 1, rate = numbers.startRate;
        rate <= numbers.maxRate && step <= 30;
        step++, rate = Math.round(rate * numbers.stepFactor)
      ) {
        const result = await runStep(step, rate, numbers.stepSeconds);
        results.push(result);
        if (!result.sustained) break;
        await waitCaughtUp(kafka, config, { timeoutMs: 120_000 });
      }
    } else {
      results.push(await runStep(1, numbers.rate, numbers.duration));
    }

    console.log('\nloadtest summary');
    console.log(
      '  rate/s  achieved/s  latency p50    p95    p99 (ms)  samples  final lag  lag growth/s  sustained',
    );
    for (const r of results) {
      console.log(
        `  ${String(r.rate).padStart(6)}  ${String(Math.round(r.achieved)).padStart(10)}  ${fmt(r.p50).padStart(11)} ${fmt(r.p95).padStart(6)} ${fmt(r.p99).padStart(6)}  ` +
          `${String(r.samples).padStart(12)}  ${String(r.finalLag).padStart(9)}  ${r.slope.toFixed(1).padStart(12)}  ${r.sustained ? 'yes' : 'no'}`,
      );
    }
    if (values['find-max']) {
      const best = results.filter((r) => r.sustained).at(-1);
      console.log(
        best
          ? `  highest sustained rate: ${best.rate} events/s (next step ${results.at(-1)?.rate ?? '-'} was not)`
          : `  not even ${numbers.startRate} events/s was sustained`,
      );
    }
    mkdirSync(values.out, { recursive: true });
    const csv = [
      'step,second,target_rate,produced_per_second,lag_features,lag_scoring,lag_indexer,p50_ms,p95_ms,p99_ms',
    ];
    for (const r of rows) {
      csv.push(
        [
          r.step,
          r.second,
          r.targetRate,
          r.producedPerSecond,
          ...r.lags.map((l) => l.lag),
          ...[50, 95, 99].map((p) => fmt(percentile(r.latencies, p))),
        ].join(','),
      );
    }
    writeFileSync(join(values.out, 'loadtest.csv'), `${csv.join('\n')}\n`);
    const points = rows.flatMap((r, i) => [
      { t: i + 1, series: 'total lag (events)', value: r.lags.reduce((s, l) => s + l.lag, 0), panel: 'lag' },
      { t: i + 1, series: 'produced (events/s)', value: r.producedPerSecond, panel: 'lag' },
      ...[50, 95, 99].flatMap((p) => {
        const v = percentile(r.latencies, p);
        return Number.isNaN(v)
          ? []
          : [{ t: i + 1, series: `p${p} latency (ms)`, value: v, panel: 'latency' }];
      }),
    ]);
    const svg = await renderSvg({
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: 'churnstream load test: rate, consumer lag and end-to-end latency per second',
      data: { values: points },
      facet: { row: { field: 'panel', type: 'nominal', title: null } },
      spec: {
        width: 720,
        height: 200,
        mark: { type: 'line', point: false },
        encoding: {
          x: { field: 't', type: 'quantitative', title: 'seconds since start' },
          y: { field: 'value', type: 'quantitative', title: null },
          color: { field: 'series', type: 'nominal', title: null },
        },
      },
      resolve: { scale: { y: 'independent' } },
    });
    writeFileSync(join(values.out, 'loadtest.svg'), svg);
    writeFileSync(join(values.out, 'loadtest.png'), await svgToPng(svg));
    console.log(`  wrote ${join(values.out, 'loadtest.csv')} and loadtest.svg/png`);
    return 0;
  } finally {
    await producer.disconnect().catch(() => undefined);
    await stop();
  }
}

runMain('loadtest', main, {
  exit: true,
  stack: false,
  hint: '(npm run loadtest -- --help lists the options)',
});
