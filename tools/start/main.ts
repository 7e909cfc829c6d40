/**
 * `npm start`: the live simulation on the local stack (already up, see scripts/run.mjs). Trains a
 * model if none exists, starts every app, streams the population on the simulated clock at a pace
 * where churn emerges within minutes, and prints one progress line every few seconds. An app that
 * exits is named with its log tail and restarted with backoff; only a crash loop stops the run.
 * Ctrl-C stops the apps cleanly; the stack stays up.
 */
import { parseOptions, runMain } from '@churnstream/cli-options';
import { loadConfig } from '@churnstream/config';
import { topicNames } from '@churnstream/contracts';
import { createElasticsearch, indexNames } from '@churnstream/elasticsearch';
import { createKafka } from '@churnstream/kafka';
import { createRedis } from '@churnstream/redis';
import { ensureModel } from '../pipeline/pipeline.model';
import { resetRun } from '../pipeline/pipeline.reset';
import { RUN_OPTIONS, generatorArgs, logTail, populationOf } from '../pipeline/run.options';
import { pipelineLag, topicSizes } from '../pipeline/pipeline.progress';
import { SERVICES } from './services';
import { type RunningService, Supervisor, healthOf, waitHealthy } from './supervisor';

const root = new URL('../../', import.meta.url).pathname;
const HELP = `usage: npm start -- [options]
  --customers N  (10000)   --sessions N (100000)   --seed N (42)
  --speed X      simulated seconds per real second (default 43200: 12 simulated hours a second,
                 ~460 events/s, under a third of what the pipeline sustains on 2 cores; a customer is
                 flagged 60 simulated days after their last purchase)
  --warm-up-days D  the first D days of the 120-day window go out at once, so the churn rule has
                 that much purchase history when the paced part starts (default 60: the rule's
                 own window; 0 watches the whole window, with most long-standing customers
                 flagged on day one because no purchase of theirs has been seen yet)
  --rate N       events per second instead of a simulated speed
  --max-speed    as fast as the pipeline takes it
  --from DIR     replay a dataset folder (cli import or cli generate wrote it) instead of generating
                 one; with no model yet, the model is trained on that folder
  --keep         keep the previous run's topics, indices and Redis keys (default: start from a clean
                 slate, so churn is seen emerging from the first simulated day)`;

async function main(): Promise<number> {
  const { values } = parseOptions(process.argv.slice(2), {
    ...RUN_OPTIONS,
    keep: { type: 'boolean' },
    help: { type: 'boolean' },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const config = loadConfig();
  const population = populationOf(values);
  console.log(
    `model: ${config.MODEL_PATH} (${ensureModel(root, config.MODEL_PATH, population, values.from)})`,
  );
  const busy = await Promise.all(SERVICES.map(async (s) => ((await healthOf(s.port)).ok ? s.name : null)));
  if (busy.some((name) => name !== null)) {
    console.error(`already running: ${busy.filter(Boolean).join(', ')} (another npm start?). Stop it first.`);
    return 1;
  }
  if (!values.keep) {
    const reset = await resetRun(config);
    console.log(
      `fresh run: removed the previous run's topics, ${reset.keys} Redis keys and indices ${reset.indices}`,
    );
  }

  const specs = SERVICES.map((spec) =>
    spec.name === 'generator'
      ? {
          ...spec,
          args: [...generatorArgs(population, values, ['--speed', '43200'], '60'), '--stay'],
        }
      : spec,
  );
  // Consumers first, so they have joined their groups when the first events arrive.
  const consumers = specs.filter((s) => s.name !== 'generator');
  const supervisor = new Supervisor(root, process.env, {
    onExit: (s, how, tail) => {
      console.error(`\n${s.spec.name} exited unexpectedly (${how}); last lines of ${s.logPath}:\n${tail}`);
    },
    onRestart: (s, restarts) => {
      console.error(`${s.spec.name} restarted (restart ${restarts}), log ${s.logPath}`);
    },
  });
  const running: RunningService[] = consumers.map((spec) => supervisor.start(spec));
  let stopping = false;
  const stopAll = async (reason: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${reason}: stopping the apps ...`);
    await supervisor.stopAll();
    console.log('apps stopped. The local stack is still up: `npm run stack -- down` stops it.');
  };
  process.on('SIGINT', () => void stopAll('Ctrl-C').then(() => process.exit(0)));
  process.on('SIGTERM', () => void stopAll('SIGTERM').then(() => process.exit(0)));

  const report = async (list: RunningService[]) => {
    const healthy = await Promise.all(list.map((s) => waitHealthy(s, 90_000)));
    const failed = list.filter((_, i) => !healthy[i]);
    for (const s of failed) {
      console.error(
        `\n${s.spec.name} did not become healthy; /health says ${JSON.stringify((await healthOf(s.spec.port)).body)}`,
      );
      console.error(`last lines of ${s.logPath}:\n${logTail(s.logPath)}`);
    }
    return failed.length === 0;
  };
  if (!(await report(running))) {
    await stopAll('start-up failed');
    return 1;
  }
  const generatorSpec = specs.find((s) => s.name === 'generator');
  if (generatorSpec) {
    const generator = supervisor.start(generatorSpec);
    running.push(generator);
    if (!(await report([generator]))) {
      await stopAll('start-up failed');
      return 1;
    }
  }
  console.log('\napp         port  health  log');
  for (const s of running)
    console.log(`${s.spec.name.padEnd(11)} ${String(s.spec.port).padEnd(5)} up      ${s.logPath}`);
  const api = SERVICES.find((s) => s.name === 'api');
  console.log(
    `\nwhere to look: ${api ? `live page http://127.0.0.1:${api.port}/ , API http://127.0.0.1:${api.port}/docs , ` : ''}` +
      `Elasticsearch ${config.ES_URL}/${config.ES_INDEX_PREFIX}-customers/_search , /health and /metrics on each app. Ctrl-C stops the apps.\n`,
  );

  const kafka = createKafka(config, 'start');
  const redis = createRedis(config);
  const es = createElasticsearch(config);
  const topics = topicNames(config.TOPIC_PREFIX);
  const customersIndex = indexNames(config.ES_INDEX_PREFIX).customers;
  let previous: { at: number; events: number } | null = null;
  const progress = async () => {
    const events = (await topicSizes(kafka, [topics.activity]))[topics.activity] ?? 0;
    const now = Date.now();
    const rate = previous ? ((events - previous.events) * 1000) / (now - previous.at) : 0;
    previous = { at: now, events };
    const watermarks = await redis.mget(
      Array.from(
        { length: config.ACTIVITY_PARTITIONS },
        (_, p) => `${config.REDIS_KEY_PREFIX}${config.TOPIC_PREFIX}:{p${p}}:wm`,
      ),
    );
    const wm = Math.max(...watermarks.map((w) => Number(w ?? -1)));
    const lags = await pipelineLag(kafka, config.TOPIC_PREFIX, { evaluator: true });
    const churned = await es
      .count({ index: customersIndex, query: { term: { churned: true } }, ignore_unavailable: true })
      .then((r) => r.count)
      .catch(() => 0);
    const customers = await es
      .count({ index: customersIndex, ignore_unavailable: true })
      .then((r) => r.count)
      .catch(() => 0);
    console.log(
      `simulated ${wm > 0 ? new Date(wm).toISOString().slice(0, 16).replace('T', ' ') : '-'}  ` +
        `${Math.round(rate)} events/s  lag ${lags.map((l) => `${l.group.split('.').at(-1) ?? ''}=${l.lag}`).join(' ')}  ` +
        `churned ${churned}/${customers} customers`,
    );
  };
  const timer = setInterval(() => {
    progress().catch((error: unknown) => {
      console.log(`progress unavailable: ${error instanceof Error ? error.message : String(error)}`);
    });
  }, 3_000);

  const reason = await supervisor.gaveUp;
  clearInterval(timer);
  await redis.quit();
  await es.close();
  if (!stopping) {
    console.error(`\n${reason}; stopping the run`);
    await stopAll('an app keeps crashing');
    return 1;
  }
  return 0;
}

runMain('start', main, { hint: '(npm start -- --help lists the options)' });
