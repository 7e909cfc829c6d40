import { type DynamicModule, Module } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import type { Redis } from 'ioredis';
import type { Config } from '@churnstream/config';
import { CHURN_WINDOW_DAYS, type TopicNames, topicNames } from '@churnstream/contracts';
import { DAY_MS } from '@churnstream/churn';
import { EventProducer, ensureTopics, topicSpecs } from '@churnstream/kafka';
import { CONFIG, KAFKA, REDIS, ServiceKitModule } from '@churnstream/service-kit';
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
        {
          provide: PRODUCER,
          // Topics exist before anything is produced or consumed (auto-creation is off for producers).
          useFactory: async (kafka: Kafka, c: Config, topics: TopicNames) => {
            await ensureTopics(kafka, topicSpecs(topics, c.ACTIVITY_PARTITIONS));
            const producer = new EventProducer(kafka);
            await producer.connect();
            return producer;
          },
          inject: [KAFKA, CONFIG, TOPICS],
        },
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
          useFactory: (repo: FeaturesRepository, producer: EventProducer, topics: TopicNames) =>
            new FeaturesService(repo, producer, topics),
          inject: [FeaturesRepository, PRODUCER, TOPICS],
        },
        ActivityConsumer,
      ],
    };
  }
}
