import { Redis } from 'ioredis';
import type { Config } from '@churnstream/config';

/** The Redis adapter: one way to build a client from our config, and its health probe. */
export function createRedis(config: Config, options: { lazyConnect?: boolean } = {}): Redis {
  const client = new Redis(config.REDIS_URL, {
    lazyConnect: options.lazyConnect ?? false,
    maxRetriesPerRequest: 3,
    enableAutoPipelining: false,
    connectTimeout: 5_000,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
  });
  // ioredis reconnects by itself; without a listener each failed attempt is printed as "unhandled".
  // Commands still fail while disconnected, and /health reports Redis down.
  client.on('error', () => undefined);
  return client;
}

export async function pingRedis(redis: Redis): Promise<{ latencyMs: number }> {
  const start = performance.now();
  const reply = await redis.ping();
  if (reply !== 'PONG') throw new Error(`unexpected PING reply ${String(reply)}`);
  return { latencyMs: Math.round((performance.now() - start) * 100) / 100 };
}
