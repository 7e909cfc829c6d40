import { type DynamicModule, Module } from '@nestjs/common';
import type { Config } from '@churnstream/config';
import { type TopicNames, topicNames } from '@churnstream/contracts';
import type { EventProducer } from '@churnstream/kafka';
import { CONFIG, JsonLogger, ServiceKitModule, eventProducerProvider } from '@churnstream/service-kit';
import { FeaturesConsumer } from './features.consumer';
import { ModelStore } from './model.store';
import { ScoringService } from './scoring.service';
import { SCORING_PRODUCER, SCORING_TOPICS } from './scoring.tokens';

/** The scoring service: scores customers with the churn model as their features change. */
@Module({})
export class ScoringModule {
  static forRoot(config: Config): DynamicModule {
    const logger = new JsonLogger('scoring', config.LOG_LEVEL);
    return {
      module: ScoringModule,
      imports: [ServiceKitModule.forRoot({ service: 'scoring', config, dependencies: ['kafka'] })],
      providers: [
        { provide: SCORING_TOPICS, useFactory: (c: Config) => topicNames(c.TOPIC_PREFIX), inject: [CONFIG] },
        {
          provide: ModelStore,
          useFactory: async (c: Config) => {
            const store = await ModelStore.open(c.MODEL_PATH, (event) => {
              if (event.error)
                logger.event('error', 'new model file refused; still serving the previous one', event);
              else logger.event('info', 'model reloaded', event);
            });
            store.watch();
            logger.event('info', 'model loaded', { path: c.MODEL_PATH, version: store.current.version });
            return store;
          },
          inject: [CONFIG],
        },
        eventProducerProvider(SCORING_PRODUCER),
        {
          provide: ScoringService,
          useFactory: (models: ModelStore, producer: EventProducer, topics: TopicNames) =>
            new ScoringService(models, producer, topics),
          inject: [ModelStore, SCORING_PRODUCER, SCORING_TOPICS],
        },
        FeaturesConsumer,
      ],
    };
  }
}
