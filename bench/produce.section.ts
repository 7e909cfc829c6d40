import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '@churnstream/config';
import { allTopics, topicNames } from '@churnstream/contracts';
import {
  EventProducer,
  createKafka,
  deleteTopics,
  ensureTopics,
  pingKafka,
  topicSizes,
} from '@churnstream/kafka';
import { activityEvents } from '@churnstream/simulation';
// The benchmark drives the generator's own use case, so what it measures is what the generator does.
import { StreamService } from '@churnstream/replay';
import { KAFKA_VERSION } from '../tools/stack/versions';

const root = new URL('../', import.meta.url).pathname;

/**
 * Events per second the generator produces onto the local Kafka, against Kafka's own producer
 * performance tool (org.apache.kafka.tools.ProducerPerformance from the broker's jars) sending the
 * same number of records of the same mean size with the same acks, measured in the same run.
 */
export interface ProduceFigures {
  generator_records_per_s: number;
  producer_performance_records_per_s: number;
  ratio: number;
}

/** The figures, or null when the comparison was skipped (no Kafka, no jars, tool failure). */
export async function produceComparison(events: number): Promise<ProduceFigures | null> {
  const config = loadConfig();
  const kafka = createKafka(config, 'bench');
  try {
    await pingKafka(kafka);
  } catch {
    console.log(
      `  Kafka comparison skipped: no broker at ${config.KAFKA_BROKERS.join(',')} (npm run stack -- up)`,
    );
    return null;
  }
  const jars = join(root, '.stack', 'cache', `kafka-${KAFKA_VERSION}`, 'libs');
  if (!existsSync(jars)) {
    console.log(`  Kafka comparison skipped: no Kafka jars in ${jars} (npm run stack -- up fetches them)`);
    return null;
  }
  const prefix = `churnstream-bench-produce-${Date.now().toString(36)}`;
  const topics = topicNames(prefix);
  const perfTopic = `${prefix}.perf`;
  await ensureTopics(kafka, [
    { topic: topics.activity, numPartitions: config.ACTIVITY_PARTITIONS },
    { topic: perfTopic, numPartitions: config.ACTIVITY_PARTITIONS },
  ]);
  const producer = new EventProducer(kafka);
  try {
    await producer.connect();
    const population = {
      customers: Math.ceil(events / 11),
      sessions: Math.floor((events * 10) / 11),
      seed: 42,
    };
    const tickEveryMs = 24 * 3_600_000;
    let bytes = 0;
    let count = 0;
    for (const event of activityEvents(population, { tickEveryMs })) {
      bytes += Buffer.byteLength(JSON.stringify(event));
      if (++count >= 5_000) break;
    }
    const recordSize = Math.round(bytes / count);
    const started = performance.now();
    await new StreamService(producer, topics).run({
      population,
      pace: { kind: 'max' },
      tickEveryMs,
      partitions: config.ACTIVITY_PARTITIONS,
      batchSize: 2_000,
    });
    const oursSeconds = (performance.now() - started) / 1000;
    const records = (await topicSizes(kafka, [topics.activity]))[topics.activity] ?? 0;
    const ours = records / oursSeconds;

    const perf = spawnSync(
      'java',
      [
        '-cp',
        `${jars}/*`,
        'org.apache.kafka.tools.ProducerPerformance',
        '--topic',
        perfTopic,
        '--num-records',
        String(records),
        '--record-size',
        String(recordSize),
        '--throughput',
        '-1',
        '--producer-props',
        `bootstrap.servers=${config.KAFKA_BROKERS.join(',')}`,
        'acks=all',
        'enable.idempotence=true',
      ],
      { encoding: 'utf8' },
    );
    const summary = perf.stdout.trim().split('\n').at(-1) ?? '';
    const match = /([\d.]+) records\/sec/.exec(summary);
    if (perf.status !== 0 || !match) {
      console.log(`  ProducerPerformance failed (exit ${perf.status}): ${perf.stderr.slice(-400)}`);
      return null;
    }
    const theirs = Number(match[1]);
    console.log(
      `  onto Kafka (${records.toLocaleString('en')} records of ~${recordSize} B, acks=all, idempotent, ${config.ACTIVITY_PARTITIONS} partitions):`,
    );
    console.log(`    generator (kafkajs):        ${ours.toFixed(0).padStart(8)} records/s`);
    console.log(`    Kafka ProducerPerformance:  ${theirs.toFixed(0).padStart(8)} records/s`);
    console.log(
      `    ratio generator / ProducerPerformance: ${((100 * ours) / theirs).toFixed(0)}%   goal >= 50%: ${ours / theirs >= 0.5 ? 'met' : 'NOT met'}`,
    );
    return {
      generator_records_per_s: ours,
      producer_performance_records_per_s: theirs,
      ratio: ours / theirs,
    };
  } finally {
    await producer.disconnect();
    await deleteTopics(kafka, [...allTopics(topics), perfTopic]);
  }
}
