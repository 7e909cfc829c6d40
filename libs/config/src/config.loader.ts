import { AppError } from '@churnstream/errors';
import { type Config, ConfigSchema, SECRET_KEYS } from './config.schema';

/**
 * The one place that reads the environment. Validates every setting at start-up and fails with
 * a message naming each bad variable (never its value when it is a secret).
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const relevant: Record<string, string> = {};
  for (const key of Object.keys(ConfigSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') relevant[key] = value;
  }
  const parsed = ConfigSchema.safeParse(relevant);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? '(unknown)');
      const raw = (relevant[key] ?? '').replace(/\/\/[^/@]*@/, '//***@');
      const shown = SECRET_KEYS.has(key as keyof Config) ? '' : ` (got ${JSON.stringify(raw)})`;
      return `${key}: ${issue.message}${shown}`;
    });
    throw new AppError('CONFIG_INVALID', `Invalid environment variables: ${problems.join('; ')}`);
  }
  const config = parsed.data;
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
