/**
 * `npm run bench -- backlog [--events N] [--json]`: memory under backlog. Streams a population of
 * about N events (default 200,000) onto Kafka with no consumer running, then starts features,
 * scoring and the indexer on that lag and samples each one's resident memory (VmRSS from
 * /proc/<pid>/status) every second while they drain. Bounded memory means flat RSS: the figures
 * are RSS once all three are healthy (the whole backlog ahead of them), at the middle of the drain,
 * at the end, and the peak, per app. Needs the local stack up; uses its own topics, groups, keys and indices.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig } from '@churnstream/config';
import { topicNames } from '@churnstream/contracts';
import { createKafka, ensureTopics, pipelineLag, topicSpecs } from '@churnstream/kafka';
import { createElasticsearch } from '@churnstream/elasticsearch';
import { deleteSearchIndices } from '@churnstream/search';
import { ensureModel } from '../tools/pipeline/pipeline.model';
import { resetRun } from '../tools/pipeline/pipeline.reset';
import { waitCaughtUp } from '../tools/pipeline/pipeline.progress';
import { SERVICES } from '../tools/start/services';
import { type RunningService, startService, stopService, waitHealthy } from '../tools/start/supervisor';
import { renderTable } from '../tools/stack/table.util';
import type { Benchmark } from './benchmark';

const root = new URL('../', import.meta.url).pathname;
const PREFIX = 'churnstream-backlog';
const APPS = ['features', 'scoring', 'indexer'];

function rssMb(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('VmRSS:'));
    return line ? Number(line.split(/\s+/)[1]) / 1024 : null;
  } catch {
    return null;
  }
}

interface Sample {
  atMs: number;
  lag: number;
  rss: Record<string, number | null>;
}

export const bench: Benchmark = {
  summary: 'consumer RSS while a 200,000-event backlog drains (flat means bounded)',
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      options: { events: { type: 'string', default: '200000' }, json: { type: 'boolean' } },
    });
    const events = Number(values.events);
    // customers + sessions + ticks (one a simulated day, on each of 3 partitions) ~ events.
    const customers = Math.max(100, Math.round(events / 40));
    const population = { customers, sessions: events - customers - 360, seed: 5 };
    const env = {
      ...process.env,
      TOPIC_PREFIX: PREFIX,
      REDIS_KEY_PREFIX: `${PREFIX}:`,
      ES_INDEX_PREFIX: PREFIX,
    };
    const config = loadConfig(env);
    ensureModel(root, config.MODEL_PATH, { customers: 10_000, sessions: 100_000, seed: 42 });
    const kafka = createKafka(config, PREFIX);
    const es = createElasticsearch(config);
    await resetRun(config);
    await deleteSearchIndices(es, PREFIX);
    await ensureTopics(kafka, topicSpecs(topicNames(PREFIX), config.ACTIVITY_PARTITIONS));
    const spec = (name: string, port: number) => {
      const found = SERVICES.find((s) => s.name === name);
      if (!found) throw new Error(`no ${name} app`);
      return { ...found, port };
    };

    console.log(`building the backlog: ${customers} customers, ${population.sessions} sessions ...`);
    const generator = startService(
      root,
      {
        ...spec('generator', 3230),
        args: [
          '--customers',
          String(customers),
          '--sessions',
          String(population.sessions),
          '--seed',
          '5',
          '--max-speed',
          '--tick-hours',
          '24',
        ],
      },
      env,
    );
    if ((await generator.exited) !== 0) throw new Error(`generator failed (log ${generator.logPath})`);
    const backlog = (await pipelineLag(kafka, PREFIX)).find((l) => l.group.endsWith('.features'))?.lag ?? 0;
    console.log(`backlog: ${backlog} events on ${topicNames(PREFIX).activity}; starting the consumers`);

    const running: RunningService[] = APPS.map((name, i) => startService(root, spec(name, 3231 + i), env));
    const samples: Sample[] = [];
    const started = Date.now();
    try {
      for (const s of running)
        if (!(await waitHealthy(s, 120_000))) throw new Error(`${s.spec.name} not healthy`);
      let lastLine = 0;
      await waitCaughtUp(kafka, config, {
        timeoutMs: 1_800_000,
        onPoll: (lags) => {
          const lag = lags.reduce((n, l) => n + l.lag, 0);
          const rss = Object.fromEntries(running.map((s) => [s.spec.name, rssMb(s.child.pid)]));
          samples.push({ atMs: Date.now() - started, lag, rss });
          if (Date.now() - lastLine > 10_000) {
            lastLine = Date.now();
            const parts = running.map((s) => `${s.spec.name} ${rss[s.spec.name]?.toFixed(0) ?? '-'} MB`);
            console.log(
              `${((Date.now() - started) / 1000).toFixed(0)} s  lag ${lag}  RSS ${parts.join('  ')}`,
            );
          }
        },
      });
    } finally {
      await Promise.all(running.map((s) => stopService(s)));
      await es.close();
    }
    const drainSeconds = (Date.now() - started) / 1000;
    const at = (fraction: number) =>
      samples[Math.min(samples.length - 1, Math.floor(fraction * samples.length))];
    const figures = APPS.map((name) => {
      const series = samples.map((s) => s.rss[name]).filter((v): v is number => v !== null);
      return {
        app: name,
        rss_start_mb: Math.round(series[0] ?? 0),
        rss_mid_mb: Math.round(at(0.5)?.rss[name] ?? 0),
        rss_end_mb: Math.round(at(1)?.rss[name] ?? 0),
        rss_peak_mb: Math.round(Math.max(...series)),
      };
    });
    console.log(
      `\n${renderTable(
        ['app', 'RSS at start (MB)', 'mid-drain', 'end', 'peak'],
        figures.map((f) => [
          f.app,
          String(f.rss_start_mb),
          String(f.rss_mid_mb),
          String(f.rss_end_mb),
          String(f.rss_peak_mb),
        ]),
      )}`,
    );
    console.log(
      `\nbacklog of ${backlog} events drained in ${drainSeconds.toFixed(0)} s (${samples.length} samples, shared machine)`,
    );
    if (values.json)
      console.log(
        JSON.stringify({ bench: 'backlog', backlog, drain_seconds: Math.round(drainSeconds), apps: figures }),
      );
    return 0;
  },
};
