/**
 * How this system tells a broker that is away (retry, it comes back) from a request the broker will
 * never accept (move on). The rule is kafkajs's own for restarting a consumer: retries exhausted on
 * a retriable error, or an original cause marked retriable.
 */
export function isTransientKafkaError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'KafkaJSNumberOfRetriesExceeded') return true;
  let original: unknown = error;
  while (original instanceof Error && original.cause !== undefined) original = original.cause;
  return (original as { retriable?: unknown }).retriable === true;
}

/** A request the broker refused for good (a kafkajs error that is not transient). */
export function isPermanentKafkaError(error: unknown): boolean {
  return error instanceof Error && error.name.startsWith('KafkaJS') && !isTransientKafkaError(error);
}

export interface OutageRetryOptions {
  /** Keep retrying a transient failure this long before giving up (default 10 minutes). */
  outageMs?: number;
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** Before each wait: log it, heartbeat a consumer group. */
  onRetry?(error: unknown, attempt: number, delayMs: number): void | Promise<void>;
  sleep?(ms: number): Promise<void>;
}

const sleepMs = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `attempt` until it succeeds, waiting out transient broker failures with exponential backoff
 * (doubling from 500 ms to 2 s, so a send goes again at most 2 s after the broker is back) for up to
 * `outageMs`; a permanent failure, or the outage lasting longer, is thrown. The kafkajs client
 * already retries each request for about 3 minutes (KAFKA_RETRY); this is the layer above it, for a
 * longer outage.
 */
export async function retryThroughOutage<T>(
  attempt: () => Promise<T>,
  options: OutageRetryOptions = {},
): Promise<T> {
  const outageMs = options.outageMs ?? 10 * 60_000;
  const sleep = options.sleep ?? sleepMs;
  let delay = options.initialDelayMs ?? 500;
  const began = Date.now();
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (!isTransientKafkaError(error) || Date.now() - began + delay > outageMs) throw error;
      await options.onRetry?.(error, n, delay);
      await sleep(delay);
      delay = Math.min(delay * 2, options.maxDelayMs ?? 2_000);
    }
  }
}
