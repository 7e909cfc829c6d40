/**
 * Drift of live traffic against the training distributions of the model artifact: each prediction
 * adds one count to its score bin and to one bin per feature, and a day's PSI compares those counts
 * with the reference counts over the same bins.
 */
import { PSI_ALERT, edgeBin, populationStabilityIndex } from '@churnstream/metrics';
import type { DriftReference } from '@churnstream/model';

export interface DriftBins {
  score: number;
  /** Feature name -> bin; empty when the prediction carried no model inputs. */
  features: Record<string, number>;
}

export function driftBins(
  reference: DriftReference,
  probability: number,
  features: Readonly<Record<string, number>> | null,
): DriftBins {
  const bins: Record<string, number> = {};
  if (features) {
    for (const [name, dist] of Object.entries(reference.features)) {
      const x = features[name];
      if (x !== undefined) bins[name] = edgeBin(dist.edges, x);
    }
  }
  return { score: edgeBin(reference.score.edges, probability), features: bins };
}

export interface DriftCounts {
  score: number[];
  features: Record<string, number[]>;
}

export interface DriftSummary {
  score_psi: number | null;
  feature_psi: Record<string, number>;
  alert: boolean;
}

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

export function driftSummary(reference: DriftReference | null, counts: DriftCounts): DriftSummary {
  if (!reference) return { score_psi: null, feature_psi: {}, alert: false };
  const fill = (n: number, got: readonly number[] | undefined) =>
    Array.from({ length: n }, (_, k) => got?.[k] ?? 0);
  const scorePsi = finite(
    populationStabilityIndex(reference.score.counts, fill(reference.score.counts.length, counts.score)),
  );
  const featurePsi: Record<string, number> = {};
  for (const [name, dist] of Object.entries(reference.features)) {
    const got = counts.features[name];
    if (!got) continue;
    const psi = finite(populationStabilityIndex(dist.counts, fill(dist.counts.length, got)));
    if (psi !== null) featurePsi[name] = psi;
  }
  const largest = Math.max(scorePsi ?? 0, ...Object.values(featurePsi));
  return { score_psi: scorePsi, feature_psi: featurePsi, alert: largest >= PSI_ALERT };
}
