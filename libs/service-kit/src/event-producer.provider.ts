import { Logger, type Provider } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import type { Config } from '@churnstream/config';
import { topicNames } from '@churnstream/contracts';
import { EventProducer, ensureTopics, topicSpecs } from '@churnstream/kafka';
import { CONFIG, KAFKA } from './service-kit.tokens';

/**
 * A connected EventProducer under `token`, created after the system's topics exist (producers do not
 * auto-create topics, and a consumer subscribing to a missing topic would wait for nothing). Its sends
 * wait out a broker outage, saying so in the log.
 */
export function eventProducerProvider(token: symbol): Provider {
  return {
    provide: token,
    useFactory: async (kafka: Kafka, config: Config) => {
      await ensureTopics(kafka, topicSpecs(topicNames(config.TOPIC_PREFIX), config.ACTIVITY_PARTITIONS));
      const logger = new Logger(EventProducer.name);
      const producer = new EventProducer(kafka, {
        onRetry: (error, attempt, delayMs) => {
          logger.warn(`Kafka unavailable (${String(error)}); send retry ${attempt} in ${delayMs} ms`);
        },
      });
      await producer.connect();
      return producer;
    },
    inject: [KAFKA, CONFIG],
  };
}
