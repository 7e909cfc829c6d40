import { customerFeatures } from '@churnstream/churn';
import { type ChurnModel, foldAggregates, loadModel } from '@churnstream/model';
import { readModelInput } from './model-input.source';

export interface DatasetScore {
  customer_id: string;
  churn_probability: number;
  churn_predicted: boolean;
  threshold: number;
  model_version: string;
}

export interface DatasetScores {
  model: ChurnModel;
  snapshotAtMs: number;
  scores: DatasetScore[];
  /** Milliseconds spent computing features and scoring, reading the files aside. */
  scoreMs: number;
}

/**
 * Every customer of a batch dataset scored by a trained model, features as of the dataset's
 * snapshot_at: what `cli score` writes and what a bulk load stores as the customers' scores.
 */
export async function scoreDataset(modelPath: string, dir: string): Promise<DatasetScores> {
  const model = await loadModel(modelPath);
  const input = await readModelInput(dir);
  const aggregates = [...foldAggregates(input.customers, input.sessions, input.snapshotAtMs).values()];
  const started = performance.now();
  const probabilities = model.probabilities(
    aggregates.map((agg) => customerFeatures(agg, input.snapshotAtMs)),
  );
  const scores = aggregates.map((agg, i) => {
    const p = probabilities[i] ?? Number.NaN;
    return {
      customer_id: agg.customer_id,
      churn_probability: p,
      churn_predicted: p >= model.threshold,
      threshold: model.threshold,
      model_version: model.version,
    };
  });
  return { model, snapshotAtMs: input.snapshotAtMs, scores, scoreMs: performance.now() - started };
}
