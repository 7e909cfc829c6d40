/**
 * Reads a dataset folder into what libs/model's framings take: customers and sessions through the
 * strict DuckDB loader of libs/dataset (so a malformed file fails with file, line and column), cleaned
 * by libs/analytics's cleaning policy (the same rows analyze keeps; a dataset the cleaning empties
 * stops with the rule that emptied it), and
 * truth.csv's churn_probability when present (the oracle the model is compared with, never a feature).
 * Kept out of libs/model so the scoring library does not pull in DuckDB.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { toCents } from '@churnstream/churn';
import {
  CLEAN_TABLE,
  Sql,
  assertNotEmptied,
  assessQuality,
  cleanDataset,
  type CleaningResult,
} from '@churnstream/analytics';
import { openDataset, sqlString, type Dataset } from '@churnstream/dataset';
import type { CustomerRecord, SessionRecord } from '@churnstream/model';

export interface ModelInput {
  dir: string;
  snapshotAtMs: number;
  customers: CustomerRecord[];
  sessions: SessionRecord[];
  /** customer_id -> churn_probability from truth.csv, or null when the folder has no truth.csv. */
  truth: Map<string, number> | null;
  /** Rows that could not be used (a required field empty) and why. */
  skipped: Record<string, number>;
  /** What the cleaning dropped and repaired, per file. */
  cleaning: CleaningResult;
  /** Optional columns the files leave out (their features are constant and dropped by training). */
  absent: { customers: string[]; sessions: string[] };
}

export async function readModelInput(
  dir: string,
  options: { snapshotAt?: string } = {},
): Promise<ModelInput> {
  const ds = await openDataset(
    dir,
    options.snapshotAt === undefined ? {} : { snapshotAt: options.snapshotAt },
  );
  const skipped: Record<string, number> = {};
  const skip = (why: string): void => {
    skipped[why] = (skipped[why] ?? 0) + 1;
  };
  try {
    const sql = new Sql(ds.connection);
    const cleaning = await cleanDataset(sql, ds, await assessQuality(sql, ds));
    assertNotEmptied(cleaning, dir);
    const customers: CustomerRecord[] = [];
    for await (const c of ds.customers(CLEAN_TABLE.customers)) {
      if (c.customer_id === null) {
        skip('customer without customer_id');
        continue;
      }
      customers.push({
        customer_id: c.customer_id,
        age: c.age,
        gender: c.gender,
        location: c.location,
        country: c.country,
        customer_since: c.customer_since?.getTime() ?? null,
        churned: c.churned,
      });
    }
    const sessions = await readSessions(ds, skip);
    let truth: Map<string, number> | null = null;
    const truthPath = join(dir, 'truth.csv');
    if (existsSync(truthPath)) {
      const rows = await ds.query<{ customer_id: string; churn_probability: number }>(
        `SELECT customer_id, churn_probability FROM read_csv(${sqlString(truthPath)}, header = true, ` +
          `columns = {'customer_id': 'VARCHAR', 'true_churned': 'VARCHAR', 'true_churn_date': 'VARCHAR', 'churn_probability': 'DOUBLE'})`,
      );
      truth = new Map(rows.map((r) => [r.customer_id, r.churn_probability]));
    }
    return {
      dir,
      snapshotAtMs: ds.snapshotAt.getTime(),
      customers,
      sessions,
      truth,
      skipped,
      cleaning,
      absent: ds.absent,
    };
  } finally {
    ds.close();
  }
}

/**
 * The cleaned sessions in file order, read column by column from DuckDB's chunks: the row objects of
 * Dataset.sessions (a Date and a string per field) cost more than the framing that uses them.
 */
async function readSessions(ds: Dataset, skip: (why: string) => void): Promise<SessionRecord[]> {
  const connection = await ds.instance.connect();
  const sessions: SessionRecord[] = [];
  try {
    // A scan of one table keeps its (file) order; numbers come back as numbers when cast to DOUBLE.
    const result = await connection.stream(
      `SELECT customer_id, CAST(epoch_ms(session_start) AS DOUBLE), CAST(epoch_ms(session_end) AS DOUBLE),
         CAST(pages_viewed AS DOUBLE), CAST(products_added_to_cart AS DOUBLE), CAST(products_purchased AS DOUBLE),
         total_spent
       FROM ${CLEAN_TABLE.sessions}`,
    );
    for (
      let chunk = await result.fetchChunk();
      chunk !== null && chunk.rowCount > 0;
      chunk = await result.fetchChunk()
    ) {
      const [ids, starts, ends, pages, carts, purchased, spent] = [0, 1, 2, 3, 4, 5, 6].map((i) =>
        chunk === null ? [] : chunk.getColumnValues(i),
      );
      for (let i = 0; i < chunk.rowCount; i++) {
        const id = ids?.[i];
        const start = starts?.[i];
        const end = ends?.[i];
        if (typeof id !== 'string' || typeof start !== 'number' || typeof end !== 'number') {
          skip('session without customer_id, session_start or session_end');
          continue;
        }
        sessions.push({
          customer_id: id,
          session_start: start,
          session_end: end,
          pages_viewed: numberOr0(pages?.[i]),
          products_added_to_cart: numberOr0(carts?.[i]),
          products_purchased: numberOr0(purchased?.[i]),
          total_spent_cents: toCents(numberOr0(spent?.[i])),
        });
      }
    }
  } finally {
    connection.closeSync();
  }
  return sessions;
}

function numberOr0(value: unknown): number {
  return typeof value === 'number' ? value : 0;
}
