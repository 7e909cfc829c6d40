/**
 * Binary classification metrics computed the way scikit-learn computes them, so our numbers can be
 * checked against sklearn's on the same predictions: ROC AUC and average precision over distinct score
 * thresholds (tied scores form one step, as in sklearn's roc_curve / average_precision_score), Brier
 * score, the confusion matrix [[tn, fp], [fn, tp]] and the classification report. Labels are 0/1.
 * A metric that is undefined for the input (one class only) is NaN.
 */
export interface CurvePoint {
  /** Scores >= threshold count as positive; the first point's threshold is +Infinity. */
  threshold: number;
  fpr: number;
  tpr: number;
}

interface ThresholdCounts {
  thresholds: number[];
  /** Cumulative true and false positives at each distinct threshold, descending. */
  tps: number[];
  fps: number[];
}

function countsByThreshold(yTrue: ArrayLike<number>, yScore: ArrayLike<number>): ThresholdCounts {
  if (yTrue.length !== yScore.length) {
    throw new RangeError(`y_true has ${yTrue.length} values but y_score has ${yScore.length}`);
  }
  const order = Array.from({ length: yTrue.length }, (_, i) => i).sort(
    (a, b) => (yScore[b] ?? 0) - (yScore[a] ?? 0),
  );
  const thresholds: number[] = [];
  const tps: number[] = [];
  const fps: number[] = [];
  let tp = 0;
  let fp = 0;
  for (let k = 0; k < order.length; k++) {
    const i = order[k] ?? 0;
    if (yTrue[i] === 1) tp++;
    else fp++;
    const next = order[k + 1];
    if (next === undefined || yScore[next] !== yScore[i]) {
      thresholds.push(yScore[i] ?? 0);
      tps.push(tp);
      fps.push(fp);
    }
  }
  return { thresholds, tps, fps };
}

/** ROC points at every distinct score (sklearn's roc_curve with drop_intermediate=False). */
export function rocCurve(yTrue: ArrayLike<number>, yScore: ArrayLike<number>): CurvePoint[] {
  const { thresholds, tps, fps } = countsByThreshold(yTrue, yScore);
  const p = tps[tps.length - 1] ?? 0;
  const n = fps[fps.length - 1] ?? 0;
  const points: CurvePoint[] = [{ threshold: Infinity, fpr: 0, tpr: 0 }];
  for (let k = 0; k < thresholds.length; k++) {
    points.push({
      threshold: thresholds[k] ?? 0,
      fpr: n === 0 ? Number.NaN : (fps[k] ?? 0) / n,
      tpr: p === 0 ? Number.NaN : (tps[k] ?? 0) / p,
    });
  }
  return points;
}

/** Area under the ROC curve by the trapezoid rule; a tie between a positive and a negative counts 1/2. */
export function rocAuc(yTrue: ArrayLike<number>, yScore: ArrayLike<number>): number {
  const points = rocCurve(yTrue, yScore);
  let area = 0;
  for (let k = 1; k < points.length; k++) {
    const a = points[k - 1];
    const b = points[k];
    if (a === undefined || b === undefined) continue;
    area += ((b.fpr - a.fpr) * (a.tpr + b.tpr)) / 2;
  }
  return area;
}

/** Average precision: sum over thresholds of (R_k - R_{k-1}) * P_k, sklearn's average_precision_score. */
export function averagePrecision(yTrue: ArrayLike<number>, yScore: ArrayLike<number>): number {
  const { tps, fps } = countsByThreshold(yTrue, yScore);
  const p = tps[tps.length - 1] ?? 0;
  if (p === 0) return Number.NaN;
  let ap = 0;
  let prevRecall = 0;
  for (let k = 0; k < tps.length; k++) {
    const tp = tps[k] ?? 0;
    const recall = tp / p;
    const precision = tp / (tp + (fps[k] ?? 0));
    ap += (recall - prevRecall) * precision;
    prevRecall = recall;
  }
  return ap;
}

/** The PR AUC we report is average precision (not the trapezoid over the PR curve, which is optimistic). */
export const prAuc = averagePrecision;

/** Mean squared difference between the predicted probability and the 0/1 outcome. */
export function brierScore(yTrue: ArrayLike<number>, yProb: ArrayLike<number>): number {
  if (yTrue.length === 0) return Number.NaN;
  let sum = 0;
  for (let i = 0; i < yTrue.length; i++) sum += ((yProb[i] ?? 0) - (yTrue[i] ?? 0)) ** 2;
  return sum / yTrue.length;
}

/** A probability at or above the threshold predicts churn (1). */
export function predictLabels(yProb: ArrayLike<number>, threshold: number): Uint8Array {
  const out = new Uint8Array(yProb.length);
  for (let i = 0; i < yProb.length; i++) out[i] = (yProb[i] ?? 0) >= threshold ? 1 : 0;
  return out;
}

export type ConfusionMatrix = [[number, number], [number, number]];

/** [[tn, fp], [fn, tp]]: rows are the true class, columns the predicted one (sklearn's layout). */
export function confusionMatrix(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): ConfusionMatrix {
  let tn = 0;
  let fp = 0;
  let fn = 0;
  let tp = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const t = yTrue[i] === 1;
    const p = yPred[i] === 1;
    if (t && p) tp++;
    else if (t) fn++;
    else if (p) fp++;
    else tn++;
  }
  return [
    [tn, fp],
    [fn, tp],
  ];
}

export interface ClassScores {
  precision: number;
  recall: number;
  'f1-score': number;
  support: number;
}

/** sklearn's classification_report(output_dict=True) for labels 0 and 1; accuracy is a bare number there too. */
export interface ClassificationReport {
  '0': ClassScores;
  '1': ClassScores;
  accuracy: number;
  'macro avg': ClassScores;
  'weighted avg': ClassScores;
}

// sklearn's zero_division="warn" default: an undefined ratio (0/0) is reported as 0.
const ratio = (a: number, b: number): number => (b === 0 ? 0 : a / b);

function scores(tp: number, fp: number, fn: number): ClassScores {
  const precision = ratio(tp, tp + fp);
  const recall = ratio(tp, tp + fn);
  return {
    precision,
    recall,
    'f1-score': ratio(2 * precision * recall, precision + recall),
    support: tp + fn,
  };
}

export function classificationReport(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
): ClassificationReport {
  const [[tn, fp], [fn, tp]] = confusionMatrix(yTrue, yPred);
  const c0 = scores(tn, fn, fp);
  const c1 = scores(tp, fp, fn);
  const total = c0.support + c1.support;
  const avg = (w0: number, w1: number): ClassScores => ({
    precision: w0 * c0.precision + w1 * c1.precision,
    recall: w0 * c0.recall + w1 * c1.recall,
    'f1-score': w0 * c0['f1-score'] + w1 * c1['f1-score'],
    support: total,
  });
  return {
    '0': c0,
    '1': c1,
    accuracy: ratio(tn + tp, total),
    'macro avg': avg(0.5, 0.5),
    'weighted avg': avg(ratio(c0.support, total), ratio(c1.support, total)),
  };
}

/** The report as sklearn's classification_report prints it (same widths, same rounding). */
export function formatClassificationReport(report: ClassificationReport, digits = 2): string {
  const width = 12; // len('weighted avg'), the longest row heading
  const num = (x: number): string => formatFixed(x, digits).padStart(9);
  const row = (name: string, s: ClassScores): string =>
    `${name.padStart(width)}  ${num(s.precision)} ${num(s.recall)} ${num(s['f1-score'])} ${String(s.support).padStart(9)}\n`;
  let out = `${''.padStart(width)}  ${['precision', 'recall', 'f1-score', 'support'].map((h) => h.padStart(9)).join(' ')}\n\n`;
  out += row('0', report['0']);
  out += row('1', report['1']);
  out += '\n';
  out += `${'accuracy'.padStart(width)}  ${''.padStart(9)} ${''.padStart(9)} ${num(report.accuracy)} ${String(report['macro avg'].support).padStart(9)}\n`;
  out += row('macro avg', report['macro avg']);
  out += row('weighted avg', report['weighted avg']);
  return out;
}

/**
 * Fixed-point formatting with Python's rounding: the exact binary value decides, and an exact tie goes
 * to the even digit ('%.2f' % 0.125 is '0.12'; JavaScript's toFixed gives '0.13').
 */
export function formatFixed(x: number, digits: number): string {
  if (!Number.isFinite(x)) return String(x);
  const scaled = x * 10 ** digits;
  const floor = Math.floor(scaled);
  // Only an exact tie (representable, e.g. 0.125 * 100 = 12.5) can round differently from toFixed.
  if (scaled - floor === 0.5 && scaled / 10 ** digits === x && floor % 2 === 0)
    return (floor / 10 ** digits).toFixed(digits);
  return x.toFixed(digits);
}
