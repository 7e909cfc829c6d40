/** Builds an engine by name and turns an engine's JSON back into an engine. */
import { AppError } from '@churnstream/errors';
import type { EngineJson, EngineName, ForestEngine } from './forest.engine';
import { HistogramForest, type HistogramForestOptions } from './histogram.forest';
import { MlRandomForestEngine } from './ml-random-forest.engine';

export const ENGINE_NAMES: readonly EngineName[] = ['ours', 'ml-random-forest'];

/** 'ours' meets the goal (default dataset in seconds, AUC next to sklearn); ml-random-forest does not. */
export const DEFAULT_ENGINE: EngineName = 'ours';

/** Regularisation (leaf size, depth, features per split) applies to 'ours'; ml-random-forest takes trees and seed. */
export function createEngine(name: EngineName, options: Partial<HistogramForestOptions> = {}): ForestEngine {
  return name === 'ours'
    ? new HistogramForest(options)
    : new MlRandomForestEngine({
        ...(options.trees === undefined ? {} : { trees: options.trees }),
        ...(options.seed === undefined ? {} : { seed: options.seed }),
      });
}

export function loadEngine(json: EngineJson): ForestEngine {
  if (json.engine === 'ours') return HistogramForest.fromJSON(json);
  if (json.engine === 'ml-random-forest') return MlRandomForestEngine.fromJSON(json);
  throw new AppError('MODEL_INVALID', `unknown forest engine ${JSON.stringify(json.engine)}`);
}

export function isEngineName(value: string): value is EngineName {
  return (ENGINE_NAMES as readonly string[]).includes(value);
}
