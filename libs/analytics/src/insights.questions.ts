/**
 * The seed's questions, answered with numbers from the cleaned, enriched data:
 * 1. Are long sessions more likely to lead to purchases? Purchase rate per session-duration decile
 *    (deciles as pandas.qcut(duration, 10): quantile edges by linear interpolation, right-closed bins).
 * 2. Do churned customers spend less? Medians of total_spent and a Mann-Whitney U test.
 * 3. Are churned users spending less time? The same for the mean session duration per customer.
 * 4. Is inactivity a churn signal? days_since_last_active by group, its AUC, and why it is nearly
 *    circular under this label.
 */
import { CUSTOMER_NUMERIC } from './features.derive';
import { mannWhitney, type RankTest } from './summary.stats';
import { Sql, count, num } from './sql.client';

export interface DecileRow {
  decile: number;
  min_seconds: number;
  max_seconds: number;
  sessions: number;
  purchase_rate: number;
  mean_pages_viewed: number;
}

export interface Insights {
  purchase_by_duration_decile: DecileRow[];
  /** Spearman-free summary: purchase rate of the top decile over the bottom one. */
  top_vs_bottom_decile_ratio: number | null;
  spend: RankTest;
  session_time: RankTest;
  session_time_per_session: { median_churned: number | null; median_active: number | null };
  inactivity: RankTest & {
    churned_share_when_inactive_60d: number | null;
    customers_inactive_60d: number;
    churned_but_active_within_60d: number;
  };
  churn: { customers: number; churned: number; rate: number; window_days: number };
  correlations: { columns: string[]; matrix: (number | null)[][] };
}

export async function durationDeciles(sql: Sql, relation: string): Promise<DecileRow[]> {
  const edges = await sql.one(
    `SELECT quantile_cont(session_duration, [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]) AS e FROM ${relation}`,
  );
  const e = (edges.e as number[] | null) ?? [];
  // No durations (all NULL, or no session_end column): no deciles, rather than a CASE without WHEN.
  if (e.length === 0) return [];
  const cases = e.map((edge, i) => `WHEN session_duration <= ${edge} THEN ${i + 1}`).join(' ');
  const rows = await sql.all(`
    SELECT CASE ${cases} ELSE 10 END AS decile, min(session_duration) AS min_s, max(session_duration) AS max_s,
      count(*) AS n, avg(CASE WHEN products_purchased > 0 THEN 1.0 ELSE 0.0 END) AS rate, avg(pages_viewed) AS pages
    FROM ${relation} WHERE session_duration IS NOT NULL GROUP BY 1 ORDER BY 1`);
  return rows.map((r) => ({
    decile: count(r.decile),
    min_seconds: num(r.min_s) ?? 0,
    max_seconds: num(r.max_s) ?? 0,
    sessions: count(r.n),
    purchase_rate: num(r.rate) ?? 0,
    mean_pages_viewed: num(r.pages) ?? 0,
  }));
}

export async function correlations(
  sql: Sql,
  relation: string,
  columns: readonly string[],
): Promise<{ columns: string[]; matrix: (number | null)[][] }> {
  const pairs: string[] = [];
  columns.forEach((a, i) => {
    columns.forEach((b, j) => {
      if (j >= i) pairs.push(`corr(CAST("${a}" AS DOUBLE), CAST("${b}" AS DOUBLE)) AS "${i}_${j}"`);
    });
  });
  const row = await sql.one(`SELECT ${pairs.join(', ')} FROM ${relation}`);
  const matrix = columns.map((_, i) =>
    columns.map((__, j) => (i === j ? 1 : num(row[i < j ? `${i}_${j}` : `${j}_${i}`]))),
  );
  return { columns: [...columns], matrix };
}

export async function answerQuestions(
  sql: Sql,
  windowDays: number,
  correlated: readonly string[] = CUSTOMER_NUMERIC,
): Promise<Insights> {
  const deciles = await durationDeciles(sql, 'session_features');
  const first = deciles[0]?.purchase_rate ?? 0;
  const last = deciles[deciles.length - 1]?.purchase_rate ?? 0;
  const spend = await mannWhitney(sql, 'customer_features', 'total_spent', 'churned', 1, 0);
  const time = await mannWhitney(sql, 'customer_features', 'mean_session_duration', 'churned', 1, 0);
  const perSession = await sql.one(`SELECT
      quantile_cont(session_duration, 0.5) FILTER (WHERE churned = 1) AS c,
      quantile_cont(session_duration, 0.5) FILTER (WHERE churned = 0) AS a FROM session_features`);
  const inactivity = await mannWhitney(sql, 'customer_features', 'days_since_last_active', 'churned', 1, 0);
  const inactive = await sql.one(`SELECT
      count(*) FILTER (WHERE days_since_last_active >= ${windowDays}) AS n60,
      avg(churned) FILTER (WHERE days_since_last_active >= ${windowDays}) AS share,
      count(*) FILTER (WHERE churned = 1 AND days_since_last_active < ${windowDays}) AS churned_recent,
      count(*) AS n, sum(churned) AS churned FROM customer_features`);
  const n = count(inactive.n);
  const churned = count(inactive.churned);
  return {
    purchase_by_duration_decile: deciles,
    top_vs_bottom_decile_ratio: first > 0 ? last / first : null,
    spend,
    session_time: time,
    session_time_per_session: { median_churned: num(perSession.c), median_active: num(perSession.a) },
    inactivity: {
      ...inactivity,
      churned_share_when_inactive_60d: num(inactive.share),
      customers_inactive_60d: count(inactive.n60),
      churned_but_active_within_60d: count(inactive.churned_recent),
    },
    churn: { customers: n, churned, rate: n > 0 ? churned / n : 0, window_days: windowDays },
    correlations: await correlations(sql, 'customer_features', [...correlated, 'churned']),
  };
}
