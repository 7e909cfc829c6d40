/**
 * What a drift monitor compares live traffic with: the distribution of each model input over the
 * training rows and of the held-out scores, as quantile bins with their counts. Written into
 * model.json by training; older artifacts have none, and drift is then not measured for them.
 */
import { z } from 'zod';
import { histogram, quantileEdges } from '@churnstream/metrics';

export const BinnedDistributionSchema = z.object({
  /** Ascending edges: x is in bin k, the first with x <= edges[k] (edges.length above them all). */
  edges: z.array(z.number()),
  counts: z.array(z.number().int().nonnegative()),
});
export type BinnedDistribution = z.infer<typeof BinnedDistributionSchema>;

export const DriftReferenceSchema = z.object({
  /** Held-out (test split) churn probabilities: the score distribution the model was evaluated on. */
  score: BinnedDistributionSchema,
  /** Each feature over the training rows, by feature name. */
  features: z.record(z.string(), BinnedDistributionSchema),
});
export type DriftReference = z.infer<typeof DriftReferenceSchema>;

export const DRIFT_BINS = 10;

function binned(values: ArrayLike<number>): BinnedDistribution {
  const edges = quantileEdges(values, DRIFT_BINS);
  return { edges, counts: histogram(edges, values) };
}

export function driftReference(
  featureNames: readonly string[],
  trainRows: readonly (readonly number[])[],
  heldOutScores: ArrayLike<number>,
): DriftReference {
  const features: Record<string, BinnedDistribution> = {};
  featureNames.forEach((name, j) => {
    features[name] = binned(trainRows.map((row) => row[j] ?? 0));
  });
  return { score: binned(heldOutScores), features };
}
