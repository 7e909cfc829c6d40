import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CANNED_QUERIES,
  ChurnRateResultSchema,
  churnByCustomerFieldBody,
  churnBySessionFieldBody,
  sessionsPerDayBody,
  shapeChurnByCustomerField,
  shapeChurnBySessionField,
  shapeGender,
  shapeSpend,
  spendBody,
  topChurnBody,
} from './search.queries';

describe('canned query bodies', () => {
  it('counts a session attribute on the customers alone, one filter per vocabulary value', () => {
    const body = churnBySessionFieldBody('device_type') as {
      aggs: { groups: { filters: { filters: Record<string, unknown> } } };
    };
    assert.deepEqual(body.aggs.groups.filters.filters, {
      mobile: { term: { 'devices_used.mobile': true } },
      desktop: { term: { 'devices_used.desktop': true } },
      tablet: { term: { 'devices_used.tablet': true } },
    });
  });

  it('ranges sessions per day only on the bounds given', () => {
    assert.deepEqual((sessionsPerDayBody({}) as { query: unknown }).query, { match_all: {} });
    assert.deepEqual((sessionsPerDayBody({ from: '2026-01-01' }) as { query: unknown }).query, {
      range: { session_start: { gte: '2026-01-01' } },
    });
  });

  it('breaks churn score ties by customer_id so the top-N is stable', () => {
    assert.deepEqual((topChurnBody(5) as { sort: unknown }).sort, [
      { churn_score: 'desc' },
      { customer_id: 'asc' },
    ]);
  });

  it('narrows the customer aggregations to a segment, and leaves them whole without one', () => {
    const segment = { country: 'Germany', device: 'mobile' as const, payment: 'paypal' as const };
    const filter = [
      { term: { country: 'Germany' } },
      { term: { 'devices_used.mobile': true } },
      { term: { 'payment_methods_used.paypal': true } },
    ];
    for (const body of [
      churnByCustomerFieldBody('age_band', segment),
      churnBySessionFieldBody('device_type', segment),
      spendBody(segment),
    ]) {
      assert.deepEqual(body.query, { bool: { filter } });
    }
    for (const body of [churnByCustomerFieldBody('age_band'), spendBody({})]) {
      assert.equal(body.query, undefined);
    }
  });

  it('names every query once', () => {
    const names = CANNED_QUERIES.map((q) => q.name);
    assert.equal(new Set(names).size, names.length);
  });
});

describe('canned query shapers', () => {
  it('shapes gender buckets with shares of the total', () => {
    const shaped = shapeGender({
      hits: { total: { value: 4 }, hits: [] },
      aggregations: {
        by_gender: {
          buckets: [
            { key: 'female', doc_count: 3 },
            { key: 'male', doc_count: 1 },
          ],
        },
      },
    });
    assert.deepEqual(shaped, {
      customers: 4,
      genders: [
        { gender: 'female', customers: 3, share: 0.75 },
        { gender: 'male', customers: 1, share: 0.25 },
      ],
    });
  });

  it('orders age bands by age, not by count', () => {
    const shaped = shapeChurnByCustomerField('age_band', {
      hits: { total: { value: 3 }, hits: [] },
      aggregations: {
        churned: { doc_count: 1 },
        groups: {
          buckets: [
            { key: '65+', doc_count: 2, churned: { doc_count: 1 } },
            { key: '18-24', doc_count: 1, churned: { doc_count: 0 } },
          ],
        },
      },
    });
    assert.deepEqual(
      shaped.groups.map((g) => g.key),
      ['18-24', '65+'],
    );
    assert.equal(ChurnRateResultSchema.safeParse(shaped).success, true);
  });

  it('leaves out session-attribute values nobody used', () => {
    const shaped = shapeChurnBySessionField('payment_method', {
      hits: { hits: [] },
      aggregations: {
        all: { doc_count: 2, churned: { doc_count: 1 } },
        groups: {
          buckets: {
            paypal: { doc_count: 2, churned: { doc_count: 1 } },
            apple_pay: { doc_count: 0, churned: { doc_count: 0 } },
          },
        },
      },
    });
    assert.deepEqual(shaped.groups, [{ key: 'paypal', customers: 2, churned: 1, churn_rate: 0.5 }]);
    assert.deepEqual(shaped.overall, { key: 'all', customers: 2, churned: 1, churn_rate: 0.5 });
  });

  it('gives zeros and nulls for an empty population', () => {
    const shaped = shapeSpend({ hits: { hits: [] } });
    assert.deepEqual(
      shaped.groups.map((g) => [g.group, g.customers, g.total_spent.sum, g.total_spent.avg]),
      [
        ['churned', 0, 0, null],
        ['active', 0, 0, null],
      ],
    );
  });
});
