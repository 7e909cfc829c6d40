/**
 * The one interface every random forest engine implements, so training, evaluation, the artifact and
 * the scoring library do not care which engine built the model. Rows are plain number arrays in the
 * order of the model's feature names; labels are 0/1; probabilities are P(label = 1).
 */
export type EngineName = 'ours' | 'ml-random-forest';

export interface ForestOptions {
  /** Number of trees (sklearn's n_estimators, default 100). */
  trees: number;
  /** Seed of every random draw (bootstrap, feature sampling); the same seed gives the same model. */
  seed: number;
}

export interface ForestEngine {
  readonly name: EngineName;
  fit(X: readonly (readonly number[])[], y: readonly number[], progress?: ProgressFn): void;
  predictProba(X: readonly (readonly number[])[]): Float64Array;
  /** One row, without allocating: the scoring hot path. */
  predictRow(row: readonly number[]): number;
  /** A JSON-safe value that `loadEngine` turns back into an engine with identical predictions. */
  toJSON(): EngineJson;
}

export type ProgressFn = (treesDone: number, trees: number) => void;

export interface EngineJson {
  engine: EngineName;
  [key: string]: unknown;
}

export const DEFAULT_FOREST_OPTIONS: ForestOptions = { trees: 100, seed: 42 };
