/**
 * The train use case, pure: split the examples, fit the chosen engine, evaluate on the held-out
 * customers and assemble the artifact, metrics.json and the two CSVs. The CLI command only reads the
 * dataset, calls this and writes the files, so tests can run the whole pipeline in memory.
 */
import { createHash } from 'node:crypto';
import {
  DEFAULT_CHURN_WINDOW_DAYS,
  FEATURE_NAMES,
  FEATURES_VERSION,
  MISSING_AGE,
  RECENCY_FEATURES,
} from '@churnstream/churn';
import { createEngine, type EngineName, type ProgressFn } from '@churnstream/forest';
import {
  averagePrecision,
  brierScore,
  classificationReport,
  confusionMatrix,
  formatClassificationReport,
  permutationImportance,
  predictLabels,
  rocAuc,
  rocCurve,
  type ClassificationReport,
  type ConfusionMatrix,
} from '@churnstream/metrics';
import { ARTIFACT_FORMAT, modelVersion, type ModelArtifact } from './model.artifact';
import { stratifiedSplit } from './dataset.split';
import type { FramingResult } from './model.framing';

export interface TrainOptions {
  engine: EngineName;
  trees: number;
  seed: number;
  testSize: number;
  threshold: number;
  importanceRepeats: number;
  /** Test rows permutation importance is computed on, a seeded sample when the test set is larger. */
  importanceRows: number;
  progress?: ProgressFn;
}

export const DEFAULT_TRAIN_OPTIONS: TrainOptions = {
  engine: 'ours',
  trees: 100,
  seed: 42,
  testSize: 0.2,
  threshold: 0.5,
  importanceRepeats: 5,
  importanceRows: 2000,
};

/** A feature whose values alone nearly sort customers by label: in the seed framing, the label restated. */
export interface LeakageWarning {
  feature: string;
  single_feature_auc: number;
  message: string;
}

export const LEAKAGE_AUC = 0.95;

export interface ModelMetrics {
  framing: string;
  engine: EngineName;
  version: string;
  features: string[];
  threshold: number;
  roc_auc: number;
  pr_auc: number;
  brier: number;
  /** truth.csv's churn_probability scored against the same test labels: the best any model could do. */
  oracle_roc_auc: number | null;
  oracle_pr_auc: number | null;
  /** What truth.csv's probability predicts; in the seed framing it is not the label being scored. */
  oracle_target: string;
  confusion_matrix: ConfusionMatrix;
  feature_importance: { feature: string; importance: number; std: number }[];
  /** How feature_importance was computed: the ROC AUC drop over `repeats` shuffles of `rows` test rows. */
  permutation_importance: {
    score: 'roc_auc';
    repeats: number;
    rows: number;
    test_rows: number;
    seed: number;
  };
  classification_report: ClassificationReport;
  roc_curve: { fpr: number; tpr: number; threshold: number | null }[];
  train_rows: number;
  test_rows: number;
  train_positive_rate: number;
  test_positive_rate: number;
  train_seconds: number;
  leakage_warnings: LeakageWarning[];
  excluded: Record<string, number>;
}

export interface TrainResult {
  artifact: ModelArtifact;
  metrics: ModelMetrics;
  datasetCsv: string;
  predictionsCsv: string;
  reportText: string;
}

const iso = (ms: number): string => new Date(ms).toISOString();

export function leakageWarnings(framed: FramingResult): LeakageWarning[] {
  const labels = framed.examples.map((e) => e.label);
  const warnings: LeakageWarning[] = [];
  FEATURE_NAMES.forEach((name, f) => {
    const auc = rocAuc(
      labels,
      framed.examples.map((e) => e.features[f] ?? 0),
    );
    const strength = Math.max(auc, 1 - auc);
    const recencyAtLabel = framed.framing === 'seed' && RECENCY_FEATURES.includes(name);
    if (recencyAtLabel) {
      // The churned label is "no purchase for 60 days as of snapshot_at": recency measured at that same
      // instant restates it (exactly for purchases, closely for any activity), whatever its AUC here.
      warnings.push({
        feature: name,
        single_feature_auc: strength,
        message:
          `${name} is measured at snapshot_at, the instant the churned label is defined at (single-feature AUC ` +
          `${strength.toFixed(3)}): target leakage in the seed framing; use the predictive framing`,
      });
    } else if (strength >= LEAKAGE_AUC) {
      warnings.push({
        feature: name,
        single_feature_auc: strength,
        message:
          `${name} alone ranks customers by label with AUC ${strength.toFixed(3)}: it nearly defines the label ` +
          `in the ${framed.framing} framing (target leakage); metrics of this model overstate what it can predict`,
      });
    }
  });
  return warnings;
}

export function trainModel(
  framed: FramingResult,
  truth: ReadonlyMap<string, number> | null,
  options: TrainOptions = DEFAULT_TRAIN_OPTIONS,
  now: () => number = () => performance.now(),
): TrainResult {
  const { examples } = framed;
  const labels = examples.map((e) => e.label);
  const isTest = stratifiedSplit(labels, options.testSize, options.seed);
  const train = examples.filter((_, i) => isTest[i] !== true);
  const test = examples.filter((_, i) => isTest[i] === true);

  const datasetCsv =
    ['customer_id', ...FEATURE_NAMES, 'label', 'split'].join(',') +
    '\n' +
    examples
      .map((e, i) =>
        [e.customer_id, ...e.features.map(String), e.label, isTest[i] === true ? 'test' : 'train'].join(','),
      )
      .join('\n') +
    '\n';
  const dataSha256 = createHash('sha256').update(datasetCsv).digest('hex');
  const version = modelVersion(framed.framing, options.engine, dataSha256);

  const engine = createEngine(options.engine, { trees: options.trees, seed: options.seed });
  const started = now();
  engine.fit(
    train.map((e) => e.features),
    train.map((e) => e.label),
    options.progress,
  );
  const trainSeconds = (now() - started) / 1000;

  const Xtest = test.map((e) => e.features);
  const yTest = test.map((e) => e.label);
  const yProb = engine.predictProba(Xtest);
  const yPred = predictLabels(yProb, options.threshold);
  const report = classificationReport(yTest, yPred);
  const truthScores = truth === null ? null : test.map((e) => truth.get(e.customer_id) ?? Number.NaN);
  const oracleUsable = truthScores !== null && truthScores.every(Number.isFinite);
  const importance = permutationImportance({
    X: Xtest,
    y: yTest,
    predict: (X) => engine.predictProba(X),
    score: rocAuc,
    repeats: options.importanceRepeats,
    seed: options.seed,
    maxRows: options.importanceRows,
  });

  const rate = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const metrics: ModelMetrics = {
    framing: framed.framing,
    engine: options.engine,
    version,
    features: [...FEATURE_NAMES],
    threshold: options.threshold,
    roc_auc: rocAuc(yTest, yProb),
    pr_auc: averagePrecision(yTest, yProb),
    brier: brierScore(yTest, yProb),
    oracle_roc_auc: oracleUsable ? rocAuc(yTest, truthScores) : null,
    oracle_pr_auc: oracleUsable ? averagePrecision(yTest, truthScores) : null,
    oracle_target: 'P(no purchase in (snapshot_at - 60 days, snapshot_at]): the predictive label',
    confusion_matrix: confusionMatrix(yTest, yPred),
    feature_importance: importance
      .map((imp) => ({
        feature: FEATURE_NAMES[imp.feature] ?? String(imp.feature),
        importance: imp.mean,
        std: imp.std,
      }))
      .sort((a, b) => b.importance - a.importance),
    permutation_importance: {
      score: 'roc_auc',
      repeats: options.importanceRepeats,
      rows: Math.min(test.length, options.importanceRows),
      test_rows: test.length,
      seed: options.seed,
    },
    classification_report: report,
    roc_curve: rocCurve(yTest, yProb).map((p) => ({
      fpr: p.fpr,
      tpr: p.tpr,
      threshold: Number.isFinite(p.threshold) ? p.threshold : null,
    })),
    train_rows: train.length,
    test_rows: test.length,
    train_positive_rate: rate(train.map((e) => e.label)),
    test_positive_rate: rate(yTest),
    train_seconds: trainSeconds,
    leakage_warnings: leakageWarnings(framed),
    excluded: framed.excluded,
  };

  const artifact: ModelArtifact = {
    format: ARTIFACT_FORMAT,
    version,
    framing: framed.framing,
    engine: options.engine,
    threshold: options.threshold,
    features: [...FEATURE_NAMES],
    preprocessing: {
      feature_function: '@churnstream/churn customerFeatures(aggregate, asOfMs)',
      features_version: FEATURES_VERSION,
      as_of:
        framed.framing === 'predictive'
          ? `cutoff = snapshot_at - ${DEFAULT_CHURN_WINDOW_DAYS} days; score live aggregates as of the watermark`
          : 'snapshot_at (seed framing: descriptive, recency features leak the label)',
      missing_age: MISSING_AGE,
      horizon_days: DEFAULT_CHURN_WINDOW_DAYS,
    },
    training: {
      data_sha256: dataSha256,
      seed: options.seed,
      trees: options.trees,
      test_size: options.testSize,
      train_rows: train.length,
      test_rows: test.length,
      train_positive_rate: metrics.train_positive_rate,
      snapshot_at: iso(framed.snapshotAtMs),
      as_of: iso(framed.asOfMs),
    },
    metrics: {
      roc_auc: metrics.roc_auc,
      pr_auc: metrics.pr_auc,
      brier: metrics.brier,
      oracle_roc_auc: metrics.oracle_roc_auc,
      accuracy: report.accuracy,
    },
    forest: engine.toJSON(),
  };

  const predictionsCsv =
    'customer_id,y_true,y_prob,y_pred\n' +
    test.map((e, i) => `${e.customer_id},${e.label},${String(yProb[i] ?? 0)},${yPred[i] ?? 0}`).join('\n') +
    '\n';

  return { artifact, metrics, datasetCsv, predictionsCsv, reportText: formatClassificationReport(report) };
}
