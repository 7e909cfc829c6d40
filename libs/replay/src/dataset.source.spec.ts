import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ActivityEventSchema, type ActivityEvent } from '@churnstream/contracts';
import { writeDatasetFixture } from '@churnstream/dataset';
import { datasetSource } from './dataset.source';

async function eventsOf(files: Parameters<typeof writeDatasetFixture>[0], tickHours = 24) {
  const fixture = await writeDatasetFixture(files);
  try {
    const source = await datasetSource(fixture.dir, { tickEveryMs: tickHours * 3_600_000 });
    const events: ActivityEvent[] = [];
    for await (const chunk of source.chunks()) events.push(...chunk);
    return { source, events };
  } finally {
    await fixture.cleanup();
  }
}

const label = (e: ActivityEvent): string =>
  e.event_type === 'customer_registered'
    ? `r ${e.customer.customer_id}`
    : e.event_type === 'session_ended'
      ? `s ${e.session.session_id}`
      : `t ${e.event_time.slice(0, 10)}${e.final ? ' final' : ''}`;

// An imported log: no names, demographics, funnel, end times, devices or payments.
const imported = {
  rawCustomers: 'customer_id,customer_since\nc1,2026-01-01T10:00:00Z\nc2,2026-01-02T23:59:59.999Z\n',
  rawSessions:
    'session_id,customer_id,session_start,products_purchased,total_spent\n' +
    'L3,c2,2026-01-02T23:59:59.999Z,2,20.00\n' +
    'L2,c1,2026-01-01T10:00:00Z,1,9.99\n' +
    'L4,c1,2026-01-03T12:00:00Z,0,0.00\n',
  manifest: { snapshot_at: '2026-01-03T23:59:59.999Z', window_start: '2026-01-01T10:00:00Z' },
};

describe(datasetSource.name, () => {
  it('merges registrations, sessions (by session_end) and ticks in event-time order, the last tick final at snapshot_at', async () => {
    const { source, events } = await eventsOf(imported);
    assert.deepEqual(events.map(label), [
      'r c1',
      's L2',
      't 2026-01-02',
      'r c2',
      's L3',
      't 2026-01-03',
      's L4',
      't 2026-01-03 final',
    ]);
    assert.equal(source.total, events.length);
    assert.deepEqual(source.skipped, {});
    for (const e of events) assert.ok(ActivityEventSchema.safeParse(e).success, e.event_id);
    assert.equal(events.at(-1)?.event_time, '2026-01-03T23:59:59.999Z');
  });

  it('fills what the folder leaves out with the documented defaults, so every event meets its contract', async () => {
    const { events } = await eventsOf(imported);
    const reg = events.find((e) => e.event_type === 'customer_registered');
    assert.deepEqual(reg?.event_type === 'customer_registered' && reg.customer, {
      customer_id: 'c1',
      name: 'c1',
      email: 'c1@unknown.invalid',
      age: 0,
      gender: 'unspecified',
      location: 'unknown',
      country: 'unknown',
      customer_since: '2026-01-01T10:00:00.000Z',
    });
    const sessions = events.flatMap((e) => (e.event_type === 'session_ended' ? [e.session] : []));
    assert.deepEqual(sessions[1], {
      session_id: 'L3',
      customer_id: 'c2',
      session_start: '2026-01-02T23:59:59.999Z',
      session_end: '2026-01-02T23:59:59.999Z',
      pages_viewed: 2,
      products_added_to_cart: 2,
      products_purchased: 2,
      total_spent: 20,
      device_type: 'desktop',
      payment_method: 'credit_card',
    });
    assert.equal(sessions[2]?.payment_method, null, 'a visit without a purchase has no payment');
    assert.equal(events[0]?.event_id, 'replay:customer:c1');
  });

  it('sends a registration just before a session that ends before customer_since, at that session time', async () => {
    const { events } = await eventsOf({
      customers: ['c1,,,,,,,2026-01-05T00:00:00Z,'],
      sessions: ['S1,c1,2026-01-02T10:00:00Z,2026-01-02T10:05:00Z,3,1,1,5.00,mobile,paypal'],
      manifest: { snapshot_at: '2026-01-06T00:00:00Z', window_start: '2026-01-01T00:00:00Z' },
    });
    const [first, second] = events.filter((e) => e.event_type !== 'clock_tick');
    assert.equal(first?.event_type, 'customer_registered');
    assert.equal(first?.event_time, '2026-01-02T10:05:00.000Z');
    assert.equal(
      first?.event_type === 'customer_registered' && first.customer.customer_since,
      '2026-01-05T00:00:00.000Z',
    );
    assert.equal(second?.event_type, 'session_ended');
    assert.equal(events.filter((e) => e.event_type === 'customer_registered').length, 1, 'registered once');
    let last = '';
    for (const e of events) {
      assert.ok(e.event_time >= last, `${e.event_id} goes back in time`);
      last = e.event_time;
    }
  });

  it('leaves out, by reason with file and line, sessions of unknown customers, repeats, rows after snapshot_at and rows the contract refuses', async () => {
    const { source, events } = await eventsOf({
      customers: [
        'c1,,,,,,,2026-01-01T00:00:00Z,',
        'c1,,,,,,,2026-01-01T00:00:00Z,',
        'c2,,,,,,,2026-02-01T00:00:00Z,',
      ],
      sessions: [
        'S1,c1,2026-01-02T10:00:00Z,2026-01-02T10:05:00Z,3,1,1,5.00,mobile,paypal',
        'S1,c1,2026-01-02T11:00:00Z,2026-01-02T11:05:00Z,3,1,1,5.00,mobile,paypal',
        'S2,c9,2026-01-02T10:00:00Z,2026-01-02T10:05:00Z,3,1,1,5.00,mobile,paypal',
        'S3,c1,2026-01-02T10:00:00Z,2026-01-02T10:05:00Z,3,1,1,5.00,fridge,paypal',
        'S4,c1,2026-01-09T10:00:00Z,2026-01-09T10:05:00Z,3,1,1,5.00,mobile,paypal',
      ],
      manifest: { snapshot_at: '2026-01-06T00:00:00Z' },
    });
    assert.deepEqual(
      Object.fromEntries(
        Object.entries(source.skipped).map(([reason, s]) => [reason.split(':')[0], s.first]),
      ),
      {
        'customer_id repeated': ['customers.csv line 3'],
        'customer_since after snapshot_at': ['customers.csv line 4'],
        'customer_id not in customers.csv': ['sessions.csv line 4'],
        'session_id repeated': ['sessions.csv line 3'],
        'session.device_type': ['sessions.csv line 5'],
        'session_end after snapshot_at': ['sessions.csv line 6'],
      },
    );
    assert.deepEqual(events.filter((e) => e.event_type !== 'clock_tick').map(label), ['r c1', 's S1']);
  });
});
