import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Kafka } from 'kafkajs';
import { loadConfig } from '@churnstream/config';
import {
  EventProducer,
  consumerLag,
  createKafka,
  deleteGroups,
  deleteTopics,
  ensureTopics,
  pingKafka,
  topicSizes,
} from '@churnstream/kafka';
import { uniqueName, waitFor } from './support';

describe('Kafka (real broker)', () => {
  const config = loadConfig();
  const topic = uniqueName('kafka-roundtrip');
  const groupId = uniqueName('kafka-group');
  let kafka: Kafka;

  before(async () => {
    kafka = createKafka(config, 'test');
    await ensureTopics(kafka, [{ topic, numPartitions: 3 }]);
  });

  after(async () => {
    await deleteGroups(kafka, [groupId]);
    await deleteTopics(kafka, [topic]);
  });

  it('answers the health probe with its broker count', async () => {
    const health = await pingKafka(kafka);
    assert.ok(health.brokers >= 1);
  });

  it('delivers 1,000 keyed messages in order per key to a consumer group and commits every offset', async () => {
    const keys = Array.from({ length: 10 }, (_, i) => `customer-${i}`);
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const messages = Array.from({ length: 1_000 }, (_, i) => {
      const key = keys[i % keys.length] ?? 'none';
      return { key, value: JSON.stringify({ key, seq: Math.floor(i / keys.length) }) };
    });
    for (let i = 0; i < messages.length; i += 250) {
      await producer.send({ topic, acks: -1, messages: messages.slice(i, i + 250) });
    }
    await producer.disconnect();

    const seen = new Map<string, number[]>();
    const partitionsOfKey = new Map<string, Set<number>>();
    let received = 0;
    const consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch, resolveOffset, commitOffsetsIfNecessary, heartbeat }) => {
        for (const message of batch.messages) {
          const body = JSON.parse(message.value?.toString() ?? '{}') as { key: string; seq: number };
          const list = seen.get(body.key) ?? [];
          list.push(body.seq);
          seen.set(body.key, list);
          const parts = partitionsOfKey.get(body.key) ?? new Set<number>();
          parts.add(batch.partition);
          partitionsOfKey.set(body.key, parts);
          received++;
          resolveOffset(message.offset);
        }
        await heartbeat();
        await consumer.commitOffsets([
          { topic, partition: batch.partition, offset: (BigInt(batch.lastOffset()) + 1n).toString() },
        ]);
        await commitOffsetsIfNecessary();
      },
    });
    try {
      await waitFor('all 1,000 messages', () => (received >= 1_000 ? true : undefined), {
        timeoutMs: 60_000,
        describe: () => `${received} received`,
      });
      assert.equal(received, 1_000);
      for (const key of keys) {
        assert.deepEqual(
          seen.get(key),
          Array.from({ length: 100 }, (_, i) => i),
          `order of ${key}`,
        );
        assert.equal(partitionsOfKey.get(key)?.size, 1, `${key} stays on one partition`);
      }
      const lag = await waitFor('committed offsets at the log end', async () => {
        const lags = await consumerLag(kafka, groupId, [topic]);
        return lags.every((l) => l.lag === 0n && l.committed === l.end) ? lags : undefined;
      });
      assert.equal(
        lag.reduce((sum, l) => sum + l.committed, 0n),
        1_000n,
        'the committed offsets add up to the messages produced',
      );
    } finally {
      await consumer.disconnect();
    }
  });

  it('splits a send bigger than the broker accepts in one request, and loses nothing', async () => {
    const big = uniqueName('kafka-big');
    await ensureTopics(kafka, [{ topic: big, numPartitions: 1 }]);
    const producer = new EventProducer(kafka);
    await producer.connect();
    try {
      // 3,000 events of ~1 KB on one partition: 3 MB, three times the default message.max.bytes.
      const padding = 'x'.repeat(1_000);
      await producer.send(
        Array.from({ length: 3_000 }, (_, i) => ({ topic: big, key: `k${i % 7}`, event: { i, padding } })),
      );
      assert.deepEqual(await topicSizes(kafka, [big]), { [big]: 3_000 });
    } finally {
      await producer.disconnect();
      await deleteTopics(kafka, [big]);
    }
  });
});
