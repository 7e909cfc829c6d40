/**
 * Keeping a consumer alive when it lost its place in the group. kafkajs turns a commit refused for
 * group membership (the member was evicted, or the group rebalanced under it) into a non-retriable
 * error that stops the consumer for good, and the app exits; its fetch loop rejoins instead when it
 * sees the broker's own error.
 */

/** Broker answers that mean "rejoin the group": kafkajs's fetch loop rejoins on exactly these types. */
const REJOIN_TYPES = new Set([
  'UNKNOWN_MEMBER_ID',
  'REBALANCE_IN_PROGRESS',
  'ILLEGAL_GENERATION',
  'NOT_COORDINATOR_FOR_GROUP',
]);

/**
 * The broker's membership refusal inside `error` (kafkajs wraps it as the cause of a non-retriable
 * error), or undefined. Thrown from a batch handler as it is, it makes kafkajs rejoin the group and
 * redeliver the uncommitted batch, instead of crashing the consumer.
 */
export function membershipRefusal(error: unknown): Error | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 6; depth++) {
    if (REJOIN_TYPES.has(String((e as { type?: unknown }).type))) return e;
    e = e.cause;
  }
  return undefined;
}
