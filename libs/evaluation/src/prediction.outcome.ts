/**
 * What the online evaluation grades, defined once for the evaluator and for the offline check.
 *
 * - A **prediction** is one churn_score event: customer c, probability p, model version m, issued at
 *   t = the score's watermark (also its event_time): the features watermark of the aggregate it
 *   scored, so every session of c ending at or before t had been folded in. Every score counts, so a customer scored
 *   five times in a day makes five predictions of that day.
 * - Its **day** is the UTC date of t; metrics are per (day, model version).
 * - Its **horizon** is (t, t + 60 days]: the window of the training label, which is "no purchase
 *   ending in (cutoff, cutoff + 60 days]".
 * - Its **outcome** is 1 (churned) when c has no session with products_purchased > 0 whose
 *   session_end lies in the horizon, else 0.
 * - It **matures** when the evaluator's watermark W reaches t + 60 days. W is the minimum over the
 *   activity partitions of the newest clock tick seen on each: a tick at T promises that nothing at or
 *   before T is still to come on its partition, so every purchase that decides the outcome is known.
 * - **At the end of the window**: the last tick is snapshot_at, so a prediction with
 *   t + 60 days > snapshot_at never matures and is never counted (its outcome is not observable
 *   within the simulation). Days whose predictions all lie that close to the end have issued > 0 and
 *   matured = 0.
 */
import { CHURN_WINDOW_DAYS } from '@churnstream/contracts';
import { DAY_MS } from '@churnstream/churn';
import { brierScore, calibrationTable, rocAuc, type CalibrationRow } from '@churnstream/metrics';

export const HORIZON_MS = CHURN_WINDOW_DAYS * DAY_MS;

export interface Prediction {
  id: string;
  customer_id: string;
  issued_at_ms: number;
  probability: number;
  model_version: string;
}

export interface MaturedPrediction {
  id: string;
  probability: number;
  outcome: 0 | 1;
}

export function predictionDay(issuedAtMs: number): string {
  return new Date(issuedAtMs).toISOString().slice(0, 10);
}

export function maturesBy(issuedAtMs: number, watermarkMs: number): boolean {
  return issuedAtMs + HORIZON_MS <= watermarkMs;
}

/** The outcome given the customer's purchase times (session_end of sessions with a purchase). */
export function outcomeOf(purchaseEndsMs: Iterable<number>, issuedAtMs: number): 0 | 1 {
  for (const end of purchaseEndsMs) if (end > issuedAtMs && end <= issuedAtMs + HORIZON_MS) return 0;
  return 1;
}

export interface DaySummary {
  matured: number;
  churned: number;
  roc_auc: number | null;
  brier: number | null;
  calibration: CalibrationRow[];
}

const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

/**
 * The day's metrics from its matured predictions. Sorted by prediction id first, so the result does
 * not depend on the order they matured in (floating-point sums are not associative).
 */
export function summarizeDay(matured: readonly MaturedPrediction[]): DaySummary {
  const sorted = [...matured].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const y = sorted.map((m) => m.outcome);
  const p = sorted.map((m) => m.probability);
  return {
    matured: sorted.length,
    churned: y.reduce<number>((s, v) => s + v, 0),
    roc_auc: sorted.length === 0 ? null : finiteOrNull(rocAuc(y, p)),
    brier: sorted.length === 0 ? null : finiteOrNull(brierScore(y, p)),
    calibration: calibrationTable(y, p),
  };
}

export interface DayKey {
  day: string;
  model_version: string;
}

/**
 * The offline reference: every prediction whose horizon ends by snapshot_at, graded against the
 * purchase times of the batch session file, summarised per (day, model version).
 */
export function evaluateOffline(
  predictions: Iterable<Prediction>,
  purchasesByCustomer: ReadonlyMap<string, readonly number[]>,
  snapshotAtMs: number,
): Map<string, DayKey & DaySummary & { issued: number }> {
  const byDay = new Map<string, { key: DayKey; issued: number; matured: MaturedPrediction[] }>();
  for (const p of predictions) {
    const day = predictionDay(p.issued_at_ms);
    const id = `${p.model_version}:${day}`;
    let entry = byDay.get(id);
    if (!entry) {
      entry = { key: { day, model_version: p.model_version }, issued: 0, matured: [] };
      byDay.set(id, entry);
    }
    entry.issued++;
    if (!maturesBy(p.issued_at_ms, snapshotAtMs)) continue;
    const outcome = outcomeOf(purchasesByCustomer.get(p.customer_id) ?? [], p.issued_at_ms);
    entry.matured.push({ id: p.id, probability: p.probability, outcome });
  }
  const result = new Map<string, DayKey & DaySummary & { issued: number }>();
  for (const [id, entry] of byDay)
    result.set(id, { ...entry.key, issued: entry.issued, ...summarizeDay(entry.matured) });
  return result;
}
