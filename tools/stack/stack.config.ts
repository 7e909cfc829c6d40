// The stack's settings from the environment, validated once; a bad value names its variable.
import { DEFAULT_JAVA_HOME } from './versions';

export interface StackConfig {
  readonly redisPort: number;
  readonly kafkaPort: number;
  readonly kafkaControllerPort: number;
  readonly esPort: number;
  readonly esTransportPort: number;
  readonly javaHome: string;
  readonly redisHealthTimeoutMs: number;
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

export function loadStackConfig(env: Env = process.env): StackConfig {
  const config: StackConfig = {
    redisPort: port(env, 'STACK_REDIS_PORT', 6379),
    kafkaPort: port(env, 'STACK_KAFKA_PORT', 9092),
    kafkaControllerPort: port(env, 'STACK_KAFKA_CONTROLLER_PORT', 9093),
    esPort: port(env, 'STACK_ES_PORT', 9200),
    esTransportPort: port(env, 'STACK_ES_TRANSPORT_PORT', 9300),
    javaHome: env.STACK_JAVA_HOME?.trim() || DEFAULT_JAVA_HOME,
    redisHealthTimeoutMs: timeout(env, 'STACK_REDIS_HEALTH_TIMEOUT_MS', 10_000),
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
