import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Kafka } from 'kafkajs';
import { loadConfig } from '@churnstream/config';
import { ActivityEventSchema, type ActivityEvent, allTopics, topicNames } from '@churnstream/contracts';
import { EventProducer, createKafka, deleteTopics, ensureTopics, topicSpecs } from '@churnstream/kafka';
import { activityEvents } from '@churnstream/simulation';
import { StreamService } from '@churnstream/replay';
import { TopicReader, uniqueName } from './support';

describe('generator streaming onto real Kafka', () => {
  const prefix = uniqueName('gen');
  const topics = topicNames(prefix);
  const config = loadConfig({ ...process.env, TOPIC_PREFIX: prefix });
  const population = { customers: 200, sessions: 2_000, seed: 5 };
  const tickEveryMs = 12 * 3_600_000;
  let kafka: Kafka;
  let producer: EventProducer;

  before(async () => {
    kafka = createKafka(config, 'test');
    await ensureTopics(kafka, topicSpecs(topics, 3));
    producer = new EventProducer(kafka);
    await producer.connect();
  });

  after(async () => {
    await producer.disconnect();
    await deleteTopics(kafka, allTopics(topics));
  });

  it("writes the seed's event sequence, keyed by customer, valid, in event-time order per partition, ticks on every partition", async () => {
    const result = await new StreamService(producer, topics).run({
      population,
      pace: { kind: 'max' },
      tickEveryMs,
      partitions: 3,
    });
    const expected = [...activityEvents(population, { tickEveryMs })];
    assert.equal(result.sent, expected.length);
    const ticks = expected.filter((e) => e.event_type === 'clock_tick').length;
    const reader = await TopicReader.open(kafka, [topics.activity]);
    try {
      const total = expected.length + ticks * 2; // each tick goes to all three partitions
      await reader.waitUntil(`${total} messages`, () => (reader.messages.length >= total ? true : undefined));
      assert.equal(reader.messages.length, total);

      const byPartition = new Map<number, ActivityEvent[]>();
      const partitionOfCustomer = new Map<string, number>();
      for (const m of reader.messages) {
        const parsed = ActivityEventSchema.safeParse(m.value);
        assert.ok(parsed.success, `invalid event: ${JSON.stringify(m.value).slice(0, 200)}`);
        const event = parsed.data;
        const list = byPartition.get(m.partition) ?? [];
        list.push(event);
        byPartition.set(m.partition, list);
        if (event.event_type !== 'clock_tick') {
          const customer =
            event.event_type === 'customer_registered'
              ? event.customer.customer_id
              : event.session.customer_id;
          assert.equal(m.key, customer, 'keyed by customer_id');
          const seen = partitionOfCustomer.get(customer);
          if (seen !== undefined) assert.equal(m.partition, seen, `${customer} stays on one partition`);
          partitionOfCustomer.set(customer, m.partition);
        }
      }
      for (const [partition, events] of byPartition) {
        const registered = new Set<string>();
        let last = '';
        for (const event of events) {
          assert.ok(event.event_time >= last, `partition ${partition}: ${event.event_id} goes back in time`);
          last = event.event_time;
          if (event.event_type === 'customer_registered') registered.add(event.customer.customer_id);
          if (event.event_type === 'session_ended') {
            assert.ok(
              registered.has(event.session.customer_id),
              `${event.event_id} before its customer's registration`,
            );
          }
        }
        assert.equal(
          events.filter((e) => e.event_type === 'clock_tick').length,
          ticks,
          `every tick on partition ${partition}`,
        );
        const final = events.at(-1);
        assert.ok(final?.event_type === 'clock_tick' && final.final, 'the last event is the final tick');
      }
      const producedIds = new Set(reader.messages.map((m) => (m.value as { event_id: string }).event_id));
      assert.deepEqual(
        [...producedIds].sort(),
        [...new Set(expected.map((e) => e.event_id))].sort(),
        'the same ids as the library',
      );
    } finally {
      await reader.close();
    }
  });
});
