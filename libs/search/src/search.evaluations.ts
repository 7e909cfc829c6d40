/**
 * The evaluation index's document: one per (model version, simulated day), the newest
 * model_evaluation of that day, written with its revision as an external version so that a late
 * or repeated older state never replaces a newer one.
 */
import type { ModelEvaluation } from '@churnstream/contracts';

export function evaluationDocumentId(evaluation: Pick<ModelEvaluation, 'model_version' | 'day'>): string {
  return `${evaluation.model_version}:${evaluation.day}`;
}

export function evaluationDocument(e: ModelEvaluation): Record<string, unknown> {
  const psis = [e.drift.score_psi, ...Object.values(e.drift.feature_psi)].filter(
    (x): x is number => x !== null,
  );
  return {
    event_id: e.event_id,
    day: e.day,
    model_version: e.model_version,
    issued: e.issued,
    matured: e.matured,
    churned: e.churned,
    matured_share: e.issued === 0 ? null : e.matured / e.issued,
    roc_auc: e.roc_auc,
    brier: e.brier,
    calibration: e.calibration,
    score_psi: e.drift.score_psi,
    max_psi: psis.length === 0 ? null : Math.max(...psis),
    feature_psi: e.drift.feature_psi,
    drift_alert: e.drift.alert,
    revision: e.revision,
    watermark: e.watermark,
  };
}
