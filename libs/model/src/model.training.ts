/**
 * The train use case, pure: split the examples (customers at random, or out of time: a later framing
 * as the test set), drop the features that are missing from the source or constant, choose the blend
 * of forest and RFM logistic regression on an inner split of the training rows (model.blend.ts), fit
 * both on all training rows, evaluate the blend on the held-out rows beside the forest alone and two
 * baselines on the same rows (recency alone, and the RFM logistic regression), and assemble the
 * artifact, metrics.json and the two CSVs. The CLI command only reads the dataset, calls this and writes the
 * files, so tests can run the whole pipeline in memory.
 */
import { createHash } from 'node:crypto';
import { FEATURE_NAMES, FEATURES_VERSION, MISSING_AGE, RECENCY_FEATURES } from '@churnstream/churn';
import { AppError } from '@churnstream/errors';
import { createEngine, type EngineName, type ForestEngine, type ProgressFn } from '@churnstream/forest';
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
import { driftReference } from './drift.reference';
import { stratifiedSplit } from './dataset.split';
import { blendProbabilities, chooseBlendWeight, type Blend } from './model.blend';
import { fitRfmLogistic, rfmProbabilities, RFM_INPUTS, type RfmLogistic } from './rfm.logistic';
import type { Example, FramingResult } from './model.framing';

export interface TrainOptions {
  engine: EngineName;
  trees: number;
  seed: number;
  testSize: number;
  threshold: number;
  importanceRepeats: number;
  /** Fewest training rows in a leaf: the forest's main regularisation. */
  minSamplesLeaf: number;
  /** null grows trees until minSamplesLeaf stops them. */
  maxDepth: number | null;
  /** Features tried at each split. */
  maxFeatures: 'sqrt' | 'all' | number;
  /** Optional source columns the dataset lacks: the features computed from them are dropped as missing. */
  absentColumns?: readonly string[];
  /** Test rows permutation importance is computed on, a seeded sample when the test set is larger. */
  importanceRows: number;
  /** The forest's share of the blend: 'auto' measures it on an inner split of the training rows. */
  blendWeight: 'auto' | number;
  progress?: ProgressFn;
}

/**
 * Regularisation defaults chosen by measurement on the synthetic default population and on the CDNOW
 * log (random and out-of-time splits): grown to purity, trees memorise single customers and lose to
 * recency alone on a real log; leaves of 50 customers with sqrt(p) features per split do best on both.
 */
export const DEFAULT_TRAIN_OPTIONS: TrainOptions = {
  engine: 'ours',
  trees: 100,
  seed: 42,
  testSize: 0.2,
  threshold: 0.5,
  importanceRepeats: 5,
  minSamplesLeaf: 50,
  maxDepth: null,
  maxFeatures: 'sqrt',
  importanceRows: 2000,
  blendWeight: 'auto',
};

/** The source column each feature is computed from, when that column is optional. */
const FEATURE_SOURCES: Partial<Record<string, string>> = {
  age: 'age',
  session_duration: 'session_end',
  pages_viewed: 'pages_viewed',
  pages_per_session: 'pages_viewed',
  products_added_to_cart: 'products_added_to_cart',
  cart_conversion: 'products_added_to_cart',
};

export interface DroppedFeature {
  feature: string;
  reason: string;
}

/** Features missing from the source (an absent column) or constant over the training rows. */
export function droppedFeatures(
  train: readonly Example[],
  absentColumns: readonly string[] = [],
): DroppedFeature[] {
  const dropped: DroppedFeature[] = [];
  FEATURE_NAMES.forEach((name, f) => {
    const source = FEATURE_SOURCES[name];
    if (source !== undefined && absentColumns.includes(source)) {
      dropped.push({ feature: name, reason: `missing: the dataset has no ${source} column` });
      return;
    }
    const first = train[0]?.features[f];
    if (train.every((e) => e.features[f] === first)) {
      dropped.push({ feature: name, reason: `constant: ${String(first)} for every training customer` });
    }
  });
  return dropped;
}

export interface BaselineMetrics {
  name: string;
  features: string[];
  roc_auc: number;
  pr_auc: number;
}

const RECENCY = FEATURE_NAMES.indexOf('days_since_last_purchase');

/** The honest baselines, on the test rows the model is scored on; `logistic` is fitted on the training rows. */
export function baselines(test: readonly Example[], logistic: RfmLogistic): BaselineMetrics[] {
  const yTest = test.map((e) => e.label);
  const recency = test.map((e) => e.features[RECENCY] ?? 0);
  const lr = rfmProbabilities(
    logistic,
    test.map((e) => e.features),
  );
  return [
    {
      name: 'recency alone',
      features: ['days_since_last_purchase'],
      roc_auc: rocAuc(yTest, recency),
      pr_auc: averagePrecision(yTest, recency),
    },
    {
      name: 'RFM logistic regression',
      features: [...RFM_INPUTS],
      roc_auc: rocAuc(yTest, lr),
      pr_auc: averagePrecision(yTest, lr),
    },
  ];
}

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
  /** The deployed model: the blend of forest and RFM logistic regression. */
  roc_auc: number;
  pr_auc: number;
  brier: number;
  /** The forest alone on the same test rows. */
  forest_roc_auc: number;
  forest_pr_auc: number;
  /** The forest's weight in the blend and how it was chosen (never on test rows). */
  blend: { forest_weight: number; chosen_on: string; inner_roc_auc: Blend['inner_roc_auc'] };
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
  /** How the rows were split: customers at random, or out of time (test rows framed at a later cutoff). */
  validation: 'random' | 'out-of-time';
  framing_window: {
    snapshot_at: string;
    cutoff: string;
    label_end: string;
    horizon_days: number;
    test_cutoff: string;
    test_label_end: string;
  };
  forest_options: {
    min_samples_leaf: number;
    max_depth: number | null;
    max_features: 'sqrt' | 'all' | number;
  };
  dropped_features: DroppedFeature[];
  baselines: BaselineMetrics[];
  best_baseline: BaselineMetrics;
  /** The model's ROC AUC minus the best baseline's. */
  margin_over_best_baseline: number;
  /** One line: does the model earn its place over the baselines? */
  verdict: string;
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

/**
 * `testFramed`, when given, is the out-of-time test set: every example of `framed` trains, and the
 * examples of the later framing test. Otherwise customers are split at random, stratified.
 * `innerFramed`, with `testFramed`, is the framing one step before `framed`: the blend weight is then
 * chosen out of time too, fitted on it and validated on `framed`. Without it the weight is chosen on
 * a stratified random share of the training customers.
 */
export function trainModel(
  framed: FramingResult,
  truth: ReadonlyMap<string, number> | null,
  options: TrainOptions = DEFAULT_TRAIN_OPTIONS,
  now: () => number = () => performance.now(),
  testFramed?: FramingResult,
  innerFramed?: FramingResult,
): TrainResult {
  let train: Example[];
  let test: Example[];
  if (testFramed === undefined) {
    const isTest = stratifiedSplit(
      framed.examples.map((e) => e.label),
      options.testSize,
      options.seed,
    );
    train = framed.examples.filter((_, i) => isTest[i] !== true);
    test = framed.examples.filter((_, i) => isTest[i] === true);
  } else {
    train = [...framed.examples];
    test = [...testFramed.examples];
  }
  if (train.length === 0 || test.length === 0) {
    throw new AppError(
      'DATASET_INVALID',
      `no ${train.length === 0 ? 'training' : 'test'} customers after framing (excluded: ${JSON.stringify(framed.excluded)})`,
    );
  }
  const testFrame = testFramed ?? framed;

  const row = (e: Example, split: string) =>
    [e.customer_id, ...e.features.map(String), e.label, split].join(',');
  const datasetCsv =
    ['customer_id', ...FEATURE_NAMES, 'label', 'split'].join(',') +
    '\n' +
    [...train.map((e) => row(e, 'train')), ...test.map((e) => row(e, 'test'))].join('\n') +
    '\n';
  const dataSha256 = createHash('sha256').update(datasetCsv).digest('hex');
  const version = modelVersion(framed.framing, options.engine, dataSha256);

  const dropped = droppedFeatures(train, options.absentColumns);
  const kept = FEATURE_NAMES.flatMap((name, f) => (dropped.some((d) => d.feature === name) ? [] : [f]));
  if (kept.length === 0) {
    throw new AppError('DATASET_INVALID', 'every feature is missing or constant: nothing to learn from');
  }
  const keptNames = kept.map((f) => FEATURE_NAMES[f] ?? String(f));
  const select = (e: Example): number[] => kept.map((f) => e.features[f] ?? 0);

  const inner = innerSplit(train, framed, options, innerFramed);
  const fits = options.blendWeight === 'auto' && inner !== null ? 2 : 1;
  const fitForest = (rows: readonly Example[], round: number): ForestEngine => {
    const forest = createEngine(options.engine, {
      trees: options.trees,
      seed: options.seed,
      minSamplesLeaf: options.minSamplesLeaf,
      maxDepth: options.maxDepth,
      maxFeatures: options.maxFeatures,
    });
    const progress = options.progress;
    forest.fit(
      rows.map(select),
      rows.map((e) => e.label),
      progress === undefined
        ? undefined
        : (done, trees) => {
            progress(round * trees + done, fits * trees);
          },
    );
    return forest;
  };
  const started = now();
  let choice: { forest_weight: number; chosen_on: string; inner_roc_auc: Blend['inner_roc_auc'] };
  if (options.blendWeight !== 'auto') {
    choice = { forest_weight: options.blendWeight, chosen_on: 'given (--blend-weight)', inner_roc_auc: [] };
  } else if (inner === null) {
    choice = {
      forest_weight: 1,
      chosen_on: 'too few training customers for an inner split: the forest alone',
      inner_roc_auc: [],
    };
  } else {
    const innerForest = fitForest(inner.train, 0);
    const innerLogistic = fitRfmLogistic(
      inner.train.map((e) => e.features),
      inner.train.map((e) => e.label),
    );
    const made = chooseBlendWeight(
      inner.validation.map((e) => e.label),
      innerForest.predictProba(inner.validation.map(select)),
      rfmProbabilities(
        innerLogistic,
        inner.validation.map((e) => e.features),
      ),
    );
    choice = {
      forest_weight: made.forestWeight,
      chosen_on: inner.description,
      inner_roc_auc: made.innerRocAuc,
    };
  }
  const engine = fitForest(train, fits - 1);
  const logistic = fitRfmLogistic(
    train.map((e) => e.features),
    train.map((e) => e.label),
  );
  const trainSeconds = (now() - started) / 1000;
  const w = choice.forest_weight;
  // Rows are whole customerFeatures vectors: the forest reads its kept features, the regression its three.
  const modelProba = (rows: readonly (readonly number[])[]): Float64Array =>
    blendProbabilities(
      w,
      engine.predictProba(rows.map((r) => kept.map((f) => r[f] ?? 0))),
      rfmProbabilities(logistic, rows),
    );

  const Xtest = test.map(select);
  const yTest = test.map((e) => e.label);
  const forestProb = engine.predictProba(Xtest);
  const yProb = blendProbabilities(
    w,
    forestProb,
    rfmProbabilities(
      logistic,
      test.map((e) => e.features),
    ),
  );
  const yPred = predictLabels(yProb, options.threshold);
  const report = classificationReport(yTest, yPred);
  const truthScores = truth === null ? null : test.map((e) => truth.get(e.customer_id) ?? Number.NaN);
  const oracleUsable = truthScores !== null && truthScores.every(Number.isFinite);
  const importance = permutationImportance({
    X: test.map((e) => e.features),
    y: yTest,
    predict: modelProba,
    score: rocAuc,
    repeats: options.importanceRepeats,
    seed: options.seed,
    maxRows: options.importanceRows,
  });

  const rate = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const rocAucModel = rocAuc(yTest, yProb);
  const baselineMetrics = baselines(test, logistic);
  const best = baselineMetrics.reduce((a, b) => (b.roc_auc > a.roc_auc ? b : a));
  const margin = rocAucModel - best.roc_auc;
  const name = `the model (forest weight ${w.toFixed(1)}, RFM logistic regression ${(1 - w).toFixed(1)}; ROC AUC ${rocAucModel.toFixed(4)})`;
  const verdict =
    w === 0
      ? `the model is the RFM logistic regression alone (ROC AUC ${rocAucModel.toFixed(4)}): the forest added nothing on the inner split; best baseline ${best.name} (${best.roc_auc.toFixed(4)})`
      : margin > 0
        ? `${name} beats the best baseline, ${best.name} (${best.roc_auc.toFixed(4)}), by ${margin.toFixed(4)}`
        : `WARNING: ${name} does NOT beat the best baseline, ${best.name} (${best.roc_auc.toFixed(4)}): ` +
          `deploy the baseline, or regularise the forest more (--min-samples-leaf)`;
  const metrics: ModelMetrics = {
    framing: framed.framing,
    engine: options.engine,
    version,
    features: keptNames,
    threshold: options.threshold,
    roc_auc: rocAucModel,
    pr_auc: averagePrecision(yTest, yProb),
    brier: brierScore(yTest, yProb),
    forest_roc_auc: rocAuc(yTest, forestProb),
    forest_pr_auc: averagePrecision(yTest, forestProb),
    blend: choice,
    oracle_roc_auc: oracleUsable ? rocAuc(yTest, truthScores) : null,
    oracle_pr_auc: oracleUsable ? averagePrecision(yTest, truthScores) : null,
    oracle_target: 'P(no purchase in (snapshot_at - 60 days, snapshot_at]): the predictive label',
    confusion_matrix: confusionMatrix(yTest, yPred),
    feature_importance: importance
      .filter((imp) => kept.includes(imp.feature))
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
    validation: testFramed === undefined ? 'random' : 'out-of-time',
    framing_window: {
      snapshot_at: iso(framed.snapshotAtMs),
      cutoff: iso(framed.asOfMs),
      label_end: iso(framed.labelEndMs),
      horizon_days: framed.horizonDays,
      test_cutoff: iso(testFrame.asOfMs),
      test_label_end: iso(testFrame.labelEndMs),
    },
    forest_options: {
      min_samples_leaf: options.minSamplesLeaf,
      max_depth: options.maxDepth,
      max_features: options.maxFeatures,
    },
    dropped_features: dropped,
    baselines: baselineMetrics,
    best_baseline: best,
    margin_over_best_baseline: margin,
    verdict,
  };

  const artifact: ModelArtifact = {
    format: ARTIFACT_FORMAT,
    version,
    framing: framed.framing,
    engine: options.engine,
    threshold: options.threshold,
    features: keptNames,
    preprocessing: {
      feature_function: '@churnstream/churn customerFeatures(aggregate, asOfMs)',
      features_version: FEATURES_VERSION,
      as_of:
        framed.framing === 'predictive'
          ? `features as of the cutoff, label = no purchase in the ${framed.horizonDays} days after it; score live aggregates as of the watermark`
          : 'snapshot_at (seed framing: descriptive, recency features leak the label)',
      missing_age: MISSING_AGE,
      horizon_days: framed.horizonDays,
      dropped_features: dropped,
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
      cutoff: iso(framed.asOfMs),
      label_end: iso(framed.labelEndMs),
      validation: metrics.validation,
      min_samples_leaf: options.minSamplesLeaf,
      max_depth: options.maxDepth,
      max_features: options.maxFeatures,
    },
    metrics: {
      roc_auc: metrics.roc_auc,
      pr_auc: metrics.pr_auc,
      brier: metrics.brier,
      oracle_roc_auc: metrics.oracle_roc_auc,
      accuracy: report.accuracy,
      forest_roc_auc: metrics.forest_roc_auc,
      forest_weight: w,
      ...Object.fromEntries(baselineMetrics.map((b) => [`baseline ${b.name} roc_auc`, b.roc_auc])),
    },
    reference: driftReference(
      FEATURE_NAMES,
      train.map((e) => e.features),
      yProb,
    ),
    forest: engine.toJSON(),
    blend: { ...choice, logistic },
  };

  const predictionsCsv =
    'customer_id,y_true,y_prob,y_pred\n' +
    test.map((e, i) => `${e.customer_id},${e.label},${String(yProb[i] ?? 0)},${yPred[i] ?? 0}`).join('\n') +
    '\n';

  return { artifact, metrics, datasetCsv, predictionsCsv, reportText: formatClassificationReport(report) };
}

/**
 * The inner split the blend weight is chosen on, from training rows only: out of time when the framing
 * before the training one is given (and has customers), else a stratified random share of the
 * training customers with the next seed. Null when either side would be empty.
 */
function innerSplit(
  train: readonly Example[],
  framed: FramingResult,
  options: TrainOptions,
  innerFramed: FramingResult | undefined,
): { train: Example[]; validation: Example[]; description: string } | null {
  if (innerFramed !== undefined && innerFramed.examples.length > 0) {
    return {
      train: innerFramed.examples,
      validation: [...train],
      description:
        `out of time, on training data only: fitted on the framing at ${iso(innerFramed.asOfMs)}, ` +
        `validated on the training framing at ${iso(framed.asOfMs)}`,
    };
  }
  const isValidation = stratifiedSplit(
    train.map((e) => e.label),
    options.testSize,
    options.seed + 1,
  );
  const inner = train.filter((_, i) => isValidation[i] !== true);
  const validation = train.filter((_, i) => isValidation[i] === true);
  if (inner.length === 0 || validation.length === 0) return null;
  return {
    train: inner,
    validation,
    description: `a stratified random ${options.testSize} of the training customers (seed ${options.seed + 1})`,
  };
}
