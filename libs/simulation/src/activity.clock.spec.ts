import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ActivityClock } from './activity.clock';
import { DEFAULT_SCENARIO } from './scenario.schema';

describe(ActivityClock.name, () => {
  const clock = new ActivityClock(DEFAULT_SCENARIO.hourlyActivity, DEFAULT_SCENARIO.weekdayActivity);

  it('advances exactly 168 activity hours per week', () => {
    const monday = Date.parse('2026-03-02T00:00:00Z');
    assert.ok(Math.abs(clock.toActivity(monday + 7 * 86_400_000) - clock.toActivity(monday) - 168) < 1e-9);
  });

  it('maps back to the same instant, and keeps order', () => {
    let previous = -Infinity;
    for (
      let ms = Date.parse('2026-03-01T00:00:00Z');
      ms < Date.parse('2026-03-15T00:00:00Z');
      ms += 1_234_567
    ) {
      const u = clock.toActivity(ms);
      assert.ok(Math.abs(clock.toReal(u) - ms) < 1, String(ms));
      assert.ok(u > previous);
      previous = u;
    }
  });

  it('runs faster in the evening than at night', () => {
    const day = Date.parse('2026-03-04T00:00:00Z');
    const hour = (h: number) =>
      clock.toActivity(day + (h + 1) * 3_600_000) - clock.toActivity(day + h * 3_600_000);
    assert.ok(hour(20) > 5 * hour(3));
  });
});
