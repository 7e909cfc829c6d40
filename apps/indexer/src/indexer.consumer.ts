import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import type { Client } from '@elastic/elasticsearch';
import type { Kafka } from 'kafkajs';
import type { Config } from '@churnstream/config';
import { consumerGroups, topicNames } from '@churnstream/contracts';
import { BatchConsumer, type EventProducer, ensureTopics, topicSpecs } from '@churnstream/kafka';
import { type SearchCapabilities, installSearchIndices } from '@churnstream/search';
import {
  CONFIG,
  ELASTICSEARCH,
  KAFKA,
  SERVICE_NAME,
  consumerMetricHooks,
  exitOnFatal,
} from '@churnstream/service-kit';
import { IndexerEventSchema } from './indexer.events';
import { IndexerMetrics } from './indexer.metrics';
import { IndexerService } from './indexer.service';
import { INDEXER_PRODUCER, SEARCH_CAPABILITIES } from './indexer.tokens';

/** Big handle calls make big bulk requests; the BulkWriter splits them at 2,000 ops / 5 MB. */
const MAX_BATCH = 5_000;

/**
 * The Kafka side of the indexer: installs the index templates, then consumes the accepted sessions and
 * the scores in one group and hands each batch to IndexerService. Offsets are committed by BatchConsumer after
 * `indexBatch` resolved, i.e. after Elasticsearch acknowledged every write of the batch.
 */
@Injectable()
export class IndexerConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(IndexerConsumer.name);
  private consumer: BatchConsumer<typeof IndexerEventSchema> | undefined;

  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @Inject(SERVICE_NAME) private readonly service: string,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(ELASTICSEARCH) private readonly es: Client,
    @Inject(INDEXER_PRODUCER) private readonly producer: EventProducer,
    @Inject(IndexerService) private readonly indexer: IndexerService,
    @Inject(IndexerMetrics) private readonly metrics: IndexerMetrics,
    @Inject(SEARCH_CAPABILITIES) private readonly capabilities: SearchCapabilities,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.capabilities.scaledFloat) {
      this.logger.warn(
        'Elasticsearch lacks the mapper-extras module: money is mapped as double, not scaled_float(100). ' +
          'Use a distribution with the module for the intended mappings.',
      );
    }
    const installed = await installSearchIndices(this.es, this.config.ES_INDEX_PREFIX, this.capabilities);
    this.logger.log(`index templates installed; created ${installed.created.join(', ') || 'none'}`);
    const topics = topicNames(this.config.TOPIC_PREFIX);
    await ensureTopics(this.kafka, topicSpecs(topics, this.config.ACTIVITY_PARTITIONS));
    await this.producer.connect();
    const groupId = consumerGroups(this.config.TOPIC_PREFIX).indexer;
    const subscribed = [topics.sessions, topics.scores];
    this.consumer = new BatchConsumer(this.kafka, {
      onFatal: exitOnFatal('indexer'),
      groupId,
      topics: subscribed,
      schema: IndexerEventSchema,
      service: this.service,
      deadLetterTopic: topics.deadLetter,
      producer: this.producer,
      maxBatchSize: MAX_BATCH,
      // Every partition of both topics at once, so one fetch's batches share bulk requests; and a
      // longer fetch wait than the other stages, since Elasticsearch's cost per document falls
      // steeply with the request's size (a few dozen documents cost it 3-4 times as much each as
      // several hundred) while a quarter of a second is little beside its refresh interval.
      partitionsConsumedConcurrently: Math.max(4, 2 * this.config.ACTIVITY_PARTITIONS),
      maxWaitTimeMs: 250,
      minBytes: 1024 * 1024,
      handle: async (batch) => {
        await this.indexer.indexBatch(batch);
      },
      onDeadLetterLost: consumerMetricHooks(this.metrics.service, groupId).onDeadLetterLost,
      onDeadLetter: (reason, count) => {
        this.metrics.service.deadLetters.inc({ reason }, count);
        this.metrics.service.eventsOut.inc({ topic: topics.deadLetter }, count);
      },
      onBatch: (_, __, seconds) => {
        this.metrics.service.batchSeconds.observe(seconds);
      },
      onLag: (lag) => {
        this.metrics.service.consumerLag.set({ group: groupId }, lag);
      },
      onLagError: (error) => {
        this.metrics.service.errors.inc({ code: 'LAG_UNAVAILABLE' });
        this.logger.warn(`consumer lag unavailable: ${String(error)}`);
      },
    });
    await this.consumer.start();
    this.logger.log(`consuming ${subscribed.join(', ')} as ${groupId}`);
  }

  async onModuleDestroy(): Promise<void> {
    await this.consumer?.stop();
    await this.producer.disconnect();
  }
}
