/**
 * The scoring library: a loaded model scores a feature vector, or a CustomerAggregate as of an instant
 * through the same `customerFeatures` training used. Pure and synchronous; one customer costs one walk
 * down each tree (microseconds), so the live scorer and the batch `score` command share it as is.
 */
import {
  customerFeatures,
  FEATURE_NAMES,
  FEATURES_VERSION,
  type CustomerAggregate,
} from '@churnstream/churn';
import { AppError } from '@churnstream/errors';
import { loadEngine, type ForestEngine } from '@churnstream/forest';
import type { ModelArtifact } from './model.artifact';

export interface ChurnPrediction {
  churn_probability: number;
  churn_predicted: boolean;
}

export interface ChurnModel {
  readonly version: string;
  readonly threshold: number;
  readonly features: readonly string[];
  readonly artifact: ModelArtifact;
  /** P(churn) of one feature vector in `features` order. */
  probability(features: readonly number[]): number;
  /** P(churn) of many vectors at once: identical values, faster (each tree is walked for all rows). */
  probabilities(rows: readonly (readonly number[])[]): Float64Array;
  /** Features of the aggregate as of `asOfMs` (cutoff, snapshot or watermark), then the probability. */
  scoreAggregate(agg: CustomerAggregate, asOfMs: number): ChurnPrediction;
}

/** Builds a model from an already validated artifact; refuses one whose features are not ours. */
export function modelFromArtifact(artifact: ModelArtifact, source = 'model.json'): ChurnModel {
  const same =
    artifact.features.length === FEATURE_NAMES.length &&
    artifact.features.every((f, i) => f === FEATURE_NAMES[i]);
  if (!same || artifact.preprocessing.features_version !== FEATURES_VERSION) {
    throw new AppError(
      'MODEL_INVALID',
      `${source}: trained on features [${artifact.features.join(', ')}] v${artifact.preprocessing.features_version}; ` +
        `this build computes [${FEATURE_NAMES.join(', ')}] v${FEATURES_VERSION}`,
      { details: { path: source } },
    );
  }
  const engine: ForestEngine = loadEngine(artifact.forest);
  const threshold = artifact.threshold;
  return {
    version: artifact.version,
    threshold,
    features: artifact.features,
    artifact,
    probability: (features) => engine.predictRow(features),
    probabilities: (rows) => engine.predictProba(rows),
    scoreAggregate(agg, asOfMs) {
      const p = engine.predictRow(customerFeatures(agg, asOfMs));
      return { churn_probability: p, churn_predicted: p >= threshold };
    },
  };
}
