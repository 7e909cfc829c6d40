import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { prepare, type Prepared } from './analytics.testing';
import { checkAgainstManifest } from './manifest.check';
import { QUALITY_RULES } from './quality.rules';
import { cleanTextSql } from './cleaning.policy';
import { SESSIONS_FILE } from '@churnstream/dataset';

// A hand-made dirty dataset; snapshot 2026-06-01. Comments give the file line and what is wrong.
const CUSTOMERS = [
  'C1,Ann,ann@x.io,30,female,Lyon,France,2025-01-01,0', // 2
  'C1,Ann,ann@x.io,30,female,Lyon,France,2025-01-01,0', // 3 duplicate row (and id)
  'C1,Ann,ann@x.io,31,female,Lyon,France,2025-01-01,0', // 4 duplicate id
  'C2,Bob,,-5,robot,Oslo,Norway,2025-02-01,1', // 5 no email, negative age, unknown gender
  ',Nobody,n@x.io,40,male,Oslo,Norway,2025-02-01,0', // 6 no id
  ',Nobody,n@x.io,41,male,Oslo,Norway,2025-02-01,0', // 7 no id again (a duplicate id to pandas)
  'C3,Cy,bad-email,150,male,Rome,Italy,2026-07-01,2', // 8 email, age 150, after snapshot, churned 2
  'C4,Di,d@x.io,"",female,Rome,Italy,,0', // 9 quoted empty age, no customer_since
  'C5,Ed,e@x.io,25,male,Rome,Italy,2025-03-01,0', // 10 fine
];
const SESSIONS = [
  'S1,C1,2026-05-01T10:00:00Z,2026-05-01T10:10:00Z,5,2,1,10.00,mobile,paypal', // 2 fine
  'S1,C1,2026-05-01T10:00:00Z,2026-05-01T10:10:00Z,5,2,1,10.00,mobile,paypal', // 3 duplicate row
  'S2,C1,2026-05-02T10:00:00Z,2026-05-02T09:00:00Z,5,2,1,10.00,mobile,paypal', // 4 end before start
  'S3,C2,2026-05-03T10:00:00Z,2026-05-03T10:10:00Z,5,2,3,10.00,desktop,paypal', // 5 purchases > cart
  'S4,C2,2026-05-03T10:00:00Z,2026-05-03T10:10:00Z,5,2,0,5.00,smart_tv,cash', // 6 spend w/o purchase + 3 more
  'S5,C2,2026-05-04T10:00:00Z,2026-05-04T10:10:00Z,5,2,1,10.00,console,bitcoin', // 7 device, payment unknown
  'S6,C9,2026-05-04T10:00:00Z,2026-05-04T10:10:00Z,5,2,1,10.00,mobile,paypal', // 8 unknown customer
  'S7,C3,2026-05-04T10:00:00Z,2026-05-04T10:10:00Z,5,2,1,10.00,mobile,paypal', // 9 before C3's since
  'S8,C5,2025-01-01T10:00:00Z,2025-01-01T10:10:00Z,5,2,0,0.00,tablet,', // 10 before C5's since
  'S9,C5,2026-05-05T10:00:00Z,2026-07-05T10:10:00Z,5,2,0,0.00,tablet,', // 11 after snapshot
  'S10,C5,2026-05-06T10:00:00Z,,5,2,0,0.00,tablet,', // 12 no end
  'S11,C5,2026-05-06T10:00:00Z,2026-05-06T10:05:00Z,5,6,0,0.00,tablet,', // 13 cart > pages
  'S12,C5,2026-05-07T10:00:00Z,2026-05-07T10:05:00Z,5,1,1,0.00,tablet,apple_pay', // 14 purchase w/o spend
  'S13,C5,2026-05-08T10:00:00Z,2026-05-08T10:05:00Z,-1,0,0,0.00,tablet,', // 15 negative count
  'S14,C5,2026-05-08T10:00:00Z,2026-05-08T10:05:00Z,5,0,0,-3.00,tablet,', // 16 negative spend
  'S15,C5,2026-05-09T10:00:00Z,2026-05-09T10:05:00Z,5,1,1,20.00,,', // 17 no device, no payment
  'S2,C5,2026-05-10T10:00:00Z,2026-05-10T10:05:00Z,5,0,0,0.00,tablet,', // 18 duplicate id of line 4
];

void describe('assessQuality and cleanDataset', () => {
  let p: Prepared;
  before(async () => {
    p = await prepare({ customers: CUSTOMERS, sessions: SESSIONS });
  });
  after(async () => {
    await p.close();
  });

  void it('reports shape, pandas dtypes, nulls, duplicate rows and duplicate ids of customers', () => {
    const c = p.quality.customers;
    assert.equal(c.rows, 9);
    assert.equal(c.columns, 9);
    assert.deepEqual(c.dtypes, {
      customer_id: 'str',
      name: 'str',
      email: 'str',
      age: 'float64',
      gender: 'str',
      location: 'str',
      country: 'str',
      customer_since: 'str',
      churned: 'int64',
    });
    assert.deepEqual(c.nulls, {
      customer_id: 2,
      name: 0,
      email: 1,
      age: 1,
      gender: 0,
      location: 0,
      country: 0,
      customer_since: 1,
      churned: 0,
    });
    assert.equal(c.non_null.customer_id, 7);
    assert.equal(c.duplicate_rows, 1);
    assert.equal(c.duplicate_ids, 3); // lines 3, 4 and the second empty id
  });

  void it('counts each invalid-value rule of customers', () => {
    assert.deepEqual(p.quality.customers.invalid, {
      customer_since_after_snapshot: 1,
      age_negative: 1,
      age_implausible: 1,
      gender_unknown: 1,
      email_malformed: 1,
      churned_not_binary: 1,
    });
  });

  void it('counts nulls, duplicates and each invalid-value rule of sessions', () => {
    const s = p.quality.sessions;
    assert.equal(s.rows, 17);
    assert.equal(s.duplicate_rows, 1);
    assert.equal(s.duplicate_ids, 2);
    assert.equal(s.nulls.session_end, 1);
    assert.equal(s.nulls.device_type, 1);
    assert.equal(s.nulls.payment_method, 8);
    assert.equal(s.dtypes.pages_viewed, 'int64');
    assert.equal(s.dtypes.total_spent, 'float64');
    assert.deepEqual(s.invalid, {
      end_before_start: 1,
      negative_count: 1,
      cart_adds_above_pages: 2, // line 13, and line 15 where pages_viewed is -1
      purchases_above_cart_adds: 1,
      negative_spend: 1,
      spend_without_purchase: 1,
      purchase_without_spend: 1,
      session_before_customer_since: 2,
      session_after_snapshot: 1,
      unknown_customer: 1,
      device_type_unknown: 2,
      payment_method_unknown: 2,
      payment_without_purchase: 1,
    });
    assert.deepEqual(
      Object.keys(s.invalid).sort(),
      QUALITY_RULES.filter((r) => r.file === 'sessions')
        .map((r) => r.name)
        .sort(),
    );
  });

  const acted = (file: 'customers' | 'sessions'): Record<string, number> =>
    Object.fromEntries(p.cleaning[file].steps.map((s) => [s.rule, s.acted]));

  void it('cleans customers step by step, keeping first occurrences', async () => {
    const c = p.cleaning.customers;
    assert.equal(c.rows_after, 3);
    assert.deepEqual(acted('customers'), {
      duplicate_rows: 1,
      duplicate_ids: 1,
      missing_customer_id: 2,
      missing_customer_since: 1,
      customer_since_after_snapshot: 1,
      age_negative: 1,
      age_implausible: 0,
      gender_unknown: 1,
      email_malformed: 0,
      churned_not_binary: 0,
    });
    assert.ok(c.steps.every((s) => s.after === 0));
    assert.deepEqual(c.missing_kept, {
      name: 0,
      email: 1,
      age: 0,
      gender: 0,
      location: 0,
      country: 0,
      churned: 0,
    });
    const rows = await p.sql.all<{ id: string; age: number | null; line: number }>(
      'SELECT customer_id AS id, age, line FROM clean_customers ORDER BY line',
    );
    assert.deepEqual(
      rows.map((r) => [r.id, r.age, r.line]),
      [
        ['C1', 30, 2],
        ['C2', null, 5],
        ['C5', 25, 10],
      ],
    );
  });

  void it('cleans sessions step by step and drops those of dropped or unknown customers last', () => {
    const s = p.cleaning.sessions;
    assert.deepEqual(acted('sessions'), {
      duplicate_rows: 1,
      duplicate_ids: 1,
      missing_session_id: 0,
      missing_customer_id: 0,
      missing_session_start: 0,
      missing_session_end: 1,
      missing_pages_viewed: 0,
      missing_products_added_to_cart: 0,
      missing_products_purchased: 0,
      missing_total_spent: 0,
      end_before_start: 1,
      negative_count: 1,
      cart_adds_above_pages: 1,
      purchases_above_cart_adds: 1,
      negative_spend: 1,
      spend_without_purchase: 1,
      purchase_without_spend: 1,
      session_before_customer_since: 1,
      session_after_snapshot: 1,
      device_type_unknown: 1,
      payment_method_unknown: 1,
      payment_without_purchase: 0,
      unknown_customer: 2,
    });
    assert.equal(s.rows_after, 3);
    assert.equal(s.dropped, 14);
    assert.equal(s.repaired, 2);
    assert.equal(s.missing_kept.device_type, 1);
    assert.equal(s.missing_kept.payment_method, 1); // S15 bought without a payment method; S5's was repaired
    assert.ok(s.steps.every((x) => x.after === 0));
  });

  void it('writes repaired fields as empty and keeps the original text of the others', async () => {
    const rows = await p.sql.all<{
      session_id: string;
      device_type: string | null;
      payment_method: string | null;
    }>(`SELECT * FROM (${cleanTextSql(SESSIONS_FILE)}) ORDER BY line`);
    assert.deepEqual(
      rows.map((r) => [r.session_id, r.device_type, r.payment_method]),
      [
        ['S1', 'mobile', 'paypal'],
        ['S5', null, null],
        ['S15', null, null],
      ],
    );
  });

  void it('compares what cleaning did with the manifest of dirty mode', () => {
    const check = checkAgainstManifest(p.cleaning, {
      dirty: {
        customers: {
          injected: { duplicate_rows: 1, duplicate_ids: 1, negative_age: 1, missing_values: 4 },
          missing_by_column: { email: 1, customer_since: 1 },
        },
        sessions: { injected: { end_before_start: 1, unknown_device: 5, teleported: 1 } },
      },
    });
    assert.ok(check);
    assert.deepEqual(check.customers.duplicate_rows, { injected: 1, cleaned: 1, match: true });
    assert.deepEqual(check.customers.missing_values, { injected: 4, cleaned: 4, match: true });
    assert.deepEqual(check.customers['missing_values.customer_since'], {
      injected: 1,
      cleaned: 1,
      match: true,
    });
    assert.deepEqual(check.sessions.unknown_device, { injected: 5, cleaned: 1, match: false });
    assert.deepEqual(check.sessions.teleported, { injected: 1, cleaned: null, match: false });
    assert.equal(check.all_match, false);
    assert.equal(checkAgainstManifest(p.cleaning, { snapshot_at: 'x' }), null);
  });
});
