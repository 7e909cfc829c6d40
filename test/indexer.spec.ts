import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Client } from '@elastic/elasticsearch';
import type { Consumer, Kafka, Producer } from 'kafkajs';
import { type Config, loadConfig } from '@churnstream/config';
import {
  type ChurnScore,
  type DeadLetter,
  type SessionEnded,
  allTopics,
  consumerGroups,
  topicNames,
} from '@churnstream/contracts';
import { createElasticsearch } from '@churnstream/elasticsearch';
import {
  EventProducer,
  type OutgoingEvent,
  consumerLag,
  createKafka,
  deleteGroups,
  deleteTopics,
  ensureTopics,
  topicSpecs,
} from '@churnstream/kafka';
import {
  type SearchCapabilities,
  deleteSearchIndices,
  detectSearchCapabilities,
  refreshSearchIndices,
  searchIndexNames,
} from '@churnstream/search';
import { IndexerModule } from '../apps/indexer/src/indexer.module';
import { JsonLogger } from '@churnstream/service-kit';
import { uniqueName, waitFor } from './support';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const iso = (offsetMinutes: number) => new Date(T0 + offsetMinutes * 60_000).toISOString();

const customerId = (i: number) => `C${String(i).padStart(5, '0')}`;

function session(customer: number, n: number, bought: number): SessionEnded {
  const id = `S${customer}-${n}`;
  return {
    event_id: `sess-${id}`,
    event_time: iso(1000 + customer * 100 + n * 10 + 5),
    event_type: 'session_ended',
    schema_version: 1,
    session: {
      session_id: id,
      customer_id: customerId(customer),
      session_start: iso(1000 + customer * 100 + n * 10),
      session_end: iso(1000 + customer * 100 + n * 10 + 5),
      pages_viewed: 10,
      products_added_to_cart: 3,
      products_purchased: bought,
      total_spent: bought * 12.5,
      device_type: n % 2 === 0 ? 'mobile' : 'desktop',
      payment_method: bought > 0 ? 'paypal' : null,
    },
  };
}

/** A churn_score as the scoring service publishes it: the scored aggregate at `version`. */
function score(
  customer: number,
  n: number,
  probability: number,
  scored: { version: number; watermarkMinute: number; churned?: boolean; sessions?: number; name?: string },
): ChurnScore {
  const id = customerId(customer);
  const sessions = scored.sessions ?? n;
  return {
    event_id: `score-${id}-${n}`,
    event_time: iso(5000 + n),
    event_type: 'churn_score',
    schema_version: 2,
    customer_id: id,
    churn_probability: probability,
    churn_predicted: probability >= 0.5,
    threshold: 0.5,
    model_version: 'v-test',
    features_event_id: `feat-${id}-${n}`,
    watermark: iso(scored.watermarkMinute),
    version: scored.version,
    churned: scored.churned ?? false,
    aggregate: {
      customer_id: id,
      name: scored.name ?? `Customer ${customer}`,
      email: `c${customer}@example.com`,
      age: 20 + customer * 7,
      gender: customer % 2 === 0 ? 'female' : 'male',
      location: 'Lyon',
      country: customer % 3 === 0 ? 'FR' : 'DE',
      customer_since: iso(customer),
      session_count: sessions,
      pages_viewed_total: sessions * 10,
      products_added_total: sessions * 3,
      products_purchased_total: sessions,
      total_spent: sessions * 12.5,
      total_session_seconds: sessions * 300,
      first_seen_at: iso(1000),
      last_active_at: iso(scored.watermarkMinute),
      last_purchase_at: iso(scored.watermarkMinute),
      devices_used: ['desktop', 'mobile'],
      payment_methods_used: ['paypal'],
    },
  };
}

describe('IndexerModule (real Kafka and Elasticsearch)', () => {
  const prefix = uniqueName('indexer');
  const topics = topicNames(prefix);
  const indices = searchIndexNames(prefix);
  const config: Config = { ...loadConfig(), TOPIC_PREFIX: prefix, ES_INDEX_PREFIX: prefix };
  const deadLetterGroup = uniqueName('indexer-dl');
  let kafka: Kafka;
  let es: Client;
  let app: INestApplicationContext;
  let producer: EventProducer;
  let rawProducer: Producer;
  let deadLetterConsumer: Consumer;
  const deadLetters: DeadLetter[] = [];
  let capabilities: SearchCapabilities;

  const byTopic = (topic: string, events: { key: string; event: object }[]): OutgoingEvent[] =>
    events.map((e) => ({ topic, ...e }));
  const sessions = (events: SessionEnded[]) =>
    byTopic(
      topics.sessions,
      events.map((e) => ({ key: e.session.customer_id, event: e })),
    );
  const scores = (events: ChurnScore[]) =>
    byTopic(
      topics.scores,
      events.map((e) => ({ key: e.customer_id, event: e })),
    );

  const population = () => [
    ...sessions([session(1, 1, 1), session(1, 2, 0), session(2, 1, 2), session(3, 1, 0)]),
    ...scores([
      score(1, 1, 0.2, { version: 3, watermarkMinute: 2000 }),
      score(1, 2, 0.7, { version: 5, watermarkMinute: 2100 }),
      score(2, 1, 0.1, { version: 2, watermarkMinute: 2100 }),
      // C00003: the newer decision (version 4, churned) arrives before an older one (version 2).
      score(3, 2, 0.9, { version: 4, watermarkMinute: 2200, churned: true, sessions: 1 }),
      score(3, 1, 0.3, { version: 2, watermarkMinute: 2000, sessions: 1 }),
    ]),
  ];

  async function caughtUp(): Promise<void> {
    const group = consumerGroups(prefix).indexer;
    const subscribed = [topics.sessions, topics.scores];
    await waitFor(
      'the indexer group to commit every offset',
      async () =>
        (await consumerLag(kafka, group, subscribed)).every((l) => l.lag === 0n) ? true : undefined,
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    await refreshSearchIndices(es, prefix);
  }

  async function allDocuments(index: string): Promise<Map<string, unknown>> {
    const response = await es.search({ index, size: 1000, query: { match_all: {} }, sort: ['_doc'] });
    return new Map(response.hits.hits.map((h) => [h._id ?? '', h._source]));
  }

  before(async () => {
    kafka = createKafka(config, 'indexer-test');
    es = createElasticsearch(config);
    capabilities = await detectSearchCapabilities(es);
    await ensureTopics(kafka, topicSpecs(topics, 3));
    producer = new EventProducer(kafka);
    await producer.connect();
    rawProducer = kafka.producer();
    await rawProducer.connect();
    deadLetterConsumer = kafka.consumer({ groupId: deadLetterGroup });
    await deadLetterConsumer.connect();
    await deadLetterConsumer.subscribe({ topic: topics.deadLetter, fromBeginning: true });
    await deadLetterConsumer.run({
      eachMessage: ({ message }) => {
        deadLetters.push(JSON.parse(message.value?.toString() ?? '{}') as DeadLetter);
        return Promise.resolve();
      },
    });
    app = await NestFactory.createApplicationContext(IndexerModule.forRoot(config), {
      logger: process.env.TEST_LOGS ? new JsonLogger('indexer', 'debug') : false,
    });
  });

  after(async () => {
    await app.close();
    await deadLetterConsumer.disconnect();
    await rawProducer.disconnect();
    await producer.disconnect();
    await deleteGroups(kafka, [consumerGroups(prefix).indexer, deadLetterGroup]);
    await deleteTopics(kafka, allTopics(topics));
    await deleteSearchIndices(es, prefix);
    await es.close();
  });

  it('installs the three indices with strict explicit mappings', async () => {
    const mapping = await es.indices.getMapping({
      index: [indices.customers, indices.sessions, indices.scores],
    });
    const customers = mapping[indices.customers]?.mappings;
    assert.equal(customers?.dynamic, 'strict');
    const money = capabilities.scaledFloat ? 'scaled_float' : 'double';
    assert.equal(customers?.properties?.total_spent?.type, money);
    assert.equal(customers?.properties?.churned?.type, 'boolean');
    assert.equal(customers?.properties?.last_purchase_at?.type, 'date');
    assert.equal(mapping[indices.sessions]?.mappings.properties?.spend_per_product?.type, money);
    assert.equal(mapping[indices.scores]?.mappings.properties?.churn_probability?.type, 'float');
  });

  it('indexes every customer, session and score with the fields of their events', async () => {
    await producer.send(population());
    await waitFor(
      '3 customers, 4 sessions and 5 scores',
      async () => {
        await refreshSearchIndices(es, prefix);
        const [c, s, k] = await Promise.all(
          [indices.customers, indices.sessions, indices.scores].map((index) => es.count({ index })),
        );
        return c?.count === 3 && s?.count === 4 && k?.count === 5 ? true : undefined;
      },
      { timeoutMs: 60_000 },
    );
    await caughtUp();

    const c1 = (await es.get<Record<string, unknown>>({ index: indices.customers, id: 'C00001' }))._source;
    assert.deepEqual(c1, {
      customer_id: 'C00001',
      name: 'Customer 1',
      email: 'c1@example.com',
      age: 27,
      age_band: '25-34',
      gender: 'male',
      location: 'Lyon',
      country: 'DE',
      customer_since: iso(1),
      session_count: 2,
      pages_viewed_total: 20,
      products_added_total: 6,
      products_purchased_total: 2,
      total_spent: 25,
      total_session_seconds: 600,
      first_seen_at: iso(1000),
      last_active_at: iso(2100),
      last_purchase_at: iso(2100),
      updated_at: iso(2100),
      churned: false,
      churned_as_of: Date.parse(iso(2100)),
      churn_score: 0.7,
      churn_predicted: true,
      model_version: 'v-test',
      scored_at: iso(5002),
      devices_used: { desktop: true, mobile: true },
      payment_methods_used: { paypal: true },
    });
    const c3 = await es.get<Record<string, unknown>>({ index: indices.customers, id: 'C00003' });
    assert.equal(c3._source?.churned, true, 'the newer version wins over an older one that came later');
    assert.equal(c3._source?.churn_score, 0.9);
    assert.equal(c3._version, 4);

    const s = (await es.get<Record<string, unknown>>({ index: indices.sessions, id: 'S2-1' }))._source;
    assert.deepEqual(s, {
      ...session(2, 1, 2).session,
      session_duration: 300,
      spend_per_product: 12.5,
    });
    const s0 = (await es.get<Record<string, unknown>>({ index: indices.sessions, id: 'S3-1' }))._source;
    assert.equal(s0?.spend_per_product, null);
    assert.equal(s0?.payment_method, null);

    const k = (await es.get<Record<string, unknown>>({ index: indices.scores, id: 'score-C00001-1' }))
      ._source;
    assert.deepEqual(k, {
      event_id: 'score-C00001-1',
      customer_id: 'C00001',
      churn_probability: 0.2,
      churn_predicted: false,
      threshold: 0.5,
      model_version: 'v-test',
      features_event_id: 'feat-C00001-1',
      scored_at: iso(5001),
    });
  });

  it('ends with exactly the same documents when every event is delivered a second time', async () => {
    const before = await Promise.all([indices.customers, indices.sessions, indices.scores].map(allDocuments));
    await producer.send(population());
    await caughtUp();
    const after = await Promise.all([indices.customers, indices.sessions, indices.scores].map(allDocuments));
    assert.deepEqual(after, before);
    assert.deepEqual(
      after.map((docs) => docs.size),
      [3, 4, 5],
    );
  });

  it('keeps the newest version of a customer when an older one arrives in a later batch', async () => {
    await producer.send(scores([score(4, 2, 0.8, { version: 6, watermarkMinute: 2300 })]));
    await caughtUp();
    await producer.send(scores([score(4, 1, 0.1, { version: 5, watermarkMinute: 2250 })]));
    await caughtUp();
    const c4 = await es.get<Record<string, unknown>>({ index: indices.customers, id: 'C00004' });
    assert.equal(c4._version, 6);
    assert.equal(c4._source?.churn_score, 0.8);
    assert.equal(
      await es.exists({ index: indices.scores, id: 'score-C00004-1' }),
      true,
      'the older score is history',
    );
  });

  it('dead-letters a document Elasticsearch rejects, with the reason, and indexes the rest of the batch', async () => {
    const immense = 'x'.repeat(40_000);
    await producer.send(
      scores([
        score(90, 1, 0.5, { version: 1, watermarkMinute: 2000, name: immense }),
        score(91, 1, 0.5, { version: 1, watermarkMinute: 2000 }),
      ]),
    );
    const letter = await waitFor(
      'the rejected registration in the dead-letter topic',
      () => deadLetters.find((d) => d.error.code === 'INDEX_REJECTED'),
      { timeoutMs: 60_000 },
    );
    assert.equal(letter.service, 'indexer');
    assert.equal(letter.source.topic, topics.scores);
    assert.equal(letter.source.key, 'C00090');
    assert.match(letter.error.message, /customers\/C00090 400: document_parsing_exception: .*field \[name\]/);
    assert.equal((JSON.parse(letter.payload) as ChurnScore).customer_id, 'C00090');
    await caughtUp();
    assert.equal(await es.exists({ index: indices.customers, id: 'C00091' }), true);
    assert.equal(await es.exists({ index: indices.customers, id: 'C00090' }), false);
  });

  it('dead-letters a poison (non-JSON) message and indexes the next good one on the same partition', async () => {
    // Partition 0 explicitly, so the poison pill and the good session share one partition.
    await rawProducer.send({
      topic: topics.sessions,
      messages: [{ key: 'C00001', value: '{not json', partition: 0 }],
    });
    await producer.send(sessions([session(1, 7, 1)]).map((e) => ({ ...e, partition: 0 })));
    const letter = await waitFor(
      'the poison message in the dead-letter topic',
      () => deadLetters.find((d) => d.error.code === 'CONTRACT_UNPARSABLE'),
      { timeoutMs: 60_000 },
    );
    assert.equal(letter.payload, '{not json');
    assert.equal(letter.source.partition, 0);
    await caughtUp();
    assert.equal(await es.exists({ index: indices.sessions, id: 'S1-7' }), true);
  });
});
