/**
 * The RFM logistic regression: recency, log frequency and log money of a customerFeatures vector, fitted
 * on the training rows. It is the honest baseline every training run reports, and the linear half of
 * the deployed model (see model.blend.ts), so both use this one definition of its inputs and fit.
 */
import { z } from 'zod';
import { FEATURE_NAMES } from '@churnstream/churn';
import { fitLogistic, predictLogistic, type LogisticModel } from '@churnstream/metrics';

export const RFM_INPUTS = ['days_since_last_purchase', 'log1p(session_count)', 'log1p(total_spent)'] as const;

/** A light penalty: the three weights are well determined on any real number of customers. */
const RFM_L2 = 1;

const RECENCY = FEATURE_NAMES.indexOf('days_since_last_purchase');
const FREQUENCY = FEATURE_NAMES.indexOf('session_count');
const MONETARY = FEATURE_NAMES.indexOf('total_spent');

/** The regression's inputs from one customerFeatures vector (all of FEATURE_NAMES, in order). */
export function rfmInputs(features: readonly number[]): number[] {
  return [features[RECENCY] ?? 0, Math.log1p(features[FREQUENCY] ?? 0), Math.log1p(features[MONETARY] ?? 0)];
}

const finite = z.number().refine(Number.isFinite, 'expected a finite number');
const inputCount = RFM_INPUTS.length;

export const RfmLogisticSchema = z.object({
  inputs: z.array(z.string()).refine((a) => a.join() === RFM_INPUTS.join(), {
    error: `expected the inputs [${RFM_INPUTS.join(', ')}]`,
  }),
  mean: z.array(finite).length(inputCount),
  scale: z.array(finite.refine((s) => s > 0, 'expected a positive scale')).length(inputCount),
  /** Intercept first, then one weight per standardised input. */
  weights: z.array(finite).length(inputCount + 1),
});

export type RfmLogistic = z.infer<typeof RfmLogisticSchema>;

export function fitRfmLogistic(rows: readonly (readonly number[])[], labels: readonly number[]): RfmLogistic {
  const fitted = fitLogistic(rows.map(rfmInputs), labels, { l2: RFM_L2 });
  return { inputs: [...RFM_INPUTS], mean: fitted.mean, scale: fitted.scale, weights: fitted.weights };
}

const asLogistic = (model: RfmLogistic): LogisticModel => ({ ...model, iterations: 0 });

/** P(churn) of many customerFeatures vectors. */
export function rfmProbabilities(model: RfmLogistic, rows: readonly (readonly number[])[]): Float64Array {
  return predictLogistic(asLogistic(model), rows.map(rfmInputs));
}
