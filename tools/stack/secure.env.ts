// The env file of the secured stack: every variable the apps, `npm start` and the tests need to reach
// it (`set -a; . .stack/secure/secure.env; set +a`). Git-ignored with the rest of .stack/, mode 0600.
// The unprefixed credentials are the operator's (`admin`, `elastic`: tools, tests, clean-up); each app
// gets its own through <APP>_<VARIABLE>, which libs/config prefers for that app.
import { esUserOf } from './elasticsearch.users';
import { ES_APPS, KAFKA_USERS, type StackSecrets, writePrivate } from './secure.secrets';
import { tlsFiles } from './secure.tls';
import { LOOPBACK } from './health.util';
import type { StackConfig } from './stack.config';
import { SECURE_ENV_FILE } from './stack.paths';

export function secureEnv(config: StackConfig, secrets: StackSecrets): Record<string, string> {
  const redis = (user: string, password: string) =>
    `rediss://${user}:${password}@${LOOPBACK}:${config.redisPort}`;
  const env: Record<string, string> = {
    KAFKA_BROKERS: `${LOOPBACK}:${config.kafkaPort}`,
    KAFKA_SSL: 'true',
    KAFKA_CA_FILE: tlsFiles.caCert,
    KAFKA_SASL_MECHANISM: 'scram-sha-512',
    KAFKA_SASL_USERNAME: 'admin',
    KAFKA_SASL_PASSWORD: secrets.kafka.admin,
    REDIS_URL: redis('admin', secrets.redis.admin),
    REDIS_CA_FILE: tlsFiles.caCert,
    FEATURES_REDIS_URL: redis('churnstream', secrets.redis.churnstream),
    ES_URL: `https://${LOOPBACK}:${config.esPort}`,
    ES_CA_FILE: tlsFiles.caCert,
    ES_USERNAME: 'elastic',
    ES_PASSWORD: secrets.elastic,
  };
  for (const user of KAFKA_USERS.filter((u) => u !== 'admin')) {
    env[`${user.toUpperCase()}_KAFKA_SASL_USERNAME`] = user;
    env[`${user.toUpperCase()}_KAFKA_SASL_PASSWORD`] = secrets.kafka[user];
  }
  for (const app of ES_APPS) {
    env[`${app.toUpperCase()}_ES_USERNAME`] = esUserOf(app);
    env[`${app.toUpperCase()}_ES_PASSWORD`] = secrets.es[app];
  }
  return env;
}

export function writeSecureEnv(config: StackConfig, secrets: StackSecrets, file = SECURE_ENV_FILE): string {
  const lines = Object.entries(secureEnv(config, secrets)).map(([key, value]) => `${key}=${value}`);
  writePrivate(
    file,
    `# The churnstream secured stack (written by \`npm run stack -- up --secure\`). Secrets: never commit or share.\n${lines.join('\n')}\n`,
  );
  return file;
}
