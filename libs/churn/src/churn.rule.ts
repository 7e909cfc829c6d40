/**
 * The churn rule, shared by the batch label and the streaming flag so that both agree exactly:
 * a customer is churned when at least `windowDays` days passed between their last purchase
 * (their customer_since when they never bought) and `now`.
 */
export const DAY_MS = 86_400_000;
export const DEFAULT_CHURN_WINDOW_DAYS = 60;

export function isChurned(
  lastPurchaseAtMs: number,
  nowMs: number,
  windowDays = DEFAULT_CHURN_WINDOW_DAYS,
): boolean {
  return nowMs - lastPurchaseAtMs >= windowDays * DAY_MS;
}

/** The instant from which a customer whose last purchase was at `lastPurchaseAtMs` counts as churned. */
export function churnDueAt(lastPurchaseAtMs: number, windowDays = DEFAULT_CHURN_WINDOW_DAYS): number {
  return lastPurchaseAtMs + windowDays * DAY_MS;
}

/** Whole days (floored) between two instants; negative spans floor towards minus infinity. */
export function wholeDaysBetween(fromMs: number, toMs: number): number {
  return Math.floor((toMs - fromMs) / DAY_MS);
}
