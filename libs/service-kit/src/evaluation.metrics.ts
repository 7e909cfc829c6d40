import { Gauge } from 'prom-client';
import type { ModelEvaluation } from '@churnstream/contracts';
import type { ServiceMetrics } from './metrics.registry';

/**
 * The online evaluation on /metrics: per model version and simulated day, the newest published
 * state (a few hundred series over a 120-day window) and the evaluator's watermark.
 */
export class EvaluationMetrics {
  readonly rocAuc: Gauge<'model_version' | 'day'>;
  readonly brier: Gauge<'model_version' | 'day'>;
  readonly matured: Gauge<'model_version' | 'day'>;
  readonly issued: Gauge<'model_version' | 'day'>;
  readonly psi: Gauge<'model_version' | 'day' | 'input'>;
  readonly driftAlert: Gauge<'model_version' | 'day'>;
  readonly watermark: Gauge;

  constructor(service: ServiceMetrics) {
    const registers = [service.registry];
    const perDay = ['model_version', 'day'] as const;
    this.rocAuc = new Gauge({
      name: 'churnstream_evaluation_roc_auc',
      help: 'ROC AUC of the matured predictions issued on the day',
      labelNames: perDay,
      registers,
    });
    this.brier = new Gauge({
      name: 'churnstream_evaluation_brier',
      help: 'Brier score of the matured predictions issued on the day',
      labelNames: perDay,
      registers,
    });
    this.matured = new Gauge({
      name: 'churnstream_evaluation_matured',
      help: 'Predictions of the day whose 60-day horizon has passed on the watermark',
      labelNames: perDay,
      registers,
    });
    this.issued = new Gauge({
      name: 'churnstream_evaluation_issued',
      help: 'Predictions (churn scores) issued on the day',
      labelNames: perDay,
      registers,
    });
    this.psi = new Gauge({
      name: 'churnstream_drift_psi',
      help: 'Population stability index against training, of the score or of one model input',
      labelNames: ['model_version', 'day', 'input'],
      registers,
    });
    this.driftAlert = new Gauge({
      name: 'churnstream_drift_alert',
      help: '1 when the largest PSI of the day is at least 0.2',
      labelNames: perDay,
      registers,
    });
    this.watermark = new Gauge({
      name: 'churnstream_evaluation_watermark_seconds',
      help: 'The evaluator watermark (simulated time, epoch seconds)',
      registers,
    });
  }

  record(evaluations: readonly ModelEvaluation[]): void {
    for (const e of evaluations) {
      const labels = { model_version: e.model_version, day: e.day };
      if (e.roc_auc !== null) this.rocAuc.set(labels, e.roc_auc);
      if (e.brier !== null) this.brier.set(labels, e.brier);
      this.matured.set(labels, e.matured);
      this.issued.set(labels, e.issued);
      this.driftAlert.set(labels, e.drift.alert ? 1 : 0);
      if (e.drift.score_psi !== null) this.psi.set({ ...labels, input: 'score' }, e.drift.score_psi);
      for (const [input, psi] of Object.entries(e.drift.feature_psi)) this.psi.set({ ...labels, input }, psi);
      this.watermark.set(Date.parse(e.watermark) / 1000);
    }
  }
}
