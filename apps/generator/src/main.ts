import type { Kafka } from 'kafkajs';
import type { TopicNames } from '@churnstream/contracts';
import { AppError } from '@churnstream/errors';
import { type EventProducer, partitionCount } from '@churnstream/kafka';
import { type DatasetSource, type StreamProgress, StreamService, datasetSource } from '@churnstream/replay';
import { KAFKA, bootstrapService } from '@churnstream/service-kit';
import { GENERATOR_HELP, type GeneratorArgs, parseGeneratorArgs } from './generator.options';
import { GENERATOR_PRODUCER, GENERATOR_TOPICS, GeneratorModule } from './generator.module';

function line(p: StreamProgress): string {
  const pct = p.total > 0 ? ((100 * p.sent) / p.total).toFixed(1) : '0.0';
  const eta = p.eventsPerSecond > 0 ? Math.round((p.total - p.sent) / p.eventsPerSecond) : 0;
  return `generator: ${p.sent}/${p.total} events (${pct}%), ${Math.round(p.eventsPerSecond)} events/s, simulated ${p.simulatedTime.slice(0, 16)}Z${p.done ? '' : `, ETA ${eta}s`}`;
}

let args: GeneratorArgs;
try {
  args = parseGeneratorArgs(process.argv.slice(2));
} catch (error) {
  process.stderr.write(
    `generator: ${error instanceof AppError ? error.message : String(error)}\n(generator --help lists the options)\n`,
  );
  process.exit(2);
}
if (args.help) {
  process.stdout.write(`${GENERATOR_HELP}\n`);
  process.exit(0);
}

const app = await bootstrapService({
  service: 'generator',
  defaultPort: 3001,
  module: (config) => GeneratorModule.forRoot(config),
});
if (app && !args.idle) {
  const topics = app.get<TopicNames>(GENERATOR_TOPICS);
  const partitions = await partitionCount(app.get<Kafka>(KAFKA), topics.activity);
  let source: DatasetSource | undefined;
  if (args.from !== null) {
    try {
      source = await datasetSource(args.from, { tickEveryMs: args.stream.tickEveryMs });
    } catch (error) {
      process.stderr.write(
        `generator: --from ${args.from}: ${error instanceof AppError ? error.message : String(error)}\n`,
      );
      await app.close();
      process.exit(2);
    }
    process.stdout.write(
      `generator: replaying ${source.dir}: ${source.customers} customers, ${source.sessionRows} session rows, ` +
        `${new Date(source.windowStartMs).toISOString()} to ${new Date(source.snapshotAtMs).toISOString()}\n`,
    );
  }
  const abort = new AbortController();
  process.on('SIGINT', () => {
    abort.abort();
  });
  const result = await app.get(StreamService).run({
    ...args.stream,
    ...(source === undefined ? {} : { source }),
    partitions,
    signal: abort.signal,
    onProgress: (p) => process.stdout.write(`${line(p)}\n`),
  });
  process.stdout.write(
    `generator summary: ${result.sent} events in ${result.elapsedSeconds.toFixed(1)}s ` +
      `(${Math.round(result.eventsPerSecond)}/s): ${result.byType.customer_registered} registrations, ` +
      `${result.byType.session_ended} sessions, ${result.byType.clock_tick} clock ticks x ${partitions} partitions; ` +
      `ended by ${result.stoppedBy ?? 'end'}; last simulated time ${result.simulatedTime}\n`,
  );
  for (const [reason, skipped] of Object.entries(source?.skipped ?? {}))
    process.stdout.write(
      `generator: left out ${skipped.rows} rows: ${reason} (first at ${skipped.first.join(', ')})\n`,
    );
  if (!args.stay) {
    await app.get<EventProducer>(GENERATOR_PRODUCER).disconnect();
    await app.close();
    process.exit(0);
  }
}
