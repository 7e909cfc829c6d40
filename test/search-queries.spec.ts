import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Client } from '@elastic/elasticsearch';
import { loadConfig } from '@churnstream/config';
import type { ChurnScore, SessionEnded } from '@churnstream/contracts';
import { createElasticsearch } from '@churnstream/elasticsearch';
import {
  BulkWriter,
  ElasticsearchSearchBackend,
  type QueryOutcome,
  bulkLines,
  deleteSearchIndices,
  detectSearchCapabilities,
  elasticsearchBulkTransport,
  installSearchIndices,
  planOperations,
  runQuery,
  searchIndexNames,
} from '@churnstream/search';
import { uniqueName } from './support';

/**
 * A population small enough to know every answer by hand:
 * C1 female 30 FR churned   sessions: mobile (paypal), mobile
 * C2 female 50 FR active    sessions: desktop (credit_card)
 * C3 male   22 DE churned   sessions: mobile (credit_card), desktop
 * C4 male   70 DE active    no session, score only
 * C5 non_binary 40 US active sessions: tablet
 */
const people = [
  { id: 'C1', gender: 'female', age: 30, country: 'FR', churned: true, spent: 100, score: 0.9 },
  { id: 'C2', gender: 'female', age: 50, country: 'FR', churned: false, spent: 40, score: 0.2 },
  { id: 'C3', gender: 'male', age: 22, country: 'DE', churned: true, spent: 10, score: 0.6 },
  { id: 'C4', gender: 'male', age: 70, country: 'DE', churned: false, spent: 0, score: 0.4 },
  { id: 'C5', gender: 'non_binary', age: 40, country: 'US', churned: false, spent: 0, score: 0.1 },
] as const;

const sessions: [string, string, 'mobile' | 'desktop' | 'tablet', 'paypal' | 'credit_card' | null, string][] =
  [
    ['S1', 'C1', 'mobile', 'paypal', '2026-01-01T10:00:00.000Z'],
    ['S2', 'C1', 'mobile', null, '2026-01-01T12:00:00.000Z'],
    ['S3', 'C2', 'desktop', 'credit_card', '2026-01-02T09:00:00.000Z'],
    ['S4', 'C3', 'mobile', 'credit_card', '2026-01-04T23:59:00.000Z'],
    ['S5', 'C3', 'desktop', null, '2026-01-04T00:00:00.000Z'],
    ['S6', 'C5', 'tablet', null, '2026-01-02T15:00:00.000Z'],
  ];

function events() {
  const out: (SessionEnded | ChurnScore)[] = [];
  for (const p of people) {
    const own = sessions.filter((s) => s[1] === p.id);
    out.push({
      event_id: `score-${p.id}`,
      event_time: '2026-03-01T00:00:01.000Z',
      event_type: 'churn_score',
      schema_version: 2,
      customer_id: p.id,
      churn_probability: p.score,
      churn_predicted: p.score >= 0.5,
      threshold: 0.5,
      model_version: 'v1',
      features_event_id: `feat-${p.id}`,
      watermark: '2026-03-01T00:00:00.000Z',
      version: 1 + own.length,
      churned: p.churned,
      aggregate: {
        customer_id: p.id,
        name: `Name ${p.id}`,
        email: `${p.id}@example.com`,
        age: p.age,
        gender: p.gender,
        location: 'Somewhere',
        country: p.country,
        customer_since: '2025-06-01T00:00:00.000Z',
        session_count: own.length,
        pages_viewed_total: 0,
        products_added_total: 0,
        products_purchased_total: 0,
        total_spent: p.spent,
        total_session_seconds: 0,
        first_seen_at: null,
        last_active_at: null,
        last_purchase_at: null,
        devices_used: [...new Set(own.map((s) => s[2]))].sort(),
        payment_methods_used: [...new Set(own.flatMap((s) => (s[3] === null ? [] : [s[3]])))].sort(),
      },
    });
  }
  for (const [id, customer, device, payment, start] of sessions) {
    const bought = payment === null ? 0 : 1;
    out.push({
      event_id: `sess-${id}`,
      event_time: start,
      event_type: 'session_ended',
      schema_version: 1,
      session: {
        session_id: id,
        customer_id: customer,
        session_start: start,
        session_end: start,
        pages_viewed: 1,
        products_added_to_cart: bought,
        products_purchased: bought,
        total_spent: bought * 5,
        device_type: device,
        payment_method: payment,
      },
    });
  }
  return out;
}

describe('canned queries (real Elasticsearch, hand-built population)', () => {
  const prefix = uniqueName('queries');
  const indices = searchIndexNames(prefix);
  let es: Client;
  let backend: ElasticsearchSearchBackend;

  const run = async (name: string, params: Record<string, unknown> = {}): Promise<unknown> => {
    const outcome: QueryOutcome = await runQuery(backend, indices, name, params);
    assert.equal(outcome.status, 'ok', JSON.stringify(outcome));
    return outcome.status === 'ok' ? outcome.result : undefined;
  };

  before(async () => {
    es = createElasticsearch(loadConfig());
    const capabilities = await detectSearchCapabilities(es);
    await installSearchIndices(es, prefix, capabilities);
    const planned = planOperations(events());
    const writer = new BulkWriter(elasticsearchBulkTransport(es, { refresh: 'wait_for' }));
    const result = await writer.write(planned.map((p) => bulkLines(p.operation, indices[p.operation.index])));
    assert.deepEqual(result.rejected, []);
    backend = new ElasticsearchSearchBackend(es);
  });

  after(async () => {
    await deleteSearchIndices(es, prefix);
    await es.close();
  });

  it('counts customers by gender', async () => {
    assert.deepEqual(await run('customers-by-gender'), {
      customers: 5,
      genders: [
        { gender: 'female', customers: 2, share: 0.4 },
        { gender: 'male', customers: 2, share: 0.4 },
        { gender: 'non_binary', customers: 1, share: 0.2 },
      ],
    });
  });

  it('gives the churn rate per country and per age band (bands in age order)', async () => {
    assert.deepEqual(await run('churn-rate', { by: 'country' }), {
      by: 'country',
      basis: 'customers',
      overall: { key: 'all', customers: 5, churned: 2, churn_rate: 0.4 },
      groups: [
        { key: 'DE', customers: 2, churned: 1, churn_rate: 0.5 },
        { key: 'FR', customers: 2, churned: 1, churn_rate: 0.5 },
        { key: 'US', customers: 1, churned: 0, churn_rate: 0 },
      ],
    });
    const bands = (await run('churn-rate', { by: 'age_band' })) as {
      groups: { key: string; churned: number }[];
    };
    assert.deepEqual(
      bands.groups.map((g) => [g.key, g.churned]),
      [
        ['18-24', 1],
        ['25-34', 1],
        ['35-44', 0],
        ['45-54', 0],
        ['65+', 0],
      ],
    );
  });

  it('gives the churn rate among the customers who used each device or payment method', async () => {
    assert.deepEqual(await run('churn-rate', { by: 'device_type' }), {
      by: 'device_type',
      basis: 'customers_with_sessions',
      overall: { key: 'all', customers: 4, churned: 2, churn_rate: 0.5 },
      groups: [
        { key: 'desktop', customers: 2, churned: 1, churn_rate: 0.5 },
        { key: 'mobile', customers: 2, churned: 2, churn_rate: 1 },
        { key: 'tablet', customers: 1, churned: 0, churn_rate: 0 },
      ],
    });
    const payment = (await run('churn-rate', { by: 'payment_method' })) as { groups: unknown[] };
    assert.deepEqual(payment.groups, [
      { key: 'credit_card', customers: 2, churned: 1, churn_rate: 0.5 },
      { key: 'paypal', customers: 1, churned: 1, churn_rate: 1 },
    ]);
  });

  it('compares spend of churned and active customers', async () => {
    const spend = (await run('spend-by-churn')) as {
      groups: { group: string; customers: number; total_spent: { sum: number; max: number | null } }[];
    };
    assert.deepEqual(
      spend.groups.map((g) => [g.group, g.customers, g.total_spent.sum, g.total_spent.max]),
      [
        ['churned', 2, 110, 100],
        ['active', 3, 40, 40],
      ],
    );
  });

  it('counts sessions per UTC day, empty days included, within an optional range', async () => {
    assert.deepEqual(((await run('sessions-per-day')) as { days: unknown[] }).days, [
      { date: '2026-01-01', sessions: 2, total_spent: 5 },
      { date: '2026-01-02', sessions: 2, total_spent: 5 },
      { date: '2026-01-03', sessions: 0, total_spent: 0 },
      { date: '2026-01-04', sessions: 2, total_spent: 5 },
    ]);
    const ranged = (await run('sessions-per-day', { from: '2026-01-02', to: '2026-01-04' })) as {
      sessions: number;
    };
    assert.equal(ranged.sessions, 2);
  });

  it('ranks the top-N customers by churn score', async () => {
    const top = (await run('top-churn-risk', { n: '3' })) as {
      customers: { customer_id: string; rank: number }[];
    };
    assert.deepEqual(
      top.customers.map((c) => [c.rank, c.customer_id]),
      [
        [1, 'C1'],
        [2, 'C3'],
        [3, 'C4'],
      ],
    );
  });

  it("returns one customer's profile, features, flag and score, and not_found for an unknown id", async () => {
    const c = (await run('customer', { id: 'C3' })) as Record<string, Record<string, unknown>>;
    assert.equal(c.profile?.gender, 'male');
    assert.equal(c.profile?.age_band, '18-24');
    assert.equal(c.features?.total_spent, 10);
    assert.equal(c.flag?.churned, true);
    assert.equal(c.flag?.as_of, '2026-03-01T00:00:00.000Z');
    assert.equal(c.score?.churn_score, 0.6);
    assert.equal((c.score_history as unknown as unknown[]).length, 1);
    assert.equal((await runQuery(backend, indices, 'customer', { id: 'nobody' })).status, 'not_found');
  });

  it('refuses bad parameters with a message naming them', async () => {
    const outcome = await runQuery(backend, indices, 'churn-rate', { by: 'shoe_size' });
    assert.equal(outcome.status, 'invalid');
    assert.match(outcome.status === 'invalid' ? outcome.message : '', /by: /);
    assert.equal((await runQuery(backend, indices, 'top-churn-risk', { n: '0' })).status, 'invalid');
    assert.equal((await runQuery(backend, indices, 'no-such-query', {})).status, 'not_found');
  });
});
