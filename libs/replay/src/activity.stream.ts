/**
 * The streaming use case: an activity source (a generated population, or a dataset folder replayed)
 * onto Kafka in event-time order, keyed by customer_id, with clock ticks on every partition (so every
 * consumer's watermark advances), paced by rate or simulated speed. Events are sent in batches; each
 * batch is acknowledged by all in-sync replicas before the next is built.
 */
import type { ActivityEvent, TopicNames } from '@churnstream/contracts';
import type { EventProducer, OutgoingEvent } from '@churnstream/kafka';
import { type Pace, StreamPacer } from './stream.pacer';

export interface ActivitySource {
  /** Events `chunks` yields (or at most that many), for progress and ETA. */
  readonly total: number;
  /** Simulated time the clock ticks start from; events before it are history (sign-ups). */
  readonly windowStartMs: number;
  readonly snapshotAtMs: number;
  /** The events in event-time order, a chunk at a time. */
  chunks(): AsyncIterable<readonly ActivityEvent[]>;
}

export interface ActivityStreamOptions {
  pace: Pace;
  /**
   * At a simulated speed, events before this simulated instant go out at once, and the paced clock
   * starts there (see StreamPacer).
   */
  paceFromMs?: number;
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

export function routeActivity(event: ActivityEvent, topics: TopicNames, partitions: number): OutgoingEvent[] {
  switch (event.event_type) {
    case 'customer_registered':
      return [{ topic: topics.activity, key: event.customer.customer_id, event }];
    case 'session_ended':
      return [{ topic: topics.activity, key: event.session.customer_id, event }];
    case 'clock_tick':
      return Array.from({ length: partitions }, (_, partition) => ({
        topic: topics.activity,
        key: null,
        partition,
        event,
      }));
  }
}

export async function streamActivity(
  producer: EventProducer,
  topics: TopicNames,
  source: ActivitySource,
  options: ActivityStreamOptions,
): Promise<StreamProgress> {
  const total = Math.min(source.total, options.limit ?? Number.POSITIVE_INFINITY);
  const started = Date.now();
  const pacer = new StreamPacer(options.pace, started, options.paceFromMs);
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
      // A source that skips rows it cannot use knows its total only as a bound until it ends.
      total: done && stoppedBy === 'end' ? sent : total,
      simulatedTime,
      elapsedSeconds,
      eventsPerSecond: elapsedSeconds > 0 ? sent / elapsedSeconds : 0,
      byType: { ...byType },
      done,
      stoppedBy,
    };
  };
  const flush = async () => {
    await producer.send(batch);
    options.onSent?.(batch, Date.now());
    batch = [];
    if (Date.now() - lastReport >= 1_000) {
      lastReport = Date.now();
      options.onProgress?.(progress(false));
    }
  };

  let index = 0;
  outer: for await (const chunk of source.chunks()) {
    for (const event of chunk) {
      if (index >= total) {
        stoppedBy = 'limit';
        break outer;
      }
      if (options.signal?.aborted) {
        stoppedBy = 'signal';
        break outer;
      }
      const due = pacer.dueAt(index, Date.parse(event.event_time));
      if (due > Date.now()) {
        // Send what is pending before waiting, so consumers see events when they are due.
        if (batch.length > 0) await flush();
        if (due > deadline) {
          stoppedBy = 'duration';
          break outer;
        }
        await sleep(due - Date.now());
      }
      if (Date.now() > deadline) {
        stoppedBy = 'duration';
        break outer;
      }
      batch.push(...routeActivity(event, topics, options.partitions));
      byType[event.event_type]++;
      simulatedTime = event.event_time;
      index++;
      sent = index;
      if (batch.length >= batchSize) await flush();
    }
  }
  if (batch.length > 0) await flush();
  stoppedBy ??= 'end';
  const final = progress(true);
  options.onProgress?.(final);
  return final;
}
