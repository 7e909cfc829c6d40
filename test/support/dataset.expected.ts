import { isChurned } from '@churnstream/churn';
import { openDataset } from '@churnstream/dataset';
import type { ExpectedDocument } from './pipeline.check';

/**
 * The batch computation of a dataset folder's customer documents, in SQL over the folder (DuckDB,
 * through libs/dataset's loader), independent of the replay's code: every customer's sums over their
 * sessions and the churn label at snapshot_at. Values the folder leaves out count as the replay's
 * documented defaults (libs/bulk-load row.defaults.ts): the funnel as the purchase, one device
 * (desktop), card payment for a purchase, gender unspecified.
 */
export async function expectedFromFolder(
  dir: string,
): Promise<{ customers: Map<string, ExpectedDocument>; sessions: number }> {
  const ds = await openDataset(dir);
  try {
    const rows = await ds.query<{
      customer_id: string;
      gender: string;
      since: Date;
      n: bigint;
      pages: bigint | null;
      cart: bigint | null;
      bought: bigint | null;
      cents: bigint | null;
      ms: bigint | null;
      last_purchase: Date | null;
      devices: string[] | null;
      payments: string[] | null;
    }>(`
      SELECT c.customer_id, coalesce(c.gender, 'unspecified') AS gender, c.customer_since AS since,
        count(s.session_id) AS n,
        sum(coalesce(s.pages_viewed, s.products_added_to_cart, s.products_purchased))::BIGINT AS pages,
        sum(coalesce(s.products_added_to_cart, s.products_purchased))::BIGINT AS cart,
        sum(s.products_purchased)::BIGINT AS bought,
        sum(round(s.total_spent * 100))::BIGINT AS cents,
        sum(epoch_ms(s.session_end) - epoch_ms(s.session_start))::BIGINT AS ms,
        max(s.session_end) FILTER (WHERE s.products_purchased > 0) AS last_purchase,
        list(DISTINCT coalesce(s.device_type, 'desktop') ORDER BY coalesce(s.device_type, 'desktop'))
          FILTER (WHERE s.session_id IS NOT NULL) AS devices,
        list(DISTINCT coalesce(s.payment_method, 'credit_card') ORDER BY coalesce(s.payment_method, 'credit_card'))
          FILTER (WHERE s.products_purchased > 0) AS payments
      FROM customers c LEFT JOIN sessions s USING (customer_id)
      GROUP BY ALL`);
    const snapshotMs = ds.snapshotAt.getTime();
    const customers = new Map<string, ExpectedDocument>();
    let sessions = 0;
    for (const r of rows) {
      sessions += Number(r.n);
      const reference = r.last_purchase?.getTime() ?? r.since.getTime();
      customers.set(r.customer_id, {
        session_count: Number(r.n),
        pages_viewed_total: Number(r.pages ?? 0),
        products_added_total: Number(r.cart ?? 0),
        products_purchased_total: Number(r.bought ?? 0),
        total_spent_cents: Number(r.cents ?? 0),
        total_session_ms: Number(r.ms ?? 0),
        last_purchase_at: r.last_purchase?.toISOString() ?? null,
        churned: isChurned(reference, snapshotMs),
        gender: r.gender,
        devices_used: r.devices ?? [],
        payment_methods_used: r.payments ?? [],
      });
    }
    return { customers, sessions };
  } finally {
    ds.close();
  }
}
