import { Redis } from 'ioredis';
import { type Config, readCaFile, settingName, untrustedCertificateError } from '@churnstream/config';
import { AppError } from '@churnstream/errors';

/** The Redis adapter: one way to build a client from our config, and its health probe. */
export function createRedis(config: Config, options: { lazyConnect?: boolean } = {}): Redis {
  const ca = readCaFile(config.REDIS_CA_FILE);
  const client = new Redis(config.REDIS_URL, {
    ...(ca ? { tls: { ca } } : {}),
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

/** Replies by which Redis refuses a user: wrong password, no credentials, or a command or key outside its ACL. */
const REFUSALS = /^(WRONGPASS|NOAUTH|NOPERM)\b/;

/**
 * Start-up check: Redis accepts our user and certificate (one PING). A refusal is final and becomes
 * one DEPENDENCY_REFUSED error naming REDIS_URL (never its value); an unreachable Redis is left to
 * the client's reconnects.
 */
export async function verifyRedisAccess(redis: Redis, config: Config): Promise<void> {
  let last: Error | undefined;
  const remember = (error: Error) => {
    last = error;
  };
  redis.on('error', remember);
  try {
    await redis.ping();
  } catch (error) {
    const refusal = [error, last].find((e): e is Error => e instanceof Error && REFUSALS.test(e.message));
    if (refusal) {
      const reply = refusal.message.split(' ')[0] ?? 'refused';
      throw new AppError(
        'DEPENDENCY_REFUSED',
        `Redis rejected the user in ${settingName(config, 'REDIS_URL')} (${reply})`,
        {
          cause: refusal,
        },
      );
    }
    const untrusted = untrustedCertificateError('Redis', 'REDIS_CA_FILE', error, last);
    if (untrusted) throw untrusted;
  } finally {
    redis.off('error', remember);
  }
}
