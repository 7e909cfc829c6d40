/**
 * The scoring library: a loaded model scores a feature vector, or a CustomerAggregate as of an instant
 * through the same `customerFeatures` training used. Pure and synchronous; one customer costs one walk
 * down each tree and the regression's dot product (microseconds), so the live scorer and the batch
 * `score` command share it as is. Every path goes through `blendProbability`, so one row, many rows
 * and the aggregates give the same number bit for bit.
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
import { blendProbabilities, blendProbability } from './model.blend';
import { rfmProbabilities } from './rfm.logistic';

export interface ChurnPrediction {
  churn_probability: number;
  churn_predicted: boolean;
}

export interface ChurnModel {
  readonly version: string;
  readonly threshold: number;
  readonly features: readonly string[];
  readonly artifact: ModelArtifact;
  /** P(churn) of one customerFeatures vector (all of FEATURE_NAMES; the model picks its `features`). */
  probability(features: readonly number[]): number;
  /** P(churn) of many vectors at once: identical values, faster (each tree is walked for all rows). */
  probabilities(rows: readonly (readonly number[])[]): Float64Array;
  /** Features of the aggregate as of `asOfMs` (cutoff, snapshot or watermark), then the probability. */
  scoreAggregate(agg: CustomerAggregate, asOfMs: number): ChurnPrediction;
  /**
   * Many aggregates, each as of its own instant: the same predictions as scoreAggregate one by one,
   * bit for bit, but each tree is walked for every row while it is in the CPU's cache. Beside other
   * busy processes, a row-by-row walk of a large forest misses the cache at nearly every node.
   */
  scoreAggregates(items: readonly { aggregate: CustomerAggregate; asOfMs: number }[]): ChurnPrediction[];
}

/**
 * Where each of the model's features sits in customerFeatures' vector, or null when the model's
 * features are not an in-order subset of this build's (a model may leave out features training dropped).
 */
function featureIndices(features: readonly string[]): number[] | null {
  const indices: number[] = [];
  let from = 0;
  for (const f of features) {
    const at = (FEATURE_NAMES as readonly string[]).indexOf(f, from);
    if (at === -1) return null;
    indices.push(at);
    from = at + 1;
  }
  return indices;
}

/** Builds a model from an already validated artifact; refuses one whose features are not ours. */
export function modelFromArtifact(artifact: ModelArtifact, source = 'model.json'): ChurnModel {
  const indices = featureIndices(artifact.features);
  if (indices === null || artifact.preprocessing.features_version !== FEATURES_VERSION) {
    throw new AppError(
      'MODEL_INVALID',
      `${source}: trained on features [${artifact.features.join(', ')}] v${artifact.preprocessing.features_version}; ` +
        `this build computes [${FEATURE_NAMES.join(', ')}] v${FEATURES_VERSION}`,
      { details: { path: source } },
    );
  }
  const engine: ForestEngine = loadEngine(artifact.forest);
  const threshold = artifact.threshold;
  const all = indices.length === FEATURE_NAMES.length;
  const select = (row: readonly number[]): readonly number[] => (all ? row : indices.map((i) => row[i] ?? 0));
  const blend = artifact.blend;
  // A format 1 artifact is its forest alone.
  const one = (row: readonly number[]): number => {
    const forest = engine.predictRow(select(row));
    return blend === undefined
      ? forest
      : blendProbability(blend.forest_weight, forest, rfmProbabilities(blend.logistic, [row])[0] ?? 0);
  };
  const many = (rows: readonly (readonly number[])[]): Float64Array => {
    const forest = engine.predictProba(all ? rows : rows.map(select));
    return blend === undefined
      ? forest
      : blendProbabilities(blend.forest_weight, forest, rfmProbabilities(blend.logistic, rows));
  };
  return {
    version: artifact.version,
    threshold,
    features: artifact.features,
    artifact,
    probability: one,
    probabilities: many,
    scoreAggregate(agg, asOfMs) {
      const p = one(customerFeatures(agg, asOfMs));
      return { churn_probability: p, churn_predicted: p >= threshold };
    },
    scoreAggregates(items) {
      if (items.length === 0) return [];
      const rows = items.map((item) => customerFeatures(item.aggregate, item.asOfMs));
      return Array.from(many(rows), (p) => ({
        churn_probability: p,
        churn_predicted: p >= threshold,
      }));
    },
  };
}
