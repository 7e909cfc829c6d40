import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ChurnScore, FeaturesUpdated, SessionEnded } from '@churnstream/contracts';
import {
  ageBand,
  bulkLines,
  churnedWriteIds,
  guardChurnedWrites,
  operationsFor,
  planOperations,
} from './search.documents';

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

const features: FeaturesUpdated = {
  event_id: 'e-f1',
  event_time: '2026-01-02T00:00:00.000Z',
  event_type: 'features_updated',
  schema_version: 1,
  watermark: '2026-01-02T00:00:00.000Z',
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
  },
};

const score: ChurnScore = {
  event_id: 'e-k1',
  event_time: '2026-01-02T00:00:01.000Z',
  event_type: 'churn_score',
  schema_version: 1,
  customer_id: 'C1',
  churn_probability: 0.25,
  churn_predicted: false,
  threshold: 0.5,
  model_version: 'm1',
  features_event_id: 'e-f1',
};

describe('operationsFor', () => {
  it('indexes a session whole under its session_id, with duration in seconds and spend per product', () => {
    assert.deepEqual(operationsFor(session)[0], {
      action: 'index',
      index: 'sessions',
      id: 'S1',
      document: { ...session.session, session_duration: 330.5, spend_per_product: 10 / 3 },
    });
  });

  it("marks the session's device and payment method as used on its customer", () => {
    assert.deepEqual(operationsFor(session)[1], {
      action: 'merge',
      index: 'customers',
      id: 'C1',
      document: { customer_id: 'C1', devices_used: { tablet: true }, payment_methods_used: { paypal: true } },
    });
  });

  it('leaves spend_per_product null when nothing was bought', () => {
    const none = {
      ...session,
      session: { ...session.session, products_purchased: 0, total_spent: 0, payment_method: null },
    };
    const [op] = operationsFor(none);
    assert.equal(op?.action === 'index' ? op.document.spend_per_product : 'missing', null);
  });

  it('writes the aggregate under its own names, never erasing the profile with nulls, with churned as of the watermark', () => {
    const [op] = operationsFor(features);
    assert.ok(op?.action === 'merge');
    assert.equal(op.id, 'C1');
    assert.deepEqual(op.document, {
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
      updated_at: '2026-01-02T00:00:00.000Z',
      churned: false,
      churned_as_of: Date.parse('2026-01-02T00:00:00.000Z'),
    });
  });

  it('turns a churn_score into a customer update and a score document keyed by the event id', () => {
    const ops = operationsFor(score);
    assert.deepEqual(
      ops.map((o) => [o.action, o.index, o.id]),
      [
        ['merge', 'customers', 'C1'],
        ['index', 'scores', 'e-k1'],
      ],
    );
  });

  it('ignores clock ticks', () => {
    assert.deepEqual(operationsFor({ event_type: 'clock_tick' }), []);
  });
});

describe('planOperations', () => {
  it('keeps only the last write of the same fields of the same document, in order', () => {
    const later = { ...features, event_id: 'e-f2', watermark: '2026-01-03T00:00:00.000Z' };
    const planned = planOperations([features, later, features, later]);
    assert.deepEqual(
      planned.map((p) => [p.operation.index, p.operation.id, p.source]),
      [['customers', 'C1', 3]],
    );
  });

  it("unions the used flags of a customer's sessions in one batch", () => {
    const other = {
      ...session,
      session: {
        ...session.session,
        session_id: 'S2',
        device_type: 'mobile' as const,
        payment_method: 'apple_pay' as const,
      },
    };
    const planned = planOperations([session, other]);
    const customer = planned.find((p) => p.operation.index === 'customers')?.operation;
    assert.deepEqual(customer?.action === 'merge' ? customer.document : null, {
      customer_id: 'C1',
      devices_used: { tablet: true, mobile: true },
      payment_methods_used: { paypal: true, apple_pay: true },
    });
  });

  it('gives the same plan for the same events delivered twice', () => {
    const once = planOperations([features, session, score]);
    const twice = planOperations([features, session, score, features, session, score]);
    assert.deepEqual(
      twice.map((p) => p.operation),
      once.map((p) => p.operation),
    );
  });
});

describe('guardChurnedWrites', () => {
  const asOf = Date.parse(features.watermark);

  it('drops churned from a write older than the stored decision and keeps the rest of it', () => {
    const planned = planOperations([features]);
    assert.deepEqual(churnedWriteIds(planned), ['C1']);
    const [guarded] = guardChurnedWrites(planned, new Map([['C1', asOf + 1]]));
    const doc = guarded?.operation.action === 'merge' ? guarded.operation.document : {};
    assert.equal('churned' in doc, false);
    assert.equal('churned_as_of' in doc, false);
    assert.equal(doc.session_count, 1);
  });

  it('keeps churned when the write is as new as or newer than the stored decision', () => {
    const planned = planOperations([features]);
    for (const stored of [new Map<string, number>(), new Map([['C1', asOf]]), new Map([['C1', asOf - 1]])]) {
      const [guarded] = guardChurnedWrites(planned, stored);
      assert.equal(
        guarded?.operation.action === 'merge' ? guarded.operation.document.churned : 'none',
        false,
      );
    }
  });
});

describe('bulkLines', () => {
  it('makes partial customer writes upserts that retry on conflicts', () => {
    const [merge] = operationsFor(score);
    assert.ok(merge);
    const [action, body] = bulkLines(merge, 'p-customers');
    assert.deepEqual(action, { update: { _index: 'p-customers', _id: 'C1', retry_on_conflict: 5 } });
    assert.equal((body as { doc_as_upsert: boolean }).doc_as_upsert, true);
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
