import { AppError } from '@churnstream/errors';
import { type Config, ConfigSchema, PER_SERVICE_KEYS, SECRET_KEYS } from './config.schema';

/** Which environment variable each setting came from, per loaded config (for messages). */
const sources = new WeakMap<Config, Partial<Record<keyof Config, string>>>();

/**
 * The variable that supplied `key` (`INDEXER_ES_API_KEY` when the indexer's own one was used),
 * so that an error can name what the user has to fix.
 */
export function settingName(config: Config, key: keyof Config): string {
  return sources.get(config)?.[key] ?? key;
}

/**
 * The one place that reads the environment. Validates every setting at start-up and fails with
 * a message naming each bad variable (never its value when it is a secret). With `service`, the
 * service's own `<SERVICE>_<NAME>` credentials win over the shared ones.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, service?: string): Config {
  const relevant: Record<string, string> = {};
  const from: Partial<Record<keyof Config, string>> = {};
  for (const key of Object.keys(ConfigSchema.shape) as (keyof Config)[]) {
    const own = service && PER_SERVICE_KEYS.has(key) ? `${service.toUpperCase()}_${key}` : undefined;
    const name = own !== undefined && env[own] !== undefined && env[own] !== '' ? own : key;
    const value = env[name];
    if (value !== undefined && value !== '') {
      relevant[key] = value;
      from[key] = name;
    }
  }
  const parsed = ConfigSchema.safeParse(relevant);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? '(unknown)') as keyof Config;
      const raw = (relevant[key] ?? '').replace(/\/\/[^/@]*@/, '//***@');
      const shown = SECRET_KEYS.has(key) ? '' : ` (got ${JSON.stringify(raw)})`;
      return `${from[key] ?? key}: ${issue.message}${shown}`;
    });
    throw new AppError('CONFIG_INVALID', `Invalid environment variables: ${problems.join('; ')}`);
  }
  const config = parsed.data;
  sources.set(config, from);
  const pairs: [keyof Config, keyof Config][] = [
    ['KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD'],
    ['ES_USERNAME', 'ES_PASSWORD'],
  ];
  for (const [user, secret] of pairs) {
    if ((config[user] === undefined) !== (config[secret] === undefined)) {
      throw new AppError(
        'CONFIG_INVALID',
        `Invalid environment variables: ${user} and ${secret} must be set together`,
      );
    }
  }
  const tlsOnly: [keyof Config, boolean, string][] = [
    ['KAFKA_CA_FILE', config.KAFKA_SSL, 'KAFKA_SSL=true'],
    ['REDIS_CA_FILE', config.REDIS_URL.startsWith('rediss://'), 'a rediss:// REDIS_URL'],
    ['ES_CA_FILE', config.ES_URL.startsWith('https://'), 'an https:// ES_URL'],
  ];
  for (const [key, tls, needs] of tlsOnly) {
    if (config[key] !== undefined && !tls) {
      throw new AppError('CONFIG_INVALID', `Invalid environment variables: ${key} needs ${needs}`);
    }
  }
  if (config.KAFKA_SASL_USERNAME !== undefined && config.KAFKA_SASL_MECHANISM === undefined) {
    throw new AppError(
      'CONFIG_INVALID',
      'Invalid environment variables: KAFKA_SASL_MECHANISM is required with KAFKA_SASL_USERNAME',
    );
  }
  return config;
}

/** The configuration with secrets masked (credentials inside URLs too), for start-up logs. */
export function describeConfig(config: Config): Record<string, unknown> {
  const shown: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (value === undefined) continue;
    if (SECRET_KEYS.has(key as keyof Config)) shown[key] = '***';
    else if (typeof value === 'string') shown[key] = value.replace(/\/\/[^/@]*@/, '//***@');
    else shown[key] = value;
  }
  return shown;
}
