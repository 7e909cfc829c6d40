/**
 * `npm run bench -- floor [--records N --json]`: the least CPU the pipeline can spend per activity
 * event with its components, measured on this machine in one run. Each activity event makes the
 * pipeline move four records through Kafka (the activity event in; the accepted session, the
 * features update and the score out), decode and validate four, encode three, and store three
 * documents (session, customer, score). This benchmark does exactly that work and nothing else, at
 * the batch sizes the pipeline reaches at speed:
 * - kafkajs producing (the project's EventProducer: idempotent, acks=all) and consuming (a consumer
 *   group, eachBatch, offsets committed per batch), CPU of this process and of the broker;
 * - decoding (JSON + the contracts' zod schemas) and encoding the pipeline's own events;
 * - the indexer's write path (BulkWriter over the bulk transport, the documents built by the same
 *   functions) against Elasticsearch, CPU of this process and of Elasticsearch.
 * Left out, so the floor is lower than any pipeline can reach: Redis and the aggregate script, the
 * model, NestJS, metrics. Needs the local stack up.
 */
import type { Client } from '@elastic/elasticsearch';
import type { Kafka } from 'kafkajs';
import { parseOptions, numberOption } from '@churnstream/cli-options';
import { loadConfig } from '@churnstream/config';
import {
  ActivityEventSchema,
  type ChurnScore,
  ChurnScoreSchema,
  type FeaturesUpdated,
  FeaturesUpdatedSchema,
  type SessionEnded,
  SessionEndedSchema,
  decodeEvent,
  encodeEvent,
} from '@churnstream/contracts';
import { createElasticsearch } from '@churnstream/elasticsearch';
import {
  EventProducer,
  type OutgoingEvent,
  createKafka,
  deleteGroups,
  deleteTopics,
  ensureTopics,
} from '@churnstream/kafka';
import {
  BulkWriter,
  bulkLines,
  customerDocument,
  deleteSearchIndices,
  detectSearchCapabilities,
  elasticsearchBulkTransport,
  installSearchIndices,
  scoreDocument,
  searchIndexNames,
  sessionDocument,
} from '@churnstream/search';
import { readCpu, stackCpuSources } from '../tools/pipeline/cpu.sampler';
import { renderTable } from '../tools/stack/table.util';
import { JSON_OPTION, printJson, type Benchmark } from './benchmark';

const PREFIX = 'churnstream-floor';
/** Records per produce call and per bulk request: what the stages reach at speed. */
const PRODUCE_BATCH = 1_000;
const BULK_EVENTS = 700;
const PER_EVENT = { brokerRecords: 4, consumed: 4, produced: 3, documents: 3 } as const;

/** One activity event's worth of the pipeline's own events, for customer `i`. */
function eventsFor(i: number) {
  const customer = `c-${i % 10_000}`;
  const start = new Date(Date.UTC(2025, 0, 1) + i * 60_000).toISOString();
  const end = new Date(Date.UTC(2025, 0, 1) + i * 60_000 + 600_000).toISOString();
  const session: SessionEnded = {
    event_id: `session:s-${i}`,
    event_time: end,
    event_type: 'session_ended',
    schema_version: 1,
    session: {
      session_id: `s-${i}`,
      customer_id: customer,
      session_start: start,
      session_end: end,
      pages_viewed: 3 + (i % 17),
      products_added_to_cart: (i % 3) + (i % 2),
      products_purchased: i % 3,
      total_spent: i % 3 === 0 ? 0 : (i % 3) * 24.5,
      device_type: 'mobile',
      payment_method: i % 3 === 0 ? null : 'paypal',
    },
  };
  const features: FeaturesUpdated = {
    event_id: `features:${customer}:v${i + 1}`,
    event_time: end,
    event_type: 'features_updated',
    schema_version: 2,
    watermark: end,
    version: i + 1,
    churned: false,
    aggregate: {
      customer_id: customer,
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      age: 20 + (i % 50),
      gender: 'female',
      location: 'Berlin',
      country: 'Germany',
      customer_since: start,
      session_count: 1 + (i % 40),
      pages_viewed_total: 40 + (i % 400),
      products_added_total: i % 30,
      products_purchased_total: i % 20,
      total_spent: (i % 20) * 24.5,
      total_session_seconds: 600 * (1 + (i % 40)),
      first_seen_at: start,
      last_active_at: end,
      last_purchase_at: end,
      devices_used: ['mobile'],
      payment_methods_used: ['paypal'],
    },
  };
  const score: ChurnScore = {
    event_id: `score:${features.event_id}:m1`,
    event_time: end,
    event_type: 'churn_score',
    schema_version: 2,
    customer_id: customer,
    churn_probability: (i % 100) / 100,
    churn_predicted: i % 100 >= 50,
    threshold: 0.5,
    model_version: 'm1',
    features_event_id: features.event_id,
    watermark: end,
    version: features.version,
    churned: false,
    aggregate: features.aggregate,
  };
  return { customer, session, features, score };
}

interface Measured {
  /** CPU microseconds of this process and of each server over the section. */
  self: number;
  servers: Map<string, number>;
  units: number;
}

async function measure(units: number, work: () => Promise<void>): Promise<Measured> {
  const sources = stackCpuSources();
  const before = readCpu(sources);
  const selfBefore = process.cpuUsage();
  await work();
  const self = process.cpuUsage(selfBefore);
  const after = readCpu(sources);
  const servers = new Map<string, number>();
  for (const [name, micros] of after) servers.set(name, micros - (before.get(name) ?? 0));
  return { self: self.user + self.system, servers, units };
}

async function produceSection(kafka: Kafka, topic: string, records: number): Promise<Measured> {
  const producer = new EventProducer(kafka);
  await producer.connect();
  // Encoded beforehand: encoding is the codec section's, this one is kafkajs's and the broker's.
  const batches: OutgoingEvent[][] = [];
  for (let from = 0; from < records; from += PRODUCE_BATCH) {
    const batch: OutgoingEvent[] = [];
    for (let i = from; i < Math.min(records, from + PRODUCE_BATCH); i++) {
      const { customer, score } = eventsFor(i);
      batch.push({ topic, key: customer, event: encodeEvent(score) });
    }
    batches.push(batch);
  }
  try {
    return await measure(records, async () => {
      for (const batch of batches) await producer.send(batch);
    });
  } finally {
    await producer.disconnect();
  }
}

async function consumeSection(kafka: Kafka, topic: string, records: number): Promise<Measured> {
  const consumer = kafka.consumer({
    groupId: `${PREFIX}.group`,
    minBytes: 256 * 1024,
    maxWaitTimeInMs: 100,
    maxBytesPerPartition: 4 * 1024 * 1024,
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  let seen = 0;
  let done: () => void = () => undefined;
  const all = new Promise<void>((resolve) => {
    done = resolve;
  });
  try {
    return await measure(records, async () => {
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: 4,
        eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
          const last = batch.messages.at(-1);
          if (!last) return;
          seen += batch.messages.length;
          resolveOffset(last.offset);
          await consumer.commitOffsets([
            { topic: batch.topic, partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() },
          ]);
          await heartbeat();
          if (seen >= records) done();
        },
      });
      await all;
    });
  } finally {
    await consumer.disconnect();
  }
}

/** Decoding what the stages consume and encoding what they produce, per activity event. */
async function codecSection(events: number): Promise<Measured> {
  const encoded = Array.from({ length: 1_000 }, (_, i) => {
    const { session, features, score } = eventsFor(i);
    return { session: encodeEvent(session), features: encodeEvent(features), score: encodeEvent(score) };
  });
  return measure(events, () => {
    for (let i = 0; i < events; i++) {
      const e = encoded[i % encoded.length];
      if (!e) continue;
      const session = decodeEvent(ActivityEventSchema, e.session);
      const features = decodeEvent(FeaturesUpdatedSchema, e.features);
      decodeEvent(SessionEndedSchema, e.session);
      decodeEvent(ChurnScoreSchema, e.score);
      if (!session.ok || !features.ok) {
        const failed = session.ok ? features : session;
        throw new Error(
          `the benchmark events do not satisfy the contracts: ${failed.ok ? '' : failed.error.message}`,
        );
      }
      encodeEvent(session.event);
      encodeEvent(features.event);
      encodeEvent(features.event);
    }
    return Promise.resolve();
  });
}

async function bulkSection(es: Client, events: number): Promise<Measured> {
  const names = searchIndexNames(PREFIX);
  await deleteSearchIndices(es, PREFIX);
  await installSearchIndices(es, PREFIX, await detectSearchCapabilities(es));
  const writer = new BulkWriter(elasticsearchBulkTransport(es));
  try {
    return await measure(events * PER_EVENT.documents, async () => {
      for (let from = 0; from < events; from += BULK_EVENTS) {
        const lines = [];
        for (let i = from; i < Math.min(events, from + BULK_EVENTS); i++) {
          const { session, score } = eventsFor(i);
          lines.push(
            bulkLines(
              {
                index: 'sessions',
                id: session.session.session_id,
                document: sessionDocument(session.session),
              },
              names.sessions,
            ),
            bulkLines(
              {
                index: 'customers',
                id: score.customer_id,
                document: customerDocument(score),
                version: score.version,
              },
              names.customers,
            ),
            bulkLines({ index: 'scores', id: score.event_id, document: scoreDocument(score) }, names.scores),
          );
        }
        const result = await writer.write(lines);
        if (result.rejected.length > 0) throw new Error(`bulk rejected: ${result.rejected[0]?.reason ?? ''}`);
      }
    });
  } finally {
    await deleteSearchIndices(es, PREFIX);
  }
}

const per = (m: Measured, micros: number) => micros / m.units;

export const bench: Benchmark = {
  summary:
    "the least CPU per activity event the pipeline's components allow: Kafka, the contracts, the bulk path",
  async run(argv) {
    const { values } = parseOptions(argv, { records: { type: 'string' }, ...JSON_OPTION });
    const records = numberOption('records', values.records, { integer: true, min: 1_000 }, 100_000);
    const config = loadConfig(process.env);
    const kafka = createKafka(config, 'bench-floor');
    const es = createElasticsearch(config);
    const topic = `${PREFIX}.records`;
    try {
      await deleteTopics(kafka, [topic]);
      await deleteGroups(kafka, [`${PREFIX}.group`]);
      await ensureTopics(kafka, [{ topic, numPartitions: config.ACTIVITY_PARTITIONS }]);
      console.log(`producing ${records} records (${PRODUCE_BATCH} per send) ...`);
      const produced = await produceSection(kafka, topic, records);
      console.log('consuming them in a consumer group ...');
      const consumed = await consumeSection(kafka, topic, records);
      console.log('decoding and encoding the pipeline events ...');
      const codec = await codecSection(records);
      const events = Math.round(records / 2);
      console.log(
        `writing ${events * PER_EVENT.documents} documents (${BULK_EVENTS * PER_EVENT.documents} per request) ...`,
      );
      const bulk = await bulkSection(es, events);

      const kafkaOf = (m: Measured) => per(m, m.servers.get('kafka') ?? 0);
      const esPerDoc = per(bulk, bulk.servers.get('elasticsearch') ?? 0);
      const rows: [string, number, number][] = [
        ['kafkajs produce (client)', per(produced, produced.self), PER_EVENT.produced],
        ['kafkajs consume (client)', per(consumed, consumed.self), PER_EVENT.consumed],
        ['broker, per record produced', kafkaOf(produced), PER_EVENT.brokerRecords],
        ['broker, per record consumed', kafkaOf(consumed), PER_EVENT.consumed],
        ['decode + validate + encode (per event)', per(codec, codec.self), 1],
        ['bulk client (build, serialise, send)', per(bulk, bulk.self), PER_EVENT.documents],
        ['elasticsearch, per document', esPerDoc, PER_EVENT.documents],
      ];
      const floor = rows.reduce((sum, [, us, n]) => sum + us * n, 0);
      console.log(
        renderTable(
          ['component', 'µs per unit', 'units per event', 'µs per event'],
          [
            ...rows.map(([name, us, n]) => [name, us.toFixed(1), String(n), (us * n).toFixed(0)]),
            ['floor per activity event', '', '', floor.toFixed(0)],
          ],
        ),
      );
      console.log(
        'Not in the floor: Redis and the aggregate script, the model, NestJS and metrics; any pipeline spends more.',
      );
      printJson(values.json, 'floor', {
        records,
        floor_us_per_event: Math.round(floor),
        components_us_per_unit: Object.fromEntries(
          rows.map(([name, us]) => [name, Math.round(us * 10) / 10]),
        ),
      });
      return 0;
    } finally {
      await deleteTopics(kafka, [topic]).catch(() => undefined);
      await deleteGroups(kafka, [`${PREFIX}.group`]).catch(() => undefined);
      await es.close();
    }
  },
};
