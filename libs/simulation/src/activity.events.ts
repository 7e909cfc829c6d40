/**
 * The population as the activity event sequence the generator service streams onto Kafka: customer
 * registrations, ended sessions and clock ticks, merged in event-time order. Pure and lazy: the same
 * seed gives the same events, ids and payloads, and memory stays O(customers).
 *
 * Order: a registration at its customer_since (customers who joined before the window come first,
 * with their older times), a session at its session_end, a clock tick every `tickEveryMs` of simulated
 * time from window_start, the last one at snapshot_at with `final: true`. At equal times registrations
 * come before sessions and sessions before ticks, so a tick promises that nothing earlier or at its
 * time is still to come, and a customer's registration precedes their sessions (a session ends after
 * it starts, on or after customer_since).
 */
import type {
  ActivityEvent,
  ClockTick,
  CustomerRegistered,
  Session,
  SessionEnded,
} from '@churnstream/contracts';
import { formatCents, isoTime } from './dataset.format';
import { generatePopulation, Population, type GenerateOptions, type SessionRecord } from './population.model';
import { SessionGenerator } from './session.stream';

export const DEFAULT_TICK_EVERY_MS = 3_600_000;

export interface ActivityEventOptions {
  /** Simulated time between clock ticks (default one hour). */
  tickEveryMs?: number;
}

/** The session as the contracts carry it (money in currency units, times as ISO strings). */
export function sessionContract(s: SessionRecord): Session {
  return {
    session_id: s.session_id,
    customer_id: s.customer_id,
    session_start: isoTime(s.session_start),
    session_end: isoTime(s.session_end),
    pages_viewed: s.pages_viewed,
    products_added_to_cart: s.products_added_to_cart,
    products_purchased: s.products_purchased,
    total_spent: Number(formatCents(s.total_spent_cents)),
    device_type: s.device_type,
    payment_method: s.payment_method,
  };
}

export function registrationEvent(pop: Population, i: number): CustomerRegistered {
  const c = pop.customer(i);
  return {
    event_id: `s${pop.seed}:customer:${c.customer_id}`,
    event_time: isoTime(c.customer_since),
    event_type: 'customer_registered',
    schema_version: 1,
    customer: { ...c, customer_since: isoTime(c.customer_since) },
  };
}

export function sessionEndedEvent(pop: Population, s: SessionRecord): SessionEnded {
  return {
    event_id: `s${pop.seed}:session:${s.session_id}`,
    event_time: isoTime(s.session_end),
    event_type: 'session_ended',
    schema_version: 1,
    session: sessionContract(s),
  };
}

export function clockTickEvent(pop: Population, atMs: number): ClockTick {
  const time = isoTime(atMs);
  return {
    event_id: `s${pop.seed}:tick:${time}`,
    event_time: time,
    event_type: 'clock_tick',
    schema_version: 1,
    final: atMs >= pop.snapshotAtMs,
  };
}

function tickTimes(pop: Population, every: number): number {
  return Math.ceil((pop.snapshotAtMs - pop.windowStartMs) / every);
}

/** How many events activityEvents yields: customers + sessions + ticks (for progress and ETA). */
export function activityEventCount(pop: Population, options: ActivityEventOptions = {}): number {
  return pop.customerCount + pop.sessionCount + tickTimes(pop, options.tickEveryMs ?? DEFAULT_TICK_EVERY_MS);
}

export function* activityEvents(
  source: Population | GenerateOptions = {},
  options: ActivityEventOptions = {},
): Generator<ActivityEvent, void, undefined> {
  const pop = source instanceof Population ? source : generatePopulation(source);
  const every = options.tickEveryMs ?? DEFAULT_TICK_EVERY_MS;
  if (!(Number.isFinite(every) && every > 0))
    throw new RangeError(`tickEveryMs must be positive, got ${every}`);
  const sessions = new SessionGenerator(pop);
  let seq = 0;
  let session = sessions.next(seq);
  let nextCustomer = 0;
  let tick = Math.min(pop.snapshotAtMs, pop.windowStartMs + every);
  let ticking = true;
  while (ticking) {
    const regAt = pop.since[nextCustomer] ?? Infinity;
    const sesAt = session === null ? Infinity : session.session_end;
    if (regAt <= sesAt && regAt <= tick) {
      yield registrationEvent(pop, nextCustomer++);
    } else if (session !== null && sesAt <= tick) {
      yield sessionEndedEvent(pop, session);
      session = sessions.next(++seq);
    } else {
      yield clockTickEvent(pop, tick);
      if (tick >= pop.snapshotAtMs) ticking = false;
      else tick = Math.min(pop.snapshotAtMs, tick + every);
    }
  }
}

/** The Kafka key of an activity event: its customer_id, or null for a clock tick (sent to every partition). */
export function activityEventKey(event: ActivityEvent): string | null {
  switch (event.event_type) {
    case 'customer_registered':
      return event.customer.customer_id;
    case 'session_ended':
      return event.session.customer_id;
    case 'clock_tick':
      return null;
  }
}
