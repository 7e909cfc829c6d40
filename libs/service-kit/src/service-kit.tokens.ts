/** Injection tokens for what every service may need. Constructor parameters always name their token
 * with @Inject: the TypeScript runner (tsx/esbuild) emits no decorator metadata for Nest to read. */
export const CONFIG = Symbol('CONFIG');
export const KAFKA = Symbol('KAFKA');
export const REDIS = Symbol('REDIS');
export const ELASTICSEARCH = Symbol('ELASTICSEARCH');
export const HEALTH_PROBES = Symbol('HEALTH_PROBES');
export const METRICS = Symbol('METRICS');
export const SERVICE_NAME = Symbol('SERVICE_NAME');

export type Dependency = 'kafka' | 'redis' | 'elasticsearch';

export interface HealthProbe {
  readonly name: string;
  check(): Promise<Record<string, unknown>>;
}
