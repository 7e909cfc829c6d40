/**
 * Keeping a consumer in its group. kafkajs sends heartbeats only between batches and turns a commit
 * refused for group membership into a non-retriable error that stops the consumer for good; these
 * two helpers keep a slow batch from costing the member its place, and a lost place from costing the
 * process its life.
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

/**
 * Runs `work` while sending a heartbeat every `intervalMs`, so a batch that takes longer than the
 * session timeout (a slow Elasticsearch, a loaded machine) does not get the member evicted. A failed
 * heartbeat is left for the commit to discover (it then rejoins).
 */
export async function withHeartbeats<T>(
  heartbeat: () => Promise<void>,
  work: () => Promise<T>,
  intervalMs = 1_000,
): Promise<T> {
  const timer = setInterval(() => {
    heartbeat().catch(() => undefined);
  }, intervalMs);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
