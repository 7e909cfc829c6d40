import type { ClockTick, CustomerRegistered, SessionEnded } from '@churnstream/contracts';

/** Small, valid activity events for integration tests. */
export function registered(customerId: string, since: string): CustomerRegistered {
  return {
    event_id: `test:customer:${customerId}`,
    event_time: since,
    event_type: 'customer_registered',
    schema_version: 1,
    customer: {
      customer_id: customerId,
      name: `Name ${customerId}`,
      email: `${customerId.toLowerCase()}@example.test`,
      age: 33,
      gender: 'female',
      location: 'Lyon',
      country: 'France',
      customer_since: since,
    },
  };
}

export function session(
  sessionId: string,
  customerId: string,
  start: string,
  minutes: number,
  purchase: { products: number; spent: number } | null,
): SessionEnded {
  const end = new Date(Date.parse(start) + minutes * 60_000).toISOString();
  return {
    event_id: `test:session:${sessionId}`,
    event_time: end,
    event_type: 'session_ended',
    schema_version: 1,
    session: {
      session_id: sessionId,
      customer_id: customerId,
      session_start: start,
      session_end: end,
      pages_viewed: 10,
      products_added_to_cart: purchase ? purchase.products + 1 : 2,
      products_purchased: purchase?.products ?? 0,
      total_spent: purchase?.spent ?? 0,
      device_type: 'mobile',
      payment_method: purchase ? 'paypal' : null,
    },
  };
}

export function tick(time: string, final = false): ClockTick {
  return {
    event_id: `test:tick:${time}`,
    event_time: time,
    event_type: 'clock_tick',
    schema_version: 1,
    final,
  };
}
