import { Inject, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { ActivityEventSchema, type TopicNames, consumerGroups } from '@churnstream/contracts';
import type { Config } from '@churnstream/config';
import type { BatchConsumer, EventProducer } from '@churnstream/kafka';
import { CONFIG, KAFKA, METRICS, type ServiceMetrics, serviceConsumer } from '@churnstream/service-kit';
import { FeaturesService } from './features.service';
import { PRODUCER, TOPICS } from './features.tokens';

/** Thin: consumes the activity topic in batches and hands each to the features use case. */
export class ActivityConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private consumer?: BatchConsumer<typeof ActivityEventSchema>;

  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(PRODUCER) private readonly producer: EventProducer,
    @Inject(TOPICS) private readonly topics: TopicNames,
    @Inject(METRICS) private readonly metrics: ServiceMetrics,
    @Inject(FeaturesService) private readonly features: FeaturesService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.consumer = serviceConsumer(this.kafka, this.metrics, {
      groupId: consumerGroups(this.config.TOPIC_PREFIX).features,
      topics: [this.topics.activity],
      schema: ActivityEventSchema,
      service: 'features',
      deadLetterTopic: this.topics.deadLetter,
      producer: this.producer,
      maxBatchSize: 2_000,
      handle: async (batch) => {
        this.metrics.eventsIn.inc({ topic: batch.topic }, batch.events.length);
        const outcome = await this.features.applyBatch(batch.partition, batch.events);
        this.metrics.eventsOut.inc({ topic: 'features+flags' }, outcome.emitted);
      },
    });
    await this.consumer.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
    await this.producer.disconnect();
  }
}
