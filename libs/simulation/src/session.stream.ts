/* eslint-disable @typescript-eslint/no-non-null-assertion -- hot loops over typed arrays whose indices are in range by construction; a fallback per access would hide bugs and cost time */
/**
 * All sessions of a population, lazily, in event-time order (session_end, then customer index).
 *
 * Each customer is a lazy stream that holds only its next session; a binary heap over the customers
 * merges the streams. Memory is O(customers) whatever the number of sessions. A customer's session
 * starts are the order statistics of its visit process, drawn one at a time (the next of the remaining
 * k sorted uniforms is 1 - (1 - previous) * V^(1/k)), so they come out sorted; a customer's sessions
 * never overlap (a new visit after the previous one ended is a new session), so ends are sorted too.
 */
import { DEVICE_TYPES, PAYMENT_METHODS } from '@churnstream/contracts';
import { Rng } from './random.rng';
import { STREAM, emptySession, type Population, type SessionRecord } from './population.model';

const NO_PAYMENT = 255;
/** Minimum gap between two sessions of the same customer. */
const GAP_MS = 1_000;

export function* sessionStream(pop: Population): Generator<SessionRecord, void, undefined> {
  const gen = new SessionGenerator(pop);
  let seq = 0;
  for (;;) {
    const rec = gen.next(seq);
    if (rec === null) return;
    seq++;
    yield rec;
  }
}

/** The merge state; exposed for callers that want to avoid generator overhead. */
export class SessionGenerator {
  private readonly rng: Rng;
  private readonly done: Uint32Array;
  private readonly q: Float64Array;
  private readonly prevEnd: Float64Array;
  private readonly start: Float64Array;
  private readonly end: Float64Array;
  private readonly pages: Uint32Array;
  private readonly cart: Uint32Array;
  private readonly bought: Uint32Array;
  private readonly cents: Float64Array;
  private readonly dev: Uint8Array;
  private readonly pay: Uint8Array;
  private readonly heap: Int32Array;
  private size = 0;
  private readonly tau: number;
  private readonly visitFactor: number;

  constructor(private readonly pop: Population) {
    const n = pop.customerCount;
    this.rng = new Rng(n);
    this.done = new Uint32Array(n);
    this.q = new Float64Array(n);
    this.prevEnd = new Float64Array(n);
    this.start = new Float64Array(n);
    this.end = new Float64Array(n);
    this.pages = new Uint32Array(n);
    this.cart = new Uint32Array(n);
    this.bought = new Uint32Array(n);
    this.cents = new Float64Array(n);
    this.dev = new Uint8Array(n);
    this.pay = new Uint8Array(n);
    this.heap = new Int32Array(n);
    this.tau = pop.scenario.lapse.visitDecayDays * 24;
    this.visitFactor = pop.scenario.lapse.visitFactor;
    for (let i = 0; i < n; i++) {
      if (pop.sessionsOf[i] === 0) continue;
      this.rng.seedSlot(i, pop.seed, STREAM.sessions, i);
      this.prevEnd[i] = -Infinity;
      this.advance(i);
      this.heap[this.size++] = i;
    }
    for (let k = (this.size >>> 1) - 1; k >= 0; k--) this.siftDown(k);
  }

  /**
   * The next session in event-time order, numbered `seq` (0-based), or null when all are out. With
   * `into`, the record is written into that object and returned (no allocation: for consumers that
   * use each record before asking for the next); otherwise a new record is returned.
   */
  next(seq: number, into?: SessionRecord): SessionRecord | null {
    if (this.size === 0) return null;
    const i = this.heap[0]!;
    const pop = this.pop;
    const pay = this.pay[i]!;
    const rec = into ?? emptySession();
    rec.session_id = pop.sessionId(seq);
    rec.customer_id = pop.customerId(i);
    rec.customer_index = i;
    rec.session_start = this.start[i]!;
    rec.session_end = this.end[i]!;
    rec.pages_viewed = this.pages[i]!;
    rec.products_added_to_cart = this.cart[i]!;
    rec.products_purchased = this.bought[i]!;
    rec.total_spent_cents = this.cents[i]!;
    rec.device_type = DEVICE_TYPES[this.dev[i]!]!;
    rec.payment_method = pay === NO_PAYMENT ? null : PAYMENT_METHODS[pay]!;
    if (this.done[i]! < pop.sessionsOf[i]!) {
      this.advance(i);
    } else {
      this.heap[0] = this.heap[--this.size]!;
    }
    if (this.size > 0) this.siftDown(0);
    return rec;
  }

  /** Activity time at quantile x of the customer's session mass (pre-lapse uniform, post-lapse decaying). */
  private quantileToActivity(i: number, x: number): number {
    const pop = this.pop;
    const m = x * pop.massTotal[i]!;
    const pre = pop.massPre[i]!;
    const u0 = pop.u0[i]!;
    if (m <= pre) return u0 + m;
    const uL = pop.uLapse[i]!;
    const tau = this.tau;
    const a = Math.max(u0, uL);
    const arg = Math.exp(-(a - uL) / tau) - (m - pre) / (this.visitFactor * tau);
    return uL - tau * Math.log(Math.max(arg, 1e-300));
  }

  /** Draws customer i's next session into the per-customer slots. */
  private advance(i: number): void {
    const pop = this.pop;
    const s = pop.scenario;
    const rng = this.rng.at(i);
    const remaining = pop.sessionsOf[i]! - this.done[i]!;
    const q = 1 - (1 - this.q[i]!) * Math.pow(rng.uniform(), 1 / remaining);
    this.q[i] = q;
    this.done[i]!++;

    const snapshot = pop.snapshotAtMs;
    const earliest = Math.max(pop.since[i]!, pop.windowStartMs);
    let start = Math.ceil(pop.clock.toReal(this.quantileToActivity(i, q)));
    start = Math.min(snapshot, Math.max(start, earliest, this.prevEnd[i]! + GAP_MS));

    const lapsed = start >= pop.lapseAt[i]!;
    const hasCart = rng.chance(pop.cartP[i]!);
    const buys = hasCart && rng.chance(pop.checkoutP[i]! * (lapsed ? s.lapse.purchaseFactor : 1));
    const median =
      s.session.medianMinutes *
      (hasCart ? s.session.cartDurationFactor : 1) *
      (buys ? s.session.cartDurationFactor : 1);
    const minutes = Math.min(s.session.maxMinutes, rng.logNormal(median, s.session.durationSigma));
    const pages = 1 + rng.poisson(minutes * s.session.pagesPerMinute);
    const cart = hasCart ? Math.min(pages, 1 + rng.poisson(s.funnel.extraCartAddsMean)) : 0;
    let bought = 0;
    let cents = 0;
    if (buys) {
      bought = 1;
      for (let k = 1; k < cart; k++) if (rng.chance(s.funnel.extraItemBuyRate)) bought++;
      const level = pop.priceCents[i]!;
      for (let k = 0; k < bought; k++)
        cents += Math.max(99, Math.round(rng.logNormal(level, s.prices.itemSigma)));
    }
    const stick = s.devices.stickiness;
    this.dev[i] = rng.chance(stick) ? pop.device[i]! : rng.pick(pop.deviceCum);
    this.pay[i] =
      bought === 0
        ? NO_PAYMENT
        : rng.chance(s.payments.stickiness)
          ? pop.payment[i]!
          : rng.pick(pop.paymentCum);

    const end = Math.min(snapshot, start + Math.round(minutes * 60_000));
    this.start[i] = start;
    this.end[i] = end;
    this.prevEnd[i] = end;
    this.pages[i] = pages;
    this.cart[i] = cart;
    this.bought[i] = bought;
    this.cents[i] = cents;
  }

  private siftDown(k: number): void {
    const heap = this.heap;
    const end = this.end;
    const size = this.size;
    const item = heap[k]!;
    const itemEnd = end[item]!;
    for (;;) {
      let child = 2 * k + 1;
      if (child >= size) break;
      let c = heap[child]!;
      let cEnd = end[c]!;
      const right = child + 1;
      if (right < size) {
        const r = heap[right]!;
        const rEnd = end[r]!;
        if (rEnd < cEnd || (rEnd === cEnd && r < c)) {
          child = right;
          c = r;
          cEnd = rEnd;
        }
      }
      // Ties on session_end go to the lower customer index, so the order is fully determined.
      if (itemEnd < cEnd || (itemEnd === cEnd && item < c)) break;
      heap[k] = c;
      k = child;
    }
    heap[k] = item;
  }
}
