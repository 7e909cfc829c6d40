import { type DynamicModule, Module } from '@nestjs/common';
import type { Client } from '@elastic/elasticsearch';
import type { Kafka } from 'kafkajs';
import type { Redis } from 'ioredis';
import type { Config } from '@churnstream/config';
import { type TopicNames, topicNames } from '@churnstream/contracts';
import { EvaluationService, EvaluationStore, HORIZON_MS } from '@churnstream/evaluation';
import { type EventProducer, partitionCount } from '@churnstream/kafka';
import { detectSearchCapabilities, installSearchIndices, searchIndexNames } from '@churnstream/search';
import {
  CONFIG,
  ELASTICSEARCH,
  EvaluationMetrics,
  JsonLogger,
  KAFKA,
  METRICS,
  REDIS,
  ServiceKitModule,
  type ServiceMetrics,
  eventProducerProvider,
} from '@churnstream/service-kit';
import { TopicIndexGaugePublisher } from './evaluation.publisher';
import { EvaluatorConsumer } from './evaluator.consumer';
import { EVALUATOR_LOGGER, EVALUATOR_PRODUCER, EVALUATOR_TOPICS } from './evaluator.tokens';
import { modelReferences, scoreInputs } from './model.references';

/** The evaluator: grades each churn score once its 60-day horizon has passed, and watches drift. */
@Module({})
export class EvaluatorModule {
  static forRoot(config: Config): DynamicModule {
    const logger = new JsonLogger('evaluator', config.LOG_LEVEL);
    return {
      module: EvaluatorModule,
      imports: [
        ServiceKitModule.forRoot({
          service: 'evaluator',
          config,
          dependencies: ['kafka', 'redis', 'elasticsearch'],
        }),
      ],
      providers: [
        { provide: EVALUATOR_LOGGER, useValue: logger },
        {
          provide: EVALUATOR_TOPICS,
          useFactory: (c: Config) => topicNames(c.TOPIC_PREFIX),
          inject: [CONFIG],
        },
        eventProducerProvider(EVALUATOR_PRODUCER),
        {
          provide: EvaluationService,
          useFactory: async (
            c: Config,
            kafka: Kafka,
            redis: Redis,
            es: Client,
            producer: EventProducer,
            topics: TopicNames,
            metrics: ServiceMetrics,
          ) => {
            // The index templates, as the indexer installs them (idempotent), so that the first
            // evaluation written never creates its index with dynamic mappings.
            await installSearchIndices(es, c.ES_INDEX_PREFIX, await detectSearchCapabilities(es));
            const partitions = await partitionCount(kafka, topics.activity);
            const gauges = new EvaluationMetrics(metrics);
            const publisher = new TopicIndexGaugePublisher(
              producer,
              topics,
              es,
              searchIndexNames(c.ES_INDEX_PREFIX).evaluations,
              gauges,
            );
            const references = modelReferences(c.MODEL_PATH, (error) => {
              logger.event('warn', 'no drift reference: the model file could not be read', { error });
            });
            logger.event('info', 'evaluating', { activity_partitions: partitions, model: c.MODEL_PATH });
            const service = new EvaluationService(
              new EvaluationStore(redis, `${c.REDIS_KEY_PREFIX}${c.TOPIC_PREFIX}:`, HORIZON_MS),
              publisher,
              references,
              scoreInputs,
              partitions,
            );
            // After a restart /metrics shows every day again, not only the days that change next.
            gauges.record(await service.evaluations());
            return service;
          },
          inject: [CONFIG, KAFKA, REDIS, ELASTICSEARCH, EVALUATOR_PRODUCER, EVALUATOR_TOPICS, METRICS],
        },
        EvaluatorConsumer,
      ],
    };
  }
}
