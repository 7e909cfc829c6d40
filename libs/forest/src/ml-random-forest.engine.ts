/**
 * ml-random-forest (the library the design names) behind our ForestEngine interface.
 *
 * What we verified in ml-random-forest 2.1.0 / ml-cart 2.1.1 (Node 20, 2 cores, this machine):
 * - Training is slow: 10 trees on 8,000 x 6 synthetic rows took 61-66 s with or without OOB, so
 *   100 trees take minutes (see the report and `npm run bench -- train`). The split search in
 *   ml-cart tries every class boundary of a sorted feature and re-partitions and re-scores all node
 *   rows for each (O(n^2) per feature at the root), which is where the time goes.
 * - `predictProbability(X, label)` is wrong: its `reduce` has no initial value, so the first tree's
 *   vote is used as the accumulator (adding label/1e6 instead of 1/nTrees). With 10 trees a row with
 *   9 votes for 1 gets 0.800001 instead of 0.9. Here probabilities are recomputed from
 *   `predictionValues` (each tree's vote) as the exact vote share.
 * - Defaults differ from a textbook forest: maxFeatures 1.0 with replacement: true, drawn ONCE PER
 *   TREE (indexes like [0,2,0,0,1,2]: duplicates, so a tree sees only some features), never per split;
 *   nEstimators 50; ml-cart trees stop at minNumSamples 3 and gainThreshold 0.01 (not grown to purity).
 * - With OOB on (the default) and few trees, training throws "input must not be empty" when some row
 *   is in every bootstrap sample, so OOB is turned off here.
 * This wrapper therefore gives every tree all features (maxFeatures 1.0, replacement false): bagged
 * CART trees, the closest the library gets without per-split sampling. Probabilities are hard-vote
 * shares, not sklearn's mean of leaf fractions.
 */
import { RandomForestClassifier } from 'ml-random-forest';
import { AppError } from '@churnstream/errors';
import {
  DEFAULT_FOREST_OPTIONS,
  type EngineJson,
  type ForestEngine,
  type ForestOptions,
  type ProgressFn,
} from './forest.engine';

export interface MlRandomForestOptions extends ForestOptions {
  /** Fraction (0, 1] or count of features each tree sees (drawn once per tree by the library). */
  maxFeatures: number;
  /** Draw the per-tree features with replacement (the library's default, not ours). */
  replacement: boolean;
}

export const DEFAULT_ML_RANDOM_FOREST_OPTIONS: MlRandomForestOptions = {
  ...DEFAULT_FOREST_OPTIONS,
  maxFeatures: 1.0,
  replacement: false,
};

type RfModel = ReturnType<RandomForestClassifier['toJSON']>;

export class MlRandomForestEngine implements ForestEngine {
  readonly name = 'ml-random-forest' as const;
  readonly options: MlRandomForestOptions;
  private model: RandomForestClassifier | null = null;

  constructor(options: Partial<MlRandomForestOptions> = {}) {
    this.options = { ...DEFAULT_ML_RANDOM_FOREST_OPTIONS, ...options };
  }

  /** The library trains all trees in one call, so progress is only reported at the end. */
  fit(X: readonly (readonly number[])[], y: readonly number[], progress?: ProgressFn): void {
    const model = new RandomForestClassifier({
      nEstimators: this.options.trees,
      seed: this.options.seed,
      maxFeatures: this.options.maxFeatures,
      replacement: this.options.replacement,
      useSampleBagging: true,
      noOOB: true,
    });
    model.train(
      X.map((r) => [...r]),
      [...y],
    );
    this.model = model;
    progress?.(this.options.trees, this.options.trees);
  }

  predictProba(X: readonly (readonly number[])[]): Float64Array {
    const model = this.requireModel();
    const out = new Float64Array(X.length);
    if (X.length === 0) return out;
    const votes = model.predictionValues(X.map((r) => [...r]));
    for (let i = 0; i < X.length; i++) out[i] = voteShare(votes.getRow(i));
    return out;
  }

  predictRow(row: readonly number[]): number {
    return voteShare(
      this.requireModel()
        .predictionValues([[...row]])
        .getRow(0),
    );
  }

  /** The library's own (buggy) probability, kept so the fix can be tested against it. */
  libraryProbability(X: readonly (readonly number[])[]): number[] {
    return this.requireModel().predictProbability(
      X.map((r) => [...r]),
      1,
    );
  }

  /** Each tree's vote for each row, rows x trees. */
  treeVotes(X: readonly (readonly number[])[]): number[][] {
    const votes = this.requireModel().predictionValues(X.map((r) => [...r]));
    return X.map((_, i) => votes.getRow(i));
  }

  toJSON(): EngineJson {
    return { engine: this.name, options: this.options, model: this.requireModel().toJSON() };
  }

  static fromJSON(json: EngineJson): MlRandomForestEngine {
    const engine = new MlRandomForestEngine(json.options as Partial<MlRandomForestOptions>);
    try {
      engine.model = RandomForestClassifier.load(json.model as RfModel);
    } catch (cause) {
      throw new AppError('MODEL_INVALID', `ml-random-forest model does not load: ${String(cause)}`, {
        cause,
      });
    }
    return engine;
  }

  private requireModel(): RandomForestClassifier {
    if (this.model === null) throw new AppError('INTERNAL', 'ml-random-forest engine used before fit');
    return this.model;
  }
}

/** The fraction of trees voting for class 1: what predictProbability should have returned. */
export function voteShare(votes: readonly number[]): number {
  if (votes.length === 0) return 0;
  let ones = 0;
  for (const v of votes) if (v === 1) ones++;
  return ones / votes.length;
}
