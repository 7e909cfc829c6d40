/** A small synthetic shop for the model specs: customers who lapse at a random time stop buying. */
import { DAY_MS } from '@churnstream/churn';
import { Mulberry32 } from '@churnstream/forest';
import type { CustomerRecord, SessionRecord } from './model.framing';

export const FIXTURE_SNAPSHOT = Date.parse('2026-06-30T00:00:00Z');

export function syntheticShop(
  customers: number,
  seed = 1,
): { customers: CustomerRecord[]; sessions: SessionRecord[] } {
  const rng = new Mulberry32(seed);
  const start = FIXTURE_SNAPSHOT - 180 * DAY_MS;
  const out: CustomerRecord[] = [];
  const sessions: SessionRecord[] = [];
  for (let c = 0; c < customers; c++) {
    const id = `C${String(c).padStart(5, '0')}`;
    const since = start - Math.floor(rng.nextFloat() * 300) * DAY_MS;
    const perDay = 0.05 + rng.nextFloat() * 0.3;
    const lapseAt = rng.nextFloat() < 0.5 ? start + rng.nextFloat() * 180 * DAY_MS : Infinity;
    let lastPurchase = since;
    for (let day = 0; day < 180; day++) {
      const t = start + day * DAY_MS;
      const rate = t > lapseAt ? perDay * 0.15 : perDay;
      if (rng.nextFloat() >= rate) continue;
      const pages = 1 + rng.nextInt(12);
      const added = rng.nextInt(Math.min(pages, 4) + 1);
      const bought = t > lapseAt ? 0 : rng.nextInt(added + 1);
      const end = t + (2 + rng.nextInt(30)) * 60_000;
      if (bought > 0) lastPurchase = end;
      sessions.push({
        customer_id: id,
        session_start: t,
        session_end: end,
        pages_viewed: pages,
        products_added_to_cart: added,
        products_purchased: bought,
        total_spent_cents: bought * (500 + rng.nextInt(5000)),
      });
    }
    out.push({
      customer_id: id,
      age: 18 + rng.nextInt(60),
      gender: 'female',
      location: 'Lyon',
      country: 'France',
      customer_since: since,
      churned: FIXTURE_SNAPSHOT - lastPurchase >= 60 * DAY_MS ? 1 : 0,
    });
  }
  return { customers: out, sessions };
}
