/* eslint-disable @typescript-eslint/no-non-null-assertion -- hot loops over typed arrays whose indices are in range by construction; a fallback per access would hide bugs and cost time */
/**
 * The generator's latent truth per customer (truth.csv): never a feature, only a yardstick for how
 * close a model gets to the best possible.
 *
 * - true_churned: the customer's latent lapse happened at or before snapshot_at.
 * - true_churn_date: that lapse time (empty when the customer has not lapsed by snapshot_at).
 * - churn_probability: P(no purchase in (cutoff, snapshot_at] | latent state at cutoff), with
 *   cutoff = snapshot_at - 60 days: the Bayes-optimal score for the predictive label "makes no purchase
 *   in the 60 days after cutoff". The latent state at cutoff is the customer's traits and whether they
 *   had lapsed by then; a lapse still to come is integrated out (the hazard is memoryless).
 *
 * Purchasing sessions form a Poisson process: intensity r*q per activity hour before the lapse
 * (r the visit rate, q = cart rate x checkout rate) and r*q*f*v*exp(-(u - uL)/tau) after it (f the
 * post-lapse purchase factor, 0 by default). So, with A(t) the activity clock and l0 = max(cutoff,
 * customer_since):
 *   lapsed by cutoff:  P = exp(-post-lapse purchase mass over (cutoff, snapshot])
 *   otherwise:         P = e^{-h(S-l0)} exp(-rq (A(S)-A(l0)))
 *                        + ∫_{l0}^{S} h e^{-h(l-l0)} exp(-rq (A(l)-A(l0)) - post-lapse mass over (l, S]) dl
 * integrated numerically in 12-hour steps (midpoint rule). The model's small departures from a pure Poisson process
 * (the session total is nudged to the exact count, a customer's sessions never overlap, a purchase is
 * dated by its session's end) are negligible at this scale.
 */
import type { Population } from './population.model';

export interface TruthRecord {
  customer_id: string;
  true_churned: boolean;
  /** Epoch ms of the lapse, or null when the customer has not lapsed by snapshot_at. */
  true_churn_date: number | null;
  churn_probability: number;
}

const STEP_MS = 12 * 3_600_000;
const WEEK_MS = 7 * 24 * 3_600_000;

/** Activity time at the midpoints of the integration steps from `from` to snapshot_at. */
interface Grid {
  readonly mid: Float64Array;
  /**
   * When the steps tile whole weeks (12-hour steps do), the activity gained per step repeats with
   * this period, so exp(-rate x gain) takes `period` values rather than one per step; 0 otherwise.
   */
  readonly period: number;
}

/** The grid from the cutoff, shared by every customer who joined before it. */
const gridCache = new WeakMap<Population, Grid>();

function buildGrid(pop: Population, from: number): Grid {
  const steps = Math.max(1, Math.ceil((pop.snapshotAtMs - from) / STEP_MS));
  const dt = (pop.snapshotAtMs - from) / steps;
  const mid = new Float64Array(steps);
  for (let k = 0; k < steps; k++) mid[k] = pop.clock.toActivity(from + (k + 0.5) * dt);
  const period = WEEK_MS / dt;
  let periodic = Number.isInteger(period) && period < steps;
  for (let k = period + 1; periodic && k < steps; k++) {
    const gain = mid[k]! - mid[k - 1]!;
    const again = mid[k - period]! - mid[k - period - 1]!;
    periodic = Math.abs(gain - again) <= 1e-9 * Math.max(1, Math.abs(gain));
  }
  return { mid, period: periodic ? period : 0 };
}

const factors = new Float64Array(64);

export function churnProbability(pop: Population, i: number): number {
  const s = pop.scenario;
  const S = pop.snapshotAtMs;
  const tau = s.lapse.visitDecayDays * 24;
  const postFactor = s.lapse.purchaseFactor * s.lapse.visitFactor;
  const rq = pop.purchaseRate(i);
  const clock = pop.clock;
  const uS = pop.uSnapshot;
  const l0 = Math.max(pop.cutoffMs, pop.since[i]!);
  const u0 = clock.toActivity(l0);
  /** Expected post-lapse purchases in activity time (from, uS] for a lapse at activity time uL. */
  const postMass = (uL: number, from: number): number =>
    postFactor === 0
      ? 0
      : rq * postFactor * tau * (Math.exp(-(from - uL) / tau) - Math.exp(-(uS - uL) / tau));

  const lapseAt = pop.lapseAt[i]!;
  if (lapseAt <= l0) {
    const uL = clock.toActivity(lapseAt);
    return Math.exp(-postMass(uL, Math.max(u0, uL)));
  }
  const h = pop.hazard[i]!;
  const span = S - l0;
  let p = Math.exp(-h * span - rq * (uS - u0));
  if (h > 0 && span > 0) {
    let grid: Grid;
    if (l0 === pop.cutoffMs) {
      grid = gridCache.get(pop) ?? buildGrid(pop, l0);
      gridCache.set(pop, grid);
    } else {
      grid = buildGrid(pop, l0);
    }
    const mid = grid.mid;
    const steps = mid.length;
    const dt = span / steps;
    const period = grid.period;
    if (postFactor === 0 && period > 0 && period <= factors.length) {
      // The same midpoint sum with the exponentials as running products: exp(-h t) shrinks by the
      // same factor every step, and exp(-rq (uL - u0)) by one of `period` factors.
      for (let j = 0; j < period; j++) factors[j] = Math.exp(-rq * (mid[j + 1]! - mid[j]!));
      const decay = Math.exp(-h * dt);
      let a = Math.exp(-h * 0.5 * dt);
      let b = Math.exp(-rq * (mid[0]! - u0));
      let sum = 0;
      for (let k = 0, j = 0; k < steps; k++) {
        sum += a * b;
        a *= decay;
        b *= factors[j]!;
        if (++j === period) j = 0;
      }
      p += h * dt * sum;
    } else {
      for (let k = 0; k < steps; k++) {
        const uL = mid[k]!;
        p += h * dt * Math.exp(-h * (k + 0.5) * dt - rq * (uL - u0) - postMass(uL, uL));
      }
    }
  }
  return Math.min(1, Math.max(0, p));
}

export function truthOf(pop: Population, i: number): TruthRecord {
  const lapsed = pop.lapsedBySnapshot(i);
  return {
    customer_id: pop.customerId(i),
    true_churned: lapsed,
    true_churn_date: lapsed ? pop.lapseAt[i]! : null,
    churn_probability: churnProbability(pop, i),
  };
}
