/* eslint-disable @typescript-eslint/no-non-null-assertion -- hot loops over typed arrays whose indices are in range by construction; a fallback per access would hide bugs and cost time */
/**
 * The daily and weekly cycle of shopping, as a monotone warp of time. "Activity time" runs fast in
 * busy hours (evenings, weekends) and slow at night; sampling session starts uniformly in activity
 * time and mapping back gives starts that follow the cycles, and because the map is monotone a sorted
 * sequence stays sorted, which is what lets each customer's sessions be generated lazily in order.
 *
 * Units: activity hours. Over a whole week activity time advances exactly 168 hours, so rates per
 * activity hour average to rates per real hour.
 */
const HOUR_MS = 3_600_000;
const WEEK_MS = 7 * 24 * HOUR_MS;
/** 1970-01-01 was a Thursday: the first Monday 00:00 UTC is 4 days later. */
const MONDAY_EPOCH_MS = 4 * 24 * HOUR_MS;

export class ActivityClock {
  /** Activity hours at the start of each hour of the week (169 entries, last = 168). */
  private readonly cum = new Float64Array(169);
  private readonly weight = new Float64Array(168);

  constructor(hourly: readonly number[], weekday: readonly number[]) {
    let total = 0;
    for (let h = 0; h < 168; h++) {
      const w = (hourly[h % 24] ?? 0) * (weekday[Math.floor(h / 24)] ?? 0);
      this.weight[h] = w;
      total += w;
    }
    if (!(total > 0)) throw new RangeError('activity profile must have positive weight');
    const scale = 168 / total;
    for (let h = 0; h < 168; h++) {
      this.weight[h] = this.weight[h]! * scale;
      this.cum[h + 1] = this.cum[h]! + this.weight[h]!;
    }
  }

  /** Real time (epoch ms) to activity hours. */
  toActivity(ms: number): number {
    const rel = ms - MONDAY_EPOCH_MS;
    const week = Math.floor(rel / WEEK_MS);
    const inWeek = (rel - week * WEEK_MS) / HOUR_MS;
    const h = Math.min(167, Math.floor(inWeek));
    return week * 168 + this.cum[h]! + (inWeek - h) * this.weight[h]!;
  }

  /** Activity hours back to real time (epoch ms); exact inverse of toActivity where weights are positive. */
  toReal(u: number): number {
    const week = Math.floor(u / 168);
    const r = u - week * 168;
    let lo = 0;
    let hi = 167;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.cum[mid]! <= r) lo = mid;
      else hi = mid - 1;
    }
    // Zero-weight hours are skipped: the binary search lands on the last hour starting at or before r.
    const w = this.weight[lo]!;
    const frac = w > 0 ? Math.min(1, (r - this.cum[lo]!) / w) : 0;
    return MONDAY_EPOCH_MS + week * WEEK_MS + (lo + frac) * HOUR_MS;
  }
}
