/**
 * A synthetic population for `bench queries --synthetic N`: N customers with 10 sessions each on
 * average and a score each, as the pipeline's events (the score carries the scored customer), so it is
 * indexed through the same event -> document mapping as the real thing. Deterministic (seeded), not realistic.
 */
import {
  type ChurnScore,
  DEVICE_TYPES,
  GENDERS,
  PAYMENT_METHODS,
  type SessionEnded,
} from '@churnstream/contracts';
import { DAY_MS } from '@churnstream/churn';

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const COUNTRIES = ['US', 'GB', 'DE', 'FR', 'ES', 'IT', 'NL', 'SE', 'PL', 'BR', 'IN', 'JP', 'CA', 'AU'];
const START = Date.parse('2025-01-01T00:00:00.000Z');

type PopulationEvent = SessionEnded | ChurnScore;

/** Yields the events customer by customer (sessions, then the score). */
export function* syntheticPopulation(customers: number, seed = 42): Generator<PopulationEvent> {
  const random = rng(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const snapshot = START + 365 * DAY_MS;
  for (let c = 0; c < customers; c++) {
    const id = `C${String(c).padStart(7, '0')}`;
    const since = START + Math.floor(random() * 200 * DAY_MS);
    const profile = {
      customer_id: id,
      name: `Customer ${c}`,
      email: `c${c}@example.com`,
      age: 16 + Math.floor(random() * 60),
      gender: pick(GENDERS),
      location: `City ${Math.floor(random() * 500)}`,
      country: pick(COUNTRIES),
      customer_since: new Date(since).toISOString(),
    };
    const devices = new Set<(typeof DEVICE_TYPES)[number]>();
    const payments = new Set<(typeof PAYMENT_METHODS)[number]>();
    const n = Math.floor(random() * 21);
    let spent = 0;
    let purchased = 0;
    let lastPurchase: number | null = null;
    let lastActive = since;
    for (let s = 0; s < n; s++) {
      const start = since + Math.floor(random() * (snapshot - since));
      const end = start + Math.floor(random() * 3_600_000);
      const pages = 1 + Math.floor(random() * 30);
      const added = Math.floor(random() * Math.min(pages, 6));
      const bought = Math.floor(random() * (added + 1));
      const total = bought > 0 ? Math.round(random() * 20_000) / 100 : 0;
      spent += total;
      purchased += bought;
      if (bought > 0) lastPurchase = Math.max(lastPurchase ?? 0, end);
      lastActive = Math.max(lastActive, end);
      const device = pick(DEVICE_TYPES);
      const payment = bought > 0 ? pick(PAYMENT_METHODS) : null;
      devices.add(device);
      if (payment !== null) payments.add(payment);
      yield {
        event_id: `sess-${id}-${s}`,
        event_time: new Date(end).toISOString(),
        event_type: 'session_ended',
        schema_version: 1,
        session: {
          session_id: `${id}-S${s}`,
          customer_id: id,
          session_start: new Date(start).toISOString(),
          session_end: new Date(end).toISOString(),
          pages_viewed: pages,
          products_added_to_cart: added,
          products_purchased: bought,
          total_spent: total,
          device_type: device,
          payment_method: payment,
        },
      };
    }
    const churned = snapshot - (lastPurchase ?? since) >= 60 * DAY_MS;
    const watermark = new Date(snapshot).toISOString();
    const p = Math.min(1, Math.max(0, (churned ? 0.6 : 0.2) + (random() - 0.5) * 0.4));
    yield {
      event_id: `score-${id}`,
      event_time: watermark,
      event_type: 'churn_score',
      schema_version: 2,
      customer_id: id,
      churn_probability: p,
      churn_predicted: p >= 0.5,
      threshold: 0.5,
      model_version: 'synthetic',
      features_event_id: `feat-${id}`,
      watermark,
      version: n + 1,
      churned,
      aggregate: {
        ...profile,
        session_count: n,
        pages_viewed_total: 0,
        products_added_total: 0,
        products_purchased_total: purchased,
        total_spent: Math.round(spent * 100) / 100,
        total_session_seconds: 0,
        first_seen_at: null,
        last_active_at: new Date(lastActive).toISOString(),
        last_purchase_at: lastPurchase === null ? null : new Date(lastPurchase).toISOString(),
        devices_used: [...devices].sort(),
        payment_methods_used: [...payments].sort(),
      },
    };
  }
}
