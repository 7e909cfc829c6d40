import { Inject, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { FeaturesUpdatedSchema, type TopicNames, consumerGroups } from '@churnstream/contracts';
import type { Config } from '@churnstream/config';
import type { BatchConsumer, EventProducer } from '@churnstream/kafka';
import { CONFIG, KAFKA, METRICS, type ServiceMetrics, serviceConsumer } from '@churnstream/service-kit';
import { ScoringService } from './scoring.service';
import { SCORING_PRODUCER, SCORING_TOPICS } from './scoring.tokens';

/** Thin: consumes features_updated in micro-batches and hands each to the scoring use case. */
export class FeaturesConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private consumer?: BatchConsumer<typeof FeaturesUpdatedSchema>;

  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(SCORING_PRODUCER) private readonly producer: EventProducer,
    @Inject(SCORING_TOPICS) private readonly topics: TopicNames,
    @Inject(METRICS) private readonly metrics: ServiceMetrics,
    @Inject(ScoringService) private readonly scoring: ScoringService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.consumer = serviceConsumer(this.kafka, this.metrics, {
      groupId: consumerGroups(this.config.TOPIC_PREFIX).scoring,
      topics: [this.topics.features],
      schema: FeaturesUpdatedSchema,
      service: 'scoring',
      deadLetterTopic: this.topics.deadLetter,
      producer: this.producer,
      maxBatchSize: 1_000,
      // Partitions are independent (their own keys and watermark): overlap their round trips.
      partitionsConsumedConcurrently: 4,
      handle: async (batch) => {
        this.metrics.eventsIn.inc({ topic: batch.topic }, batch.events.length);
        const sent = await this.scoring.scoreBatch(batch.events.map((e) => e.event));
        this.metrics.eventsOut.inc({ topic: this.topics.scores }, sent);
      },
    });
    await this.consumer.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
    await this.producer.disconnect();
  }
}
