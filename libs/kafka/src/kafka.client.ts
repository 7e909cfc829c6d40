import { Kafka, logLevel, type KafkaConfig, type SASLOptions } from 'kafkajs';
import { type Config, readCaFile, settingName, untrustedCertificateError } from '@churnstream/config';
import { AppError } from '@churnstream/errors';

/**
 * kafkajs's backoff for every request, and for restarting a consumer that ran out of retries: it
 * doubles from 200 ms but stays at most 2 s (kafkajs's default ceiling, 30 s, left a consumer idle
 * for up to half a minute after the broker was back), and 100 retries span some 3 minutes, so a
 * broker restart is waited out inside one request rather than by crashing and restarting the consumer.
 */
export const KAFKA_RETRY = { initialRetryTime: 200, maxRetryTime: 2_000, retries: 100 } as const;

/**
 * The Kafka adapter: the only place that builds a kafkajs client from our config. Apps talk to Kafka
 * through what this lib exports (producer, topic admin, lag) and never configure kafkajs themselves.
 */
export function createKafka(config: Config, clientSuffix = ''): Kafka {
  const sasl: SASLOptions | undefined =
    config.KAFKA_SASL_MECHANISM && config.KAFKA_SASL_USERNAME && config.KAFKA_SASL_PASSWORD
      ? {
          mechanism: config.KAFKA_SASL_MECHANISM,
          username: config.KAFKA_SASL_USERNAME,
          password: config.KAFKA_SASL_PASSWORD,
        }
      : undefined;
  const options: KafkaConfig = {
    clientId: clientSuffix ? `${config.KAFKA_CLIENT_ID}-${clientSuffix}` : config.KAFKA_CLIENT_ID,
    brokers: config.KAFKA_BROKERS,
    ssl:
      config.KAFKA_SSL && config.KAFKA_CA_FILE
        ? { ca: [readCaFile(config.KAFKA_CA_FILE) ?? ''] }
        : config.KAFKA_SSL,
    connectionTimeout: 5_000,
    requestTimeout: 30_000,
    retry: KAFKA_RETRY,
    // kafkajs logs every retry at ERROR; WARN keeps real problems visible without drowning the log.
    logLevel: logLevel.WARN,
  };
  if (sasl) options.sasl = sasl;
  return new Kafka(options);
}

function errorChain(error: unknown): Error[] {
  const chain: Error[] = [];
  for (let e: unknown = error; e instanceof Error && chain.length < 6;) {
    chain.push(e);
    e =
      (e as { cause?: unknown; originalError?: unknown }).cause ??
      (e as { originalError?: unknown }).originalError;
  }
  return chain;
}

/**
 * Start-up check: the brokers accept our credentials and certificate. A refusal is final (an app
 * retrying a wrong password forever helps nobody), so it becomes one DEPENDENCY_REFUSED error naming
 * the setting; an unreachable broker is left to the clients' own retries.
 */
export async function verifyKafkaAccess(kafka: Kafka, config: Config, timeoutMs = 20_000): Promise<void> {
  const admin = kafka.admin();
  try {
    await withTimeout(admin.connect(), timeoutMs, 'connect to Kafka');
  } catch (error) {
    const chain = errorChain(error);
    if (chain.some((e) => e.name === 'KafkaJSSASLAuthenticationError')) {
      const user = settingName(config, 'KAFKA_SASL_USERNAME');
      const password = settingName(config, 'KAFKA_SASL_PASSWORD');
      throw new AppError(
        'DEPENDENCY_REFUSED',
        `Kafka rejected ${user}/${password} (SASL authentication failed)`,
        {
          cause: error,
        },
      );
    }
    const untrusted = untrustedCertificateError('Kafka', 'KAFKA_CA_FILE', error);
    if (untrusted) throw untrusted;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Health probe: the cluster answers a metadata request within the timeout. */
export async function pingKafka(
  kafka: Kafka,
  timeoutMs = 3_000,
): Promise<{ brokers: number; controller: number | null }> {
  const admin = kafka.admin();
  try {
    await withTimeout(admin.connect(), timeoutMs, 'connect to Kafka');
    const cluster = await withTimeout(admin.describeCluster(), timeoutMs, 'describe the Kafka cluster');
    return { brokers: cluster.brokers.length, controller: cluster.controller };
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(
        new AppError('DEPENDENCY_UNAVAILABLE', `timed out after ${ms} ms trying to ${what}`, {
          retryable: true,
        }),
      );
    }, ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
