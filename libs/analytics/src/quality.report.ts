/**
 * The data-quality report of a loaded dataset, the equivalent of pandas' info(), isnull().sum() and
 * duplicated().sum() plus the invalid-value rules, computed on the files as they are (before cleaning):
 *
 * - nulls: empty fields (quoted or not), per column, on the raw text;
 * - duplicate_rows: rows equal, field for field as text, to an earlier row (NULL equals NULL, as in pandas);
 * - duplicate_ids: rows whose id appeared on an earlier row (pandas duplicated(subset=id); a second
 *   empty id counts too);
 * - dtypes: the dtype pandas' read_csv would infer from the text (int64, float64 when a number column has
 *   nulls or decimals, str otherwise as pandas 3 names text (object in pandas 2); timestamps are text);
 * - invalid: rows breaking each rule of quality.rules.ts (a NULL never breaks a rule).
 */
import type { Dataset, FileSpec } from '@churnstream/dataset';
import { CUSTOMERS_FILE, SESSIONS_FILE } from '@churnstream/dataset';
import { QUALITY_RULES, type RuleFile } from './quality.rules';
import { Sql, count, q, tsLit } from './sql.client';

export interface FileQuality {
  rows: number;
  columns: number;
  dtypes: Record<string, string>;
  non_null: Record<string, number>;
  nulls: Record<string, number>;
  duplicate_rows: number;
  duplicate_ids: number;
  invalid: Record<string, number>;
}

export interface QualityFiles {
  customers: FileQuality;
  sessions: FileQuality;
}

const INT_RE = `'[+-]?[0-9]+'`;
const FLOAT_RE = `'[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]+)?'`;

/**
 * The relation the rules of a file are evaluated on: the typed rows plus `snapshot` and, for sessions,
 * `c_known`/`c_since` from the first row of the session's customer_id in `customersTable`.
 */
export function ruleContextSql(
  file: RuleFile,
  table: string,
  customersTable: string,
  snapshotAt: Date,
): string {
  if (file === 'customers') return `(SELECT t.*, ${tsLit(snapshotAt)} AS snapshot FROM ${table} t)`;
  return `(SELECT s.*, ${tsLit(snapshotAt)} AS snapshot, c.customer_id IS NOT NULL AS c_known, c.customer_since AS c_since
    FROM ${table} s LEFT JOIN (
      SELECT customer_id, customer_since FROM ${customersTable} WHERE customer_id IS NOT NULL
      QUALIFY row_number() OVER (PARTITION BY customer_id ORDER BY line) = 1
    ) c ON s.customer_id = c.customer_id)`;
}

/** Rows breaking each rule of `file` in `table`. */
export async function countViolations(
  sql: Sql,
  file: RuleFile,
  table: string,
  customersTable: string,
  snapshotAt: Date,
): Promise<Record<string, number>> {
  const rules = QUALITY_RULES.filter((r) => r.file === file);
  const row = await sql.one(
    `SELECT ${rules.map((r) => `count(*) FILTER (WHERE ${r.violates}) AS ${q(r.name)}`).join(', ')}
     FROM ${ruleContextSql(file, table, customersTable, snapshotAt)}`,
  );
  return Object.fromEntries(rules.map((r) => [r.name, count(row[r.name])]));
}

/** The temp table of the lines that repeat an earlier row of `table` (filled by assessQuality). */
export function duplicateLinesTable(table: string): string {
  return `__duplicate_lines_${table}`;
}

function pandasDtype(nonNull: number, nulls: number, allInt: unknown, allFloat: unknown): string {
  if (nonNull === 0) return 'float64';
  if (allInt === true) return nulls === 0 ? 'int64' : 'float64';
  if (allFloat === true) return 'float64';
  return 'str';
}

/**
 * Which of `columns` the first rows already show not to be all integers, or not all numbers (pandas'
 * int64 and float64 tests): one value is enough, so the whole-file test is left out for those.
 */
async function failedInSample(
  sql: Sql,
  raw: string,
  columns: string[],
): Promise<{ notInt: Set<string>; notFloat: Set<string> }> {
  if (columns.length === 0) return { notInt: new Set(), notFloat: new Set() };
  const row = await sql.one(
    `SELECT ${columns
      .map(
        (c, i) =>
          `bool_and(regexp_full_match(${q(c)}, ${INT_RE})) AS i${i}, bool_and(regexp_full_match(${q(c)}, ${FLOAT_RE})) AS f${i}`,
      )
      .join(', ')}
     FROM (SELECT * FROM ${raw} LIMIT ${SAMPLE_ROWS})`,
  );
  return {
    notInt: new Set(columns.filter((_, i) => row[`i${i}`] === false)),
    notFloat: new Set(columns.filter((_, i) => row[`f${i}`] === false)),
  };
}

const SAMPLE_ROWS = 1000;

async function fileQuality(sql: Sql, spec: FileSpec, ds: Dataset): Promise<FileQuality> {
  const cols = spec.columns.map((c) => c.name);
  const raw = `raw_${spec.table}`;
  const sample = await failedInSample(sql, raw, cols);
  // What the loader checked need not be scanned for again: an int column that loaded is all integers,
  // a timestamp column is never numeric. Text and float columns are tested as pandas would.
  const parts = spec.columns.flatMap((c) => {
    const strictlyLoaded = (ds.unparsable[spec.table][c.name] ?? 0) === 0;
    const isInt =
      c.kind === 'int' && strictlyLoaded
        ? 'TRUE'
        : (c.kind === 'timestamp' && strictlyLoaded) || sample.notInt.has(c.name)
          ? 'FALSE'
          : `bool_and(regexp_full_match(${q(c.name)}, ${INT_RE}))`;
    const isFloat =
      (c.kind === 'int' || c.kind === 'float') && strictlyLoaded
        ? 'TRUE'
        : (c.kind === 'timestamp' && strictlyLoaded) || sample.notFloat.has(c.name)
          ? 'FALSE'
          : `bool_and(regexp_full_match(${q(c.name)}, ${FLOAT_RE}))`;
    return [
      `count(${q(c.name)}) AS ${q(`nn_${c.name}`)}`,
      `${isInt} AS ${q(`int_${c.name}`)}`,
      `${isFloat} AS ${q(`float_${c.name}`)}`,
    ];
  });
  const stats = await sql.one(
    `SELECT count(*) AS rows, count(DISTINCT ${q(spec.id)}) AS distinct_ids, ${parts.join(', ')} FROM ${raw}`,
  );
  // Later copies of a row, kept for the cleaning step that drops them (pandas' keep='first'). Equal
  // rows have equal ids, so only rows whose id repeats (or is empty) can be copies: the window, which
  // sorts what it partitions, runs on those alone (none at all in a file with unique ids).
  const id = q(spec.id);
  const uniqueIds =
    count(stats.distinct_ids) === count(stats[`nn_${spec.id}`]) &&
    count(stats[`nn_${spec.id}`]) === count(stats.rows);
  await sql.run(
    `CREATE OR REPLACE TEMP TABLE ${duplicateLinesTable(spec.table)} AS SELECT line FROM ${raw}
     WHERE ${uniqueIds ? 'FALSE' : `${id} IS NULL OR ${id} IN (SELECT ${id} FROM ${raw} GROUP BY ${id} HAVING count(*) > 1)`}
     QUALIFY row_number() OVER (PARTITION BY ${cols.map(q).join(', ')} ORDER BY line) > 1`,
  );
  const duplicates = await sql.one(`SELECT count(*) AS n FROM ${duplicateLinesTable(spec.table)}`);
  const rows = count(stats.rows);
  const nonNull: Record<string, number> = {};
  const nulls: Record<string, number> = {};
  const dtypes: Record<string, string> = {};
  for (const c of cols) {
    nonNull[c] = count(stats[`nn_${c}`]);
    nulls[c] = rows - nonNull[c];
    dtypes[c] = pandasDtype(nonNull[c], nulls[c], stats[`int_${c}`], stats[`float_${c}`]);
  }
  const idNulls = nulls[spec.id] ?? 0;
  return {
    rows,
    columns: cols.length,
    dtypes,
    non_null: nonNull,
    nulls,
    duplicate_rows: count(duplicates.n),
    duplicate_ids: rows - count(stats.distinct_ids) - (idNulls > 0 ? 1 : 0),
    invalid: await countViolations(sql, spec.table, spec.table, 'customers', ds.snapshotAt),
  };
}

export async function assessQuality(sql: Sql, ds: Dataset): Promise<QualityFiles> {
  return {
    customers: await fileQuality(sql, CUSTOMERS_FILE, ds),
    sessions: await fileQuality(sql, SESSIONS_FILE, ds),
  };
}
