import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ActivityEventSchema, type ActivityEvent } from '@churnstream/contracts';
import { activityEventCount, activityEventKey, activityEvents, sessionContract } from './activity.events';
import { generatePopulation } from './population.model';
import { sessionStream } from './session.stream';

const options = { customers: 300, sessions: 3_000, seed: 42 };
const tickEveryMs = 6 * 3_600_000;
const pop = generatePopulation(options);
const events: ActivityEvent[] = [...activityEvents(pop, { tickEveryMs })];

describe(activityEvents.name, () => {
  it('yields every registration, session and tick, each valid against its contract', () => {
    assert.equal(events.length, activityEventCount(pop, { tickEveryMs }));
    const kinds = { customer_registered: 0, session_ended: 0, clock_tick: 0 };
    for (const e of events) {
      const parsed = ActivityEventSchema.safeParse(e);
      assert.ok(parsed.success, `${e.event_id}: ${parsed.error?.message ?? ''}`);
      kinds[e.event_type]++;
    }
    assert.equal(kinds.customer_registered, 300);
    assert.equal(kinds.session_ended, 3_000);
    assert.equal(kinds.clock_tick, Math.ceil((pop.snapshotAtMs - pop.windowStartMs) / tickEveryMs));
  });

  it('is in event-time order, with each registration before that customer’s sessions', () => {
    const registered = new Set<string>();
    let previous = -Infinity;
    for (const e of events) {
      const t = Date.parse(e.event_time);
      assert.ok(t >= previous, e.event_id);
      previous = t;
      if (e.event_type === 'customer_registered') registered.add(e.customer.customer_id);
      if (e.event_type === 'session_ended') {
        assert.ok(registered.has(e.session.customer_id), e.event_id);
        assert.equal(e.event_time, e.session.session_end);
      }
    }
  });

  it('ends with the single final tick at snapshot_at', () => {
    const last = events.at(-1);
    assert.equal(last?.event_type, 'clock_tick');
    assert.equal(last.event_time, '2026-06-30T00:00:00.000Z');
    assert.equal(events.filter((e) => e.event_type === 'clock_tick' && e.final).length, 1);
  });

  it('carries the same sessions as the batch records, with stable ids derived from seed and ids', () => {
    const batch = [...sessionStream(generatePopulation(options))].map(sessionContract);
    const streamed = events.flatMap((e) => (e.event_type === 'session_ended' ? [e.session] : []));
    assert.deepEqual(streamed, batch);
    assert.equal(events.find((e) => e.event_type === 'session_ended')?.event_id, 's42:session:S0000001');
    assert.equal(events[0]?.event_id, 's42:customer:C000001');
    assert.equal(new Set(events.map((e) => e.event_id)).size, events.length);
  });

  it('replays the same sequence for the same seed', () => {
    const again = [...activityEvents(options, { tickEveryMs })];
    assert.deepEqual(again, events);
  });

  it('keys registrations and sessions by customer_id and ticks by nothing', () => {
    for (const e of events) {
      const key = activityEventKey(e);
      if (e.event_type === 'clock_tick') assert.equal(key, null);
      else assert.match(key ?? '', /^C\d{6}$/);
    }
  });
});
