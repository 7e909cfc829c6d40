/* eslint-disable @typescript-eslint/no-non-null-assertion -- hot loops over typed arrays whose indices are in range by construction; a fallback per access would hide bugs and cost time */
/**
 * All sessions of a population, lazily, in event-time order (session_end, then customer index).
 *
 * Each customer is a lazy stream that holds only its next session; a 4-ary heap over the customers
 * merges the streams. Memory is O(customers) whatever the number of sessions. A customer's session
 * starts are the order statistics of its visit process, drawn one at a time (the next of the remaining
 * k sorted uniforms is 1 - (1 - previous) * V^(1/k)), so they come out sorted; a customer's sessions
 * never overlap (a new visit after the previous one ended is a new session), so ends are sorted too.
 */
import { DEVICE_TYPES, PAYMENT_METHODS } from '@churnstream/contracts';
import type { ActivityClock } from './activity.clock';
import { Rng } from './random.rng';
import { STREAM, emptySession, type Population, type SessionRecord } from './population.model';

/** SessionDraw#payment when nothing was bought. */
export const NO_PAYMENT = 255;
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

/** One session as numbers: indices into DEVICE_TYPES and PAYMENT_METHODS (NO_PAYMENT when nothing was bought). */
export interface SessionDraw {
  customer: number;
  start: number;
  end: number;
  pages: number;
  cart: number;
  bought: number;
  cents: number;
  device: number;
  payment: number;
}

export function emptyDraw(): SessionDraw {
  return { customer: 0, start: 0, end: 0, pages: 0, cart: 0, bought: 0, cents: 0, device: 0, payment: 0 };
}

/**
 * Per-customer fields, packed in one Float64Array with this stride (3 cache lines a customer) so that
 * drawing a session touches a few cache lines rather than one per field: with a million customers
 * the merge is bound by memory latency, not arithmetic.
 */
const F = {
  q: 0,
  prevEnd: 1,
  start: 2,
  end: 3,
  cents: 4,
  pages: 5,
  cart: 6,
  bought: 7,
  dev: 8,
  pay: 9,
  /** Sessions still to draw after the current one. */
  remaining: 10,
  u0: 11,
  uLapse: 12,
  massPre: 13,
  massTotal: 14,
  earliest: 15,
  lapseAt: 16,
  cartP: 17,
  checkoutP: 18,
  price: 19,
  device: 20,
  payment: 21,
} as const;
const STRIDE = 24;
/** The 4-word PRNG state sits in the last two doubles of each stride (32-bit words 44..47). */
const RNG_WORD = 2 * (STRIDE - 2);
const ARITY = 4;

/** The merge state; exposed for callers that want to avoid generator overhead. */
export class SessionGenerator {
  private readonly rng: Rng;
  private readonly f: Float64Array;
  /** A 4-ary min-heap of customers by (session_end, index), with the keys stored in heap order. */
  private readonly heapKey: Float64Array;
  private readonly heapIdx: Int32Array;
  private size = 0;
  private readonly draw = emptyDraw();
  // The scenario's knobs as plain fields: the hot loop reads numbers, not nested objects.
  private readonly tau: number;
  private readonly visitFactor: number;
  private readonly snapshot: number;
  private readonly clock: ActivityClock;
  private readonly deviceCum: Float64Array;
  private readonly paymentCum: Float64Array;
  private readonly lapsedPurchaseFactor: number;
  private readonly medianMinutes: number;
  private readonly cartDurationFactor: number;
  private readonly maxMinutes: number;
  private readonly durationSigma: number;
  private readonly pagesPerMinute: number;
  private readonly extraCartAddsMean: number;
  private readonly extraItemBuyRate: number;
  private readonly itemSigma: number;
  private readonly deviceStickiness: number;
  private readonly paymentStickiness: number;
  private readonly pricesChange: boolean;

  constructor(private readonly pop: Population) {
    const n = pop.customerCount;
    const buffer = new ArrayBuffer(n * STRIDE * 8);
    this.f = new Float64Array(buffer);
    this.rng = new Rng(n, new Uint32Array(buffer), 2 * STRIDE, RNG_WORD);
    this.heapKey = new Float64Array(n);
    this.heapIdx = new Int32Array(n);
    const sc = pop.scenario;
    this.tau = sc.lapse.visitDecayDays * 24;
    this.visitFactor = sc.lapse.visitFactor;
    this.snapshot = pop.snapshotAtMs;
    this.clock = pop.clock;
    this.deviceCum = pop.deviceCum;
    this.paymentCum = pop.paymentCum;
    this.lapsedPurchaseFactor = sc.lapse.purchaseFactor;
    this.medianMinutes = sc.session.medianMinutes;
    this.cartDurationFactor = sc.session.cartDurationFactor;
    this.maxMinutes = sc.session.maxMinutes;
    this.durationSigma = sc.session.durationSigma;
    this.pagesPerMinute = sc.session.pagesPerMinute;
    this.extraCartAddsMean = sc.funnel.extraCartAddsMean;
    this.extraItemBuyRate = sc.funnel.extraItemBuyRate;
    this.itemSigma = sc.prices.itemSigma;
    this.deviceStickiness = sc.devices.stickiness;
    this.paymentStickiness = sc.payments.stickiness;
    this.pricesChange = pop.hasPriceChanges;
    const f = this.f;
    for (let i = 0; i < n; i++) {
      const count = pop.sessionsOf[i]!;
      if (count === 0) continue;
      const o = i * STRIDE;
      f[o + F.prevEnd] = -Infinity;
      f[o + F.remaining] = count;
      f[o + F.u0] = pop.u0[i]!;
      f[o + F.uLapse] = pop.uLapse[i]!;
      f[o + F.massPre] = pop.massPre[i]!;
      f[o + F.massTotal] = pop.massTotal[i]!;
      f[o + F.earliest] = Math.max(pop.since[i]!, pop.windowStartMs);
      f[o + F.lapseAt] = pop.lapseAt[i]!;
      f[o + F.cartP] = pop.cartP[i]!;
      f[o + F.checkoutP] = pop.checkoutP[i]!;
      f[o + F.price] = pop.priceCents[i]!;
      f[o + F.device] = pop.device[i]!;
      f[o + F.payment] = pop.payment[i]!;
      this.rng.seedSlot(i, pop.seed, STREAM.sessions, i);
      this.advance(i);
      this.heapKey[this.size] = f[o + F.end]!;
      this.heapIdx[this.size] = i;
      this.size++;
    }
    for (let k = Math.floor((this.size - 2) / ARITY); k >= 0; k--) this.siftDown(k);
  }

  /**
   * The next session in event-time order, numbered `seq` (0-based), or null when all are out. With
   * `into`, the record is written into that object and returned (no allocation: for consumers that
   * use each record before asking for the next); otherwise a new record is returned.
   */
  next(seq: number, into?: SessionRecord): SessionRecord | null {
    const d = this.draw;
    return this.nextDraw(d) ? this.record(seq, d, into ?? emptySession()) : null;
  }

  /** A drawn session (numbered `seq`) as a record, written into `into`. */
  record(seq: number, d: SessionDraw, into: SessionRecord): SessionRecord {
    const pop = this.pop;
    into.session_id = pop.sessionId(seq);
    into.customer_id = pop.customerId(d.customer);
    into.customer_index = d.customer;
    into.session_start = d.start;
    into.session_end = d.end;
    into.pages_viewed = d.pages;
    into.products_added_to_cart = d.cart;
    into.products_purchased = d.bought;
    into.total_spent_cents = d.cents;
    into.device_type = DEVICE_TYPES[d.device]!;
    into.payment_method = d.payment === NO_PAYMENT ? null : PAYMENT_METHODS[d.payment]!;
    return into;
  }

  /**
   * The next session as numbers only (no id strings): what a writer that encodes bytes itself needs.
   * Returns false when all sessions are out.
   */
  nextDraw(d: SessionDraw): boolean {
    if (this.size === 0) return false;
    const i = this.heapIdx[0]!;
    const f = this.f;
    const o = i * STRIDE;
    d.customer = i;
    d.start = f[o + F.start]!;
    d.end = f[o + F.end]!;
    d.pages = f[o + F.pages]!;
    d.cart = f[o + F.cart]!;
    d.bought = f[o + F.bought]!;
    d.cents = f[o + F.cents]!;
    d.device = f[o + F.dev]!;
    d.payment = f[o + F.pay]!;
    if (f[o + F.remaining]! > 0) {
      this.advance(i);
      this.heapKey[0] = f[o + F.end]!;
    } else {
      this.size--;
      this.heapKey[0] = this.heapKey[this.size]!;
      this.heapIdx[0] = this.heapIdx[this.size]!;
    }
    if (this.size > 1) this.siftDown(0);
    return true;
  }

  /** Activity time at quantile x of the customer's session mass (pre-lapse uniform, post-lapse decaying). */
  private quantileToActivity(o: number, x: number): number {
    const f = this.f;
    const m = x * f[o + F.massTotal]!;
    const pre = f[o + F.massPre]!;
    const u0 = f[o + F.u0]!;
    if (m <= pre) return u0 + m;
    const uL = f[o + F.uLapse]!;
    const tau = this.tau;
    const a = Math.max(u0, uL);
    const arg = Math.exp(-(a - uL) / tau) - (m - pre) / (this.visitFactor * tau);
    return uL - tau * Math.log(Math.max(arg, 1e-300));
  }

  /** Draws customer i's next session into its packed fields. */
  private advance(i: number): void {
    const f = this.f;
    const o = i * STRIDE;
    const rng = this.rng.at(i);
    const remaining = f[o + F.remaining]!;
    const q = 1 - (1 - f[o + F.q]!) * Math.pow(rng.uniform(), 1 / remaining);
    f[o + F.q] = q;
    f[o + F.remaining] = remaining - 1;

    const snapshot = this.snapshot;
    let start = Math.ceil(this.clock.toReal(this.quantileToActivity(o, q)));
    start = Math.min(snapshot, Math.max(start, f[o + F.earliest]!, f[o + F.prevEnd]! + GAP_MS));

    const lapsed = start >= f[o + F.lapseAt]!;
    const hasCart = rng.chance(f[o + F.cartP]!);
    const buys = hasCart && rng.chance(f[o + F.checkoutP]! * (lapsed ? this.lapsedPurchaseFactor : 1));
    const median =
      this.medianMinutes * (hasCart ? this.cartDurationFactor : 1) * (buys ? this.cartDurationFactor : 1);
    const minutes = Math.min(this.maxMinutes, rng.logNormal(median, this.durationSigma));
    const pages = 1 + rng.poisson(minutes * this.pagesPerMinute);
    const cart = hasCart ? Math.min(pages, 1 + rng.poisson(this.extraCartAddsMean)) : 0;
    let bought = 0;
    let cents = 0;
    if (buys) {
      bought = 1;
      for (let k = 1; k < cart; k++) if (rng.chance(this.extraItemBuyRate)) bought++;
      const level = this.pricesChange ? f[o + F.price]! * this.pop.priceFactor(i, start) : f[o + F.price]!;
      for (let k = 0; k < bought; k++)
        cents += Math.max(99, Math.round(rng.logNormal(level, this.itemSigma)));
    }
    f[o + F.dev] = rng.chance(this.deviceStickiness) ? f[o + F.device]! : rng.pick(this.deviceCum);
    f[o + F.pay] =
      bought === 0
        ? NO_PAYMENT
        : rng.chance(this.paymentStickiness)
          ? f[o + F.payment]!
          : rng.pick(this.paymentCum);

    const end = Math.min(snapshot, start + Math.round(minutes * 60_000));
    f[o + F.start] = start;
    f[o + F.end] = end;
    f[o + F.prevEnd] = end;
    f[o + F.pages] = pages;
    f[o + F.cart] = cart;
    f[o + F.bought] = bought;
    f[o + F.cents] = cents;
  }

  private siftDown(k: number): void {
    const key = this.heapKey;
    const idx = this.heapIdx;
    const size = this.size;
    const itemKey = key[k]!;
    const item = idx[k]!;
    for (;;) {
      const first = ARITY * k + 1;
      if (first >= size) break;
      const last = Math.min(first + ARITY, size);
      let best = first;
      let bestKey = key[first]!;
      let bestIdx = idx[first]!;
      for (let c = first + 1; c < last; c++) {
        const ck = key[c]!;
        // Ties on session_end go to the lower customer index, so the order is fully determined.
        if (ck < bestKey || (ck === bestKey && idx[c]! < bestIdx)) {
          best = c;
          bestKey = ck;
          bestIdx = idx[c]!;
        }
      }
      if (itemKey < bestKey || (itemKey === bestKey && item < bestIdx)) break;
      key[k] = bestKey;
      idx[k] = bestIdx;
      k = best;
    }
    key[k] = itemKey;
    idx[k] = item;
  }
}
