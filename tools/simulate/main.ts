/**
 * `npm run simulate -- --customers 10000 --sessions 100000 --seed 42 --max-speed --fresh`: the whole
 * flow once, start to end. Brings the apps up if they are not running, optionally forgets the previous
 * run (--fresh), trains a model if none exists, streams the population, waits until every consumer
 * group has caught up, prints a summary and exits 0. The local stack stays up for queries.
 */
import { numberOption, parseOptions, runMain } from '@churnstream/cli-options';
import type { Kafka } from 'kafkajs';
import { type Config, loadConfig } from '@churnstream/config';
import { allTopics, topicNames } from '@churnstream/contracts';
import { createElasticsearch, indexNames } from '@churnstream/elasticsearch';
import { createKafka } from '@churnstream/kafka';
import { ensureModel } from '../pipeline/pipeline.model';
import { topicSizes, waitCaughtUp } from '../pipeline/pipeline.progress';
import { resetRun } from '../pipeline/pipeline.reset';
import { RUN_OPTIONS, generatorArgs, populationOf } from '../pipeline/run.options';
import { SERVICES } from '../start/services';
import { type RunningService, healthOf, startService, stopService, waitHealthy } from '../start/supervisor';

const root = new URL('../../', import.meta.url).pathname;
const HELP = `usage: npm run simulate -- [options]
  --customers N   (10000)     --sessions N (100000)     --seed N (42)
  --max-speed     stream as fast as possible (default)   --rate N / --speed X  pace the stream
  --from DIR      replay a dataset folder (cli import or cli generate wrote it) instead of generating
                  one; with no model yet, the model is trained on that folder
  --fresh         delete the previous run's topics, consumer groups, indices and Redis keys first
  --timeout S     give up waiting for the consumers after S seconds (1800)`;

async function esCounts(config: Config) {
  const es = createElasticsearch(config);
  const names = indexNames(config.ES_INDEX_PREFIX);
  try {
    await es.indices.refresh({ index: `${config.ES_INDEX_PREFIX}-*`, ignore_unavailable: true });
    const count = async (index: string, query?: object) =>
      (await es.count({ index, ignore_unavailable: true, ...(query ? { query } : {}) })).count;
    return {
      customers: await count(names.customers),
      sessions: await count(names.sessions),
      churned: await count(names.customers, { term: { churned: true } }),
      scored: await count(names.customers, { exists: { field: 'churn_score' } }),
      scoreHistory: await count(names.scores),
    };
  } finally {
    await es.close();
  }
}

async function main(): Promise<number> {
  const { values } = parseOptions(process.argv.slice(2), {
    ...RUN_OPTIONS,
    fresh: { type: 'boolean' },
    timeout: { type: 'string', default: '1800' },
    help: { type: 'boolean' },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const started = Date.now();
  const config = loadConfig();
  const population = populationOf(values);
  const timeoutMs = numberOption('timeout', values.timeout, { above: 0 }, 1800) * 1000;
  const kafka: Kafka = createKafka(config, 'simulate');

  const running: RunningService[] = [];
  let stopped: Promise<unknown> | null = null;
  const stopAll = () => (stopped ??= Promise.all(running.map((s) => stopService(s))));
  process.on('SIGINT', () => void stopAll().then(() => process.exit(130)));
  process.on('SIGTERM', () => void stopAll().then(() => process.exit(143)));
  try {
    const consumers = SERVICES.filter((s) => s.name !== 'generator');
    const alreadyUp = await Promise.all(consumers.map(async (s) => (await healthOf(s.port)).ok));
    if (values.fresh) {
      if (alreadyUp.some(Boolean)) {
        throw new Error('--fresh needs the apps stopped (they hold consumer groups); stop `npm start` first');
      }
      const reset = await resetRun(config);
      console.log(
        `simulate: fresh run: removed ${reset.topics} topics, ${reset.keys} Redis keys, indices ${reset.indices}`,
      );
    }
    const model = ensureModel(root, config.MODEL_PATH, population, values.from);
    console.log(`simulate: model ${config.MODEL_PATH} (${model})`);

    for (const [i, spec] of consumers.entries()) {
      if (alreadyUp[i]) {
        console.log(`simulate: ${spec.name} already running on :${spec.port}`);
        continue;
      }
      running.push(startService(root, spec, process.env));
    }
    const healthy = await Promise.all(running.map((s) => waitHealthy(s, 180_000)));
    const sick = running.filter((_, i) => !healthy[i]);
    if (sick.length > 0)
      throw new Error(`not healthy: ${sick.map((s) => `${s.spec.name} (log ${s.logPath})`).join(', ')}`);
    console.log(`simulate: apps up: ${consumers.map((s) => s.name).join(', ')}`);

    const generatorSpec = SERVICES.find((s) => s.name === 'generator');
    if (!generatorSpec) throw new Error('no generator in SERVICES');
    const generator = startService(
      root,
      {
        ...generatorSpec,
        args: generatorArgs(population, values, ['--max-speed']),
      },
      process.env,
    );
    running.push(generator);
    const generatorExit = await generator.exited;
    if (generatorExit !== 0)
      throw new Error(`the generator failed (exit ${generatorExit}); see ${generator.logPath}`);
    console.log('simulate: population streamed; waiting for the consumers to catch up ...');

    let lastPrint = 0;
    await waitCaughtUp(kafka, config, {
      evaluator: true,
      timeoutMs,
      onPoll: (lags) => {
        if (Date.now() - lastPrint < 5_000) return;
        lastPrint = Date.now();
        console.log(
          `simulate: lag ${lags.map((l) => `${l.group.split('.').at(-1) ?? l.group}=${l.lag}`).join(' ')}`,
        );
      },
    });
    const topics = topicNames(config.TOPIC_PREFIX);
    const sizes = await topicSizes(kafka, allTopics(topics));
    const counts = await esCounts(config);
    console.log('\nsimulate summary');
    for (const [topic, size] of Object.entries(sizes)) console.log(`  ${topic.padEnd(34)} ${size} events`);
    console.log(`  dead letters                       ${sizes[topics.deadLetter] ?? 0}`);
    console.log(`  customers indexed                  ${counts.customers}`);
    console.log(`  sessions indexed                   ${counts.sessions}`);
    console.log(`  customers flagged churned          ${counts.churned}`);
    console.log(
      `  customers scored                   ${counts.scored} (score history ${counts.scoreHistory})`,
    );
    console.log(`  elapsed                            ${((Date.now() - started) / 1000).toFixed(1)}s`);
    console.log('\nThe stack is still up: npm run cli -- query ..., npm run stack -- down to stop it.');
    return 0;
  } finally {
    await stopAll();
  }
}

runMain('simulate', main, {
  exit: true,
  stack: false,
  hint: '(npm run simulate -- --help lists the options)',
});
