import { FEATURE_NAMES, customerFeatures } from '@churnstream/churn';
import type { ReferenceLookup, ScoreInputs } from '@churnstream/evaluation';
import { type DriftReference, aggregateFromDto, loadModel } from '@churnstream/model';

const RELOAD_AFTER_MS = 5_000;

/**
 * The drift reference of each model version the scores name, from the artifact at MODEL_PATH. A
 * version not seen yet re-reads the file (at most every few seconds), so a model retrained while the
 * evaluator runs gets its reference; a version whose artifact is gone has none (PSI not measured).
 */
export function modelReferences(path: string, onError: (message: string) => void): ReferenceLookup {
  const known = new Map<string, DriftReference | null>();
  let lastRead = 0;
  return async (version) => {
    const cached = known.get(version);
    if (cached !== undefined) return cached;
    if (Date.now() - lastRead < RELOAD_AFTER_MS) return null;
    lastRead = Date.now();
    try {
      const model = await loadModel(path);
      known.set(model.version, model.artifact.reference ?? null);
    } catch (error) {
      onError(error instanceof Error ? error.message : String(error));
    }
    return known.get(version) ?? null;
  };
}

/** The model inputs of a score, from the aggregate it carries, as of its watermark (as scoring did). */
export const scoreInputs: ScoreInputs = (score) => {
  const values = customerFeatures(aggregateFromDto(score.aggregate), Date.parse(score.watermark));
  return Object.fromEntries(FEATURE_NAMES.map((name, i) => [name, values[i] ?? 0]));
};
