import { CompressionTypes, type Kafka, type Message, type Producer } from 'kafkajs';
import { encodeEvent } from '@churnstream/contracts';

export interface OutgoingEvent {
  topic: string;
  key: string | null;
  /** The event, or its bytes already encoded (an event forwarded as it was received). */
  event: object | Buffer;
  partition?: number;
}

/**
 * An idempotent producer (the broker drops retried duplicates) that sends events as JSON, grouped
 * per topic. Callers await `send` before committing what led to it. A call is split into requests of
 * at most MAX_REQUEST_BYTES, so a big batch never exceeds the broker's message.max.bytes (1 MB by
 * default: a record batch larger than that is refused and kafkajs gives up without retrying).
 */
export const MAX_REQUEST_BYTES = 512 * 1024;

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

  async send(events: readonly OutgoingEvent[]): Promise<void> {
    let byTopic = new Map<string, Message[]>();
    let bytes = 0;
    const flush = async () => {
      if (byTopic.size === 0) return;
      const topicMessages = [...byTopic].map(([topic, messages]) => ({ topic, messages }));
      byTopic = new Map();
      bytes = 0;
      await this.producer.sendBatch({ acks: -1, compression: CompressionTypes.None, topicMessages });
    };
    for (const e of events) {
      const value = Buffer.isBuffer(e.event) ? e.event : encodeEvent(e.event);
      const size = value.length + (e.key?.length ?? 0) + 64;
      if (bytes + size > MAX_REQUEST_BYTES) await flush();
      const message: Message = { key: e.key, value };
      if (e.partition !== undefined) message.partition = e.partition;
      const list = byTopic.get(e.topic);
      if (list) list.push(message);
      else byTopic.set(e.topic, [message]);
      bytes += size;
    }
    await flush();
  }

  async disconnect(): Promise<void> {
    if (!this.connected) return;
    this.connected = false;
    await this.producer.disconnect();
  }
}
