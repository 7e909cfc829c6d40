/**
 * Reads a dataset folder into what libs/model's framings take: customers and sessions through the
 * strict DuckDB loader of libs/dataset (so a malformed file fails with file, line and column), and
 * truth.csv's churn_probability when present (the oracle the model is compared with, never a feature).
 * Kept out of libs/model so the scoring library does not pull in DuckDB.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { toCents } from '@churnstream/churn';
import { openDataset, sqlString } from '@churnstream/dataset';
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
}

export async function readModelInput(dir: string): Promise<ModelInput> {
  const ds = await openDataset(dir);
  const skipped: Record<string, number> = {};
  const skip = (why: string): void => {
    skipped[why] = (skipped[why] ?? 0) + 1;
  };
  try {
    const customers: CustomerRecord[] = [];
    for await (const c of ds.customers()) {
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
    const sessions: SessionRecord[] = [];
    // Plain arrays of numbers (epoch ms as DOUBLE) rather than the typed row objects: no Date, BigInt
    // or object per session, which is most of the read on a large dataset.
    const connection = await ds.instance.connect();
    try {
      const result = await connection.stream(
        `SELECT customer_id, epoch_ms(session_start)::DOUBLE, epoch_ms(session_end)::DOUBLE,
           coalesce(pages_viewed, 0)::DOUBLE, coalesce(products_added_to_cart, 0)::DOUBLE,
           coalesce(products_purchased, 0)::DOUBLE, coalesce(total_spent, 0)
         FROM sessions ORDER BY line`,
      );
      for await (const rows of result.yieldRowsJs()) {
        for (const r of rows) {
          const [customerId, start, end, pages, added, purchased, spent] = r as [
            string | null,
            number | null,
            number | null,
            number,
            number,
            number,
            number,
          ];
          if (customerId === null || start === null || end === null) {
            skip('session without customer_id, session_start or session_end');
            continue;
          }
          sessions.push({
            customer_id: customerId,
            session_start: start,
            session_end: end,
            pages_viewed: pages,
            products_added_to_cart: added,
            products_purchased: purchased,
            total_spent_cents: toCents(spent),
          });
        }
      }
    } finally {
      connection.closeSync();
    }
    let truth: Map<string, number> | null = null;
    const truthPath = join(dir, 'truth.csv');
    if (existsSync(truthPath)) {
      const rows = await ds.query<{ customer_id: string; churn_probability: number }>(
        `SELECT customer_id, churn_probability FROM read_csv(${sqlString(truthPath)}, header = true, ` +
          `columns = {'customer_id': 'VARCHAR', 'true_churned': 'VARCHAR', 'true_churn_date': 'VARCHAR', 'churn_probability': 'DOUBLE'})`,
      );
      truth = new Map(rows.map((r) => [r.customer_id, r.churn_probability]));
    }
    return { dir, snapshotAtMs: ds.snapshotAt.getTime(), customers, sessions, truth, skipped };
  } finally {
    ds.close();
  }
}
