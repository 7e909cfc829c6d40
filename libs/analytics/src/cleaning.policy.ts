/**
 * Cleaning: applies the policy of quality.rules.ts step by step to copies of the typed tables
 * (clean_customers, clean_sessions), counting per rule the violations before cleaning, the rows dropped
 * or values repaired by the step, and the violations left after it. The cleaned files keep each kept
 * field's original text, so a cleaned file is a subset of the input with repaired fields emptied.
 */
import type { Dataset, FileSpec } from '@churnstream/dataset';
import { CUSTOMERS_FILE, SESSIONS_FILE, textColumn } from '@churnstream/dataset';
import { LEGITIMATE_NULL, QUALITY_RULES, REQUIRED_COLUMNS, type RuleAction } from './quality.rules';
import {
  countViolations,
  duplicateLinesTable,
  ruleContextSql,
  type FileQuality,
  type QualityFiles,
} from './quality.report';
import { Sql, count, lit, q } from './sql.client';

export interface CleaningStep {
  step: number;
  rule: string;
  action: RuleAction;
  /** Rows breaking the rule in the file as loaded (the quality report's count). */
  before: number;
  /** Rows this step dropped, or values it repaired, on what earlier steps left. */
  acted: number;
  /** Rows breaking the rule in the cleaned file. */
  after: number;
}

export interface FileCleaning {
  rows_before: number;
  rows_after: number;
  dropped: number;
  repaired: number;
  steps: CleaningStep[];
  /** Empty values kept (attributes), per column, not counting the contract's legitimate ones. */
  missing_kept: Record<string, number>;
}

export interface CleaningResult {
  customers: FileCleaning;
  sessions: FileCleaning;
}

export const CLEAN_TABLE = { customers: 'clean_customers', sessions: 'clean_sessions' } as const;

/**
 * Text of the cleaned rows: original fields, emptied where a repair set the typed value to NULL.
 * `typed` is a cleaned table (or a relation with its columns and more); `extra` adds its columns.
 * A text column's value is its original text already; other kinds read theirs from the loader's
 * textColumn() copy.
 */
export function cleanTextSql(
  spec: FileSpec,
  typed: string = CLEAN_TABLE[spec.table],
  extra: readonly string[] = [],
): string {
  const cols = spec.columns
    .map((c) =>
      c.kind === 'string'
        ? `t.${q(c.name)}`
        : `CASE WHEN t.${q(c.name)} IS NULL THEN NULL ELSE t.${q(textColumn(c.name))} END AS ${q(c.name)}`,
    )
    .concat(extra.map((c) => `t.${q(c)}`))
    .join(', ');
  return `SELECT ${cols}, t.line AS line FROM ${typed} t`;
}

async function duplicatesIn(
  sql: Sql,
  spec: FileSpec,
  relation: string,
): Promise<{ rows: number; ids: number }> {
  const row = await sql.one(
    `SELECT count(*) AS n, count(DISTINCT ${q(spec.id)}) AS ids, count(*) - count(${q(spec.id)}) AS id_nulls FROM ${relation}`,
  );
  const n = count(row.n);
  const idNulls = count(row.id_nulls);
  const ids = n - count(row.ids) - (idNulls > 0 ? 1 : 0);
  // Two equal rows have equal ids, so with unique ids and none empty there is no duplicate row to look for.
  if (ids === 0 && idNulls === 0) return { rows: 0, ids };
  const cols = spec.columns.map((c) => q(c.name)).join(', ');
  const distinct = await sql.one(`SELECT count(*) AS n FROM (SELECT DISTINCT ${cols} FROM ${relation})`);
  return { rows: n - count(distinct.n), ids };
}

/**
 * Flags the rows of `relation` breaking any of `rules` into the temp table __flags (line, f0, f1, ...)
 * and counts, per rule, the rows it is the first to catch (among rules on the same `column` when given).
 */
async function flagAndCount(
  sql: Sql,
  relation: string,
  rules: { violates: string; column?: string | undefined }[],
): Promise<number[]> {
  const flags = rules.map((r, i) => `coalesce(${r.violates}, FALSE) AS f${i}`).join(', ');
  await sql.run(
    `CREATE OR REPLACE TEMP TABLE __flags AS SELECT * FROM (SELECT line, ${flags} FROM ${relation})
     WHERE ${rules.map((_, i) => `f${i}`).join(' OR ')}`,
  );
  const counts = rules.map((r, i) => {
    const earlier = rules.flatMap((e, j) =>
      j < i && (r.column === undefined || e.column === r.column) ? [`f${j}`] : [],
    );
    return `count(*) FILTER (WHERE f${i}${earlier.length > 0 ? ` AND NOT (${earlier.join(' OR ')})` : ''}) AS c${i}`;
  });
  const row = await sql.one(`SELECT ${counts.join(', ')} FROM __flags`);
  return rules.map((_, i) => count(row[`c${i}`]));
}

async function cleanFile(sql: Sql, spec: FileSpec, ds: Dataset, quality: FileQuality): Promise<FileCleaning> {
  const table = CLEAN_TABLE[spec.table];
  const file = spec.table;
  // The typed table is in file order already, and CREATE TABLE AS keeps it (with the text copies).
  await sql.run(`CREATE OR REPLACE TABLE ${table} AS SELECT * FROM ${spec.table}`);
  const steps: CleaningStep[] = [];
  const context = (): string => ruleContextSql(file, table, CLEAN_TABLE.customers, ds.snapshotAt);

  steps.push({
    step: 1,
    rule: 'duplicate_rows',
    action: 'drop',
    before: quality.duplicate_rows,
    acted: await sql.run(
      `DELETE FROM ${table} WHERE line IN (SELECT line FROM ${duplicateLinesTable(file)})`,
    ),
    after: 0,
  });
  steps.push({
    step: 2,
    rule: 'duplicate_ids',
    action: 'drop',
    before: quality.duplicate_ids,
    // No id repeats in the file, so none can in what is left of it.
    acted:
      quality.duplicate_ids === 0
        ? 0
        : await sql.run(
            `DELETE FROM ${table} WHERE line IN (SELECT line FROM ${table} WHERE ${q(spec.id)} IS NOT NULL
               QUALIFY row_number() OVER (PARTITION BY ${q(spec.id)} ORDER BY line) > 1)`,
          ),
    after: 0,
  });
  // Steps 3 and 4 in one pass: each row is flagged by every drop rule it breaks and counted at the first
  // one in policy order, exactly as if the rules were applied one after another (they are row-local).
  const rules = QUALITY_RULES.filter((r) => r.file === file);
  // A column the file leaves out (optional in the contract) is not missing from any row.
  const required = REQUIRED_COLUMNS[file].filter((col) => !ds.absent[file].includes(col));
  const drops = [
    ...required.map((col) => ({
      step: 3,
      rule: `missing_${col}`,
      violates: `${q(col)} IS NULL`,
      before: quality.nulls[col] ?? 0,
    })),
    ...rules
      .filter((r) => r.action === 'drop' && r.name !== 'unknown_customer')
      .map((r) => ({ step: 4, rule: r.name, violates: r.violates, before: quality.invalid[r.name] ?? 0 })),
  ];
  const dropCounts = await flagAndCount(sql, context(), drops);
  await sql.run(`DELETE FROM ${table} WHERE line IN (SELECT line FROM __flags)`);
  drops.forEach((d, i) => {
    steps.push({
      step: d.step,
      rule: d.rule,
      action: 'drop',
      before: d.before,
      acted: dropCounts[i] ?? 0,
      after: 0,
    });
  });
  // Kept empties are counted before repairs (which empty values too) and before the cascade of step 6,
  // so that each injected fault is counted once, at the step that handles it.
  const keptNulls = await sql.one(
    `SELECT ${spec.columns.map((c) => `count(*) - count(${q(c.name)}) AS ${q(c.name)}`).join(', ')} FROM ${table}`,
  );
  const legit = LEGITIMATE_NULL[file] ?? {};
  const legitCounts =
    Object.keys(legit).length === 0
      ? {}
      : await sql.one(
          `SELECT ${Object.entries(legit)
            .map(([c, when]) => `count(*) FILTER (WHERE ${q(c)} IS NULL AND ${when}) AS ${q(c)}`)
            .join(', ')} FROM ${table}`,
        );
  const missingKept: Record<string, number> = {};
  for (const c of spec.columns) {
    if (REQUIRED_COLUMNS[file].includes(c.name) || ds.absent[file].includes(c.name)) continue;
    missingKept[c.name] = count(keptNulls[c.name]) - count(legitCounts[c.name]);
  }
  // Step 5 in one pass too: a value is counted at the first repair rule of its column that it breaks.
  const repairs = rules.filter((r) => r.action === 'repair');
  const repairCounts = await flagAndCount(
    sql,
    context(),
    repairs.map((r) => ({ violates: r.violates, column: r.repairs })),
  );
  const columns = [...new Set(repairs.map((r) => r.repairs ?? ''))];
  if (repairCounts.some((n) => n > 0)) {
    const sets = columns.map((col) => {
      const flags = repairs.flatMap((r, i) => (r.repairs === col ? [`f${i}`] : [])).join(' OR ');
      return `${q(col)} = CASE WHEN __flags.${flags.replaceAll(' OR ', ' OR __flags.')} THEN NULL ELSE ${table}.${q(col)} END`;
    });
    await sql.run(`UPDATE ${table} SET ${sets.join(', ')} FROM __flags WHERE ${table}.line = __flags.line`);
  }
  repairs.forEach((r, i) => {
    steps.push({
      step: 5,
      rule: r.name,
      action: 'repair',
      before: quality.invalid[r.name] ?? 0,
      acted: repairCounts[i] ?? 0,
      after: 0,
    });
  });
  if (file === 'sessions') {
    steps.push({
      step: 6,
      rule: 'unknown_customer',
      action: 'drop',
      before: quality.invalid.unknown_customer ?? 0,
      acted: await sql.run(
        `DELETE FROM ${table} WHERE customer_id NOT IN (SELECT customer_id FROM ${CLEAN_TABLE.customers})`,
      ),
      after: 0,
    });
  }

  // What is left: every handled rule must now count zero.
  const left = await countViolations(sql, file, table, CLEAN_TABLE.customers, ds.snapshotAt);
  const dups = await duplicatesIn(sql, spec, `(${cleanTextSql(spec)})`);
  const nullCounts = await sql.one(
    `SELECT count(*) AS n, ${spec.columns.map((c) => `count(*) - count(${q(c.name)}) AS ${q(c.name)}`).join(', ')} FROM ${table}`,
  );
  for (const s of steps) {
    if (s.rule === 'duplicate_rows') s.after = dups.rows;
    else if (s.rule === 'duplicate_ids') s.after = dups.ids;
    else if (s.rule.startsWith('missing_')) s.after = count(nullCounts[s.rule.slice('missing_'.length)]);
    else s.after = left[s.rule] ?? 0;
  }
  const rowsAfter = count(nullCounts.n);
  return {
    rows_before: quality.rows,
    rows_after: rowsAfter,
    dropped: quality.rows - rowsAfter,
    repaired: steps.filter((s) => s.action === 'repair').reduce((a, s) => a + s.acted, 0),
    steps,
    missing_kept: missingKept,
  };
}

export async function cleanDataset(sql: Sql, ds: Dataset, quality: QualityFiles): Promise<CleaningResult> {
  const customers = await cleanFile(sql, CUSTOMERS_FILE, ds, quality.customers);
  const sessions = await cleanFile(sql, SESSIONS_FILE, ds, quality.sessions);
  return { customers, sessions };
}

/**
 * Writes REPORT/clean/<file>.csv: the kept rows in file order, original text, repaired fields empty.
 * The cleaned tables are in file order (built in order; deletes and in-place updates keep it), and a
 * scan of one table keeps it too, so there is nothing to sort.
 */
export async function writeCleanFiles(sql: Sql, dir: string): Promise<void> {
  for (const spec of [CUSTOMERS_FILE, SESSIONS_FILE]) {
    const cols = spec.columns.map((c) => q(c.name)).join(', ');
    await sql.run(
      `COPY (SELECT ${cols} FROM (${cleanTextSql(spec)})) TO ${lit(`${dir}/${spec.file}`)} (HEADER, DELIMITER ',')`,
    );
  }
}
