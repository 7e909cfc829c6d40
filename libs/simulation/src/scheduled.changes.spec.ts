import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DAY_MS } from '@churnstream/churn';
import { Population, generatePopulation } from './population.model';
import { resolveScenario } from './scenario.schema';
import { sessionStream } from './session.stream';

const options = { customers: 3_000, sessions: 20_000, seed: 5 };

describe('scheduled scenario changes', () => {
  it('leaves the window unchanged for a change at snapshot_at, and names a bad change', () => {
    const base = [...sessionStream(generatePopulation(options))];
    const late = generatePopulation({
      ...options,
      scenario: resolveScenario({ changes: [{ fromDay: 120, lapseHazardFactor: 3 }] }),
    });
    assert.deepEqual([...sessionStream(late)], base);
    assert.throws(
      () => resolveScenario({ changes: [{ fromDay: 90, country: 'Atlantis', lapseHazardFactor: 3 }] }),
      /scenario\.changes\.0\.country: not a country of the locales/,
    );
    assert.throws(
      () => resolveScenario({ changes: [{ fromDay: 90 }] }),
      /scenario\.changes\.0: changes nothing/,
    );
    assert.throws(
      () => resolveScenario({ changes: [{ fromDay: 200, priceFactor: 2 }] }),
      /scenario\.changes\.0\.fromDay/,
    );
  });

  it('triples the lapse hazard of one country from day 90 and no one else', () => {
    const base = generatePopulation(options);
    const shocked = generatePopulation({
      ...options,
      scenario: resolveScenario({ changes: [{ fromDay: 90, country: 'Germany', lapseHazardFactor: 3 }] }),
    });
    const at = base.windowStartMs + 90 * DAY_MS;
    let germans = 0;
    let earlier = 0;
    for (let i = 0; i < base.customerCount; i++) {
      const before = base.lapseAt[i] ?? 0;
      const after = shocked.lapseAt[i] ?? 0;
      if (base.customer(i).country !== 'Germany' || before <= at) {
        assert.equal(after, before, `customer ${i} changed`);
        continue;
      }
      germans++;
      // Cumulative hazard spent 3x faster after the change: the remaining delay is a third.
      const from = Math.max(at, base.since[i] ?? 0);
      const want = from + (before - from) / 3;
      assert.ok(Math.abs(after - want) <= Math.max(1, want * 1e-12), `customer ${i}: ${after} != ${want}`);
      if (after < before) earlier++;
    }
    assert.ok(germans > 100 && earlier === germans, `${earlier}/${germans}`);
    assert.ok(shocked instanceof Population);
  });

  it('raises prices of sessions starting from the change only', () => {
    const rise = resolveScenario({ changes: [{ fromDay: 100, priceFactor: 1.5 }] });
    const base = [...sessionStream(generatePopulation(options))];
    const raised = [...sessionStream(generatePopulation({ ...options, scenario: rise }))];
    const at = generatePopulation(options).windowStartMs + 100 * DAY_MS;
    assert.equal(raised.length, base.length);
    let before = 0;
    let after = 0;
    let spentBase = 0;
    let spentRaised = 0;
    raised.forEach((s, k) => {
      const b = base[k];
      assert.ok(b);
      assert.equal(s.session_start, b.session_start);
      if (s.session_start < at) {
        assert.equal(s.total_spent_cents, b.total_spent_cents);
        before++;
      } else {
        spentBase += b.total_spent_cents;
        spentRaised += s.total_spent_cents;
        after++;
      }
    });
    assert.ok(before > 0 && after > 0);
    const ratio = spentRaised / spentBase;
    assert.ok(ratio > 1.4 && ratio < 1.6, `spend ratio ${ratio}`);
  });
});
