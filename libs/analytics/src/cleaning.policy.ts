/**
 * Cleaning: applies the policy of quality.rules.ts step by step to copies of the typed tables
 * (clean_customers, clean_sessions), counting per rule the violations before cleaning, the rows dropped
 * or values repaired by the step, and the violations left after it. The cleaned files keep each kept
 * field's original text, so a cleaned file is a subset of the input with repaired fields emptied.
 */
import type { Dataset, FileSpec } from '@churnstream/dataset';
import { CUSTOMERS_FILE, SESSIONS_FILE } from '@churnstream/dataset';
import { LEGITIMATE_NULL, QUALITY_RULES, REQUIRED_COLUMNS, type RuleAction } from './quality.rules';
import { countViolations, ruleContextSql, type FileQuality, type QualityFiles } from './quality.report';
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

/** Text of the cleaned rows: original fields, emptied where a repair set the typed value to NULL. */
export function cleanTextSql(spec: FileSpec): string {
  const cols = spec.columns
    .map((c) => `CASE WHEN t.${q(c.name)} IS NULL THEN NULL ELSE r.${q(c.name)} END AS ${q(c.name)}`)
    .join(', ');
  return `SELECT ${cols}, t.line AS line FROM ${CLEAN_TABLE[spec.table]} t JOIN raw_${spec.table} r ON r.line = t.line`;
}

async function duplicatesIn(
  sql: Sql,
  spec: FileSpec,
  relation: string,
): Promise<{ rows: number; ids: number }> {
  const cols = spec.columns.map((c) => q(c.name)).join(', ');
  const row = await sql.one(
    `SELECT count(*) AS n, count(DISTINCT ${q(spec.id)}) AS ids, count(*) - count(${q(spec.id)}) AS id_nulls,
       (SELECT count(*) FROM (SELECT DISTINCT ${cols} FROM ${relation})) AS distinct_rows
     FROM ${relation}`,
  );
  const n = count(row.n);
  return { rows: n - count(row.distinct_rows), ids: n - count(row.ids) - (count(row.id_nulls) > 0 ? 1 : 0) };
}

async function cleanFile(sql: Sql, spec: FileSpec, ds: Dataset, quality: FileQuality): Promise<FileCleaning> {
  const table = CLEAN_TABLE[spec.table];
  const file = spec.table;
  const cols = spec.columns.map((c) => q(c.name)).join(', ');
  await sql.run(`CREATE OR REPLACE TABLE ${table} AS SELECT * FROM ${spec.table} ORDER BY line`);
  const steps: CleaningStep[] = [];
  const context = (): string => ruleContextSql(file, table, CLEAN_TABLE.customers, ds.snapshotAt);

  steps.push({
    step: 1,
    rule: 'duplicate_rows',
    action: 'drop',
    before: quality.duplicate_rows,
    acted: await sql.run(
      `DELETE FROM ${table} WHERE line IN (SELECT line FROM raw_${file}
         QUALIFY row_number() OVER (PARTITION BY ${cols} ORDER BY line) > 1)`,
    ),
    after: 0,
  });
  steps.push({
    step: 2,
    rule: 'duplicate_ids',
    action: 'drop',
    before: quality.duplicate_ids,
    acted: await sql.run(
      `DELETE FROM ${table} WHERE line IN (SELECT line FROM ${table} WHERE ${q(spec.id)} IS NOT NULL
         QUALIFY row_number() OVER (PARTITION BY ${q(spec.id)} ORDER BY line) > 1)`,
    ),
    after: 0,
  });
  for (const col of REQUIRED_COLUMNS[file]) {
    steps.push({
      step: 3,
      rule: `missing_${col}`,
      action: 'drop',
      before: quality.nulls[col] ?? 0,
      acted: await sql.run(`DELETE FROM ${table} WHERE ${q(col)} IS NULL`),
      after: 0,
    });
  }
  const rules = QUALITY_RULES.filter((r) => r.file === file);
  for (const rule of rules.filter((r) => r.action === 'drop' && r.name !== 'unknown_customer')) {
    steps.push({
      step: 4,
      rule: rule.name,
      action: 'drop',
      before: quality.invalid[rule.name] ?? 0,
      acted: await sql.run(
        `DELETE FROM ${table} WHERE line IN (SELECT line FROM ${context()} WHERE ${rule.violates})`,
      ),
      after: 0,
    });
  }
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
    if (REQUIRED_COLUMNS[file].includes(c.name)) continue;
    missingKept[c.name] = count(keptNulls[c.name]) - count(legitCounts[c.name]);
  }
  for (const rule of rules.filter((r) => r.action === 'repair')) {
    const col = q(rule.repairs ?? '');
    steps.push({
      step: 5,
      rule: rule.name,
      action: 'repair',
      before: quality.invalid[rule.name] ?? 0,
      acted: await sql.run(
        `UPDATE ${table} SET ${col} = NULL WHERE line IN (SELECT line FROM ${context()} WHERE ${rule.violates})`,
      ),
      after: 0,
    });
  }
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

/** Writes REPORT/clean/<file>.csv: the kept rows in file order, original text, repaired fields empty. */
export async function writeCleanFiles(sql: Sql, dir: string): Promise<void> {
  for (const spec of [CUSTOMERS_FILE, SESSIONS_FILE]) {
    const cols = spec.columns.map((c) => q(c.name)).join(', ');
    await sql.run(
      `COPY (SELECT ${cols} FROM (${cleanTextSql(spec)}) ORDER BY line) TO ${lit(`${dir}/${spec.file}`)} (HEADER, DELIMITER ',')`,
    );
  }
}
