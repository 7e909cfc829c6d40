/**
 * Derived columns on the cleaned data, in SQL so they scale to 10M sessions:
 * - session_duration: seconds from session_start to session_end;
 * - spend_per_product: total_spent / products_purchased, NULL (empty) when nothing was bought;
 * - days_since_last_active: whole days, floored, from the customer's latest session_end to snapshot_at,
 *   or from customer_since when they have no session;
 * - days_since_last_purchase / churned: the label rule of issue 3 (last purchase = latest session_end of
 *   a session with a purchase, else customer_since; churned when snapshot - that >= window days), with
 *   the constants and the floor of @churnstream/churn so the batch label agrees with the stream's.
 *
 * Instants are compared as epoch milliseconds (UTC), so calendar and daylight-saving changes do not
 * enter. Money is summed in integer cents.
 */
import { DAY_MS, DEFAULT_CHURN_WINDOW_DAYS } from '@churnstream/churn';
import { AppError } from '@churnstream/errors';
import { SESSIONS_FILE, textColumn } from '@churnstream/dataset';
import { CLEAN_TABLE, cleanTextSql } from './cleaning.policy';
import { Sql, count, lit, q } from './sql.client';

/** SQL of wholeDaysBetween(fromMs, toMs): floor((to - from) / DAY_MS). */
export function wholeDaysSql(fromMs: string, toMs: string): string {
  return `CAST(floor((${toMs} - ${fromMs}) / ${DAY_MS}.0) AS BIGINT)`;
}

/** SQL of isChurned(lastPurchaseMs, nowMs, windowDays) as 0/1. */
export function isChurnedSql(lastPurchaseMs: string, nowMs: string, windowDays: number): string {
  return `CASE WHEN ${nowMs} - ${lastPurchaseMs} >= ${windowDays * DAY_MS} THEN 1 ELSE 0 END`;
}

export const CUSTOMER_FEATURE_COLUMNS = [
  'customer_id',
  'age',
  'gender',
  'location',
  'country',
  'customer_since',
  'session_count',
  'total_pages_viewed',
  'mean_pages_viewed',
  'total_products_added_to_cart',
  'mean_products_added_to_cart',
  'total_products_purchased',
  'mean_products_purchased',
  'total_spent',
  'mean_spent',
  'total_session_duration',
  'mean_session_duration',
  'days_since_last_active',
  'days_since_last_purchase',
  'tenure_days',
  'churned',
] as const;

/** Numeric columns of customer_features, for statistics and correlations. */
export const CUSTOMER_NUMERIC = CUSTOMER_FEATURE_COLUMNS.filter(
  (c) => !['customer_id', 'gender', 'location', 'country', 'customer_since', 'churned'].includes(c),
);

export const SESSION_NUMERIC = [
  'pages_viewed',
  'products_added_to_cart',
  'products_purchased',
  'total_spent',
  'session_duration',
  'spend_per_product',
  'days_since_last_active',
] as const;

export interface DeriveOptions {
  snapshotAt: Date;
  windowDays?: number;
}

/**
 * Creates `customer_features` (one row per cleaned customer, in file order) and `session_features`
 * (one row per cleaned session, in no particular order: its typed columns, the derived ones, the
 * customer's days_since_last_active and churned, and `line`).
 */
export async function deriveFeatures(sql: Sql, options: DeriveOptions): Promise<void> {
  const snap = `${options.snapshotAt.getTime()}`;
  const window = options.windowDays ?? DEFAULT_CHURN_WINDOW_DAYS;
  // A view: it is read twice and costs a cast per row, cheaper than a fourth copy of the sessions.
  await sql.run(`CREATE OR REPLACE VIEW session_facts AS
    SELECT *,
      epoch_ms(session_start) AS start_ms, epoch_ms(session_end) AS end_ms,
      (epoch_ms(session_end) - epoch_ms(session_start)) / 1000.0 AS session_duration,
      CASE WHEN products_purchased > 0 THEN total_spent / products_purchased END AS spend_per_product
    FROM ${CLEAN_TABLE.sessions}`);
  await sql.run(`CREATE OR REPLACE TABLE customer_features AS
    WITH s AS (
      SELECT customer_id, count(*) AS n,
        sum(pages_viewed) AS tp, avg(pages_viewed) AS mp,
        sum(products_added_to_cart) AS ta, avg(products_added_to_cart) AS ma,
        sum(products_purchased) AS tb, avg(products_purchased) AS mb,
        sum(CAST(round(total_spent * 100) AS BIGINT)) AS cents, avg(total_spent) AS ms,
        sum(end_ms - start_ms) / 1000.0 AS td, avg(session_duration) AS md,
        max(end_ms) AS last_active_ms,
        max(end_ms) FILTER (WHERE products_purchased > 0) AS last_purchase_ms
      FROM session_facts GROUP BY customer_id
    ), c AS (
      SELECT t.line, t.customer_id, t.age, t.gender, t.location, t.country,
        t.${q(textColumn('customer_since'))} AS customer_since_text, epoch_ms(t.customer_since) AS since_ms
      FROM ${CLEAN_TABLE.customers} t
    )
    SELECT c.customer_id, c.age, c.gender, c.location, c.country, c.customer_since_text AS customer_since,
      coalesce(s.n, 0) AS session_count,
      coalesce(s.tp, 0) AS total_pages_viewed, s.mp AS mean_pages_viewed,
      coalesce(s.ta, 0) AS total_products_added_to_cart, s.ma AS mean_products_added_to_cart,
      coalesce(s.tb, 0) AS total_products_purchased, s.mb AS mean_products_purchased,
      CAST(coalesce(s.cents, 0) AS DECIMAL(18, 2)) / 100 AS total_spent, s.ms AS mean_spent,
      coalesce(s.td, 0) AS total_session_duration, s.md AS mean_session_duration,
      ${wholeDaysSql('coalesce(s.last_active_ms, c.since_ms)', snap)} AS days_since_last_active,
      ${wholeDaysSql('coalesce(s.last_purchase_ms, c.since_ms)', snap)} AS days_since_last_purchase,
      ${wholeDaysSql('c.since_ms', snap)} AS tenure_days,
      ${isChurnedSql('coalesce(s.last_purchase_ms, c.since_ms)', snap, window)} AS churned,
      c.line
    FROM c LEFT JOIN s USING (customer_id)
    ORDER BY c.line`);
  // For the statistics, which aggregate it: so neither in file order nor with the text copies.
  const texts = SESSIONS_FILE.columns.filter((c) => c.kind !== 'string').map((c) => q(textColumn(c.name)));
  await sql.run(`CREATE OR REPLACE TABLE session_features AS
    SELECT f.* EXCLUDE (${texts.join(', ')}), cf.days_since_last_active, cf.churned
    FROM session_facts f JOIN customer_features cf USING (customer_id)`);
}

/**
 * Writes sessions_enriched.csv and customer_features.csv into `dir`, in file order. A join does not
 * keep the sessions' order, so only the narrow join result (line and the customer's column) is sorted
 * back into it and paired with the sessions, which are in file order, by position; the line check
 * proves the pairing (every cleaned session has exactly one cleaned customer: orphans were dropped).
 */
export async function writeFeatureFiles(sql: Sql, dir: string): Promise<void> {
  await sql.run(`CREATE OR REPLACE TEMP TABLE __session_customer AS
    SELECT line, days_since_last_active FROM session_features ORDER BY line`);
  const paired = `session_facts f POSITIONAL JOIN __session_customer n`;
  const misplaced = await sql.one(
    `SELECT count(*) AS n FROM (SELECT f.line AS a, n.line AS b FROM ${paired}) WHERE a IS DISTINCT FROM b`,
  );
  if (count(misplaced.n) > 0) {
    throw new AppError(
      'INTERNAL',
      `derived columns: ${count(misplaced.n)} cleaned sessions not paired with their customer`,
    );
  }
  await sql.run(`COPY (
      SELECT * EXCLUDE (line) FROM (${cleanTextSql(SESSIONS_FILE, `(SELECT f.*, n.days_since_last_active FROM ${paired})`, ['session_duration', 'spend_per_product', 'days_since_last_active'])})
    ) TO ${lit(`${dir}/sessions_enriched.csv`)} (HEADER, DELIMITER ',')`);
  await sql.run('DROP TABLE __session_customer');
  await sql.run(`COPY (SELECT ${CUSTOMER_FEATURE_COLUMNS.map(q).join(', ')} FROM customer_features)
    TO ${lit(`${dir}/customer_features.csv`)} (HEADER, DELIMITER ',')`);
}
