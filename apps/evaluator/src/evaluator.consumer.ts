import { Inject, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { type ActivityEvent, type ChurnScore, type TopicNames, consumerGroups } from '@churnstream/contracts';
import type { Config } from '@churnstream/config';
import { EvaluationService } from '@churnstream/evaluation';
import type { BatchConsumer, EventProducer } from '@churnstream/kafka';
import {
  CONFIG,
  JsonLogger,
  KAFKA,
  METRICS,
  type ServiceMetrics,
  serviceConsumer,
} from '@churnstream/service-kit';
import { EvaluatorEventSchema } from './evaluator.events';
import { EVALUATOR_LOGGER, EVALUATOR_PRODUCER, EVALUATOR_TOPICS } from './evaluator.tokens';

const FLUSH_EVERY_MS = 1_000;

/**
 * Thin: consumes activity and scores in batches and hands each to the evaluation use case; a timer
 * publishes the days that changed (at most once a second, and once more on shutdown).
 */
export class EvaluatorConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private consumer?: BatchConsumer<typeof EvaluatorEventSchema>;
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(EVALUATOR_PRODUCER) private readonly producer: EventProducer,
    @Inject(EVALUATOR_TOPICS) private readonly topics: TopicNames,
    @Inject(METRICS) private readonly metrics: ServiceMetrics,
    @Inject(EvaluationService) private readonly evaluation: EvaluationService,
    @Inject(EVALUATOR_LOGGER) private readonly logger: JsonLogger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.evaluation.flush();
    this.consumer = serviceConsumer(this.kafka, this.metrics, {
      groupId: consumerGroups(this.config.TOPIC_PREFIX).evaluator,
      topics: [this.topics.activity, this.topics.scores],
      schema: EvaluatorEventSchema,
      service: 'evaluator',
      deadLetterTopic: this.topics.deadLetter,
      producer: this.producer,
      maxBatchSize: 2_000,
      handle: async (batch) => {
        this.metrics.eventsIn.inc({ topic: batch.topic }, batch.events.length);
        const events = batch.events.map((e) => e.event);
        if (batch.topic === this.topics.scores) {
          await this.evaluation.applyScores(
            events.filter((e): e is ChurnScore => e.event_type === 'churn_score'),
          );
        } else {
          await this.evaluation.applyActivity(
            batch.partition,
            events.filter((e): e is ActivityEvent => e.event_type !== 'churn_score'),
          );
        }
      },
    });
    await this.consumer.start();
    this.timer = setInterval(() => {
      this.evaluation.flush().catch((error: unknown) => {
        this.metrics.errors.inc({ code: 'EVALUATION_PUBLISH' });
        this.logger.event('warn', 'publishing the evaluation failed; retried in a second', {
          error: error instanceof Error ? error.message : String(error),
        });
      });
    }, FLUSH_EVERY_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.consumer?.stop();
    await this.evaluation.flush().catch(() => undefined);
    await this.producer.disconnect();
  }
}
