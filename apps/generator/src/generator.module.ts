import { type DynamicModule, Module } from '@nestjs/common';
import type { Config } from '@churnstream/config';
import { type TopicNames, topicNames } from '@churnstream/contracts';
import type { EventProducer } from '@churnstream/kafka';
import { CONFIG, ServiceKitModule, eventProducerProvider } from '@churnstream/service-kit';
import { StreamService } from '@churnstream/replay';

export const GENERATOR_TOPICS = Symbol('GENERATOR_TOPICS');
export const GENERATOR_PRODUCER = Symbol('GENERATOR_PRODUCER');

/** The generator service: streams the simulated population onto Kafka. */
@Module({})
export class GeneratorModule {
  static forRoot(config: Config): DynamicModule {
    return {
      module: GeneratorModule,
      imports: [ServiceKitModule.forRoot({ service: 'generator', config, dependencies: ['kafka'] })],
      providers: [
        {
          provide: GENERATOR_TOPICS,
          useFactory: (c: Config) => topicNames(c.TOPIC_PREFIX),
          inject: [CONFIG],
        },
        eventProducerProvider(GENERATOR_PRODUCER),
        {
          provide: StreamService,
          useFactory: (producer: EventProducer, topics: TopicNames) => new StreamService(producer, topics),
          inject: [GENERATOR_PRODUCER, GENERATOR_TOPICS],
        },
      ],
      exports: [StreamService, GENERATOR_PRODUCER, GENERATOR_TOPICS],
    };
  }
}
