import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_EVENT_BYTES, decodeEvent, encodeEvent } from './event.codec';
import { ActivityEventSchema, SessionEndedSchema } from './events.schema';

const session = {
  event_id: 's1:session:S1',
  event_time: '2026-05-01T10:10:00.000Z',
  event_type: 'session_ended',
  schema_version: 1,
  session: {
    session_id: 'S1',
    customer_id: 'C1',
    session_start: '2026-05-01T10:00:00.000Z',
    session_end: '2026-05-01T10:10:00.000Z',
    pages_viewed: 8,
    products_added_to_cart: 2,
    products_purchased: 1,
    total_spent: 10.3,
    device_type: 'mobile',
    payment_method: 'paypal',
  },
};

describe('event codec', () => {
  it('round-trips a valid event', () => {
    const decoded = decodeEvent(ActivityEventSchema, encodeEvent(session));
    assert.ok(decoded.ok);
    assert.deepEqual(decoded.event, session);
  });

  it('names the field that breaks the schema', () => {
    const bad = { ...session, session: { ...session.session, pages_viewed: 'eight' } };
    const decoded = decodeEvent(SessionEndedSchema, JSON.stringify(bad));
    assert.ok(!decoded.ok);
    assert.equal(decoded.error.code, 'CONTRACT_INVALID');
    assert.match(decoded.error.message, /^session\.pages_viewed: /);
  });

  it('rejects sessions whose facts contradict each other, naming the field', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ session_end: '2026-05-01T09:00:00.000Z' }, /session\.session_end: ends before session_start/],
      [{ products_purchased: 3 }, /session\.products_purchased: exceeds products_added_to_cart/],
      [
        { products_purchased: 0, total_spent: 10.3 },
        /session\.total_spent: spend or payment_method without a purchase/,
      ],
      [{ payment_method: null }, /session\.payment_method: missing although products were purchased/],
      [{ device_type: 'fridge' }, /session\.device_type/],
    ];
    for (const [change, message] of cases) {
      const decoded = decodeEvent(
        SessionEndedSchema,
        JSON.stringify({ ...session, session: { ...session.session, ...change } }),
      );
      assert.ok(!decoded.ok, JSON.stringify(change));
      assert.match(decoded.error.message, message);
    }
  });

  it('refuses an unknown schema version and payloads that are not JSON', () => {
    const v2 = decodeEvent(ActivityEventSchema, JSON.stringify({ ...session, schema_version: 2 }));
    assert.ok(!v2.ok);
    assert.match(v2.error.message, /schema_version/);
    const garbage = decodeEvent(ActivityEventSchema, Buffer.from('not json'));
    assert.ok(!garbage.ok);
    assert.equal(garbage.error.code, 'CONTRACT_UNPARSABLE');
    const empty = decodeEvent(ActivityEventSchema, null);
    assert.ok(!empty.ok);
  });
  it('refuses a payload over the size limit before parsing it, with its own code', () => {
    const decoded = decodeEvent(ActivityEventSchema, Buffer.alloc(MAX_EVENT_BYTES + 1, 0x20));
    assert.ok(!decoded.ok);
    assert.equal(decoded.error.code, 'CONTRACT_TOO_LARGE');
    assert.equal(decodeEvent(ActivityEventSchema, encodeEvent(session), 100).ok, false);
  });
});
