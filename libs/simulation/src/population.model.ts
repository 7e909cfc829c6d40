/* eslint-disable @typescript-eslint/no-non-null-assertion -- hot loops over typed arrays whose indices are in range by construction; a fallback per access would hide bugs and cost time */
/**
 * The behavioural model of a shop's customers: who they are, how often they visit, what they buy, and
 * when (if ever) they lapse. Everything is a function of (seed, snapshot_at, counts, scenario); there
 * is no I/O and no wall clock.
 *
 * Per customer the model keeps latent traits in typed arrays (O(customers) memory, ~100 bytes each):
 * - a visit rate (log-normal across customers, scaled so the population makes exactly the requested
 *   number of sessions), shaped in time by the daily and weekly cycle (ActivityClock);
 * - a lapse time: a hazard that is higher for less engaged customers; after it visits thin out
 *   (a fraction of the rate, decaying) and purchases stop;
 * - a cart rate and a checkout rate (Beta across customers; their means are the scenario's cart rate
 *   and 1 - abandonment), a price level, a preferred device and payment method.
 * Visits form a Poisson process; the session count of each customer is drawn first (Poisson, then
 * nudged so the total is exact) and the session times are its order statistics, drawn lazily.
 * Profiles (name, e-mail, age, ...) are drawn from their own stream on demand and never stored.
 */
import { CHURN_WINDOW_DAYS, DEVICE_TYPES, GENDERS, PAYMENT_METHODS } from '@churnstream/contracts';
import type { DeviceType, Gender, PaymentMethod } from '@churnstream/contracts';
import { DAY_MS, type SessionFacts } from '@churnstream/churn';
import { AppError } from '@churnstream/errors';
import { ActivityClock } from './activity.clock';
import { buildLocalePools, emailPart, type LocalePool } from './locale.pools';
import { Rng, cumulative } from './random.rng';
import { DEFAULT_SCENARIO, type Scenario } from './scenario.schema';

/** Bumped whenever the same seed gives different files (1.1.0: name pools sampled from the locale chain). */
export const GENERATOR_VERSION = 'churnstream-simulation/1.1.0';
export const DEFAULT_SNAPSHOT_AT = '2026-06-30T00:00:00.000Z';
export const DEFAULT_GENERATE_OPTIONS = {
  customers: 10_000,
  sessions: 100_000,
  seed: 42,
  snapshotAt: DEFAULT_SNAPSHOT_AT,
} as const;

/** Zero padding by length: faster than padStart on the hot path of session ids. */
const ZEROS = Array.from({ length: 16 }, (_, i) => '0'.repeat(i));

/** Independent random streams per purpose, so that adding draws to one never shifts another. */
export const STREAM = { since: 1, traits: 2, counts: 3, profile: 4, sessions: 5, dirty: 6 } as const;

export interface GenerateOptions {
  customers?: number;
  sessions?: number;
  seed?: number;
  /** The reference "now" of the run: ISO string, epoch ms or Date. Default 2026-06-30T00:00:00Z. */
  snapshotAt?: string | number | Date;
  /** A resolved scenario (see resolveScenario); default DEFAULT_SCENARIO. */
  scenario?: Scenario;
}

export interface CustomerRecord {
  customer_id: string;
  name: string;
  email: string;
  age: number;
  gender: Gender;
  location: string;
  country: string;
  /** Epoch ms, always a UTC midnight (customers.csv carries the ISO date). */
  customer_since: number;
}

/** A session as the aggregate folds it (times in epoch ms, money in cents), with its ids and labels. */
export interface SessionRecord extends SessionFacts {
  session_id: string;
  customer_id: string;
  /** Index of the customer (0-based), for per-customer arrays. */
  customer_index: number;
  device_type: DeviceType;
  payment_method: PaymentMethod | null;
}

/** A blank record to reuse with SessionGenerator#next(seq, into). */
export function emptySession(): SessionRecord {
  return {
    session_id: '',
    customer_id: '',
    customer_index: 0,
    session_start: 0,
    session_end: 0,
    pages_viewed: 0,
    products_added_to_cart: 0,
    products_purchased: 0,
    total_spent_cents: 0,
    device_type: 'mobile',
    payment_method: null,
  };
}

interface TimedFactor {
  atMs: number;
  factor: number;
  /** Indices of the locales (of the customer's country) it applies to; null: everyone. */
  locales: ReadonlySet<number> | null;
}

function toMs(value: string | number | Date): number {
  const ms = value instanceof Date ? value.getTime() : typeof value === 'number' ? value : Date.parse(value);
  if (!Number.isFinite(ms))
    throw new AppError('CONFIG_INVALID', `snapshot_at: not a valid time: ${String(value)}`);
  return ms;
}

function checkCount(name: string, value: number, max: number): number {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new AppError('CONFIG_INVALID', `${name}: expected an integer in [0, ${max}], got ${value}`);
  }
  return value;
}

export function idWidth(count: number, minimum: number): number {
  return Math.max(minimum, String(count).length);
}

export class Population {
  readonly seed: number;
  readonly customerCount: number;
  readonly sessionCount: number;
  readonly scenario: Scenario;
  readonly snapshotAtMs: number;
  readonly windowStartMs: number;
  /** snapshot_at - 60 days: the cutoff of the predictive framing that truth.csv's probability refers to. */
  readonly cutoffMs: number;
  readonly clock: ActivityClock;
  readonly pools: readonly LocalePool[];

  /** customer_since (UTC midnight), ascending with the customer index. */
  readonly since: Float64Array;
  /** Latent lapse time; may lie after snapshot_at (the customer has not lapsed yet). */
  readonly lapseAt: Float64Array;
  /** Lapse hazard per millisecond, for the truth's probability. */
  readonly hazard: Float64Array;
  /** Expected sessions per activity hour before lapsing. */
  readonly rate: Float64Array;
  readonly cartP: Float64Array;
  readonly checkoutP: Float64Array;
  readonly priceCents: Float64Array;
  readonly device: Uint8Array;
  readonly payment: Uint8Array;
  readonly sessionsOf: Uint32Array;
  /** Activity time at the start of exposure (max(customer_since, window_start)) and at the lapse. */
  readonly u0: Float64Array;
  readonly uLapse: Float64Array;
  /** Session mass (activity hours x relative rate) before and after the lapse, within the window. */
  readonly massPre: Float64Array;
  readonly massTotal: Float64Array;
  readonly uSnapshot: number;

  readonly deviceCum: Float64Array;
  readonly paymentCum: Float64Array;
  private readonly genderCum: Float64Array;
  private readonly localeCum: Float64Array;
  private readonly profileRng = new Rng(1);
  private readonly emailParts = new Map<string, string>();
  /** The scenario's scheduled changes as instants, and each customer's locale when a change needs it. */
  private readonly hazardChanges: readonly TimedFactor[];
  private readonly priceChanges: readonly TimedFactor[];
  private readonly localeOf: Uint8Array | null;
  /** Digits of customer and session ids (zero-padded, wide enough for every id of the population). */
  readonly customerIdWidth: number;
  readonly sessionIdWidth: number;

  constructor(options: GenerateOptions = {}) {
    const scenario = options.scenario ?? DEFAULT_SCENARIO;
    this.scenario = scenario;
    this.seed = checkCount('seed', options.seed ?? DEFAULT_GENERATE_OPTIONS.seed, 0xffffffff);
    this.customerCount = checkCount(
      'customers',
      options.customers ?? DEFAULT_GENERATE_OPTIONS.customers,
      50_000_000,
    );
    this.sessionCount = checkCount(
      'sessions',
      options.sessions ?? DEFAULT_GENERATE_OPTIONS.sessions,
      2_000_000_000,
    );
    if (this.customerCount === 0 && this.sessionCount > 0) {
      throw new AppError('CONFIG_INVALID', 'sessions: cannot generate sessions without customers');
    }
    this.snapshotAtMs = toMs(options.snapshotAt ?? DEFAULT_GENERATE_OPTIONS.snapshotAt);
    this.windowStartMs = this.snapshotAtMs - scenario.windowDays * DAY_MS;
    this.cutoffMs = this.snapshotAtMs - CHURN_WINDOW_DAYS * DAY_MS;
    this.clock = new ActivityClock(scenario.hourlyActivity, scenario.weekdayActivity);
    this.uSnapshot = this.clock.toActivity(this.snapshotAtMs);
    this.pools = buildLocalePools(scenario, this.seed, this.snapshotAtMs);
    this.customerIdWidth = idWidth(this.customerCount, 6);
    this.sessionIdWidth = idWidth(this.sessionCount, 7);

    this.deviceCum = cumulative(DEVICE_TYPES.map((d) => scenario.devices.shares[d] ?? 0));
    this.paymentCum = cumulative(PAYMENT_METHODS.map((p) => scenario.payments.shares[p] ?? 0));
    this.genderCum = cumulative(GENDERS.map((g) => scenario.demographics.genders[g] ?? 0));
    this.localeCum = cumulative(scenario.locales.map((l) => l.weight));

    const n = this.customerCount;
    this.since = new Float64Array(n);
    this.lapseAt = new Float64Array(n);
    this.hazard = new Float64Array(n);
    this.rate = new Float64Array(n);
    this.cartP = new Float64Array(n);
    this.checkoutP = new Float64Array(n);
    this.priceCents = new Float64Array(n);
    this.device = new Uint8Array(n);
    this.payment = new Uint8Array(n);
    this.sessionsOf = new Uint32Array(n);
    this.u0 = new Float64Array(n);
    this.uLapse = new Float64Array(n);
    this.massPre = new Float64Array(n);
    this.massTotal = new Float64Array(n);

    const timed = (pick: (c: Scenario['changes'][number]) => number | undefined): TimedFactor[] =>
      scenario.changes
        .filter((c) => pick(c) !== undefined)
        .map((c) => ({
          atMs: this.windowStartMs + Math.round(c.fromDay * DAY_MS),
          factor: pick(c) ?? 1,
          locales:
            c.country === undefined
              ? null
              : new Set(scenario.locales.flatMap((l, k) => (l.country === c.country ? [k] : []))),
        }))
        .sort((a, b) => a.atMs - b.atMs);
    this.hazardChanges = timed((c) => c.lapseHazardFactor);
    this.priceChanges = timed((c) => c.priceFactor);
    const byCountry = [...this.hazardChanges, ...this.priceChanges].some((c) => c.locales !== null);
    this.localeOf = byCountry ? new Uint8Array(n) : null;
    if (this.localeOf) for (let i = 0; i < n; i++) this.localeOf[i] = this.localeIndex(i);

    this.drawSignups();
    const weightSum = this.drawTraits();
    this.allocateSessions(weightSum);
  }

  /** Sorted sign-up days: order statistics of an exponentially growing sign-up density over the history. */
  private drawSignups(): void {
    const n = this.customerCount;
    if (n === 0) return;
    const rng = Rng.of(this.seed, STREAM.since);
    const historyDays = this.scenario.customerHistoryDays;
    const g = Math.log(1 + this.scenario.signupGrowthPerYear) / 365;
    const firstDayMs = Math.floor(this.snapshotAtMs / DAY_MS) * DAY_MS - historyDays * DAY_MS;
    // Sorted uniforms as normalised cumulative sums of exponential spacings: O(n), no sort.
    let total = 0;
    for (let i = 0; i < n; i++) {
      total += -Math.log(rng.uniform());
      this.since[i] = total;
    }
    total += -Math.log(rng.uniform());
    const growth = Math.expm1(g * historyDays);
    for (let i = 0; i < n; i++) {
      const u = this.since[i]! / total;
      const days = Math.abs(g) < 1e-12 ? u * historyDays : Math.log1p(u * growth) / g;
      this.since[i] = firstDayMs + Math.min(historyDays - 1, Math.floor(days)) * DAY_MS;
    }
  }

  /** Draws each customer's traits and lapse, and returns the sum of their session weights. */
  private drawTraits(): number {
    const s = this.scenario;
    const rng = new Rng(1);
    const tau = s.lapse.visitDecayDays * 24;
    const v = s.lapse.visitFactor;
    const meanHazardPerMs = s.lapse.ratePerYear / (365 * DAY_MS);
    const hazardSigma = s.lapse.rateSigma;
    let weightSum = 0;
    for (let i = 0; i < this.customerCount; i++) {
      rng.seedSlot(0, this.seed, STREAM.traits, i);
      const relRate = Math.exp(rng.normal(0, s.engagement.rateSigma));
      // Mean-one log-normal spread of the hazard, raised for customers who visit less.
      const hazard =
        meanHazardPerMs *
        Math.exp(rng.normal(0, hazardSigma) - (hazardSigma * hazardSigma) / 2) *
        Math.pow(relRate, -s.lapse.engagementCoupling);
      const since = this.since[i]!;
      const lapseAt =
        hazard > 0 ? this.lapseTime(i, since, rng.exponential(1 / hazard)) : Number.MAX_SAFE_INTEGER;
      this.hazard[i] = hazard;
      this.lapseAt[i] = lapseAt;
      this.cartP[i] = rng.beta(s.funnel.cartRate, s.funnel.cartConcentration);
      this.checkoutP[i] = rng.beta(1 - s.funnel.abandonmentRate, s.funnel.abandonmentConcentration);
      this.priceCents[i] = rng.logNormal(s.prices.medianItemCents, s.prices.customerSigma);
      this.device[i] = rng.pick(this.deviceCum);
      this.payment[i] = rng.pick(this.paymentCum);

      const u0 = this.clock.toActivity(Math.max(since, this.windowStartMs));
      const uL = lapseAt >= this.snapshotAtMs ? Infinity : this.clock.toActivity(lapseAt);
      const uS = this.uSnapshot;
      const pre = Math.max(0, Math.min(uL, uS) - u0);
      let post = 0;
      if (uL < uS && v > 0) {
        const a = Math.max(u0, uL);
        post = v * tau * (Math.exp(-(a - uL) / tau) - Math.exp(-(uS - uL) / tau));
      }
      this.u0[i] = u0;
      this.uLapse[i] = uL;
      this.massPre[i] = pre;
      this.massTotal[i] = pre + post;
      this.rate[i] = relRate;
      weightSum += relRate * (pre + post);
    }
    return weightSum;
  }

  private applies(change: TimedFactor, i: number): boolean {
    return change.locales === null || change.locales.has(this.localeOf?.[i] ?? -1);
  }

  /**
   * The lapse time from a delay drawn under the constant base hazard: the same unit of cumulative
   * hazard is spent faster after a change that multiplies the hazard (the inverse of a piecewise
   * linear cumulative hazard), so without an applicable change it is exactly since + delay.
   */
  private lapseTime(i: number, since: number, delay: number): number {
    let t = since;
    let left = delay;
    let factor = 1;
    for (const change of this.hazardChanges) {
      if (!this.applies(change, i)) continue;
      if (change.atMs <= t) {
        factor *= change.factor;
        continue;
      }
      const span = (change.atMs - t) * factor;
      if (left <= span) break;
      left -= span;
      t = change.atMs;
      factor *= change.factor;
    }
    return t + Math.round(left / factor);
  }

  /** What item prices of customer i are multiplied by in a session starting at `startMs`. */
  priceFactor(i: number, startMs: number): number {
    let factor = 1;
    for (const change of this.priceChanges) {
      if (change.atMs > startMs) break;
      if (this.applies(change, i)) factor *= change.factor;
    }
    return factor;
  }

  get hasPriceChanges(): boolean {
    return this.priceChanges.length > 0;
  }

  /** The locale customer i's profile is drawn from: the first draw of its profile stream. */
  private localeIndex(i: number): number {
    return this.profileRng.seedSlot(0, this.seed, STREAM.profile, i).pick(this.localeCum);
  }

  /** Poisson session counts with mean proportional to each customer's weight, nudged to the exact total. */
  private allocateSessions(weightSum: number): void {
    const n = this.customerCount;
    const target = this.sessionCount;
    if (target === 0) {
      for (let i = 0; i < n; i++) this.rate[i] = 0;
      return;
    }
    if (!(weightSum > 0)) {
      throw new AppError(
        'CONFIG_INVALID',
        'scenario: no customer can have a session in the window (all lapsed?)',
      );
    }
    const kappa = target / weightSum;
    const rng = Rng.of(this.seed, STREAM.counts);
    const cum = new Float64Array(n);
    let total = 0;
    let acc = 0;
    for (let i = 0; i < n; i++) {
      const w = this.rate[i]! * this.massTotal[i]!;
      acc += w;
      cum[i] = acc;
      const k = rng.poisson(kappa * w);
      this.sessionsOf[i] = k;
      total += k;
      this.rate[i] = this.rate[i]! * kappa;
    }
    while (total < target) {
      this.sessionsOf[rng.pick(cum)]!++;
      total++;
    }
    while (total > target) {
      const i = rng.pick(cum);
      if (this.sessionsOf[i]! > 0) {
        this.sessionsOf[i]!--;
        total--;
      }
    }
  }

  customerId(i: number): string {
    const digits = String(i + 1);
    return 'C' + ZEROS[this.customerIdWidth - digits.length]! + digits;
  }

  sessionId(seq: number): string {
    const digits = String(seq + 1);
    return 'S' + ZEROS[this.sessionIdWidth - digits.length]! + digits;
  }

  /** emailPart per name, memoised: pools are small and names repeat across customers. */
  private emailPart(name: string): string {
    let part = this.emailParts.get(name);
    if (part === undefined) {
      part = emailPart(name);
      this.emailParts.set(name, part);
    }
    return part;
  }

  /** The profile of customer `i`, drawn from its own stream (the same every call). */
  customer(i: number): CustomerRecord {
    const s = this.scenario.demographics;
    const rng = this.profileRng.seedSlot(0, this.seed, STREAM.profile, i);
    const pool = this.pools[rng.pick(this.localeCum)]!;
    const gender = GENDERS[rng.pick(this.genderCum)]!;
    const female = gender === 'female' || (gender !== 'male' && rng.chance(0.5));
    const firstNames = female ? pool.femaleFirst : pool.maleFirst;
    const first = firstNames[rng.int(firstNames.length)]!;
    const last = pool.last[rng.int(pool.last.length)]!;
    const local =
      [this.emailPart(first), this.emailPart(last)].filter((p) => p.length > 0).join('.') || 'customer';
    const domain = pool.emailDomains[rng.int(pool.emailDomains.length)]!;
    let age: number;
    if (rng.chance(s.coreAgeShare)) {
      do age = Math.round(rng.normal(s.coreAgeMean, s.coreAgeSd));
      while (age < 18 || age > 80);
    } else {
      age = 18 + Math.round(62 * rng.beta(0.38, 3));
    }
    return {
      customer_id: this.customerId(i),
      name: `${first} ${last}`,
      email: `${local}${i + 1}@${domain}`,
      age,
      gender,
      location: pool.cities[rng.int(pool.cities.length)]!,
      country: pool.country,
      customer_since: this.since[i]!,
    };
  }

  /** Whether the customer has lapsed by snapshot_at, and when (the generator's latent truth). */
  lapsedBySnapshot(i: number): boolean {
    return this.lapseAt[i]! <= this.snapshotAtMs;
  }

  /** Expected purchasing sessions per activity hour before the lapse. */
  purchaseRate(i: number): number {
    return this.rate[i]! * this.cartP[i]! * this.checkoutP[i]!;
  }
}

export function generatePopulation(options: GenerateOptions = {}): Population {
  return new Population(options);
}
