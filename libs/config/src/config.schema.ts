import { existsSync, statSync } from 'node:fs';
import { z } from 'zod';

/**
 * Every setting the services read, with defaults that point at the native local stack
 * (`npm run stack -- up`). Secrets (passwords, API keys) are optional and never printed.
 */
const hostPortList = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part.length > 0),
  )
  .pipe(
    z
      .array(z.string().regex(/^[^\s:]+:\d{1,5}$/, 'each broker must be host:port'))
      .min(1, 'at least one broker is required'),
  );

const url = (protocols: string[]) =>
  z.url().refine((value) => protocols.some((p) => value.startsWith(`${p}://`)), {
    error: `must start with ${protocols.map((p) => `${p}://`).join(' or ')}`,
  });

const port = z.coerce.number().int().min(1).max(65535);
/** A PEM file of CA certificates to trust (instead of the system's) for TLS to that server. */
const caFile = z
  .string()
  .refine((path) => existsSync(path) && statSync(path).isFile(), { error: 'no such file' })
  .optional();
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

export const ConfigSchema = z.object({
  KAFKA_BROKERS: hostPortList.default(['127.0.0.1:9092']),
  KAFKA_CLIENT_ID: z.string().min(1).default('churnstream'),
  KAFKA_SSL: bool.default(false),
  KAFKA_SASL_MECHANISM: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']).optional(),
  KAFKA_SASL_USERNAME: z.string().min(1).optional(),
  KAFKA_SASL_PASSWORD: z.string().min(1).optional(),
  KAFKA_CA_FILE: caFile,
  TOPIC_PREFIX: z
    .string()
    .regex(/^[a-zA-Z0-9._-]+$/, 'letters, digits, dot, underscore and dash only')
    .default('churnstream'),
  ACTIVITY_PARTITIONS: z.coerce.number().int().min(1).max(256).default(3),

  REDIS_URL: url(['redis', 'rediss']).default('redis://127.0.0.1:6379'),
  REDIS_KEY_PREFIX: z.string().default('churnstream:'),
  REDIS_CA_FILE: caFile,

  ES_URL: url(['http', 'https']).default('http://127.0.0.1:9200'),
  ES_USERNAME: z.string().min(1).optional(),
  ES_PASSWORD: z.string().min(1).optional(),
  ES_API_KEY: z.string().min(1).optional(),
  ES_CA_FILE: caFile,
  ES_INDEX_PREFIX: z
    .string()
    .regex(/^[a-z0-9._-]+$/, 'lowercase letters, digits, dot, underscore and dash only')
    .default('churnstream'),

  MODEL_PATH: z.string().min(1).default('models/current/model.json'),
  HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  PORT: port.optional(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
});

export type Config = z.infer<typeof ConfigSchema>;

/**
 * Settings one env file can give each service separately: `<SERVICE>_<NAME>` (INDEXER_ES_API_KEY,
 * FEATURES_KAFKA_SASL_PASSWORD, ...) wins over `<NAME>` for that service, so every app runs with its
 * own least-privileged credentials.
 */
export const PER_SERVICE_KEYS: ReadonlySet<keyof Config> = new Set<keyof Config>([
  'KAFKA_SASL_USERNAME',
  'KAFKA_SASL_PASSWORD',
  'REDIS_URL',
  'ES_USERNAME',
  'ES_PASSWORD',
  'ES_API_KEY',
]);

/** Names of settings whose values must never appear in logs or error messages. */
export const SECRET_KEYS: ReadonlySet<keyof Config> = new Set<keyof Config>([
  'KAFKA_SASL_PASSWORD',
  'ES_PASSWORD',
  'ES_API_KEY',
]);
