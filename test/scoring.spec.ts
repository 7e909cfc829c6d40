import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { loadConfig } from '@churnstream/config';
import { type ChurnScore, type FeaturesUpdated, allTopics, topicNames } from '@churnstream/contracts';
import { EventProducer, createKafka, deleteTopics, ensureTopics, topicSpecs } from '@churnstream/kafka';
import { loadModel } from '@churnstream/model';
import { ScoringModule } from '../apps/scoring/src/scoring.module';
import { aggregateFromDto } from '../apps/scoring/src/aggregate.mapper';
import { TopicReader, trainSmallModel, uniqueName } from './support';

function featuresEvent(customerId: string, sessions: number, version: number): FeaturesUpdated {
  const watermark = '2026-06-01T00:00:00.000Z';
  return {
    event_id: `features:${customerId}:v${version}`,
    event_time: watermark,
    event_type: 'features_updated',
    schema_version: 2,
    watermark,
    version,
    churned: false,
    aggregate: {
      customer_id: customerId,
      name: 'N',
      email: 'n@example.test',
      age: 40,
      gender: 'male',
      location: 'Oslo',
      country: 'Norway',
      customer_since: '2025-01-01T00:00:00.000Z',
      session_count: sessions,
      pages_viewed_total: sessions * 8,
      products_added_total: sessions * 2,
      products_purchased_total: sessions,
      total_spent: sessions * 12.5,
      total_session_seconds: sessions * 600,
      first_seen_at: '2025-01-02T00:00:00.000Z',
      last_active_at: '2026-05-20T00:00:00.000Z',
      last_purchase_at: sessions > 0 ? '2026-05-20T00:00:00.000Z' : null,
      devices_used: ['mobile'],
      payment_methods_used: sessions > 0 ? ['paypal'] : [],
    },
  };
}

describe('scoring service (real Kafka, real model file)', () => {
  const prefix = uniqueName('scoring');
  const topics = topicNames(prefix);
  let fixture: ReturnType<typeof trainSmallModel>;
  let modelPath: string;
  let kafka: Kafka;
  let producer: EventProducer;
  let reader: TopicReader;
  let app: INestApplicationContext;

  before(async () => {
    fixture = trainSmallModel();
    modelPath = join(fixture.dir, 'live-model.json');
    copyFileSync(fixture.model, modelPath);
    const config = loadConfig({ ...process.env, TOPIC_PREFIX: prefix, MODEL_PATH: modelPath });
    kafka = createKafka(config, 'test');
    await ensureTopics(kafka, topicSpecs(topics, config.ACTIVITY_PARTITIONS));
    producer = new EventProducer(kafka);
    await producer.connect();
    reader = await TopicReader.open(kafka, [topics.scores]);
    app = await NestFactory.createApplicationContext(ScoringModule.forRoot(config), { logger: false });
    await app.init();
  });

  after(async () => {
    await app.close();
    await reader.close();
    await producer.disconnect();
    await deleteTopics(kafka, allTopics(topics));
    rmSync(fixture.dir, { recursive: true, force: true });
  });

  it('scores each features event with the model, exactly as the library scores the same aggregate', async () => {
    const events = [featuresEvent('K1', 1, 1), featuresEvent('K2', 9, 1), featuresEvent('K3', 0, 1)];
    await producer.send(
      events.map((event) => ({ topic: topics.features, key: event.aggregate.customer_id, event })),
    );
    const scores = await reader.waitUntil('three scores', () => {
      const s = reader.of<ChurnScore>(topics.scores);
      return s.length >= 3 ? s : undefined;
    });
    const model = await loadModel(modelPath);
    for (const event of events) {
      const score = scores.find((s) => s.customer_id === event.aggregate.customer_id);
      const expected = model.scoreAggregate(aggregateFromDto(event.aggregate), Date.parse(event.watermark));
      assert.equal(score?.churn_probability, expected.churn_probability);
      assert.equal(score?.churn_predicted, expected.churn_predicted);
      assert.equal(score?.model_version, model.version);
      assert.equal(score?.event_id, `score:${event.event_id}:${model.version}`);
      assert.deepEqual(score?.aggregate, event.aggregate, 'the score carries the customer it scored');
      assert.equal(score?.version, event.version);
      assert.equal(score?.watermark, event.watermark);
    }
  });

  it('picks up a new model version without a restart', async () => {
    const artifact = JSON.parse(readFileSync(modelPath, 'utf8')) as { version: string };
    artifact.version = `${artifact.version}-retrained`;
    writeFileSync(`${modelPath}.tmp`, JSON.stringify(artifact));
    copyFileSync(`${modelPath}.tmp`, modelPath);
    const later = new Date(Date.now() + 5_000);
    utimesSync(modelPath, later, later);
    let n = 0;
    await reader.waitUntil(
      'a score from the new model version',
      async () => {
        const event = featuresEvent('K4', 3, ++n);
        await producer.send([{ topic: topics.features, key: 'K4', event }]);
        return reader.of<ChurnScore>(topics.scores).find((s) => s.model_version === artifact.version);
      },
      30_000,
    );
  });
});
