import type { ActivityEvent } from '@churnstream/contracts';
import { toCents } from '@churnstream/churn';

/**
 * The compact operations the aggregate script applies, one per activity event. Times are epoch
 * milliseconds and money integer cents, so the script adds integers only and sums stay exact.
 */
export type AggregateOp =
  | {
      t: 'r';
      id: string;
      c: string;
      time: number;
      name: string;
      email: string;
      age: number;
      gender: string;
      location: string;
      country: string;
      since: number;
    }
  | {
      t: 's';
      id: string;
      c: string;
      time: number;
      start: number;
      end: number;
      pv: number;
      pa: number;
      pp: number;
      cents: number;
      dev: string;
      /** Absent when nothing was bought (cjson turns null into a value Lua cannot test as false). */
      pay?: string;
    }
  | { t: 'k'; id: string; time: number };

export function toOp(event: ActivityEvent): AggregateOp {
  const time = Date.parse(event.event_time);
  switch (event.event_type) {
    case 'customer_registered': {
      const c = event.customer;
      return {
        t: 'r',
        id: event.event_id,
        c: c.customer_id,
        time,
        name: c.name,
        email: c.email,
        age: c.age,
        gender: c.gender,
        location: c.location,
        country: c.country,
        since: Date.parse(c.customer_since),
      };
    }
    case 'session_ended': {
      const s = event.session;
      return {
        t: 's',
        id: event.event_id,
        c: s.customer_id,
        time,
        start: Date.parse(s.session_start),
        end: Date.parse(s.session_end),
        pv: s.pages_viewed,
        pa: s.products_added_to_cart,
        pp: s.products_purchased,
        cents: toCents(s.total_spent),
        dev: s.device_type,
        ...(s.payment_method === null ? {} : { pay: s.payment_method }),
      };
    }
    case 'clock_tick':
      return { t: 'k', id: event.event_id, time };
  }
}
