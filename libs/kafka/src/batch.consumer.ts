import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import type { z } from 'zod';
import { type DeadLetter, MAX_EVENT_BYTES, buildDeadLetter, decodeEvent } from '@churnstream/contracts';
import type { AppError } from '@churnstream/errors';
import { consumerLag, totalLag } from './consumer-lag';
import { sendDeadLetters } from './dead-letter.sender';
import type { EventProducer } from './event.producer';

export interface ConsumedEvent<T> {
  event: T;
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  /** The message's bytes as received (a consumer that forwards an event sends these on). */
  value: Buffer;
}

export interface ConsumedBatch<T> {
  topic: string;
  partition: number;
  events: ConsumedEvent<T>[];
  /** Offset of the next message to read once this batch is committed. */
  nextOffset: string;
  heartbeat(): Promise<void>;
}

export interface BatchConsumerOptions<S extends z.ZodType> {
  groupId: string;
  topics: string[];
  /** Schema each message must satisfy; failures go to the dead-letter topic with the reason. */
  schema: S;
  service: string;
  deadLetterTopic: string;
  producer: EventProducer;
  handle(batch: ConsumedBatch<z.infer<S>>): Promise<void>;
  onDeadLetter?(reason: string, count: number): void;
  /**
   * A dead letter the broker refused for good; the consumer moved past the message anyway. By
   * default one JSON line on stderr.
   */
  onDeadLetterLost?(letter: DeadLetter, error: unknown): void;
  /** Larger messages are dead-lettered as CONTRACT_TOO_LARGE without being parsed. */
  maxEventBytes?: number;
  onBatch?(topic: string, size: number, seconds: number): void;
  fromBeginning?: boolean;
  partitionsConsumedConcurrently?: number;
  /** Most messages handed to one `handle` call; a fetched batch is split into chunks of this size. */
  maxBatchSize?: number;
  sessionTimeoutMs?: number;
  /**
   * How long the broker may hold a fetch to fill `minBytes` (default 100 ms / 256 KiB): fewer, fuller
   * batches, so each costs its fixed work (a Redis round trip, a produce, a bulk request, a commit)
   * over more events, at the price of at most this much latency per stage.
   */
  maxWaitTimeMs?: number;
  minBytes?: number;
  /**
   * The consumer stopped for good (kafkajs gave up on a non-retriable error). Services exit on it so
   * their supervisor restarts them, rather than staying up and healthy while consuming nothing.
   */
  onFatal?(error: Error): void;
  /** A batch's handler failed (the batch is redelivered: nothing was committed). */
  onError?(error: unknown): void;
  /** The group's total lag on its topics, sampled every `lagIntervalMs` (default 10 s). */
  onLag?(lag: number): void;
  /** Sampling the lag failed (the broker did not answer, say); sampling goes on. */
  onLagError?(error: unknown): void;
  lagIntervalMs?: number;
}

/**
 * A consumer-group member that hands validated events to `handle` in batches and commits a
 * partition's offset only after `handle` resolved for everything before it. What this gives:
 * - at-least-once delivery into `handle` (handlers make their effect idempotent by event_id);
 * - a poison message never blocks its partition: a bounded dead letter (its place, size, hash and
 *   first bytes, with the reason) goes to the dead-letter topic, and the offset moves past it once
 *   the letter is acknowledged, or once the broker refused the letter for good (counted, logged);
 * - heartbeats between chunks so a slow batch does not cost the group a rebalance.
 * kafkajs is used directly (not Nest's Kafka transport) because Nest's server handles one message at
 * a time with automatic commits, and these consumers need batches and commits after the side effect.
 */
export class BatchConsumer<S extends z.ZodType> {
  private readonly consumer: Consumer;
  private running = false;
  private lagTimer?: NodeJS.Timeout;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: BatchConsumerOptions<S>,
  ) {
    // A member killed without leaving holds its partitions until its session times out: the group
    // coordinator waits for it before the replacement gets them. 10 s (the broker allows 6 s at
    // least) bounds that wait; heartbeats go at most every second, after each chunk, so only a chunk
    // taking longer than 10 s costs a rebalance.
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs ?? 10_000,
      heartbeatInterval: 1_000,
      allowAutoTopicCreation: false,
      maxBytesPerPartition: 4 * 1024 * 1024,
      minBytes: options.minBytes ?? 256 * 1024,
      maxWaitTimeInMs: options.maxWaitTimeMs ?? 100,
    });
  }

  async start(): Promise<void> {
    this.consumer.on(this.consumer.events.CRASH, (event) => {
      if (!event.payload.restart) this.options.onFatal?.(event.payload.error);
    });
    await this.consumer.connect();
    await this.consumer.subscribe({
      topics: this.options.topics,
      fromBeginning: this.options.fromBeginning ?? true,
    });
    this.running = true;
    this.sampleLag();
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
      eachBatch: async ({ batch, heartbeat, isRunning, isStale, resolveOffset }) => {
        const chunkSize = this.options.maxBatchSize ?? 1_000;
        for (let i = 0; i < batch.messages.length; i += chunkSize) {
          if (!isRunning() || isStale()) return;
          const chunk = batch.messages.slice(i, i + chunkSize);
          await this.process(batch.topic, batch.partition, chunk, heartbeat);
          const last = chunk.at(-1);
          if (last) resolveOffset(last.offset);
        }
      },
    });
  }

  private async process(
    topic: string,
    partition: number,
    messages: KafkaMessage[],
    heartbeat: () => Promise<void>,
  ): Promise<void> {
    const started = performance.now();
    const events: ConsumedEvent<z.infer<S>>[] = [];
    const deadLetters: { message: KafkaMessage; error: AppError }[] = [];
    for (const message of messages) {
      const decoded = decodeEvent(
        this.options.schema,
        message.value,
        this.options.maxEventBytes ?? MAX_EVENT_BYTES,
      );
      if (decoded.ok) {
        events.push({
          event: decoded.event,
          topic,
          partition,
          offset: message.offset,
          key: message.key?.toString() ?? null,
          value: message.value as Buffer,
        });
      } else deadLetters.push({ message, error: decoded.error });
    }
    if (deadLetters.length > 0) {
      const now = new Date();
      await sendDeadLetters(
        {
          producer: this.options.producer,
          topic: this.options.deadLetterTopic,
          onLost: this.options.onDeadLetterLost ?? logLostDeadLetter,
        },
        deadLetters.map(({ message, error }) => {
          const key = message.key?.toString() ?? null;
          return {
            key,
            event: buildDeadLetter({
              service: this.options.service,
              group: this.options.groupId,
              source: { topic, partition, offset: message.offset, key },
              error: { code: error.code, message: error.message },
              payload: message.value,
              now,
            }),
          };
        }),
      );
      for (const { error } of deadLetters) this.options.onDeadLetter?.(error.code, 1);
    }
    const last = messages.at(-1);
    if (!last) return;
    const nextOffset = (BigInt(last.offset) + 1n).toString();
    if (events.length > 0) {
      // A handler waiting on a slow server (a bulk request on a loaded machine, say) must not cost
      // the member its session: the coordinator would hand its partitions on, and the commit after
      // the handler would fail for good. kafkajs throttles these to the heartbeat interval; a failed
      // one (a rebalance under way) is seen again by the commit, so it is ignored here.
      const keepAlive = setInterval(() => {
        heartbeat().catch(() => undefined);
      }, 1_000);
      try {
        await this.options.handle({ topic, partition, events, nextOffset, heartbeat });
      } catch (error) {
        this.options.onError?.(error);
        throw new HandlerFailed(error);
      } finally {
        clearInterval(keepAlive);
      }
    }
    await this.consumer.commitOffsets([{ topic, partition, offset: nextOffset }]);
    await heartbeat();
    this.options.onBatch?.(topic, messages.length, (performance.now() - started) / 1000);
  }

  private sampleLag(): void {
    const onLag = this.options.onLag;
    if (!onLag) return;
    this.lagTimer = setInterval(() => {
      consumerLag(this.kafka, this.options.groupId, this.options.topics).then(
        (lags) => {
          onLag(totalLag(lags));
        },
        (error: unknown) => {
          this.options.onLagError?.(error);
        },
      );
    }, this.options.lagIntervalMs ?? 10_000);
    this.lagTimer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.lagTimer);
    if (!this.running) return;
    this.running = false;
    await this.consumer.disconnect();
  }
}

/**
 * A failed handler (Redis or Elasticsearch away, say) is a reason to try the batch again, never to
 * stop consuming. kafkajs retries a batch whose error is not marked non-retriable, then restarts the
 * consumer; an error marked non-retriable (a kafkajs refusal from inside the handler) would stop it
 * for good. So the handler's error travels under another name than `cause`, which kafkajs follows.
 */
class HandlerFailed extends Error {
  readonly retriable = true;
  constructor(readonly error: unknown) {
    super(`batch handler failed: ${error instanceof Error ? error.message : String(error)}`);
    this.name = 'HandlerFailed';
  }
}

function logLostDeadLetter(letter: DeadLetter, error: unknown): void {
  process.stderr.write(
    `${JSON.stringify({ time: new Date().toISOString(), level: 'error', service: letter.service, message: 'dead letter refused by the broker; moved past the message', event_id: letter.event_id, reason: letter.error.code, error: String(error) })}\n`,
  );
}
