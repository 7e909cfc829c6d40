/**
 * Every knob of the behavioural model, with its default, in one object. A scenario file overrides any
 * subset (nested objects merge key by key, arrays and scalars replace) and the merged result is
 * validated whole, so an error names the exact field (`scenario.lapse.ratePerYear: ...`).
 */
import { z } from 'zod';
import { DEVICE_TYPES, GENDERS, PAYMENT_METHODS } from '@churnstream/contracts';
import { AppError } from '@churnstream/errors';

const share = z.number().min(0).max(1);
const positive = z.number().positive();
const weights = (keys: readonly string[]) =>
  z
    .strictObject(Object.fromEntries(keys.map((k) => [k, z.number().nonnegative()])))
    .refine((w) => Object.values(w).some((v) => v > 0), 'at least one weight must be positive');

/**
 * A change scheduled at a simulated date: from `fromDay` days after window_start on, for the
 * customers of `country` (everyone when absent), the lapse hazard and/or item prices are multiplied.
 * The streaming generator and the batch generator draw from the same population model, so the same
 * seed and scenario give the same data on both paths.
 */
export const ScheduledChangeSchema = z.strictObject({
  fromDay: z.number().min(0),
  country: z.string().min(1).optional(),
  /** 3 = three times as likely to lapse per day from then on (not yet lapsed customers only). */
  lapseHazardFactor: z.number().positive().max(1000).optional(),
  /** 1.2 = item prices of sessions starting from then on are 20% higher. */
  priceFactor: z.number().positive().max(100).optional(),
});
export type ScheduledChange = z.infer<typeof ScheduledChangeSchema>;

export const ScenarioSchema = z
  .strictObject({
    /** Days of session history before snapshot_at that the dataset records (window_start = snapshot_at - windowDays). */
    windowDays: z.number().int().min(61).max(3650),
    /** customer_since is spread over this many days before snapshot_at (at least two years). */
    customerHistoryDays: z.number().int().min(730).max(7300),
    /** Sign-ups grow by this fraction a year (0.3 = 30% more sign-ups a year later). */
    signupGrowthPerYear: z.number().min(-0.9).max(10),
    demographics: z.strictObject({
      /** Share of customers whose age is drawn around `coreAgeMean` (the 25-45 bulk); the rest spread over 18-80. */
      coreAgeShare: share,
      coreAgeMean: z.number().min(18).max(80),
      coreAgeSd: positive,
      genders: weights(GENDERS),
    }),
    engagement: z.strictObject({
      /**
       * Spread (log-normal sigma) of the per-customer visit rate. Only relative rates matter: the
       * rates are scaled so that exactly the requested number of sessions is produced.
       */
      rateSigma: z.number().min(0).max(3),
    }),
    lapse: z.strictObject({
      /** Mean lapse hazard: the expected share of active customers who lapse within a year is 1 - exp(-ratePerYear). */
      ratePerYear: z.number().min(0).max(50),
      /** Spread (log-normal sigma) of the per-customer hazard. */
      rateSigma: z.number().min(0).max(3),
      /** How strongly low engagement raises the hazard: hazard ∝ (rate / median rate)^-engagementCoupling. */
      engagementCoupling: z.number().min(0).max(3),
      /** After lapsing, the visit rate drops to this fraction of the customer's rate ... */
      visitFactor: share,
      /** ... and then decays with this time constant in days. */
      visitDecayDays: positive,
      /** Purchase probability after lapsing, as a fraction of the customer's usual one (0: they stop buying). */
      purchaseFactor: share,
    }),
    funnel: z.strictObject({
      /** Mean share of sessions in which something is added to the cart (per-customer Beta). */
      cartRate: share,
      /** Beta concentration of the per-customer cart rate (higher = customers more alike). */
      cartConcentration: positive,
      /** Mean cart abandonment: the share of sessions with a cart add that end without a purchase. */
      abandonmentRate: share,
      abandonmentConcentration: positive,
      /** Mean number of cart adds beyond the first, in a session with a cart add. */
      extraCartAddsMean: z.number().min(0).max(50),
      /** Probability that each cart add beyond the first is also bought, in a session with a purchase. */
      extraItemBuyRate: share,
    }),
    session: z.strictObject({
      /** Median session duration (log-normal) in minutes, for a session without a cart add. */
      medianMinutes: positive,
      durationSigma: z.number().min(0).max(3),
      /** Sessions with a cart add last this many times longer (median), and a purchase adds again as much. */
      cartDurationFactor: z.number().min(1).max(20),
      maxMinutes: positive,
      /** Pages viewed grow with duration: about this many pages a minute, at least one. */
      pagesPerMinute: positive,
    }),
    prices: z.strictObject({
      /** Median price level across customers, in cents. */
      medianItemCents: z.number().int().min(1),
      /** Spread (log-normal sigma) of the customers' price levels. */
      customerSigma: z.number().min(0).max(3),
      /** Spread (log-normal sigma) of item prices around the customer's level. */
      itemSigma: z.number().min(0).max(3),
    }),
    devices: z.strictObject({
      shares: weights(DEVICE_TYPES),
      /** Probability that a session uses the customer's preferred device. */
      stickiness: share,
    }),
    payments: z.strictObject({
      shares: weights(PAYMENT_METHODS),
      stickiness: share,
    }),
    /** Relative activity per hour of day (UTC), 24 values: the daily cycle of session starts. */
    hourlyActivity: z.array(z.number().nonnegative()).length(24),
    /** Relative activity per day of week, Monday first, 7 values: the weekly cycle. */
    weekdayActivity: z.array(z.number().nonnegative()).length(7),
    /** Faker locales the names, cities and countries come from, with their country and weight. */
    locales: z
      .array(z.strictObject({ locale: z.string().min(1), country: z.string().min(1), weight: positive }))
      .min(1),
    /** Changes at simulated dates (drift you can provoke), in any order; none by default. */
    changes: z.array(ScheduledChangeSchema).max(100),
  })
  .superRefine((scenario, ctx) => {
    const countries = new Set(scenario.locales.map((l) => l.country));
    scenario.changes.forEach((change, i) => {
      if (change.fromDay > scenario.windowDays) {
        ctx.addIssue({
          code: 'custom',
          path: ['changes', i, 'fromDay'],
          message: `after the window's last day (${scenario.windowDays})`,
        });
      }
      if (change.country !== undefined && !countries.has(change.country)) {
        ctx.addIssue({
          code: 'custom',
          path: ['changes', i, 'country'],
          message: `not a country of the locales (${[...countries].join(', ')})`,
        });
      }
      if (change.lapseHazardFactor === undefined && change.priceFactor === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['changes', i],
          message: 'changes nothing: give lapseHazardFactor and/or priceFactor',
        });
      }
    });
  });
export type Scenario = z.infer<typeof ScenarioSchema>;

export const DEFAULT_SCENARIO: Scenario = {
  windowDays: 120,
  customerHistoryDays: 730,
  signupGrowthPerYear: 0.3,
  demographics: {
    coreAgeShare: 0.7,
    coreAgeMean: 35,
    coreAgeSd: 6,
    genders: { female: 0.49, male: 0.45, non_binary: 0.02, unspecified: 0.04 },
  },
  engagement: { rateSigma: 0.4 },
  lapse: {
    ratePerYear: 0.25,
    rateSigma: 0.5,
    engagementCoupling: 0.4,
    visitFactor: 0.3,
    visitDecayDays: 30,
    purchaseFactor: 0,
  },
  funnel: {
    // Far above a real shop's add-to-cart rate (~10%): with ~10 sessions per customer in the window,
    // realistic rates would leave most customers without any purchase in 60 days (churn ~80%).
    cartRate: 0.85,
    cartConcentration: 20,
    abandonmentRate: 0.7,
    abandonmentConcentration: 20,
    extraCartAddsMean: 1.2,
    extraItemBuyRate: 0.55,
  },
  session: {
    medianMinutes: 5,
    durationSigma: 0.8,
    cartDurationFactor: 1.6,
    maxMinutes: 240,
    pagesPerMinute: 1.3,
  },
  prices: { medianItemCents: 3500, customerSigma: 0.5, itemSigma: 0.45 },
  devices: { shares: { mobile: 0.58, desktop: 0.32, tablet: 0.1 }, stickiness: 0.85 },
  payments: {
    shares: {
      credit_card: 0.33,
      debit_card: 0.2,
      paypal: 0.22,
      apple_pay: 0.1,
      google_pay: 0.08,
      bank_transfer: 0.07,
    },
    stickiness: 0.9,
  },
  hourlyActivity: [
    0.35, 0.2, 0.12, 0.08, 0.07, 0.1, 0.25, 0.5, 0.75, 0.85, 0.9, 0.95, 1.1, 1.05, 0.9, 0.85, 0.85, 0.95,
    1.15, 1.35, 1.45, 1.4, 1.1, 0.65,
  ],
  weekdayActivity: [1.0, 0.95, 0.95, 0.97, 1.0, 1.1, 1.15],
  locales: [
    { locale: 'en_US', country: 'United States', weight: 0.3 },
    { locale: 'en_GB', country: 'United Kingdom', weight: 0.15 },
    { locale: 'de', country: 'Germany', weight: 0.15 },
    { locale: 'fr', country: 'France', weight: 0.12 },
    { locale: 'es', country: 'Spain', weight: 0.08 },
    { locale: 'it', country: 'Italy', weight: 0.07 },
    { locale: 'nl', country: 'Netherlands', weight: 0.05 },
    { locale: 'en_CA', country: 'Canada', weight: 0.04 },
    { locale: 'en_AU', country: 'Australia', weight: 0.04 },
  ],
  changes: [],
};

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function merge(base: unknown, override: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(override)) return override;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(override)) out[k] = k in base ? merge(base[k], v) : v;
  return out;
}

/**
 * The default scenario with `overrides` applied. `source` names where the overrides came from, for
 * the error message. Throws AppError CONFIG_INVALID naming each bad field.
 */
export function resolveScenario(overrides: unknown = {}, source = 'scenario'): Scenario {
  if (!isPlainObject(overrides)) {
    throw new AppError('CONFIG_INVALID', `${source}: expected a JSON object of scenario overrides`);
  }
  const parsed = ScenarioSchema.safeParse(merge(DEFAULT_SCENARIO, overrides));
  if (!parsed.success) {
    const issues = parsed.error.issues
      .map((issue) => `${['scenario', ...issue.path.map(String)].join('.')}: ${issue.message}`)
      .join('; ');
    throw new AppError('CONFIG_INVALID', `${source}: ${issues}`, { cause: parsed.error });
  }
  return parsed.data;
}

/** A scenario file's text (JSON overrides) resolved against the defaults; errors name `source`. */
export function scenarioFromJson(text: string, source: string): Scenario {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new AppError('CONFIG_INVALID', `${source}: not JSON (${(cause as Error).message})`, { cause });
  }
  return resolveScenario(json, source);
}
