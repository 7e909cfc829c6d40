import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The Prometheus metrics every service exposes on /metrics, with the same names everywhere so one
 * dashboard panel can compare services: events in and out, batch latency, consumer lag, errors,
 * dead letters.
 */
export class ServiceMetrics {
  readonly registry = new Registry();
  readonly eventsIn: Counter<'topic'>;
  readonly eventsOut: Counter<'topic'>;
  readonly deadLetters: Counter<'reason'>;
  readonly deadLettersLost: Counter<'reason'>;
  readonly errors: Counter<'code'>;
  readonly batchSeconds: Histogram;
  readonly consumerLag: Gauge<'group'>;

  constructor(service: string) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];
    this.eventsIn = new Counter({
      name: 'churnstream_events_in_total',
      help: 'Events consumed',
      labelNames: ['topic'],
      registers,
    });
    this.eventsOut = new Counter({
      name: 'churnstream_events_out_total',
      help: 'Events produced',
      labelNames: ['topic'],
      registers,
    });
    this.deadLetters = new Counter({
      name: 'churnstream_dead_letters_total',
      help: 'Events sent to the dead-letter topic',
      labelNames: ['reason'],
      registers,
    });
    this.deadLettersLost = new Counter({
      name: 'churnstream_dead_letters_lost_total',
      help: 'Dead letters the broker refused for good (the consumer moved past the message anyway)',
      labelNames: ['reason'],
      registers,
    });
    this.errors = new Counter({
      name: 'churnstream_errors_total',
      help: 'Errors by code',
      labelNames: ['code'],
      registers,
    });
    this.batchSeconds = new Histogram({
      name: 'churnstream_batch_seconds',
      help: 'Time to process one consumed batch',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.consumerLag = new Gauge({
      name: 'churnstream_consumer_lag',
      help: 'Messages not yet consumed by the group',
      labelNames: ['group'],
      registers,
    });
  }
}
