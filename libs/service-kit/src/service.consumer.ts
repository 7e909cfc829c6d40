import { Logger } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import type { DeadLetter } from '@churnstream/contracts';
import type { z } from 'zod';
import { AppError } from '@churnstream/errors';
import { BatchConsumer, type BatchConsumerOptions } from '@churnstream/kafka';
import { exitOnFatal } from './fatal.exit';
import type { ServiceMetrics } from './metrics.registry';

/** The BatchConsumer hooks that feed the shared metrics (dead letters, batch latency, errors, lag). */
export function consumerMetricHooks(metrics: ServiceMetrics, group: string) {
  const logger = new Logger('BatchConsumer');
  return {
    onDeadLetterLost: (letter: DeadLetter, error: unknown) => {
      metrics.deadLettersLost.inc({ reason: letter.error.code });
      logger.error(
        `dead letter ${letter.event_id} (${letter.error.code}) refused by the broker, moved past it: ${String(error)}`,
      );
    },
    onError: (error: unknown) => {
      metrics.errors.inc({ code: error instanceof AppError ? error.code : 'INTERNAL' });
    },
    onLag: (lag: number) => {
      metrics.consumerLag.set({ group }, lag);
    },
    onDeadLetter: (reason: string, count: number) => {
      metrics.deadLetters.inc({ reason }, count);
    },
    onBatch: (_topic: string, _size: number, seconds: number) => {
      metrics.batchSeconds.observe(seconds);
    },
  };
}

/**
 * A BatchConsumer wired the way a service runs one: it exits the process when the consumer stops
 * for good (so its supervisor restarts it rather than leaving it healthy and idle), and feeds the
 * shared metrics of its group (dead letters, batch latency, handler errors, lag).
 */
export function serviceConsumer<S extends z.ZodType>(
  kafka: Kafka,
  metrics: ServiceMetrics,
  options: Omit<
    BatchConsumerOptions<S>,
    'onFatal' | 'onError' | 'onLag' | 'onDeadLetter' | 'onDeadLetterLost' | 'onBatch'
  >,
): BatchConsumer<S> {
  return new BatchConsumer(kafka, {
    ...options,
    onFatal: exitOnFatal(options.service),
    ...consumerMetricHooks(metrics, options.groupId),
  });
}
