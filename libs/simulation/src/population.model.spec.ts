import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEVICE_TYPES, GENDERS, PAYMENT_METHODS } from '@churnstream/contracts';
import { DAY_MS } from '@churnstream/churn';
import { Population, generatePopulation, type SessionRecord } from './population.model';
import { sessionStream } from './session.stream';
import { churnedLabel } from './dataset.format';

const small = generatePopulation({ customers: 2_000, sessions: 20_000, seed: 7 });
const smallSessions = [...sessionStream(small)];

function summarize(pop: Population, sessions: Iterable<SessionRecord>) {
  const last = new Float64Array(pop.customerCount).fill(Number.NaN);
  const spent = new Float64Array(pop.customerCount);
  let carts = 0;
  let buys = 0;
  for (const s of sessions) {
    if (s.products_added_to_cart > 0) carts++;
    if (s.products_purchased > 0) {
      buys++;
      last[s.customer_index] = s.session_end;
      spent[s.customer_index] = (spent[s.customer_index] ?? 0) + s.total_spent_cents;
    }
  }
  let churned = 0;
  let churnedSpend = 0;
  let activeSpend = 0;
  for (let i = 0; i < pop.customerCount; i++) {
    const c = churnedLabel(pop.since[i] ?? 0, last[i] ?? Number.NaN, pop.snapshotAtMs);
    if (c) {
      churned++;
      churnedSpend += spent[i] ?? 0;
    } else activeSpend += spent[i] ?? 0;
  }
  return {
    abandonment: 1 - buys / carts,
    churnRate: churned / pop.customerCount,
    meanChurnedSpend: churnedSpend / churned,
    meanActiveSpend: activeSpend / (pop.customerCount - churned),
  };
}

describe(Population.name, () => {
  it('produces exactly the requested numbers of customers and sessions', () => {
    assert.equal(small.customerCount, 2_000);
    assert.equal(smallSessions.length, 20_000);
    const allocated = small.sessionsOf.reduce((a, b) => a + b, 0);
    assert.equal(allocated, 20_000);
  });

  it('gives unique, readable ids and only sessions of existing customers', () => {
    const sessionIds = new Set(smallSessions.map((s) => s.session_id));
    assert.equal(sessionIds.size, smallSessions.length);
    assert.equal(smallSessions[0]?.session_id, 'S0000001');
    assert.equal(small.customerId(0), 'C000001');
    const customerIds = new Set(Array.from({ length: small.customerCount }, (_, i) => small.customerId(i)));
    assert.equal(customerIds.size, small.customerCount);
    for (const s of smallSessions) assert.ok(customerIds.has(s.customer_id), s.customer_id);
  });

  it('keeps cart adds within pages, purchases within cart adds, and payment only with a purchase', () => {
    for (const s of smallSessions) {
      assert.ok(s.pages_viewed >= 1);
      assert.ok(s.products_added_to_cart <= s.pages_viewed, s.session_id);
      assert.ok(s.products_purchased <= s.products_added_to_cart, s.session_id);
      assert.ok(DEVICE_TYPES.includes(s.device_type));
      if (s.products_purchased > 0) {
        assert.ok(s.payment_method !== null && PAYMENT_METHODS.includes(s.payment_method), s.session_id);
        assert.ok(s.total_spent_cents > 0 && Number.isInteger(s.total_spent_cents));
      } else {
        assert.equal(s.payment_method, null);
        assert.equal(s.total_spent_cents, 0);
      }
    }
  });

  it('places every session in the window, after customer_since, ending by snapshot_at, in end-time order', () => {
    let previousEnd = -Infinity;
    for (const s of smallSessions) {
      assert.ok(s.session_start >= small.windowStartMs, s.session_id);
      assert.ok(s.session_start >= (small.since[s.customer_index] ?? Infinity), s.session_id);
      assert.ok(s.session_end >= s.session_start, s.session_id);
      assert.ok(s.session_end <= small.snapshotAtMs, s.session_id);
      assert.ok(s.session_end >= previousEnd, s.session_id);
      previousEnd = s.session_end;
    }
  });

  it('spreads customer_since over at least two years before snapshot_at, in id order', () => {
    const first = small.since[0] ?? 0;
    const last = small.since[small.customerCount - 1] ?? 0;
    assert.ok(small.snapshotAtMs - first >= 729 * DAY_MS);
    assert.ok(last < small.snapshotAtMs);
    for (let i = 1; i < small.customerCount; i++)
      assert.ok((small.since[i] ?? 0) >= (small.since[i - 1] ?? 0));
    for (let i = 0; i < small.customerCount; i++) assert.equal((small.since[i] ?? 1) % DAY_MS, 0);
  });

  it('draws ages within 18-80 skewed to 25-45, and every gender', () => {
    const genders = new Set<string>();
    let core = 0;
    for (let i = 0; i < small.customerCount; i++) {
      const c = small.customer(i);
      assert.ok(c.age >= 18 && c.age <= 80, String(c.age));
      if (c.age >= 25 && c.age <= 45) core++;
      genders.add(c.gender);
      assert.ok(c.name.length > 0 && c.location.length > 0 && c.country.length > 0);
      assert.match(c.email, /^[a-z0-9.]+@[a-z0-9.-]+$/);
    }
    assert.ok(core / small.customerCount > 0.6, `share 25-45: ${core / small.customerCount}`);
    assert.deepEqual([...genders].sort(), [...GENDERS].sort());
  });

  it('follows the daily cycle, and grows pages with session duration', () => {
    const byHour = new Array<number>(24).fill(0);
    let shortPages = 0;
    let shortCount = 0;
    let longPages = 0;
    let longCount = 0;
    for (const s of smallSessions) {
      const h = new Date(s.session_start).getUTCHours();
      byHour[h] = (byHour[h] ?? 0) + 1;
      const minutes = (s.session_end - s.session_start) / 60_000;
      if (minutes < 3) {
        shortPages += s.pages_viewed;
        shortCount++;
      } else if (minutes > 15) {
        longPages += s.pages_viewed;
        longCount++;
      }
    }
    const evening = (byHour[19] ?? 0) + (byHour[20] ?? 0) + (byHour[21] ?? 0);
    const night = (byHour[2] ?? 0) + (byHour[3] ?? 0) + (byHour[4] ?? 0);
    assert.ok(evening > 4 * night, `evening ${evening} night ${night}`);
    assert.ok(longPages / longCount > 3 * (shortPages / shortCount));
  });

  it('draws the same profile for a customer on every call', () => {
    assert.deepEqual(small.customer(123), small.customer(123));
  });

  it('reproduces the same sessions for the same seed and different ones for another seed', () => {
    const again = [...sessionStream(generatePopulation({ customers: 2_000, sessions: 20_000, seed: 7 }))];
    assert.deepEqual(again, smallSessions);
    const other = [...sessionStream(generatePopulation({ customers: 2_000, sessions: 20_000, seed: 8 }))];
    assert.notDeepEqual(other.slice(0, 50), smallSessions.slice(0, 50));
  });

  it('on the default population, gives a churn rate within 10-70%, ~70% cart abandonment, and churned customers spending less', () => {
    const pop = generatePopulation();
    const stats = summarize(pop, sessionStream(pop));
    assert.ok(stats.churnRate >= 0.1 && stats.churnRate <= 0.7, `churn rate ${stats.churnRate}`);
    assert.ok(Math.abs(stats.abandonment - 0.7) < 0.03, `abandonment ${stats.abandonment}`);
    assert.ok(stats.meanChurnedSpend < stats.meanActiveSpend, JSON.stringify(stats));
  });

  it('rejects a non-integer count, naming the option', () => {
    assert.throws(() => generatePopulation({ customers: 1.5 }), /customers/);
    assert.throws(() => generatePopulation({ customers: 0, sessions: 10 }), /sessions/);
    assert.throws(() => generatePopulation({ snapshotAt: 'yesterday' }), /snapshot_at/);
  });
});
