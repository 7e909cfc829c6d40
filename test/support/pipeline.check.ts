import type { Client } from '@elastic/elasticsearch';
import { searchIndexNames } from '@churnstream/search';
import type { GenerateOptions } from '@churnstream/simulation';
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
}

export interface PipelineCheck {
  /** Customer documents in Elasticsearch (all of them, expected or not). */
  customers: number;
  expected: number;
  /** `id: got != wanted` per customer that differs from the batch computation, or is unexpected. */
  mismatches: string[];
  genders: Record<string, number>;
  expectedGenders: Record<string, number>;
}

/**
 * Elasticsearch's customer documents against the batch computation of the same population: every
 * aggregate field, `churned` and gender exactly equal, every customer scored. The indices must be
 * refreshed first.
 */
export async function checkCustomers(
  es: Client,
  prefix: string,
  population: GenerateOptions,
): Promise<PipelineCheck> {
  const names = searchIndexNames(prefix);
  const docs = await es.search<CustomerDoc>({ index: names.customers, size: 10_000 });
  const customers = docs.hits.hits.map((h) => h._source).filter((d): d is CustomerDoc => d !== undefined);
  const expected = expectedCustomers(population);
  const mismatches: string[] = [];
  for (const doc of customers) {
    const want = expected.get(doc.customer_id);
    if (!want) {
      mismatches.push(`${doc.customer_id}: unexpected customer`);
      continue;
    }
    const a = want.aggregate;
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
    ];
    const wanted = [
      a.session_count,
      a.pages_viewed_total,
      a.products_added_total,
      a.products_purchased_total,
      a.total_spent_cents,
      a.total_session_ms,
      a.last_purchase_at === null ? null : new Date(a.last_purchase_at).toISOString(),
      want.churned,
      a.gender,
    ];
    if (JSON.stringify(got) !== JSON.stringify(wanted))
      mismatches.push(`${doc.customer_id}: ${JSON.stringify(got)} != ${JSON.stringify(wanted)}`);
    if (typeof doc.churn_score !== 'number' || doc.model_version === undefined)
      mismatches.push(`${doc.customer_id}: no score`);
  }
  const byGender = await es.search<unknown, { g: { buckets: { key: string; doc_count: number }[] } }>({
    index: names.customers,
    size: 0,
    aggs: { g: { terms: { field: 'gender', size: 10 } } },
  });
  const expectedGenders: Record<string, number> = {};
  for (const c of expected.values()) {
    const g = c.aggregate.gender ?? '';
    expectedGenders[g] = (expectedGenders[g] ?? 0) + 1;
  }
  return {
    customers: customers.length,
    expected: expected.size,
    mismatches,
    genders: Object.fromEntries((byGender.aggregations?.g.buckets ?? []).map((b) => [b.key, b.doc_count])),
    expectedGenders,
  };
}
