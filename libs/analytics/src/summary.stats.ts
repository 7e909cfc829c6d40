/**
 * Summary statistics and the rank test, computed by DuckDB over any relation so they scale:
 * - describe(): pandas describe() per numeric column (count of non-nulls, mean, sample std (n - 1),
 *   min, 25%/50%/75% by linear interpolation as pandas' default, max), overall and per group;
 * - mannWhitney(): the Mann-Whitney U test of two groups, as scipy.stats.mannwhitneyu(x, y) with its
 *   defaults for large samples (average ranks for ties, tie-corrected normal approximation with
 *   continuity correction, two-sided). U is x's statistic; U / (n_x n_y) is P(x > y) + P(x = y) / 2,
 *   i.e. the ROC AUC of the value as a score for x.
 */
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import { Sql, count, num, q } from './sql.client';

export interface Describe {
  count: number;
  mean: number | null;
  std: number | null;
  min: number | null;
  '25%': number | null;
  '50%': number | null;
  '75%': number | null;
  max: number | null;
}

export type DescribeTable = Record<string, Describe>;

export interface GroupedDescribe {
  overall: DescribeTable;
  /** Keyed by the group value as text ('0', '1'). */
  by: Record<string, DescribeTable>;
}

function describeSelect(columns: readonly string[]): string {
  return columns
    .map((c) => {
      const x = `CAST(${q(c)} AS DOUBLE)`;
      return [
        `count(${q(c)}) AS ${q(`${c}|count`)}`,
        `avg(${x}) AS ${q(`${c}|mean`)}`,
        `stddev_samp(${x}) AS ${q(`${c}|std`)}`,
        `min(${x}) AS ${q(`${c}|min`)}`,
        // One state for the three quartiles: three quantile_cont calls would each keep every value.
        `quantile_cont(${x}, [0.25, 0.5, 0.75]) AS ${q(`${c}|quartiles`)}`,
        `max(${x}) AS ${q(`${c}|max`)}`,
      ].join(', ');
    })
    .join(', ');
}

function toTable(row: Record<string, unknown>, columns: readonly string[]): DescribeTable {
  const out: DescribeTable = {};
  for (const c of columns) {
    const quartiles = row[`${c}|quartiles`];
    const quartile = (i: number): number | null => (Array.isArray(quartiles) ? num(quartiles[i]) : null);
    out[c] = {
      count: count(row[`${c}|count`]),
      mean: num(row[`${c}|mean`]),
      std: num(row[`${c}|std`]),
      min: num(row[`${c}|min`]),
      '25%': quartile(0),
      '50%': quartile(1),
      '75%': quartile(2),
      max: num(row[`${c}|max`]),
    };
  }
  return out;
}

export async function describe(
  sql: Sql,
  relation: string,
  columns: readonly string[],
  groupBy?: string,
): Promise<GroupedDescribe> {
  if (groupBy === undefined) {
    return {
      overall: toTable(await sql.one(`SELECT ${describeSelect(columns)} FROM ${relation}`), columns),
      by: {},
    };
  }
  // The whole relation and each group in one pass (GROUPING SETS; rows without a group count overall
  // only), one column at a time: a quantile keeps all its column's values, so memory stays one column's.
  const g = q(groupBy);
  const overall: DescribeTable = {};
  const by: Record<string, DescribeTable> = {};
  for (const column of columns) {
    const rows = await sql.all(
      `SELECT grouping(${g}) AS __all, CAST(${g} AS VARCHAR) AS __g, ${describeSelect([column])} FROM ${relation}
       GROUP BY GROUPING SETS ((), (${g})) ORDER BY 1 DESC, 2`,
    );
    for (const r of rows) {
      const table = r.__all === 1 ? overall : typeof r.__g === 'string' ? (by[r.__g] ??= {}) : null;
      if (table !== null) Object.assign(table, toTable(r, [column]));
    }
  }
  return { overall, by };
}

export interface RankTest {
  n_x: number;
  n_y: number;
  median_x: number | null;
  median_y: number | null;
  mean_x: number | null;
  mean_y: number | null;
  /** U of the x group (scipy's statistic for mannwhitneyu(x, y)). */
  u: number;
  z: number;
  p_value: number;
  /** U / (n_x n_y): the probability that a random x exceeds a random y (ties count half). */
  auc: number;
}

/**
 * Mann-Whitney U of `value` between rows where `group` = `x` and where it = `y` (nulls left out).
 */
export async function mannWhitney(
  sql: Sql,
  relation: string,
  value: string,
  group: string,
  x: number | string,
  y: number | string,
): Promise<RankTest> {
  const v = q(value);
  const g = q(group);
  const xl = typeof x === 'number' ? `${x}` : `'${x}'`;
  const yl = typeof y === 'number' ? `${y}` : `'${y}'`;
  const row = await sql.one(`
    WITH d AS (SELECT CAST(${v} AS DOUBLE) AS v, ${g} = ${xl} AS is_x FROM ${relation}
               WHERE ${v} IS NOT NULL AND ${g} IN (${xl}, ${yl})),
    r AS (SELECT is_x, v, rank() OVER (ORDER BY v) + (count(*) OVER (PARTITION BY v) - 1) / 2.0 AS rk FROM d),
    ties AS (SELECT sum(CAST(t AS DOUBLE) * t * t - t) AS tie FROM (SELECT count(*) AS t FROM d GROUP BY v))
    SELECT count(*) FILTER (WHERE is_x) AS n_x, count(*) FILTER (WHERE NOT is_x) AS n_y,
      sum(rk) FILTER (WHERE is_x) AS r_x,
      quantile_cont(v, 0.5) FILTER (WHERE is_x) AS median_x, quantile_cont(v, 0.5) FILTER (WHERE NOT is_x) AS median_y,
      avg(v) FILTER (WHERE is_x) AS mean_x, avg(v) FILTER (WHERE NOT is_x) AS mean_y,
      (SELECT tie FROM ties) AS tie
    FROM r`);
  const nx = count(row.n_x);
  const ny = count(row.n_y);
  const n = nx + ny;
  const u = (num(row.r_x) ?? 0) - (nx * (nx + 1)) / 2;
  const mu = (nx * ny) / 2;
  const tie = num(row.tie) ?? 0;
  const sigma = Math.sqrt(((nx * ny) / 12) * (n + 1 - (n > 1 ? tie / (n * (n - 1)) : 0)));
  // scipy: z from max(U_x, U_y) with the 0.5 continuity correction, p = 2 * survival(z), capped at 1.
  const z = sigma > 0 ? (Math.abs(u - mu) - 0.5) / sigma : 0;
  const p = sigma > 0 ? Math.min(1, 2 * normalCdf(-z, 0, 1)) : 1;
  return {
    n_x: nx,
    n_y: ny,
    median_x: num(row.median_x),
    median_y: num(row.median_y),
    mean_x: num(row.mean_x),
    mean_y: num(row.mean_y),
    u,
    z: sigma > 0 ? (u - mu) / sigma : 0,
    p_value: p,
    auc: nx * ny > 0 ? u / (nx * ny) : Number.NaN,
  };
}
