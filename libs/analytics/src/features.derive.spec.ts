import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DAY_MS, isChurned, wholeDaysBetween } from '@churnstream/churn';
import { prepare, type Prepared } from './analytics.testing';
import { deriveFeatures, isChurnedSql, wholeDaysSql } from './features.derive';

// Snapshot 2026-06-01T00:00:00Z; 60 days earlier is 2026-04-02T00:00:00Z.
const CUSTOMERS = [
  'C1,A,a@x.io,30,female,Lyon,France,2025-01-01,0',
  'C2,B,b@x.io,40,male,Lyon,France,2026-01-01,1',
  'C3,C,c@x.io,50,male,Lyon,France,2026-04-02,1',
  'C4,D,d@x.io,60,male,Lyon,France,2026-04-03,0',
  'C5,E,e@x.io,35,female,Oslo,Norway,2025-06-01,1',
  'C6,F,f@x.io,36,female,Oslo,Norway,2025-06-01,0',
];
const SESSIONS = [
  // Across midnight, with a purchase.
  'S1,C1,2026-05-20T23:50:00Z,2026-05-21T00:10:30Z,9,3,2,30.00,mobile,paypal',
  // Across the European daylight-saving change (01:00 UTC): an hour is an hour.
  'S2,C1,2026-03-29T00:30:00Z,2026-03-29T01:30:00Z,4,0,0,0.00,mobile,',
  // One session, nothing bought.
  'S3,C2,2026-05-01T10:00:00Z,2026-05-01T10:05:00Z,3,0,0,0.00,desktop,',
  // Two sessions ending at the same instant (a tie), one with a purchase exactly 60 days before the snapshot.
  'S4,C5,2026-04-01T23:00:00Z,2026-04-02T00:00:00Z,5,1,1,9.99,tablet,debit_card',
  'S5,C5,2026-04-01T23:30:00Z,2026-04-02T00:00:00Z,2,0,0,0.00,tablet,',
  // A purchase one millisecond less than 60 days before the snapshot.
  'S6,C6,2026-04-01T23:00:00Z,2026-04-02T00:00:00.001Z,5,2,2,10.01,desktop,credit_card',
  // Across the US daylight-saving change (07:00 UTC).
  'S7,C6,2026-03-08T06:30:00Z,2026-03-08T07:30:00Z,6,1,0,0.00,desktop,',
];

interface CustomerFeature {
  customer_id: string;
  session_count: number;
  mean_session_duration: number | null;
  total_spent: number;
  days_since_last_active: number;
  days_since_last_purchase: number;
  tenure_days: number;
  churned: number;
}

void describe('deriveFeatures', () => {
  let p: Prepared;
  let byId: Map<string, CustomerFeature>;
  before(async () => {
    p = await prepare({ customers: CUSTOMERS, sessions: SESSIONS });
    const rows = await p.sql.all<CustomerFeature & Record<string, unknown>>(
      'SELECT *, CAST(total_spent AS DOUBLE) AS total_spent FROM customer_features',
    );
    byId = new Map(rows.map((r) => [r.customer_id, r]));
  });
  after(async () => {
    await p.close();
  });
  const customer = (id: string): CustomerFeature => {
    const c = byId.get(id);
    assert.ok(c, `customer ${id}`);
    return c;
  };

  void it('measures session_duration in seconds across midnight and daylight-saving changes', async () => {
    const rows = await p.sql.all<{ id: string; d: number }>(
      `SELECT s.session_id AS id, f.session_duration AS d FROM session_features f JOIN clean_sessions s USING (line) ORDER BY line`,
    );
    assert.deepEqual(
      rows.map((r) => [r.id, r.d]),
      [
        ['S1', 1230],
        ['S2', 3600],
        ['S3', 300],
        ['S4', 3600],
        ['S5', 1800],
        ['S6', 3600.001],
        ['S7', 3600],
      ],
    );
  });

  void it('gives spend_per_product only when something was bought', async () => {
    const rows = await p.sql.all<{ spp: number | null }>(
      `SELECT spend_per_product AS spp FROM session_features ORDER BY line`,
    );
    assert.deepEqual(
      rows.map((r) => r.spp),
      [15, null, null, 9.99, null, 5.005, null],
    );
  });

  void it('counts days since the latest session_end, floored, or since customer_since without sessions', () => {
    assert.equal(customer('C1').days_since_last_active, 10); // 10 d 23 h 49 m 30 s
    assert.equal(customer('C2').days_since_last_active, 30);
    assert.equal(customer('C3').days_since_last_active, 60);
    assert.equal(customer('C4').days_since_last_active, 59);
    assert.equal(customer('C5').days_since_last_active, 60);
    assert.equal(customer('C6').days_since_last_active, 59);
  });

  void it('labels churn from the last purchase, or customer_since for those who never bought, at exactly 60 days', () => {
    assert.equal(customer('C1').churned, 0);
    assert.equal(customer('C2').churned, 1); // one session, no purchase: 151 days since customer_since
    assert.equal(customer('C2').days_since_last_purchase, 151);
    assert.equal(customer('C3').churned, 1); // no session, customer_since exactly 60 days ago
    assert.equal(customer('C4').churned, 0);
    assert.equal(customer('C5').churned, 1); // purchase exactly 60 days ago, tie on session_end
    assert.equal(customer('C6').churned, 0); // 1 ms short of 60 days
  });

  void it('keeps customers without sessions with zero totals and empty means', () => {
    const c3 = customer('C3');
    assert.equal(c3.session_count, 0);
    assert.equal(c3.total_spent, 0);
    assert.equal(c3.mean_session_duration, null);
    assert.equal(c3.tenure_days, 60);
    assert.equal(customer('C1').total_spent, 30);
  });

  void it('agrees with isChurned and wholeDaysBetween of @churnstream/churn', async () => {
    const now = Date.parse('2026-06-01T00:00:00Z');
    const spans = [
      0,
      1,
      DAY_MS - 1,
      DAY_MS,
      60 * DAY_MS - 1,
      60 * DAY_MS,
      60 * DAY_MS + 1,
      -1,
      -DAY_MS - 1,
      1234567890,
    ];
    const rows = await p.sql.all<{ days: number; churned: number }>(
      spans
        .map(
          (d) =>
            `SELECT ${d} AS i, ${wholeDaysSql(`${now - d}`, `${now}`)} AS days, ${isChurnedSql(`${now - d}`, `${now}`, 60)} AS churned`,
        )
        .join(' UNION ALL ') + ' ORDER BY i',
    );
    const expected = [...spans]
      .sort((a, b) => a - b)
      .map((d) => ({ days: wholeDaysBetween(now - d, now), churned: isChurned(now - d, now) ? 1 : 0 }));
    assert.deepEqual(
      rows.map((r) => ({ days: r.days, churned: r.churned })),
      expected,
    );
  });

  void it('uses another churn window when asked', async () => {
    await deriveFeatures(p.sql, { snapshotAt: p.ds.snapshotAt, windowDays: 152 });
    const [c2] = await p.sql.all<{ churned: number }>(
      `SELECT churned FROM customer_features WHERE customer_id = 'C2'`,
    );
    assert.equal(c2?.churned, 0);
    await deriveFeatures(p.sql, { snapshotAt: p.ds.snapshotAt });
  });
});
