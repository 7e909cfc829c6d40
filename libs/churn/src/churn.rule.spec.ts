import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DAY_MS, churnDueAt, isChurned, wholeDaysBetween } from './churn.rule';

describe('churn rule', () => {
  const t0 = Date.parse('2026-01-01T12:00:00Z');

  it('flags exactly at 60 days since the last purchase, not a millisecond earlier', () => {
    assert.equal(isChurned(t0, t0 + 60 * DAY_MS - 1), false);
    assert.equal(isChurned(t0, t0 + 60 * DAY_MS), true);
    assert.equal(churnDueAt(t0), t0 + 60 * DAY_MS);
  });

  it('honours another window length', () => {
    assert.equal(isChurned(t0, t0 + 30 * DAY_MS, 30), true);
    assert.equal(isChurned(t0, t0 + 30 * DAY_MS, 31), false);
  });

  it('floors whole days, including negative spans', () => {
    assert.equal(wholeDaysBetween(t0, t0 + DAY_MS - 1), 0);
    assert.equal(wholeDaysBetween(t0, t0 + DAY_MS), 1);
    assert.equal(wholeDaysBetween(t0, t0 - 1), -1);
  });
});
