import { CompressionTypes, type Kafka, type Message, type Producer } from 'kafkajs';
import { encodeEvent } from '@churnstream/contracts';

export interface OutgoingEvent {
  topic: string;
  key: string | null;
  event: object;
  partition?: number;
}

/**
 * An idempotent producer (the broker drops retried duplicates) that sends events as JSON, grouped
 * per topic into one request per call. Callers await `send` before committing what led to it.
 */
export class EventProducer {
  private readonly producer: Producer;
  private connected = false;

  constructor(kafka: Kafka) {
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
    });
  }

  async connect(): Promise<void> {
    if (this.connected) return;
    await this.producer.connect();
    this.connected = true;
  }

  async send(events: OutgoingEvent[]): Promise<void> {
    if (events.length === 0) return;
    const byTopic = new Map<string, Message[]>();
    for (const e of events) {
      const message: Message = { key: e.key, value: encodeEvent(e.event) };
      if (e.partition !== undefined) message.partition = e.partition;
      const list = byTopic.get(e.topic);
      if (list) list.push(message);
      else byTopic.set(e.topic, [message]);
    }
    await this.producer.sendBatch({
      acks: -1,
      compression: CompressionTypes.None,
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
    });
  }

  async disconnect(): Promise<void> {
    if (!this.connected) return;
    this.connected = false;
    await this.producer.disconnect();
  }
}
