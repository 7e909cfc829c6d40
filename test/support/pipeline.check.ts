import type { Client } from '@elastic/elasticsearch';
import { type GenerateOptions, generatePopulation, sessionStream } from '@churnstream/simulation';
import { searchIndexNames } from '@churnstream/search';
import { expectedCustomers } from './expected.fixture';

interface CustomerDoc {
  customer_id: string;
  gender: string;
  session_count: number;
  pages_viewed_total: number;
  products_added_total: number;
  products_purchased_total: number;
  total_spent: number;
  total_session_seconds: number;
  last_purchase_at: string | null;
  churned: boolean;
  churn_score?: number;
  model_version?: string;
  devices_used?: Record<string, boolean>;
  payment_methods_used?: Record<string, boolean>;
}

/** The device types and payment methods each customer's sessions used, as sorted lists. */
function usedByCustomer(population: GenerateOptions): Map<string, [string[], string[]]> {
  const used = new Map<string, [Set<string>, Set<string>]>();
  for (const s of sessionStream(generatePopulation(population))) {
    const entry = used.get(s.customer_id) ?? [new Set<string>(), new Set<string>()];
    entry[0].add(s.device_type);
    if (s.payment_method !== null) entry[1].add(s.payment_method);
    used.set(s.customer_id, entry);
  }
  return new Map([...used].map(([id, [d, p]]) => [id, [[...d].sort(), [...p].sort()]]));
}

export interface PipelineDifference {
  /** Customers in the index vs in the batch computation. */
  customers: { indexed: number; expected: number };
  sessions: { indexed: number; expected: number };
  /** One line per customer whose document differs from the batch computation (or has no score). */
  mismatches: string[];
}

/** What one customer's document must hold, as the batch side computes it. */
export interface ExpectedDocument {
  session_count: number;
  pages_viewed_total: number;
  products_added_total: number;
  products_purchased_total: number;
  total_spent_cents: number;
  total_session_ms: number;
  /** ISO instant or null. */
  last_purchase_at: string | null;
  churned: boolean;
  gender: string | null;
  devices_used: string[];
  payment_methods_used: string[];
}

/**
 * What the pipeline left in Elasticsearch under `prefix`, against the batch computation of the
 * same population: every aggregate, the churn flag and gender of every customer, every customer
 * scored, and the session count. Call after the pipeline caught up and the indices were refreshed.
 */
export async function compareWithBatch(
  es: Client,
  prefix: string,
  population: GenerateOptions & { sessions: number },
): Promise<PipelineDifference> {
  const used = usedByCustomer(population);
  const expected = new Map<string, ExpectedDocument>();
  for (const [id, want] of expectedCustomers(population)) {
    const a = want.aggregate;
    const [devices, payments] = used.get(id) ?? [[], []];
    expected.set(id, {
      session_count: a.session_count,
      pages_viewed_total: a.pages_viewed_total,
      products_added_total: a.products_added_total,
      products_purchased_total: a.products_purchased_total,
      total_spent_cents: a.total_spent_cents,
      total_session_ms: a.total_session_ms,
      last_purchase_at: a.last_purchase_at === null ? null : new Date(a.last_purchase_at).toISOString(),
      churned: want.churned,
      gender: a.gender,
      devices_used: devices,
      payment_methods_used: payments,
    });
  }
  return compareWithExpected(es, prefix, expected, population.sessions);
}

/** compareWithBatch against documents computed by the caller (`sessions` documents expected in all). */
export async function compareWithExpected(
  es: Client,
  prefix: string,
  expected: ReadonlyMap<string, ExpectedDocument>,
  sessionCount: number,
): Promise<PipelineDifference> {
  const names = searchIndexNames(prefix);
  const sessions = (await es.count({ index: names.sessions })).count;
  const docs = await es.search<CustomerDoc>({ index: names.customers, size: 10_000 });
  const customers = docs.hits.hits.map((h) => h._source).filter((d): d is CustomerDoc => d !== undefined);
  const mismatches: string[] = [];
  for (const doc of customers) {
    const want = expected.get(doc.customer_id);
    if (!want) {
      mismatches.push(`${doc.customer_id}: not in the population`);
      continue;
    }
    const got = [
      doc.session_count,
      doc.pages_viewed_total,
      doc.products_added_total,
      doc.products_purchased_total,
      Math.round(doc.total_spent * 100),
      Math.round(doc.total_session_seconds * 1000),
      doc.last_purchase_at,
      doc.churned,
      doc.gender,
      Object.keys(doc.devices_used ?? {}).sort(),
      Object.keys(doc.payment_methods_used ?? {}).sort(),
    ];
    const wanted = [
      want.session_count,
      want.pages_viewed_total,
      want.products_added_total,
      want.products_purchased_total,
      want.total_spent_cents,
      want.total_session_ms,
      want.last_purchase_at,
      want.churned,
      want.gender,
      want.devices_used,
      want.payment_methods_used,
    ];
    if (JSON.stringify(got) !== JSON.stringify(wanted))
      mismatches.push(`${doc.customer_id}: ${JSON.stringify(got)} != ${JSON.stringify(wanted)}`);
    if (typeof doc.churn_score !== 'number' || doc.model_version === undefined)
      mismatches.push(`${doc.customer_id}: no score`);
  }
  return {
    customers: { indexed: customers.length, expected: expected.size },
    sessions: { indexed: sessions, expected: sessionCount },
    mismatches,
  };
}
