import { type DynamicModule, Module } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { Config } from '@churnstream/config';
import { CHURN_WINDOW_DAYS, type TopicNames, consumerGroups, topicNames } from '@churnstream/contracts';
import { DAY_MS } from '@churnstream/churn';
import type { EventProducer } from '@churnstream/kafka';
import { CONFIG, REDIS, ServiceKitModule, eventProducerProvider } from '@churnstream/service-kit';
import { ActivityConsumer } from './activity.consumer';
import { FeaturesRepository } from './features.repository';
import { FeaturesService } from './features.service';
import { PRODUCER, TOPICS } from './features.tokens';

/** The features service: keeps per-customer rolling aggregates in Redis and flags churn. */
@Module({})
export class FeaturesModule {
  static forRoot(config: Config): DynamicModule {
    return {
      module: FeaturesModule,
      imports: [ServiceKitModule.forRoot({ service: 'features', config, dependencies: ['kafka', 'redis'] })],
      providers: [
        { provide: TOPICS, useFactory: (c: Config) => topicNames(c.TOPIC_PREFIX), inject: [CONFIG] },
        eventProducerProvider(PRODUCER),
        {
          provide: FeaturesRepository,
          useFactory: (redis: Redis, c: Config) =>
            new FeaturesRepository(
              redis,
              `${c.REDIS_KEY_PREFIX}${c.TOPIC_PREFIX}:`,
              CHURN_WINDOW_DAYS * DAY_MS,
            ),
          inject: [REDIS, CONFIG],
        },
        {
          provide: FeaturesService,
          useFactory: (repo: FeaturesRepository, producer: EventProducer, topics: TopicNames, c: Config) =>
            new FeaturesService(repo, producer, topics, consumerGroups(c.TOPIC_PREFIX).features),
          inject: [FeaturesRepository, PRODUCER, TOPICS, CONFIG],
        },
        ActivityConsumer,
      ],
    };
  }
}
