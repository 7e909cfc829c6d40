/**
 * The per-customer rolling aggregate and its pure fold. The batch side (training, analytics, the
 * exactness checks) folds sessions with `applySession`; the streaming side keeps the same fields in
 * a Redis hash updated by a Lua script that must give identical results (tested against this fold).
 *
 * Money is kept in integer cents so that sums are exact whatever the order of addition.
 */
export interface CustomerAggregate {
  customer_id: string;
  age: number | null;
  gender: string | null;
  location: string | null;
  country: string | null;
  /** Epoch milliseconds, or null when the registration has not been seen. */
  customer_since: number | null;
  session_count: number;
  pages_viewed_total: number;
  products_added_total: number;
  products_purchased_total: number;
  total_spent_cents: number;
  total_session_ms: number;
  first_seen_at: number | null;
  last_active_at: number | null;
  last_purchase_at: number | null;
}

export interface SessionFacts {
  session_start: number;
  session_end: number;
  pages_viewed: number;
  products_added_to_cart: number;
  products_purchased: number;
  total_spent_cents: number;
}

export function emptyAggregate(customerId: string): CustomerAggregate {
  return {
    customer_id: customerId,
    age: null,
    gender: null,
    location: null,
    country: null,
    customer_since: null,
    session_count: 0,
    pages_viewed_total: 0,
    products_added_total: 0,
    products_purchased_total: 0,
    total_spent_cents: 0,
    total_session_ms: 0,
    first_seen_at: null,
    last_active_at: null,
    last_purchase_at: null,
  };
}

/** What a registration sets on the aggregate. */
export type CustomerProfile = Pick<
  CustomerAggregate,
  'customer_id' | 'age' | 'gender' | 'location' | 'country' | 'customer_since'
>;

/** The aggregate of a registered customer before any session. */
export function registeredAggregate(profile: CustomerProfile): CustomerAggregate {
  return {
    ...emptyAggregate(profile.customer_id),
    age: profile.age,
    gender: profile.gender,
    location: profile.location,
    country: profile.country,
    customer_since: profile.customer_since,
  };
}

const maxOf = (a: number | null, b: number): number => (a === null || b > a ? b : a);
const minOf = (a: number | null, b: number): number => (a === null || b < a ? b : a);

/** Folds one session into the aggregate. Commutative: any order of the same sessions gives the same result. */
export function applySession(agg: CustomerAggregate, s: SessionFacts): CustomerAggregate {
  return {
    ...agg,
    session_count: agg.session_count + 1,
    pages_viewed_total: agg.pages_viewed_total + s.pages_viewed,
    products_added_total: agg.products_added_total + s.products_added_to_cart,
    products_purchased_total: agg.products_purchased_total + s.products_purchased,
    total_spent_cents: agg.total_spent_cents + s.total_spent_cents,
    total_session_ms: agg.total_session_ms + (s.session_end - s.session_start),
    first_seen_at: minOf(agg.first_seen_at, s.session_start),
    last_active_at: maxOf(agg.last_active_at, s.session_end),
    last_purchase_at:
      s.products_purchased > 0 ? maxOf(agg.last_purchase_at, s.session_end) : agg.last_purchase_at,
  };
}

/** The instant the churn rule measures from: the last purchase, or customer_since for a customer who never bought. */
export function churnReference(agg: CustomerAggregate): number | null {
  return agg.last_purchase_at ?? agg.customer_since;
}

export function toCents(amount: number): number {
  return Math.round(amount * 100);
}
