import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Config } from '@churnstream/config';
import { consumerGroups, topicNames } from '@churnstream/contracts';
import type { ConsumedBatch, EventProducer } from '@churnstream/kafka';
import {
  BulkBatcher,
  type BulkTransport,
  BulkWriter,
  type PlannedOperation,
  type SearchIndex,
  bulkLines,
  planOperations,
  searchIndexNames,
} from '@churnstream/search';
import { CONFIG, SERVICE_NAME } from '@churnstream/service-kit';
import { rejectionDeadLetters } from './indexer.dead-letters';
import type { IndexerEvent } from './indexer.events';
import { IndexerMetrics } from './indexer.metrics';
import { BULK_TRANSPORT, INDEXER_PRODUCER } from './indexer.tokens';

export interface IndexBatchResult {
  events: number;
  operations: number;
  written: number;
  superseded: number;
  rejected: number;
  retries: number;
}

/**
 * The indexer's one use case: a batch of events becomes bulk operations (collapsed, idempotent),
 * written until Elasticsearch acknowledged each one or rejected it; rejected ones are dead-lettered
 * with the reason. It resolves only then, so the consumer commits the offsets after the writes.
 */
@Injectable()
export class IndexerService {
  private readonly logger = new Logger(IndexerService.name);
  private readonly indices: Record<SearchIndex, string>;
  private readonly deadLetterTopic: string;
  private readonly group: string;
  /** Partition batches handled at the same time share bulk requests (see BulkBatcher). */
  private readonly batcher: BulkBatcher;

  constructor(
    @Inject(CONFIG) config: Config,
    @Inject(SERVICE_NAME) private readonly service: string,
    @Inject(BULK_TRANSPORT) private readonly transport: BulkTransport,
    @Inject(INDEXER_PRODUCER) private readonly producer: EventProducer,
    @Inject(IndexerMetrics) private readonly metrics: IndexerMetrics,
  ) {
    this.indices = searchIndexNames(config.ES_INDEX_PREFIX);
    this.deadLetterTopic = topicNames(config.TOPIC_PREFIX).deadLetter;
    this.group = consumerGroups(config.TOPIC_PREFIX).indexer;
    const writer = new BulkWriter(this.transport, {
      onRequest: (_, seconds) => {
        this.metrics.bulkSeconds.observe(seconds);
      },
      onRetry: (reason, attempt, delayMs) => {
        this.metrics.bulkRetries.inc();
        this.logger.warn(`bulk retry ${attempt} in ${delayMs} ms: ${reason}`);
      },
    });
    this.batcher = new BulkBatcher((lines) => writer.write(lines));
  }

  private write(plan: readonly PlannedOperation[]) {
    return this.batcher.submit(plan.map((p) => bulkLines(p.operation, this.indices[p.operation.index])));
  }

  async indexBatch(batch: ConsumedBatch<IndexerEvent>): Promise<IndexBatchResult> {
    this.metrics.service.eventsIn.inc({ topic: batch.topic }, batch.events.length);
    const plan = planOperations(batch.events.map((e) => e.event));
    const result = await this.write(plan);
    const rejectedItems = new Set(result.rejected.map((r) => r.item));
    const counts = new Map<string, { indexed: number; rejected: number }>();
    plan.forEach((p, item) => {
      const count = counts.get(p.operation.index) ?? { indexed: 0, rejected: 0 };
      if (rejectedItems.has(item)) count.rejected++;
      else count.indexed++;
      counts.set(p.operation.index, count);
    });
    for (const [index, count] of counts) {
      if (count.indexed > 0) this.metrics.docsIndexed.inc({ index }, count.indexed);
      if (count.rejected > 0) this.metrics.docsRejected.inc({ index }, count.rejected);
    }
    if (result.rejected.length > 0) {
      const letters = rejectionDeadLetters(
        this.service,
        this.group,
        batch.events,
        plan,
        result.rejected,
        new Date(),
      );
      await this.producer.send(
        letters.map((l) => ({ topic: this.deadLetterTopic, key: l.key, event: l.event })),
      );
      this.metrics.service.deadLetters.inc({ reason: 'INDEX_REJECTED' }, letters.length);
      this.metrics.service.eventsOut.inc({ topic: this.deadLetterTopic }, letters.length);
      for (const letter of letters) {
        this.logger.warn(
          `dead-lettered ${letter.event.source.topic}@${letter.event.source.offset}: ${letter.event.error.message}`,
        );
      }
    }
    return {
      events: batch.events.length,
      operations: plan.length,
      written: result.written,
      superseded: result.superseded,
      rejected: result.rejected.length,
      retries: result.retries,
    };
  }
}
