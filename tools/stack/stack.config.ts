// The stack's settings from the environment, validated once; a bad value names its variable.
import { profileDirs, type StackDirs, type StackProfile } from './stack.paths';
import { DEFAULT_JAVA_HOME } from './versions';

export interface StackConfig {
  /** `secure`: TLS everywhere, SCRAM users and ACLs in Kafka, Redis ACL users, Elasticsearch API keys. */
  readonly profile: StackProfile;
  readonly dirs: StackDirs;
  readonly redisPort: number;
  readonly kafkaPort: number;
  readonly kafkaControllerPort: number;
  readonly esPort: number;
  readonly esTransportPort: number;
  readonly javaHome: string;
  readonly redisHealthTimeoutMs: number;
  /** How long `up` waits on a Redis that answers LOADING (replaying its append-only file). */
  readonly redisLoadingTimeoutMs: number;
  readonly kafkaHealthTimeoutMs: number;
  readonly esHealthTimeoutMs: number;
  /** How long `down` waits after SIGTERM before SIGKILL. */
  readonly stopTimeoutMs: number;
}

type Env = Readonly<Record<string, string | undefined>>;

function intFromEnv(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(
      `Invalid environment variable ${name}=${JSON.stringify(raw)}: expected an integer in [${min}, ${max}]`,
    );
  }
  return value;
}

const port = (env: Env, name: string, fallback: number): number => intFromEnv(env, name, fallback, 1, 65535);
const timeout = (env: Env, name: string, fallback: number): number =>
  intFromEnv(env, name, fallback, 1000, 60 * 60 * 1000);

/** Default ports per profile: the secured stack runs beside the plain one, so nothing is shared. */
const DEFAULT_PORTS: Record<StackProfile, Record<string, number>> = {
  plain: { REDIS: 6379, KAFKA: 9092, KAFKA_CONTROLLER: 9093, ES: 9200, ES_TRANSPORT: 9300 },
  secure: { REDIS: 6380, KAFKA: 9094, KAFKA_CONTROLLER: 9095, ES: 9201, ES_TRANSPORT: 9301 },
};

export function loadStackConfig(env: Env = process.env, profile: StackProfile = 'plain'): StackConfig {
  const defaults = DEFAULT_PORTS[profile];
  const portOf = (name: string): number =>
    port(env, `STACK_${profile === 'secure' ? 'SECURE_' : ''}${name}_PORT`, defaults[name] ?? 0);
  const config: StackConfig = {
    profile,
    dirs: profileDirs(profile),
    redisPort: portOf('REDIS'),
    kafkaPort: portOf('KAFKA'),
    kafkaControllerPort: portOf('KAFKA_CONTROLLER'),
    esPort: portOf('ES'),
    esTransportPort: portOf('ES_TRANSPORT'),
    javaHome: env.STACK_JAVA_HOME?.trim() || DEFAULT_JAVA_HOME,
    redisHealthTimeoutMs: timeout(env, 'STACK_REDIS_HEALTH_TIMEOUT_MS', 10_000),
    redisLoadingTimeoutMs: timeout(env, 'STACK_REDIS_LOADING_TIMEOUT_MS', 10 * 60_000),
    kafkaHealthTimeoutMs: timeout(env, 'STACK_KAFKA_HEALTH_TIMEOUT_MS', 60_000),
    esHealthTimeoutMs: timeout(env, 'STACK_ES_HEALTH_TIMEOUT_MS', 120_000),
    stopTimeoutMs: timeout(env, 'STACK_STOP_TIMEOUT_MS', 20_000),
  };
  const ports = [
    config.redisPort,
    config.kafkaPort,
    config.kafkaControllerPort,
    config.esPort,
    config.esTransportPort,
  ];
  if (new Set(ports).size !== ports.length) {
    throw new Error(`Invalid environment: the stack's ports must differ, got ${ports.join(', ')}`);
  }
  return config;
}
