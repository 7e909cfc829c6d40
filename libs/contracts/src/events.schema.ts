import { z } from 'zod';
import { DEVICE_TYPES, GENDERS, PAYMENT_METHODS } from './vocabulary';

/**
 * The event contracts. Every event has an id that is stable across replays (so consumers can
 * deduplicate), the simulated time it happened at, and a schema version. A consumer parses with
 * these schemas at the edge and sends anything that fails to the dead-letter topic.
 */
const isoTime = z.iso.datetime({ offset: true });
const count = z.number().int().nonnegative();
const money = z.number().nonnegative().multipleOf(0.01);

const envelope = {
  event_id: z.string().min(1).max(200),
  event_time: isoTime,
};

export const CustomerProfileSchema = z.object({
  customer_id: z.string().min(1),
  name: z.string().min(1),
  email: z.string().min(3),
  age: z.number().int().min(0).max(130),
  gender: z.enum(GENDERS),
  location: z.string().min(1),
  country: z.string().min(1),
  customer_since: isoTime,
});
export type CustomerProfile = z.infer<typeof CustomerProfileSchema>;

export const CustomerRegisteredSchema = z.object({
  ...envelope,
  event_type: z.literal('customer_registered'),
  schema_version: z.literal(1),
  customer: CustomerProfileSchema,
});
export type CustomerRegistered = z.infer<typeof CustomerRegisteredSchema>;

export const SessionSchema = z
  .object({
    session_id: z.string().min(1),
    customer_id: z.string().min(1),
    session_start: isoTime,
    session_end: isoTime,
    pages_viewed: count,
    products_added_to_cart: count,
    products_purchased: count,
    total_spent: money,
    device_type: z.enum(DEVICE_TYPES),
    payment_method: z.enum(PAYMENT_METHODS).nullable(),
  })
  .check((ctx) => {
    const s = ctx.value;
    if (Date.parse(s.session_end) < Date.parse(s.session_start)) {
      ctx.issues.push({
        code: 'custom',
        path: ['session_end'],
        message: 'ends before session_start',
        input: s,
      });
    }
    if (s.products_added_to_cart > s.pages_viewed) {
      ctx.issues.push({
        code: 'custom',
        path: ['products_added_to_cart'],
        message: 'exceeds pages_viewed',
        input: s,
      });
    }
    if (s.products_purchased > s.products_added_to_cart) {
      ctx.issues.push({
        code: 'custom',
        path: ['products_purchased'],
        message: 'exceeds products_added_to_cart',
        input: s,
      });
    }
    if (s.products_purchased === 0 && (s.total_spent !== 0 || s.payment_method !== null)) {
      ctx.issues.push({
        code: 'custom',
        path: ['total_spent'],
        message: 'spend or payment_method without a purchase',
        input: s,
      });
    }
    if (s.products_purchased > 0 && s.payment_method === null) {
      ctx.issues.push({
        code: 'custom',
        path: ['payment_method'],
        message: 'missing although products were purchased',
        input: s,
      });
    }
  });
export type Session = z.infer<typeof SessionSchema>;

export const SessionEndedSchema = z.object({
  ...envelope,
  event_type: z.literal('session_ended'),
  schema_version: z.literal(1),
  session: SessionSchema,
});
export type SessionEnded = z.infer<typeof SessionEndedSchema>;

/** Carries simulated time forward on every partition so watermarks advance without sessions. */
export const ClockTickSchema = z.object({
  ...envelope,
  event_type: z.literal('clock_tick'),
  schema_version: z.literal(1),
  /** True for the run's last tick, whose event_time is the snapshot time. */
  final: z.boolean(),
});
export type ClockTick = z.infer<typeof ClockTickSchema>;

export const ActivityEventSchema = z.discriminatedUnion('event_type', [
  CustomerRegisteredSchema,
  SessionEndedSchema,
  ClockTickSchema,
]);
export type ActivityEvent = z.infer<typeof ActivityEventSchema>;

/** The per-customer rolling aggregate, as kept by the features service. Times are ISO strings. */
export const CustomerAggregateSchema = z.object({
  customer_id: z.string().min(1),
  name: z.string().nullable(),
  email: z.string().nullable(),
  age: z.number().int().nullable(),
  gender: z.enum(GENDERS).nullable(),
  location: z.string().nullable(),
  country: z.string().nullable(),
  customer_since: isoTime.nullable(),
  session_count: count,
  pages_viewed_total: count,
  products_added_total: count,
  products_purchased_total: count,
  total_spent: money,
  total_session_seconds: z.number().nonnegative(),
  first_seen_at: isoTime.nullable(),
  last_active_at: isoTime.nullable(),
  last_purchase_at: isoTime.nullable(),
  /** The device types and payment methods of the customer's sessions so far (each value once, sorted). */
  devices_used: z.array(z.enum(DEVICE_TYPES)),
  payment_methods_used: z.array(z.enum(PAYMENT_METHODS)),
});
export type CustomerAggregateDto = z.infer<typeof CustomerAggregateSchema>;

/**
 * Version 2 adds the devices and payment methods used to the aggregate, so the customer's whole
 * document can be written from one event.
 */
export const FeaturesUpdatedSchema = z.object({
  ...envelope,
  event_type: z.literal('features_updated'),
  schema_version: z.literal(2),
  /** The event-time watermark of the features service when the aggregate was written. */
  watermark: isoTime,
  /** How many changes the aggregate has had: it only grows, so a higher version is newer. */
  version: z.number().int().positive(),
  churned: z.boolean(),
  aggregate: CustomerAggregateSchema,
});
export type FeaturesUpdated = z.infer<typeof FeaturesUpdatedSchema>;

export const ChurnFlagSchema = z.object({
  ...envelope,
  event_type: z.literal('churn_flag'),
  schema_version: z.literal(1),
  customer_id: z.string().min(1),
  churned: z.boolean(),
  /** The purchase time the rule measured from (customer_since when the customer never bought). */
  last_purchase_at: isoTime,
  watermark: isoTime,
});
export type ChurnFlag = z.infer<typeof ChurnFlagSchema>;

/**
 * Version 2 carries the scored customer whole (the aggregate, its flag, watermark and version, as
 * the features_updated it scored), so the customer's document has one writer and Elasticsearch can
 * order its writes by the aggregate's version.
 */
export const ChurnScoreSchema = z.object({
  ...envelope,
  event_type: z.literal('churn_score'),
  schema_version: z.literal(2),
  customer_id: z.string().min(1),
  churn_probability: z.number().min(0).max(1),
  churn_predicted: z.boolean(),
  threshold: z.number().min(0).max(1),
  model_version: z.string().min(1),
  /** The features_updated event this score was computed from. */
  features_event_id: z.string().min(1),
  watermark: isoTime,
  version: z.number().int().positive(),
  churned: z.boolean(),
  aggregate: CustomerAggregateSchema,
});
export type ChurnScore = z.infer<typeof ChurnScoreSchema>;

export const DeadLetterSchema = z.object({
  ...envelope,
  event_type: z.literal('dead_letter'),
  schema_version: z.literal(1),
  /** The service that rejected the event. */
  service: z.string().min(1),
  source: z.object({
    topic: z.string(),
    partition: z.number().int(),
    offset: z.string(),
    key: z.string().nullable(),
  }),
  error: z.object({ code: z.string(), message: z.string() }),
  /** The rejected payload exactly as received (UTF-8), so it can be inspected and replayed. */
  payload: z.string(),
});
export type DeadLetter = z.infer<typeof DeadLetterSchema>;

export const SCHEMAS = {
  customer_registered: CustomerRegisteredSchema,
  session_ended: SessionEndedSchema,
  clock_tick: ClockTickSchema,
  features_updated: FeaturesUpdatedSchema,
  churn_flag: ChurnFlagSchema,
  churn_score: ChurnScoreSchema,
  dead_letter: DeadLetterSchema,
} as const;

export type AnyEvent = ActivityEvent | FeaturesUpdated | ChurnFlag | ChurnScore | DeadLetter;
