/**
 * `npm run loadtest -- --rate R --duration S` or `--find-max`: drives the generator at a steady event
 * rate against a pipeline of features, scoring and indexer apps on the local stack (`--replicas N`
 * processes of each in one consumer group), samples consumer lag per group and the end-to-end
 * latency (session event acknowledged by Kafka -> its document readable in Elasticsearch by id)
 * every second, and the CPU time of every process the pipeline runs on (each app, each server), and
 * prints a table, the CPU cost per activity event by stage, a CSV and a chart (`--json`: one JSON
 * line at the end).
 *
 * It runs under its own prefixes (topics, consumer groups, Redis keys, indices: churnstream-loadtest)
 * with its own app processes, so a live simulation on the same stack is neither disturbed nor
 * polluted. Every loop is bounded in count and time; all traffic stays on 127.0.0.1.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { EventProducer } from '@churnstream/kafka';
import { searchIndexNames } from '@churnstream/search';
import { renderSvg, svgToPng } from '@churnstream/analytics';
// The load test drives the generator's own use case, so what it measures is what the generator does.
import { StreamService } from '@churnstream/replay';
import { type CpuCost, cpuCost, cpuCostJson, readCpu, selfCpuSource } from '../pipeline/cpu.sampler';
import { LatencySampler } from '../pipeline/latency.sampler';
import { startIsolatedPipeline } from '../pipeline/isolated.pipeline';
import { type GroupLag, pipelineLag, waitCaughtUp } from '../pipeline/pipeline.progress';
import { renderTable } from '../stack/table.util';
import { type LagVerdict, judgeLag, percentile } from './loadtest.stats';

const root = new URL('../../', import.meta.url).pathname;
const PREFIX = 'churnstream-loadtest';
const GENERATOR = 'loadtest';
const HELP = `usage: npm run loadtest -- [options]
  --rate R            events per second the generator holds (default 1000)
  --duration S        seconds to hold it (default 30)
  --find-max          step the rate up (from --start-rate, times --step-factor, each for
                      --step-seconds) until a step fails, then narrow the interval between the last
                      rate sustained and the first that was not (--refine times); a marginal step is
                      measured again, twice as long (up to --repeats times); finally one step at half
                      the rate found gives the latency there
  --start-rate R      first rate of --find-max (default 1000)
  --step-factor F     rate multiplier between steps (default 1.5)
  --step-seconds S    length of each step (default 20)
  --refine K          halvings of the interval after the first failed step (default 2)
  --repeats K         re-measurements of a marginal step (default 2)
  --max-rate R        never go above this rate (default 50000)
  --replicas N        processes of each app (features, scoring, indexer) in one group (default 1);
                      the topics get at least N partitions
  --partitions P      partitions of the run's topics (default: ACTIVITY_PARTITIONS, at least N)
  --out DIR           where loadtest.csv and loadtest.svg/png go (default .stack/loadtest)
  --json              also print one JSON object with the figures on the last line
  --help              this text
The run uses its own topics, groups, Redis keys and indices (prefix ${PREFIX}) and its own app
processes (ports 3201 onwards); the local stack must be up (npm run stack -- up). A rate is sustained
when, over the second half of its step, total lag grows by at most 2% of the rate per second (with
two standard errors of margin) and ends below 3 seconds' worth of events; CPU per activity event is
charged from the start of a step until every group has caught up. With CHURNSTREAM_CPU_PROF_DIR=DIR
in the environment each app writes a V8 CPU profile under DIR/<app>/ when it stops (open it in
Chrome's DevTools or speedscope) to see where its share goes.`;

interface SecondRow {
  step: number;
  second: number;
  targetRate: number;
  producedPerSecond: number;
  lags: GroupLag[];
  latencies: number[];
}

interface StepResult {
  step: number;
  rate: number;
  seconds: number;
  events: number;
  achieved: number;
  p50: number;
  p95: number;
  p99: number;
  samples: number;
  lag: LagVerdict;
  /** Whether the generator reached 90% of the rate (if not, the verdict says nothing of the pipeline). */
  generatorKept: boolean;
  sustained: boolean;
  cpu: CpuCost;
}

const fmt = (ms: number) => (Number.isNaN(ms) ? '-' : `${Math.round(ms)}`);

function positive(values: Record<string, string | boolean | undefined>, name: string): number {
  const raw = values[name];
  const value = Number(raw);
  if (typeof raw !== 'string' || !Number.isFinite(value) || value <= 0) {
    throw new UsageError(`--${name}: expected a positive number, got ${String(raw)}`);
  }
  return value;
}

class UsageError extends Error {}

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    strict: true,
    options: {
      rate: { type: 'string', default: '1000' },
      duration: { type: 'string', default: '30' },
      'find-max': { type: 'boolean' },
      'start-rate': { type: 'string', default: '1000' },
      'step-factor': { type: 'string', default: '1.5' },
      'step-seconds': { type: 'string', default: '20' },
      refine: { type: 'string', default: '2' },
      repeats: { type: 'string', default: '2' },
      'max-rate': { type: 'string', default: '50000' },
      replicas: { type: 'string', default: '1' },
      partitions: { type: 'string' },
      out: { type: 'string', default: join(root, '.stack', 'loadtest') },
      json: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const numbers = {
    rate: positive(values, 'rate'),
    duration: positive(values, 'duration'),
    startRate: positive(values, 'start-rate'),
    stepFactor: positive(values, 'step-factor'),
    stepSeconds: positive(values, 'step-seconds'),
    maxRate: positive(values, 'max-rate'),
    replicas: Math.round(positive(values, 'replicas')),
  };
  const refine = Math.max(0, Math.round(Number(values.refine)));
  const repeats = Math.max(0, Math.round(Number(values.repeats)));
  if (numbers.stepFactor <= 1) throw new UsageError('--step-factor: expected a number above 1');
  const partitions = values.partitions === undefined ? undefined : Math.round(positive(values, 'partitions'));

  console.log(`loadtest: a fresh pipeline under ${PREFIX} (${numbers.replicas} replica(s) of each app) ...`);
  const pipeline = await startIsolatedPipeline(root, PREFIX, 3201, {
    replicas: numbers.replicas,
    partitions,
  });
  const { config, kafka, es, topics } = pipeline;
  const cpuSources = [...pipeline.cpuSources, selfCpuSource(GENERATOR)];
  const producer = new EventProducer(kafka);
  // One connection for the per-second lag samples, so sampling costs the broker little.
  const lagAdmin = kafka.admin();
  try {
    await producer.connect();
    await lagAdmin.connect();
    const stream = new StreamService(producer, topics);
    const sessionsIndex = searchIndexNames(PREFIX).sessions;
    const rows: SecondRow[] = [];
    const results: StepResult[] = [];
    let stepNumber = 0;

    const runStep = async (rate: number, seconds: number): Promise<StepResult> => {
      const step = ++stepNumber;
      const latency = new LatencySampler(es, sessionsIndex, Math.max(1, Math.floor(rate / 50)));
      let produced = 0;
      let lastProduced = 0;
      const stepRows: SecondRow[] = [];
      const cpuBefore = readCpu(cpuSources);
      const startedAt = performance.now();
      latency.start();
      const sampler = setInterval(() => {
        void pipelineLag(kafka, config.TOPIC_PREFIX, { admin: lagAdmin }).then((lags) => {
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
      const lag = judgeLag(
        stepRows.map((r) => ({ atSeconds: r.second, lag: r.lags.reduce((s, l) => s + l.lag, 0) })),
        rate,
      );
      // CPU is charged until the pipeline has done the work the step gave it.
      await waitCaughtUp(kafka, config, { timeoutMs: 300_000 }).catch(() => undefined);
      const cpu = cpuCost(cpuBefore, readCpu(cpuSources), produced, (performance.now() - startedAt) / 1000, [
        GENERATOR,
      ]);
      await latency.stop();
      const all = stepRows.flatMap((r) => r.latencies).concat(latency.take());
      const achieved = produced / seconds;
      const generatorKept = achieved >= rate * 0.9;
      const result: StepResult = {
        step,
        rate,
        seconds,
        events: produced,
        achieved,
        p50: percentile(all, 50),
        p95: percentile(all, 95),
        p99: percentile(all, 99),
        samples: all.length,
        lag,
        generatorKept,
        sustained: lag.verdict === 'sustained' && generatorKept,
        cpu,
      };
      results.push(result);
      console.log(
        `     step ${step}: ${rate}/s for ${seconds} s -> ${lag.verdict}${generatorKept ? '' : ' (the generator fell short of the rate)'}; ` +
          `lag growth ${lag.slope.toFixed(1)} ± ${(2 * lag.stderr).toFixed(1)}/s (tolerated ${lag.tolerated.toFixed(0)}), ` +
          `final lag ${lag.finalLag}; pipeline CPU ${cpu.pipelineUsPerEvent.toFixed(0)} µs/event`,
      );
      return result;
    };

    /** A step, measured again (twice as long each time) while its verdict is marginal. */
    const judgedStep = async (rate: number): Promise<StepResult> => {
      let seconds = numbers.stepSeconds;
      let result = await runStep(rate, seconds);
      for (
        let again = 0;
        again < repeats && result.lag.verdict === 'marginal' && result.generatorKept;
        again++
      ) {
        await waitCaughtUp(kafka, config, { timeoutMs: 300_000 });
        seconds *= 2;
        result = await runStep(rate, seconds);
      }
      return result;
    };

    console.log(
      `step    t    rate produced/s  ${['features', 'scoring', 'indexer'].map((g) => `lag:${g}`.padStart(8)).join(' ')}     p50    p95    p99 (ms)`,
    );
    let best: StepResult | undefined;
    let atHalf: StepResult | undefined;
    if (values['find-max']) {
      let firstFailed: StepResult | undefined;
      for (let rate = numbers.startRate; rate <= numbers.maxRate && stepNumber < 30;) {
        const result = await judgedStep(Math.round(rate));
        if (!result.sustained) {
          firstFailed = result;
          break;
        }
        best = result;
        rate *= numbers.stepFactor;
      }
      for (let k = 0; k < refine && best && firstFailed && firstFailed.rate / best.rate > 1.04; k++) {
        await waitCaughtUp(kafka, config, { timeoutMs: 600_000 });
        const result = await judgedStep(Math.round(Math.sqrt(best.rate * firstFailed.rate)));
        if (result.sustained) best = result;
        else firstFailed = result;
      }
      if (best) {
        await waitCaughtUp(kafka, config, { timeoutMs: 600_000 });
        atHalf = await runStep(Math.round(best.rate / 2), numbers.stepSeconds);
      }
    } else {
      const result = await runStep(numbers.rate, numbers.duration);
      if (result.sustained) best = result;
      atHalf = result;
    }

    console.log('\nloadtest summary');
    console.log(
      renderTable(
        [
          'step',
          'rate/s',
          'achieved/s',
          's',
          'p50',
          'p95',
          'p99 ms',
          'final lag',
          'lag growth/s',
          'verdict',
          'µs/event',
        ],
        results.map((r) => [
          String(r.step),
          String(r.rate),
          String(Math.round(r.achieved)),
          String(r.seconds),
          fmt(r.p50),
          fmt(r.p95),
          fmt(r.p99),
          String(r.lag.finalLag),
          `${r.lag.slope.toFixed(1)} ± ${(2 * r.lag.stderr).toFixed(1)}`,
          r.generatorKept ? r.lag.verdict : 'generator short',
          r.cpu.pipelineUsPerEvent.toFixed(0),
        ]),
      ),
    );
    const costed = best ?? results.at(-1);
    if (costed) {
      console.log(
        `\nCPU per activity event at ${costed.rate} events/s (step ${costed.step}; ${numbers.replicas} replica(s) of each app)`,
      );
      console.log(
        renderTable(
          ['process', 'µs/event', 'cores'],
          [
            ...costed.cpu.stages.map((s) => [s.stage, s.usPerEvent.toFixed(0), s.cores.toFixed(2)]),
            ['pipeline total', costed.cpu.pipelineUsPerEvent.toFixed(0), ''],
            ...costed.cpu.outside.map((s) => [
              `${s.stage} (generator, not in the total)`,
              s.usPerEvent.toFixed(0),
              s.cores.toFixed(2),
            ]),
          ],
        ),
      );
    }
    if (values['find-max']) {
      console.log(
        best
          ? `\nhighest sustained rate: ${best.rate} events/s over ${best.seconds} s (lag growth ${best.lag.slope.toFixed(1)} ± ${(2 * best.lag.stderr).toFixed(1)}/s, tolerated ${best.lag.tolerated.toFixed(0)}), ` +
              `${Math.round(best.rate / numbers.replicas)} events/s per replica; lowest rate not sustained: ${results
                .filter((r) => !r.sustained)
                .reduce((min, r) => Math.min(min, r.rate), Number.POSITIVE_INFINITY)} events/s`
          : `\nnot even ${numbers.startRate} events/s was sustained`,
      );
    }
    if (atHalf && values['find-max']) {
      console.log(
        `latency at half that rate (${atHalf.rate}/s): p50 ${fmt(atHalf.p50)} ms, p95 ${fmt(atHalf.p95)} ms, p99 ${fmt(atHalf.p99)} ms (${atHalf.samples} sampled sessions)`,
      );
    }
    mkdirSync(values.out, { recursive: true });
    writeFileSync(join(values.out, 'loadtest.csv'), csvOf(rows));
    const svg = await renderSvg(chartOf(rows));
    writeFileSync(join(values.out, 'loadtest.svg'), svg);
    writeFileSync(join(values.out, 'loadtest.png'), await svgToPng(svg));
    console.log(`wrote ${join(values.out, 'loadtest.csv')} and loadtest.svg/png`);
    if (values.json) {
      console.log(
        JSON.stringify({
          benchmark: 'loadtest',
          replicas: numbers.replicas,
          partitions: config.ACTIVITY_PARTITIONS,
          sustained_events_per_s: best?.rate ?? 0,
          sustained_events_per_s_per_replica: best ? best.rate / numbers.replicas : 0,
          lag_growth_per_s: best ? round1(best.lag.slope) : null,
          lag_growth_stderr: best ? round1(best.lag.stderr) : null,
          latency_at_rate: atHalf?.rate ?? null,
          p50_ms: atHalf ? Math.round(atHalf.p50) : null,
          p95_ms: atHalf ? Math.round(atHalf.p95) : null,
          p99_ms: atHalf ? Math.round(atHalf.p99) : null,
          cpu_us_per_event: costed ? cpuCostJson(costed.cpu) : {},
          steps: results.map((r) => ({
            rate: r.rate,
            seconds: r.seconds,
            verdict: r.generatorKept ? r.lag.verdict : 'generator_short',
            lag_growth_per_s: round1(r.lag.slope),
            lag_growth_stderr: round1(r.lag.stderr),
            cpu_us_per_event: Math.round(r.cpu.pipelineUsPerEvent),
          })),
        }),
      );
    }
    return 0;
  } finally {
    await producer.disconnect().catch(() => undefined);
    await lagAdmin.disconnect().catch(() => undefined);
    await pipeline.stop();
  }
}

const round1 = (x: number) => (Number.isFinite(x) ? Math.round(x * 10) / 10 : null);

function csvOf(rows: readonly SecondRow[]): string {
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
  return `${csv.join('\n')}\n`;
}

function chartOf(rows: readonly SecondRow[]): Record<string, unknown> {
  const points = rows.flatMap((r, i) => [
    { t: i + 1, series: 'total lag (events)', value: r.lags.reduce((s, l) => s + l.lag, 0), panel: 'lag' },
    { t: i + 1, series: 'produced (events/s)', value: r.producedPerSecond, panel: 'lag' },
    ...[50, 95, 99].flatMap((p) => {
      const v = percentile(r.latencies, p);
      return Number.isNaN(v) ? [] : [{ t: i + 1, series: `p${p} latency (ms)`, value: v, panel: 'latency' }];
    }),
  ]);
  return {
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
  };
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const usage =
      error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    console.error(`loadtest: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(usage ? 2 : 1);
  },
);
