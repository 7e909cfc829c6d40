import { Counter, Histogram } from 'prom-client';
import type { ServiceMetrics } from '@churnstream/service-kit';

/** The indexer's own metrics, in the service's registry beside the shared ones. */
export class IndexerMetrics {
  readonly docsIndexed: Counter<'index'>;
  readonly docsRejected: Counter<'index'>;
  readonly bulkSeconds: Histogram;
  readonly bulkRetries: Counter;

  constructor(readonly service: ServiceMetrics) {
    const registers = [service.registry];
    this.docsIndexed = new Counter({
      name: 'churnstream_indexer_docs_indexed_total',
      help: 'Bulk operations Elasticsearch acknowledged, by index',
      labelNames: ['index'],
      registers,
    });
    this.docsRejected = new Counter({
      name: 'churnstream_indexer_docs_rejected_total',
      help: 'Bulk operations Elasticsearch rejected (sent to the dead-letter topic), by index',
      labelNames: ['index'],
      registers,
    });
    this.bulkSeconds = new Histogram({
      name: 'churnstream_indexer_bulk_seconds',
      help: 'Latency of one _bulk request',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.bulkRetries = new Counter({
      name: 'churnstream_indexer_bulk_retries_total',
      help: 'Bulk requests (or their failed items) sent again after a 429, 409, 5xx or connection error',
      registers,
    });
  }
}
