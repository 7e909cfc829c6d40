import type { Consumer, Kafka } from 'kafkajs';
import { uniqueName } from './unique';
import { waitFor } from './wait-for';

/**
 * Reads everything that arrives on some topics (from the beginning) into memory, for assertions.
 * Each reader is its own consumer group, deleted by `close()`.
 */
export class TopicReader {
  readonly messages: { topic: string; key: string | null; value: unknown; partition: number }[] = [];
  private readonly consumer: Consumer;
  private readonly groupId = uniqueName('reader');

  private constructor(
    private readonly kafka: Kafka,
    private readonly topics: string[],
  ) {
    this.consumer = kafka.consumer({ groupId: this.groupId, sessionTimeout: 10_000 });
  }

  static async open(kafka: Kafka, topics: string[]): Promise<TopicReader> {
    const reader = new TopicReader(kafka, topics);
    await reader.consumer.connect();
    await reader.consumer.subscribe({ topics, fromBeginning: true });
    await reader.consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        const text = message.value?.toString('utf8') ?? '';
        let value: unknown = text;
        try {
          value = JSON.parse(text);
        } catch {
          // keep the raw text: a poison message is still a message to assert on
        }
        reader.messages.push({ topic, partition, key: message.key?.toString() ?? null, value });
        await Promise.resolve();
      },
    });
    return reader;
  }

  of<T = Record<string, unknown>>(topic: string): T[] {
    return this.messages.filter((m) => m.topic === topic).map((m) => m.value as T);
  }

  async waitUntil<T>(
    what: string,
    probe: () => Promise<T | undefined> | T | undefined,
    timeoutMs = 60_000,
  ): Promise<T> {
    return waitFor(what, probe, {
      timeoutMs,
      describe: () => `${this.messages.length} messages read from ${this.topics.join(', ')}`,
    });
  }

  async close(): Promise<void> {
    await this.consumer.disconnect();
    const admin = this.kafka.admin();
    await admin.connect();
    await admin.deleteGroups([this.groupId]).catch(() => undefined);
    await admin.disconnect();
  }
}
