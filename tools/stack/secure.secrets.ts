// The secured stack's secrets: generated once, kept in a 0600 file under .stack/secure (git-ignored),
// never printed. Passwords are random; Elasticsearch API keys are added once the server runs.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { SECURE_ROOT } from './stack.paths';

/** One Kafka SCRAM user per app, plus `admin` (the broker itself, the stack's tools and the tests). */
export const KAFKA_USERS = ['admin', 'generator', 'features', 'scoring', 'indexer', 'api'] as const;
export type KafkaUser = (typeof KAFKA_USERS)[number];

/** The apps that talk to Elasticsearch, each as its own user. */
export const ES_APPS = ['indexer', 'api'] as const;
export type EsApp = (typeof ES_APPS)[number];

export interface StackSecrets {
  readonly kafka: Record<KafkaUser, string>;
  /** Password of the Kafka keystore and truststore. */
  readonly kafkaStore: string;
  /** Redis ACL users: `admin` (tools, tests, health) and `churnstream` (the apps, limited to the key prefix). */
  readonly redis: { readonly admin: string; readonly churnstream: string };
  /** The `elastic` superuser's password (Elasticsearch's bootstrap password). */
  readonly elastic: string;
  /** Passwords of the apps' Elasticsearch users (file realm; see elasticsearch.users.ts). */
  readonly es: Record<EsApp, string>;
}

export const SECRETS_FILE = join(SECURE_ROOT, 'secrets.json');

const password = (): string => randomBytes(24).toString('base64url');

function writePrivate(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, text, { mode: 0o600 });
  chmodSync(path, 0o600);
}

export function loadOrCreateSecrets(file = SECRETS_FILE): StackSecrets {
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as StackSecrets;
  const secrets: StackSecrets = {
    kafka: Object.fromEntries(KAFKA_USERS.map((user) => [user, password()])) as Record<KafkaUser, string>,
    kafkaStore: password(),
    redis: { admin: password(), churnstream: password() },
    elastic: password(),
    es: Object.fromEntries(ES_APPS.map((app) => [app, password()])) as Record<EsApp, string>,
  };
  saveSecrets(secrets, file);
  return secrets;
}

export function saveSecrets(secrets: StackSecrets, file = SECRETS_FILE): void {
  writePrivate(file, `${JSON.stringify(secrets, null, 2)}\n`);
}

/** Every secret value, for tests that grep logs for them. */
export function secretValues(secrets: StackSecrets): string[] {
  return [
    ...Object.values(secrets.kafka),
    secrets.kafkaStore,
    ...Object.values(secrets.redis),
    secrets.elastic,
    ...Object.values(secrets.es),
  ];
}

export { writePrivate };
