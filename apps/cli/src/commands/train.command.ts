/**
 * `train`: reads a dataset folder, frames it (predictive by default), trains the model (a random
 * forest blended with an RFM logistic regression, the weight measured on the training rows) and
 * writes model.json, metrics.json, dataset.csv and test_predictions.csv to MODELDIR. The work is
 * libs/model's `trainModel`; this command parses options, reads and writes files and reports.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import {
  choiceOption,
  instantOption,
  numberOption,
  parseOptions,
  usageError,
} from '@churnstream/cli-options';
import { DAY_MS, DEFAULT_CHURN_WINDOW_DAYS } from '@churnstream/churn';
import { DEFAULT_ENGINE, ENGINE_NAMES } from '@churnstream/forest';
import {
  buildExamples,
  DEFAULT_TRAIN_OPTIONS,
  FRAMINGS,
  trainModel,
  type Framing,
  type FramingResult,
} from '@churnstream/model';
import { readModelInput } from '@churnstream/model-data';
import type { CliCommand } from '../cli.command';

const HELP = `usage: npm run cli -- train --in DIR --out MODELDIR [options]

  --in DIR              dataset folder (customers.csv, sessions.csv, manifest.json, truth.csv)
  --out MODELDIR        where model.json, metrics.json, dataset.csv, test_predictions.csv go
  --framing NAME        predictive (default): features up to snapshot_at - 60 days, label = no purchase
                        in the 60 days after; seed: features over the whole window, label = churned
  --engine NAME         ${ENGINE_NAMES.join(' | ')} (default ${DEFAULT_ENGINE})
  --trees N             trees in the forest (default ${DEFAULT_TRAIN_OPTIONS.trees})
  --seed N              seed of the split, the bootstrap and the feature draws (default ${DEFAULT_TRAIN_OPTIONS.seed})
  --test-size X         share of customers held out, stratified (default ${DEFAULT_TRAIN_OPTIONS.testSize})
  --threshold X         probability at or above which churn is predicted (default ${DEFAULT_TRAIN_OPTIONS.threshold})

framing (predictive):
  --snapshot-at ISO     the data's "now" (default: manifest.json's snapshot_at); later sessions are ignored
  --horizon-days N      label = no purchase in the N days after the cutoff (default ${DEFAULT_CHURN_WINDOW_DAYS})
  --cutoff ISO          features as of this instant (default snapshot_at - horizon); cutoff + horizon <= snapshot_at
  --validation NAME     random (default): customers split at random, stratified, --test-size held out;
                        out-of-time: train on the framing at --train-cutoff, test on the one at --cutoff
  --train-cutoff ISO    with out-of-time: the training framing's cutoff (default cutoff - horizon)

model:
  --blend-weight W      the forest's share of the model, the rest is the RFM logistic regression:
                        auto (default) tries 0, 0.1, .., 1 on an inner split of the training customers
                        (with out-of-time: trained one framing earlier, validated on the training
                        framing) and keeps the best; a number fixes it (1 = the forest alone)

forest regularisation (engine ours):
  --min-samples-leaf N  fewest training customers in a leaf (default ${DEFAULT_TRAIN_OPTIONS.minSamplesLeaf})
  --max-depth N         deepest a tree grows (default none: leaves stop it)
  --max-features F      features tried per split: sqrt | all | a count (default ${String(DEFAULT_TRAIN_OPTIONS.maxFeatures)})

metrics.json and the report compare the model and the forest alone with recency alone and the RFM
logistic regression on the same test rows, and say so first when the model does not beat them.`;

function progressLine(): (done: number, total: number) => void {
  let started: number | null = null;
  let last = 0;
  return (done, total) => {
    const now = performance.now();
    // The clock starts at the first tree, so the rate and ETA measure trees only.
    started ??= now - 1;
    if (now - last < 500 && done < total) return;
    last = now;
    const secs = (now - started) / 1000;
    const eta = done > 0 ? (secs / done) * (total - done) : 0;
    process.stderr.write(
      `\rtrain: ${done}/${total} trees  elapsed ${secs.toFixed(1)}s  ETA ${eta.toFixed(1)}s   `,
    );
    if (done === total) process.stderr.write('\n');
  };
}

const fixed =
  (digits: number) =>
  (x: number | null): string =>
    x === null || !Number.isFinite(x) ? 'n/a' : x.toFixed(digits);
const f3 = fixed(3);
const f4 = fixed(4);

export const command: CliCommand = {
  summary: 'train the churn random forest and write model.json, metrics.json and the evaluation CSVs',
  async run(argv: string[]): Promise<number> {
    const { values } = parseOptions(argv, {
      in: { type: 'string' },
      out: { type: 'string' },
      framing: { type: 'string' },
      engine: { type: 'string' },
      trees: { type: 'string' },
      seed: { type: 'string' },
      'test-size': { type: 'string' },
      threshold: { type: 'string' },
      'snapshot-at': { type: 'string' },
      cutoff: { type: 'string' },
      'horizon-days': { type: 'string' },
      validation: { type: 'string' },
      'train-cutoff': { type: 'string' },
      'min-samples-leaf': { type: 'string' },
      'max-depth': { type: 'string' },
      'max-features': { type: 'string' },
      'blend-weight': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help === true) {
      console.log(HELP);
      return 0;
    }
    if (values.in === undefined || values.out === undefined) {
      throw usageError('--in DIR and --out MODELDIR are required');
    }
    const framing: Framing = choiceOption('framing', values.framing, FRAMINGS, 'predictive');
    const engine = choiceOption('engine', values.engine, ENGINE_NAMES, DEFAULT_ENGINE);
    const options = {
      ...DEFAULT_TRAIN_OPTIONS,
      engine,
      trees: numberOption('trees', values.trees, { integer: true, min: 1 }, DEFAULT_TRAIN_OPTIONS.trees),
      seed: numberOption('seed', values.seed, { integer: true, min: 0 }, DEFAULT_TRAIN_OPTIONS.seed),
      testSize: numberOption(
        'test-size',
        values['test-size'],
        { above: 0, below: 1 },
        DEFAULT_TRAIN_OPTIONS.testSize,
      ),
      threshold: numberOption(
        'threshold',
        values.threshold,
        { min: 0, max: 1 },
        DEFAULT_TRAIN_OPTIONS.threshold,
      ),
    };
    const blendWeight =
      values['blend-weight'] === undefined || values['blend-weight'] === 'auto'
        ? ('auto' as const)
        : (numberOption('blend-weight', values['blend-weight'], { min: 0, max: 1 }) ?? ('auto' as const));
    const maxFeatures = values['max-features'];
    const regularisation = {
      minSamplesLeaf: numberOption(
        'min-samples-leaf',
        values['min-samples-leaf'],
        { integer: true, min: 1 },
        DEFAULT_TRAIN_OPTIONS.minSamplesLeaf,
      ),
      maxDepth: numberOption('max-depth', values['max-depth'], { integer: true, min: 1 }) ?? null,
      maxFeatures:
        maxFeatures === 'sqrt' || maxFeatures === 'all'
          ? maxFeatures
          : (numberOption('max-features', maxFeatures, { integer: true, min: 1 }) ??
            DEFAULT_TRAIN_OPTIONS.maxFeatures),
    };
    const horizonDays = numberOption(
      'horizon-days',
      values['horizon-days'],
      { integer: true, min: 1 },
      DEFAULT_CHURN_WINDOW_DAYS,
    );
    const snapshotAt = instantOption('snapshot-at', values['snapshot-at']);
    const cutoff = instantOption('cutoff', values.cutoff);
    const trainCutoff = instantOption('train-cutoff', values['train-cutoff']);
    const validation = choiceOption('validation', values.validation, ['random', 'out-of-time'], 'random');
    if (trainCutoff !== undefined && validation !== 'out-of-time') {
      throw usageError('--train-cutoff: only applies with --validation out-of-time');
    }
    if (framing === 'seed' && (cutoff !== undefined || validation !== 'random')) {
      throw usageError('--cutoff and --validation out-of-time apply to the predictive framing only');
    }
    const inDir = resolve(values.in);
    if (!existsSync(inDir)) throw usageError(`--in ${inDir}: no such dataset folder`);
    const outDir = resolve(values.out);

    const started = performance.now();
    const input = await readModelInput(inDir, snapshotAt === undefined ? {} : { snapshotAt });
    const frame = (cutoffMs: number | undefined, option: string): FramingResult => {
      try {
        return buildExamples(
          framing,
          input.customers,
          input.sessions,
          input.snapshotAtMs,
          horizonDays,
          cutoffMs,
        );
      } catch (error) {
        if (error instanceof RangeError) throw usageError(`${option}: ${error.message}`);
        throw error;
      }
    };
    const testCutoffMs = cutoff === undefined ? undefined : Date.parse(cutoff);
    const testFramed = validation === 'out-of-time' ? frame(testCutoffMs, '--cutoff') : undefined;
    const framed =
      testFramed === undefined
        ? frame(testCutoffMs, '--cutoff')
        : frame(
            trainCutoff === undefined ? testFramed.asOfMs - horizonDays * DAY_MS : Date.parse(trainCutoff),
            '--train-cutoff',
          );
    if (testFramed !== undefined && framed.labelEndMs > testFramed.asOfMs) {
      throw usageError(
        `--train-cutoff: the training labels (to ${new Date(framed.labelEndMs).toISOString()}) would reach past the test cutoff ${new Date(testFramed.asOfMs).toISOString()}`,
      );
    }
    // The blend weight is chosen out of time as well when the history holds a framing before the
    // training one; otherwise trainModel falls back to a random share of the training customers.
    let innerFramed: FramingResult | undefined;
    if (testFramed !== undefined && blendWeight === 'auto') {
      const innerCutoffMs = framed.asOfMs - (testFramed.asOfMs - framed.asOfMs);
      const inner = buildExamples(
        framing,
        input.customers,
        input.sessions,
        input.snapshotAtMs,
        horizonDays,
        innerCutoffMs,
      );
      if (inner.labelEndMs <= framed.asOfMs && inner.examples.length > 0) innerFramed = inner;
    }
    const readSecs = (performance.now() - started) / 1000;
    process.stderr.write(
      `train: ${framed.examples.length.toLocaleString('en')} customers framed (${framing}, as of ` +
        `${new Date(framed.asOfMs).toISOString()}) in ${readSecs.toFixed(1)}s; fitting ${options.trees} trees (${engine})` +
        (blendWeight === 'auto'
          ? ' twice: on the inner split for the blend weight, then on all training rows'
          : '') +
        '\n',
    );
    const modelStarted = performance.now();
    const result = trainModel(
      framed,
      input.truth,
      {
        ...options,
        ...regularisation,
        blendWeight,
        absentColumns: [...input.absent.customers, ...input.absent.sessions],
        progress: progressLine(),
      },
      undefined,
      testFramed,
      innerFramed,
    );
    const modelSecs = (performance.now() - modelStarted) / 1000;
    const { metrics, artifact } = result;

    await mkdir(outDir, { recursive: true });
    const files = {
      'model.json': JSON.stringify(artifact),
      'metrics.json': JSON.stringify(metrics, null, 2) + '\n',
      'dataset.csv': result.datasetCsv,
      'test_predictions.csv': result.predictionsCsv,
    };
    for (const [name, text] of Object.entries(files)) await writeFile(join(outDir, name), text);
    const totalSecs = (performance.now() - started) / 1000;

    const [[tn, fp], [fn, tp]] = metrics.confusion_matrix;
    const top = metrics.feature_importance
      .slice(0, 5)
      .map((f) => `${f.feature} ${f.importance.toFixed(3)}`)
      .join(', ');
    const w = metrics.framing_window;
    const lines = [
      '',
      `train: ${metrics.verdict}`,
      ...[
        { name: 'model (deployed)', roc_auc: metrics.roc_auc, pr_auc: metrics.pr_auc },
        { name: 'forest alone', roc_auc: metrics.forest_roc_auc, pr_auc: metrics.forest_pr_auc },
        ...metrics.baselines,
      ].map((b) => `  ${b.name.padEnd(24)} ROC AUC ${f4(b.roc_auc)}  PR AUC ${f4(b.pr_auc)}`),
      `  blend     forest weight ${metrics.blend.forest_weight}, chosen on ${metrics.blend.chosen_on}` +
        (metrics.blend.inner_roc_auc.length > 0
          ? ` (inner ROC AUC ${metrics.blend.inner_roc_auc.map((c) => `${c.forest_weight}: ${f4(c.roc_auc)}`).join(', ')})`
          : ''),
      `  framing   cutoff ${w.cutoff}, label window ${w.horizon_days} days to ${w.label_end}` +
        (metrics.validation === 'out-of-time'
          ? `; out-of-time test: cutoff ${w.test_cutoff}, labels to ${w.test_label_end}`
          : `; random ${options.testSize} of customers held out`),
      `  forest    min samples per leaf ${regularisation.minSamplesLeaf}, max depth ${regularisation.maxDepth ?? 'none'}, ` +
        `features per split ${String(regularisation.maxFeatures)}`,
      ...(metrics.dropped_features.length > 0
        ? [`  dropped   ${metrics.dropped_features.map((d) => `${d.feature} (${d.reason})`).join('; ')}`]
        : []),
      '',
      result.reportText,
      `train: model ${artifact.version} (${framing} framing, ${engine} engine, ${options.trees} trees, seed ${options.seed})`,
      `  customers ${metrics.train_rows.toLocaleString('en')} train / ${metrics.test_rows.toLocaleString('en')} test, ` +
        `positive rate ${f3(metrics.train_positive_rate)} / ${f3(metrics.test_positive_rate)}` +
        (Object.keys(framed.excluded).length > 0
          ? `; excluded ${Object.entries(framed.excluded)
              .map(([k, v]) => `${v} ${k}`)
              .join(', ')}`
          : ''),
      `  test ROC AUC ${f3(metrics.roc_auc)} (oracle ${f3(metrics.oracle_roc_auc)})  PR AUC ${f3(metrics.pr_auc)}  ` +
        `Brier ${f3(metrics.brier)}  threshold ${options.threshold}`,
      `  confusion [[tn ${tn}, fp ${fp}], [fn ${fn}, tp ${tp}]]`,
      `  permutation importance (ROC AUC drop): ${top}`,
      ...metrics.leakage_warnings.map((w) => `  WARNING leakage: ${w.message}`),
      `  fit ${metrics.train_seconds.toFixed(2)} s; read + frame ${readSecs.toFixed(2)} s, evaluate ` +
        `${(modelSecs - metrics.train_seconds).toFixed(2)} s, total ${totalSecs.toFixed(2)} s`,
      `  wrote ${Object.keys(files).join(', ')} to ${outDir}`,
    ];
    console.log(lines.join('\n'));
    return 0;
  },
};
