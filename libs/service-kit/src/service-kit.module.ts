import {
  type DynamicModule,
  Inject,
  Module,
  type OnApplicationShutdown,
  type Provider,
} from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import type { Kafka } from 'kafkajs';
import type { Redis } from 'ioredis';
import type { Client } from '@elastic/elasticsearch';
import type { Config } from '@churnstream/config';
import { createKafka, pingKafka, verifyKafkaAccess } from '@churnstream/kafka';
import { createRedis, pingRedis, verifyRedisAccess } from '@churnstream/redis';
import {
  createElasticsearch,
  pingElasticsearch,
  verifyElasticsearchAccess,
} from '@churnstream/elasticsearch';
import { HealthController } from './health.controller';
import { MetricsController } from './metrics.controller';
import { ServiceMetrics } from './metrics.registry';
import {
  CONFIG,
  type Dependency,
  ELASTICSEARCH,
  HEALTH_PROBES,
  type HealthProbe,
  KAFKA,
  METRICS,
  REDIS,
  SERVICE_NAME,
} from './service-kit.tokens';

export interface ServiceKitOptions {
  service: string;
  config: Config;
  dependencies: Dependency[];
}

/** Closes the clients this module created when the application shuts down. */
class ClientCloser implements OnApplicationShutdown {
  constructor(
    @Inject(REDIS) private readonly redis: Redis | null,
    @Inject(ELASTICSEARCH) private readonly es: Client | null,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([this.redis?.quit(), this.es?.close()]);
  }
}

/**
 * What every churnstream service shares: the validated config, the clients of the dependencies it
 * declares (and only those), /health probing each of them, and /metrics.
 */
@Module({})
export class ServiceKitModule {
  static forRoot(options: ServiceKitOptions): DynamicModule {
    const uses = new Set(options.dependencies);
    const providers: Provider[] = [
      { provide: CONFIG, useValue: options.config },
      { provide: SERVICE_NAME, useValue: options.service },
      { provide: METRICS, useValue: new ServiceMetrics(options.service) },
      // Each client is checked once before anything uses it: refused credentials stop start-up.
      {
        provide: KAFKA,
        useFactory: async (config: Config) => {
          if (!uses.has('kafka')) return null;
          const kafka = createKafka(config, options.service);
          await verifyKafkaAccess(kafka, config);
          return kafka;
        },
        inject: [CONFIG],
      },
      {
        provide: REDIS,
        useFactory: async (config: Config) => {
          if (!uses.has('redis')) return null;
          const redis = createRedis(config);
          await verifyRedisAccess(redis, config).catch((error: unknown) => {
            redis.disconnect();
            throw error;
          });
          return redis;
        },
        inject: [CONFIG],
      },
      {
        provide: ELASTICSEARCH,
        useFactory: async (config: Config) => {
          if (!uses.has('elasticsearch')) return null;
          const es = createElasticsearch(config);
          await verifyElasticsearchAccess(es, config);
          return es;
        },
        inject: [CONFIG],
      },
      {
        provide: HEALTH_PROBES,
        useFactory: (kafka: Kafka | null, redis: Redis | null, es: Client | null): HealthProbe[] => {
          const probes: HealthProbe[] = [];
          if (kafka) probes.push({ name: 'kafka', check: () => pingKafka(kafka) });
          if (redis) probes.push({ name: 'redis', check: () => pingRedis(redis) });
          if (es) probes.push({ name: 'elasticsearch', check: () => pingElasticsearch(es) });
          return probes;
        },
        inject: [KAFKA, REDIS, ELASTICSEARCH],
      },
      ClientCloser,
    ];
    return {
      module: ServiceKitModule,
      global: true,
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: [HealthController, MetricsController],
      providers,
      exports: [CONFIG, SERVICE_NAME, METRICS, KAFKA, REDIS, ELASTICSEARCH],
    };
  }
}
