import type { ActivityEvent, TopicNames } from '@churnstream/contracts';
import type { EventProducer, OutgoingEvent } from '@churnstream/kafka';
import {
  DAY_MS,
  type GenerateOptions,
  activityEventCount,
  activityEvents,
  generatePopulation,
} from '@churnstream/simulation';
import { type Pace, StreamPacer } from './stream.pacer';

export interface StreamOptions {
  population: GenerateOptions;
  pace: Pace;
  tickEveryMs: number;
  /**
   * At a simulated speed, the first days of the session window also go out at once (after the
   * sign-ups before it), so that a live run starts with that much purchase history behind the churn
   * rule instead of flagging every long-standing customer on day one. 0 by default.
   */
  warmUpDays?: number;
  /** Stop after this many events (customers + sessions + ticks). */
  limit?: number;
  /** Stop after this many real seconds. */
  durationSeconds?: number;
  partitions: number;
  /** Most events per produce request. */
  batchSize?: number;
  onProgress?(progress: StreamProgress): void;
  /** Called after each produce request is acknowledged, with its events (load tests sample latency). */
  onSent?(events: readonly OutgoingEvent[], ackedAtMs: number): void;
  signal?: AbortSignal;
}

export interface StreamProgress {
  sent: number;
  total: number;
  simulatedTime: string;
  elapsedSeconds: number;
  eventsPerSecond: number;
  byType: Record<ActivityEvent['event_type'], number>;
  done: boolean;
  stoppedBy: 'end' | 'limit' | 'duration' | 'signal' | null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The generator's use case: stream the population's activity onto Kafka in event-time order, keyed
 * by customer_id, with clock ticks on every partition (so every consumer's watermark advances), paced
 * by rate or simulated speed. Events are sent in batches; each batch is acknowledged by all in-sync
 * replicas before the next is built.
 */
export class StreamService {
  constructor(
    private readonly producer: EventProducer,
    private readonly topics: TopicNames,
  ) {}

  async run(options: StreamOptions): Promise<StreamProgress> {
    const population = generatePopulation(options.population);
    const total = Math.min(
      activityEventCount(population, { tickEveryMs: options.tickEveryMs }),
      options.limit ?? Number.POSITIVE_INFINITY,
    );
    const started = Date.now();
    const paceFromMs = Math.min(
      population.snapshotAtMs,
      population.windowStartMs + (options.warmUpDays ?? 0) * DAY_MS,
    );
    const pacer = new StreamPacer(options.pace, started, paceFromMs);
    const batchSize = options.batchSize ?? 500;
    const deadline =
      options.durationSeconds === undefined ? Infinity : started + options.durationSeconds * 1000;
    const byType: StreamProgress['byType'] = { customer_registered: 0, session_ended: 0, clock_tick: 0 };
    let sent = 0;
    let simulatedTime = '';
    let stoppedBy: StreamProgress['stoppedBy'] = null;
    let batch: OutgoingEvent[] = [];
    let lastReport = 0;

    const progress = (done: boolean): StreamProgress => {
      const elapsedSeconds = (Date.now() - started) / 1000;
      return {
        sent,
        total,
        simulatedTime,
        elapsedSeconds,
        eventsPerSecond: elapsedSeconds > 0 ? sent / elapsedSeconds : 0,
        byType: { ...byType },
        done,
        stoppedBy,
      };
    };
    const flush = async () => {
      await this.producer.send(batch);
      options.onSent?.(batch, Date.now());
      batch = [];
      if (Date.now() - lastReport >= 1_000) {
        lastReport = Date.now();
        options.onProgress?.(progress(false));
      }
    };

    let index = 0;
    for (const event of activityEvents(population, { tickEveryMs: options.tickEveryMs })) {
      if (index >= total) {
        stoppedBy = 'limit';
        break;
      }
      if (options.signal?.aborted) {
        stoppedBy = 'signal';
        break;
      }
      const due = pacer.dueAt(index, Date.parse(event.event_time));
      if (due > Date.now()) {
        // Send what is pending before waiting, so consumers see events when they are due.
        if (batch.length > 0) await flush();
        if (due > deadline) {
          stoppedBy = 'duration';
          break;
        }
        await sleep(due - Date.now());
      }
      if (Date.now() > deadline) {
        stoppedBy = 'duration';
        break;
      }
      batch.push(...this.route(event, options.partitions));
      byType[event.event_type]++;
      simulatedTime = event.event_time;
      index++;
      sent = index;
      if (batch.length >= batchSize) await flush();
    }
    if (batch.length > 0) await flush();
    stoppedBy ??= 'end';
    const final = progress(true);
    options.onProgress?.(final);
    return final;
  }

  private route(event: ActivityEvent, partitions: number): OutgoingEvent[] {
    switch (event.event_type) {
      case 'customer_registered':
        return [{ topic: this.topics.activity, key: event.customer.customer_id, event }];
      case 'session_ended':
        return [{ topic: this.topics.activity, key: event.session.customer_id, event }];
      case 'clock_tick':
        return Array.from({ length: partitions }, (_, partition) => ({
          topic: this.topics.activity,
          key: null,
          partition,
          event,
        }));
    }
  }
}
