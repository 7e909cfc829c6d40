/** Builds an engine by name and turns an engine's JSON back into an engine. */
import { AppError } from '@churnstream/errors';
import type { EngineJson, EngineName, ForestEngine, ForestOptions } from './forest.engine';
import { HistogramForest } from './histogram.forest';
import { MlRandomForestEngine } from './ml-random-forest.engine';

export const ENGINE_NAMES: readonly EngineName[] = ['ours', 'ml-random-forest'];

/** 'ours' meets the goal (default dataset in seconds, AUC next to sklearn); ml-random-forest does not. */
export const DEFAULT_ENGINE: EngineName = 'ours';

export function createEngine(name: EngineName, options: Partial<ForestOptions> = {}): ForestEngine {
  return name === 'ours' ? new HistogramForest(options) : new MlRandomForestEngine(options);
}

export function loadEngine(json: EngineJson): ForestEngine {
  if (json.engine === 'ours') return HistogramForest.fromJSON(json);
  if (json.engine === 'ml-random-forest') return MlRandomForestEngine.fromJSON(json);
  throw new AppError('MODEL_INVALID', `unknown forest engine ${JSON.stringify(json.engine)}`);
}

export function isEngineName(value: string): value is EngineName {
  return (ENGINE_NAMES as readonly string[]).includes(value);
}
