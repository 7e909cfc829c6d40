/**
 * The deployed model is a blend: weight x forest + (1 - weight) x RFM logistic regression. A forest
 * cannot extrapolate: scored out of time, customers' recency and tenure run past every value it was
 * trained on and it gives them the probability of its last bin, while the regression's linear terms
 * keep ranking them. Where the forest finds more than the regression (the synthetic population) the
 * weight goes to 1 and the model is the forest; where it does not (a purchase log) the regression
 * carries the weight. The weight is measured, never set: the candidates are scored on an inner
 * validation split cut from the training rows alone (out of time when the history allows), so no
 * test row decides it.
 */
import { z } from 'zod';
import { rocAuc } from '@churnstream/metrics';
import { RfmLogisticSchema } from './rfm.logistic';

/** Weights tried, forest share first to last; ties go to the lowest (the simpler regression's side). */
export const BLEND_WEIGHTS: readonly number[] = Array.from({ length: 11 }, (_, i) => i / 10);

export const BlendSchema = z.object({
  /** Share of the forest in the probability; 1 is the forest alone, 0 the regression alone. */
  forest_weight: z.number().min(0).max(1),
  logistic: RfmLogisticSchema,
  /** How the weight was chosen: the inner split and its ROC AUC for each candidate weight. */
  chosen_on: z.string(),
  inner_roc_auc: z.array(z.object({ forest_weight: z.number(), roc_auc: z.number().nullable() })),
});

export type Blend = z.infer<typeof BlendSchema>;

/** One formula for every scorer: at weight 1 it returns the forest's probability bit for bit. */
export function blendProbability(forestWeight: number, forest: number, logistic: number): number {
  return forestWeight * forest + (1 - forestWeight) * logistic;
}

export function blendProbabilities(
  forestWeight: number,
  forest: ArrayLike<number>,
  logistic: ArrayLike<number>,
): Float64Array {
  const out = new Float64Array(forest.length);
  for (let i = 0; i < out.length; i++)
    out[i] = blendProbability(forestWeight, forest[i] ?? 0, logistic[i] ?? 0);
  return out;
}

export interface BlendChoice {
  forestWeight: number;
  innerRocAuc: { forest_weight: number; roc_auc: number | null }[];
}

/**
 * The weight whose blend ranks the inner validation rows best. A split with one class only cannot rank
 * anything: the forest alone is kept, as before blending existed.
 */
export function chooseBlendWeight(
  labels: readonly number[],
  forest: ArrayLike<number>,
  logistic: ArrayLike<number>,
): BlendChoice {
  const bothClasses = labels.includes(0) && labels.includes(1);
  const innerRocAuc = BLEND_WEIGHTS.map((w) => ({
    forest_weight: w,
    roc_auc: bothClasses ? rocAuc(labels, blendProbabilities(w, forest, logistic)) : null,
  }));
  let best: { forest_weight: number; roc_auc: number | null } = { forest_weight: 1, roc_auc: null };
  for (const c of innerRocAuc) {
    if (c.roc_auc !== null && (best.roc_auc === null || c.roc_auc > best.roc_auc)) best = c;
  }
  return { forestWeight: best.forest_weight, innerRocAuc };
}
