import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ChurnScore, SessionEnded } from '@churnstream/contracts';
import { ageBand, bulkLines, customerDocument, operationsFor, planOperations } from './search.documents';

const session: SessionEnded = {
  event_id: 'e-s1',
  event_time: '2026-01-01T10:05:00.000Z',
  event_type: 'session_ended',
  schema_version: 1,
  session: {
    session_id: 'S1',
    customer_id: 'C1',
    session_start: '2026-01-01T10:00:00.000Z',
    session_end: '2026-01-01T10:05:30.500Z',
    pages_viewed: 9,
    products_added_to_cart: 4,
    products_purchased: 3,
    total_spent: 10,
    device_type: 'tablet',
    payment_method: 'paypal',
  },
};

const score: ChurnScore = {
  event_id: 'e-k1',
  event_time: '2026-01-02T00:00:01.000Z',
  event_type: 'churn_score',
  schema_version: 2,
  customer_id: 'C1',
  churn_probability: 0.25,
  churn_predicted: false,
  threshold: 0.5,
  model_version: 'm1',
  features_event_id: 'e-f1',
  watermark: '2026-01-02T00:00:00.000Z',
  version: 4,
  churned: false,
  aggregate: {
    customer_id: 'C1',
    name: null,
    email: null,
    age: 34,
    gender: 'female',
    location: null,
    country: 'FR',
    customer_since: null,
    session_count: 1,
    pages_viewed_total: 9,
    products_added_total: 4,
    products_purchased_total: 3,
    total_spent: 10,
    total_session_seconds: 330.5,
    first_seen_at: '2026-01-01T10:00:00.000Z',
    last_active_at: '2026-01-01T10:05:30.500Z',
    last_purchase_at: null,
    devices_used: ['mobile', 'tablet'],
    payment_methods_used: ['paypal'],
  },
};

describe('operationsFor', () => {
  it('indexes a session whole under its session_id, with duration in seconds and spend per product', () => {
    assert.deepEqual(operationsFor(session), [
      {
        index: 'sessions',
        id: 'S1',
        document: { ...session.session, session_duration: 330.5, spend_per_product: 10 / 3 },
      },
    ]);
  });

  it('leaves spend_per_product null when nothing was bought', () => {
    const none = {
      ...session,
      session: { ...session.session, products_purchased: 0, total_spent: 0, payment_method: null },
    };
    assert.equal(operationsFor(none)[0]?.document.spend_per_product, null);
  });

  it('turns a churn_score into the whole customer document at the aggregate version and a score document keyed by the event id', () => {
    const ops = operationsFor(score);
    assert.deepEqual(
      ops.map((o) => [o.index, o.id, o.version]),
      [
        ['customers', 'C1', 4],
        ['scores', 'e-k1', undefined],
      ],
    );
    assert.deepEqual(ops[1]?.document, {
      event_id: 'e-k1',
      customer_id: 'C1',
      churn_probability: 0.25,
      churn_predicted: false,
      threshold: 0.5,
      model_version: 'm1',
      features_event_id: 'e-f1',
      scored_at: '2026-01-02T00:00:01.000Z',
    });
  });
});

describe(customerDocument.name, () => {
  it('writes the aggregate under its own names, leaves out profile fields not known yet, and carries flag and score', () => {
    assert.deepEqual(customerDocument(score), {
      customer_id: 'C1',
      age: 34,
      age_band: '25-34',
      gender: 'female',
      country: 'FR',
      session_count: 1,
      pages_viewed_total: 9,
      products_added_total: 4,
      products_purchased_total: 3,
      total_spent: 10,
      total_session_seconds: 330.5,
      first_seen_at: '2026-01-01T10:00:00.000Z',
      last_active_at: '2026-01-01T10:05:30.500Z',
      last_purchase_at: null,
      devices_used: { mobile: true, tablet: true },
      payment_methods_used: { paypal: true },
      updated_at: '2026-01-02T00:00:00.000Z',
      churned: false,
      churned_as_of: Date.parse('2026-01-02T00:00:00.000Z'),
      churn_score: 0.25,
      churn_predicted: false,
      model_version: 'm1',
      scored_at: '2026-01-02T00:00:01.000Z',
    });
  });
});

describe(planOperations.name, () => {
  const rescored = (version: number, id: string): ChurnScore => ({ ...score, event_id: id, version });

  it('sends a customer once per batch, at the highest version, whatever the order, and keeps every score', () => {
    const planned = planOperations([rescored(5, 'k5'), rescored(7, 'k7'), rescored(6, 'k6')]);
    const customers = planned.filter((p) => p.operation.index === 'customers');
    assert.deepEqual(
      customers.map((p) => [p.operation.version, p.source]),
      [[7, 1]],
    );
    assert.deepEqual(
      planned.filter((p) => p.operation.index === 'scores').map((p) => p.operation.id),
      ['k5', 'k7', 'k6'],
    );
  });

  it('gives the same plan for the same events delivered twice', () => {
    const once = planOperations([session, score]);
    const twice = planOperations([session, score, session, score]);
    assert.deepEqual(
      twice.map((p) => p.operation),
      once.map((p) => p.operation),
    );
  });
});

describe(bulkLines.name, () => {
  it('writes a customer with its external version, so Elasticsearch keeps the newest', () => {
    const [customer, scoreOp] = operationsFor(score);
    assert.ok(customer && scoreOp);
    const [action] = bulkLines(customer, 'p-customers');
    assert.deepEqual(action, {
      index: { _index: 'p-customers', _id: 'C1', version: 4, version_type: 'external_gte' },
    });
    assert.deepEqual(bulkLines(scoreOp, 'p-scores')[0], { index: { _index: 'p-scores', _id: 'e-k1' } });
  });
});

describe('ageBand', () => {
  it('puts each age in its band, boundaries included in the upper band', () => {
    assert.deepEqual([0, 17, 18, 24, 25, 34, 35, 44, 45, 54, 55, 64, 65, 130].map(ageBand), [
      'under_18',
      'under_18',
      '18-24',
      '18-24',
      '25-34',
      '25-34',
      '35-44',
      '35-44',
      '45-54',
      '45-54',
      '55-64',
      '55-64',
      '65+',
      '65+',
    ]);
  });
});
