import { type DynamicModule, Module } from '@nestjs/common';
import type { Client } from '@elastic/elasticsearch';
import type { Kafka } from 'kafkajs';
import type { Config } from '@churnstream/config';
import { EventProducer } from '@churnstream/kafka';
import { detectSearchCapabilities, elasticsearchBulkTransport } from '@churnstream/search';
import {
  ELASTICSEARCH,
  KAFKA,
  METRICS,
  ServiceKitModule,
  type ServiceMetrics,
} from '@churnstream/service-kit';
import { IndexerConsumer } from './indexer.consumer';
import { IndexerMetrics } from './indexer.metrics';
import { IndexerService } from './indexer.service';
import { BULK_TRANSPORT, INDEXER_PRODUCER, SEARCH_CAPABILITIES } from './indexer.tokens';

/** The indexer service: sinks customers, sessions and scores into Elasticsearch. */
@Module({})
export class IndexerModule {
  static forRoot(config: Config): DynamicModule {
    return {
      module: IndexerModule,
      imports: [
        ServiceKitModule.forRoot({ service: 'indexer', config, dependencies: ['kafka', 'elasticsearch'] }),
      ],
      providers: [
        {
          provide: IndexerMetrics,
          useFactory: (metrics: ServiceMetrics) => new IndexerMetrics(metrics),
          inject: [METRICS],
        },
        {
          provide: INDEXER_PRODUCER,
          useFactory: (kafka: Kafka) => new EventProducer(kafka),
          inject: [KAFKA],
        },
        {
          provide: BULK_TRANSPORT,
          useFactory: (es: Client) => elasticsearchBulkTransport(es),
          inject: [ELASTICSEARCH],
        },
        {
          provide: SEARCH_CAPABILITIES,
          useFactory: (es: Client) => detectSearchCapabilities(es),
          inject: [ELASTICSEARCH],
        },
        IndexerService,
        IndexerConsumer,
      ],
    };
  }
}
