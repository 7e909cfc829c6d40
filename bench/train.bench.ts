/**
 * `npm run bench -- train [--in DIR] [--runs N] [--ml-trees N]`: training the churn forest on the
 * default dataset (predictive framing, the train split of the train command) with our histogram
 * engine against ml-random-forest on the same rows, and scoring throughput of the loaded model.
 * ml-random-forest takes seconds per tree here, so it is timed on --ml-trees trees (default 3) and
 * extrapolated linearly to the same tree count (trees are independent, its cost is linear in them).
 * Then the train use case as `cli train` runs it, fit against evaluation (goal: evaluation <= fit).
 * Without --in the default dataset is generated into a temp folder first.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeBatchDataset } from '@churnstream/dataset-writer';
import { HistogramForest, MlRandomForestEngine } from '@churnstream/forest';
import { rocAuc } from '@churnstream/metrics';
import {
  buildExamples,
  DEFAULT_TRAIN_OPTIONS,
  foldAggregates,
  modelFromArtifact,
  parseArtifact,
  stratifiedSplit,
  trainModel,
} from '@churnstream/model';
import { readModelInput } from '@churnstream/model-data';
import { DEFAULT_GENERATE_OPTIONS, generatePopulation } from '@churnstream/simulation';
import { JSON_OPTION, medianMs, printJson, type Benchmark } from './benchmark';

const TREES = 100;

interface Measured {
  wallMs: number;
  cpuMs: number;
}

/** Median wall and CPU time of a synchronous call over `runs` runs after one warm-up. */
function measure(fn: () => void, runs = 5): Measured {
  fn();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    cpu.push(cpuMs(fn));
    wall.push(performance.now() - t);
  }
  const median = (xs: number[]): number => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
  return { wallMs: median(wall), cpuMs: median(cpu) };
}

/** CPU time of a synchronous call: steadier than wall time on a small machine shared with other work. */
function cpuMs(fn: () => void): number {
  const start = process.cpuUsage();
  fn();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}
const SEED = 42;

export const bench: Benchmark = {
  summary:
    'forest training: our histogram engine vs ml-random-forest on the default dataset; scoring throughput',
  async run(argv: string[]): Promise<number> {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        in: { type: 'string' },
        runs: { type: 'string' },
        'ml-trees': { type: 'string' },
        ...JSON_OPTION,
      },
    });
    const runs = Number(values.runs ?? 3);
    const mlTrees = Number(values['ml-trees'] ?? 3);
    let dir = values.in;
    let tmp: string | null = null;
    if (dir === undefined) {
      tmp = mkdtempSync(join(tmpdir(), 'churnstream-train-bench-'));
      dir = tmp;
      const t = performance.now();
      writeBatchDataset({ population: generatePopulation(DEFAULT_GENERATE_OPTIONS), outDir: dir });
      console.log(
        `generated the default dataset in ${((performance.now() - t) / 1000).toFixed(1)} s (${dir})`,
      );
    }
    try {
      const input = await readModelInput(dir);
      const framed = buildExamples('predictive', input.customers, input.sessions, input.snapshotAtMs);
      const isTest = stratifiedSplit(
        framed.examples.map((e) => e.label),
        0.2,
        SEED,
      );
      const train = framed.examples.filter((_, i) => isTest[i] !== true);
      const test = framed.examples.filter((_, i) => isTest[i] === true);
      const X = train.map((e) => e.features);
      const y = train.map((e) => e.label);
      const Xt = test.map((e) => e.features);
      const yt = test.map((e) => e.label);
      console.log(
        `train rows ${X.length} x ${X[0]?.length ?? 0} features, test rows ${Xt.length}, ${TREES} trees`,
      );

      let ours = new HistogramForest({ trees: TREES, seed: SEED });
      const oursCpuMs = cpuMs(() => {
        ours.fit(X, y);
      });
      const oursMs = await medianMs(
        () => {
          ours = new HistogramForest({ trees: TREES, seed: SEED });
          ours.fit(X, y);
        },
        runs,
        1,
      );
      const oursAuc = rocAuc(yt, ours.predictProba(Xt));
      console.log(
        `ours:             ${(oursMs / 1000).toFixed(2)} s for ${TREES} trees (median of ${runs}; CPU ${(oursCpuMs / 1000).toFixed(2)} s)  test ROC AUC ${oursAuc.toFixed(4)}` +
          `  goal <= 10 s: ${oursMs <= 10_000 ? 'met' : 'MISSED'}`,
      );

      const ml = new MlRandomForestEngine({ trees: mlTrees, seed: SEED });
      const t0 = performance.now();
      const mlCpuMs = cpuMs(() => {
        ml.fit(X, y);
      });
      const mlMs = performance.now() - t0;
      const mlFullMs = (mlMs * TREES) / mlTrees;
      const mlAuc = rocAuc(yt, ml.predictProba(Xt));
      console.log(
        `ml-random-forest: ${(mlMs / 1000).toFixed(2)} s (CPU ${(mlCpuMs / 1000).toFixed(2)} s) for ${mlTrees} trees -> ${(mlFullMs / 1000).toFixed(0)} s ` +
          `for ${TREES} trees (extrapolated linearly)  test ROC AUC ${mlAuc.toFixed(4)} (${mlTrees} trees, vote share)`,
      );
      console.log(
        `ratio: ours is ${(mlFullMs / oursMs).toFixed(0)}x faster than ml-random-forest at ${TREES} trees ` +
          `(wall clock; CPU time ratio ${((mlCpuMs * TREES) / mlTrees / oursCpuMs).toFixed(0)}x)`,
      );

      // Scoring: the artifact as the scorer loads it, one row at a time (the live path).
      const trainStarted = performance.now();
      const result = trainModel(framed, null, {
        ...DEFAULT_TRAIN_OPTIONS,
        engine: 'ours',
        trees: TREES,
        seed: SEED,
        testSize: 0.2,
        threshold: 0.5,
        importanceRepeats: 1,
      });
      const trainUseCaseSeconds = (performance.now() - trainStarted) / 1000;
      const fitSeconds = result.metrics.train_seconds;
      const evaluateSeconds = trainUseCaseSeconds - fitSeconds;
      console.log(
        `train use case: fit ${fitSeconds.toFixed(2)} s, evaluate ${evaluateSeconds.toFixed(2)} s ` +
          `(permutation importance on ${result.metrics.permutation_importance.rows} of ${result.metrics.permutation_importance.test_rows} test rows); ` +
          `evaluate / fit ${(evaluateSeconds / fitSeconds).toFixed(2)}   goal <= 1: ${evaluateSeconds <= fitSeconds ? 'met' : 'NOT met'}`,
      );
      const model = modelFromArtifact(parseArtifact(JSON.parse(JSON.stringify(result.artifact)), 'bench'));
      const rows = Array.from(
        { length: 10_000 },
        (_, i) => framed.examples[i % framed.examples.length]?.features ?? [],
      );
      let sink = 0;
      const one = measure(() => {
        for (const r of rows) sink += model.probability(r);
      });
      const batch = measure(() => {
        sink += model.probabilities(rows)[0] ?? 0;
      });
      const aggs = [...foldAggregates(input.customers, input.sessions, input.snapshotAtMs).values()].slice(
        0,
        10_000,
      );
      const live = measure(() => {
        for (const a of aggs) sink += model.scoreAggregate(a, input.snapshotAtMs).churn_probability;
      });
      const us = (m: Measured, n: number): string =>
        `${((m.wallMs * 1000) / n).toFixed(1)} µs wall / ${((m.cpuMs * 1000) / n).toFixed(1)} µs CPU`;
      console.log(
        [
          `scoring 10,000 customers (median of 5):`,
          `  one feature row at a time: ${one.wallMs.toFixed(0)} ms wall, ${one.cpuMs.toFixed(0)} ms CPU (${us(one, rows.length)} each)`,
          `  one batch of 10,000 rows:  ${batch.wallMs.toFixed(0)} ms wall, ${batch.cpuMs.toFixed(0)} ms CPU (${us(batch, rows.length)} each)`,
          `  live path (aggregate -> features -> score): ${us(live, aggs.length)} each${sink < 0 ? '' : ''}`,
        ].join('\n'),
      );
      printJson(values.json, 'train', {
        train_rows: X.length,
        test_rows: Xt.length,
        trees: TREES,
        ours_fit_ms: oursMs,
        ours_fit_cpu_ms: oursCpuMs,
        ours_auc: oursAuc,
        ml_random_forest_extrapolated_ms: mlFullMs,
        ratio_wall: mlFullMs / oursMs,
        ratio_cpu: (mlCpuMs * TREES) / mlTrees / oursCpuMs,
        train_use_case: {
          fit_s: fitSeconds,
          evaluate_s: evaluateSeconds,
          ratio: evaluateSeconds / fitSeconds,
        },
        scoring_us: {
          one_row_cpu: (one.cpuMs * 1000) / rows.length,
          batch_cpu: (batch.cpuMs * 1000) / rows.length,
          live_cpu: (live.cpuMs * 1000) / aggs.length,
        },
      });
      return 0;
    } finally {
      if (tmp !== null) rmSync(tmp, { recursive: true, force: true });
    }
  },
};
