/**
 * `npm run bench -- startup [--runs N] [--apps a,b] [--json]`: each app started from source (node --import tsx)
 * and from the build (`nest build`, plain node), alternately, against the running local stack:
 * wall time and CPU time until /health answers 200, and resident memory then. CPU time is the
 * steadier figure on a shared machine; the ratio compiled/source is measured in the same run.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { allTopics, topicNames } from '@churnstream/contracts';
import { loadConfig } from '@churnstream/config';
import { createKafka, deleteTopics } from '@churnstream/kafka';
import { compiledEntry, nestBuild } from '../tools/build/build.output';
import { ensureModel } from '../tools/pipeline/pipeline.model';
import { SERVICES, type ServiceSpec } from '../tools/start/services';
import { healthOf, startService, stopService } from '../tools/start/supervisor';
import { renderTable } from '../tools/stack/table.util';
import type { Benchmark } from './benchmark';

const root = new URL('../', import.meta.url).pathname;
const TICKS_PER_SECOND = 100;

interface Sample {
  wallMs: number;
  cpuMs: number;
  rssMb: number;
}

/** utime + stime of a process, from /proc (Linux), in milliseconds. */
function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}

function rssMbOf(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) / 1024;
}

async function startOnce(spec: ServiceSpec, env: NodeJS.ProcessEnv): Promise<Sample> {
  const started = performance.now();
  const service = startService(root, spec, env);
  const pid = service.child.pid ?? 0;
  try {
    const deadline = Date.now() + 300_000;
    while (!(await healthOf(spec.port)).ok) {
      if (Date.now() > deadline || service.child.exitCode !== null)
        throw new Error(`${spec.name} (${spec.entry}) did not become healthy; log: ${service.logPath}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return { wallMs: performance.now() - started, cpuMs: cpuMsOf(pid), rssMb: rssMbOf(pid) };
  } finally {
    await stopService(service);
  }
}

const median = (xs: number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

export const bench: Benchmark = {
  summary: 'each app to healthy from source (tsx) vs from the build (nest build): wall, CPU time and RSS',
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        runs: { type: 'string', default: '3' },
        apps: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
    });
    const runs = Number(values.runs);
    const build = nestBuild(root);
    if (!build.ok) {
      console.error(build.output);
      return 1;
    }
    // scoring needs a model to start: a small one of its own, trained once and kept.
    const model = join(root, '.stack', 'bench', 'startup-model', 'model.json');
    ensureModel(root, model, { customers: 1000, sessions: 10_000, seed: 42 });
    const prefix = `bench-startup-${Date.now()}`;
    const env = {
      ...process.env,
      NODE_OPTIONS: '',
      TOPIC_PREFIX: prefix,
      ES_INDEX_PREFIX: prefix,
      MODEL_PATH: model,
    };
    const results: Record<string, { source: Sample; compiled: Sample }> = {};
    try {
      const only = values.apps?.split(',');
      for (const [i, spec] of SERVICES.entries()) {
        if (only && !only.includes(spec.name)) continue;
        const args = spec.name === 'generator' ? ['--idle'] : [];
        const samples = { source: [] as Sample[], compiled: [] as Sample[] };
        for (let r = 0; r < runs; r++) {
          samples.source.push(await startOnce({ ...spec, port: 3970 + i, args }, env));
          samples.compiled.push(
            await startOnce({ ...spec, entry: compiledEntry(spec.entry), port: 3970 + i, args }, env),
          );
          process.stdout.write(`\r${spec.name}: run ${r + 1}/${runs}   `);
        }
        const pick = (xs: Sample[]): Sample => ({
          wallMs: median(xs.map((x) => x.wallMs)),
          cpuMs: median(xs.map((x) => x.cpuMs)),
          rssMb: median(xs.map((x) => x.rssMb)),
        });
        results[spec.name] = { source: pick(samples.source), compiled: pick(samples.compiled) };
        process.stdout.write(`${JSON.stringify(results[spec.name])}\n`);
      }
    } finally {
      await deleteTopics(createKafka(loadConfig(env), 'bench'), allTopics(topicNames(prefix)));
    }
    process.stdout.write('\n');
    const f = (n: number) => n.toFixed(0);
    const ratio = (a: number, b: number) => (a / b).toFixed(2);
    console.log(
      renderTable(
        [
          'app',
          'wall ms src',
          'wall ms dist',
          'CPU ms src',
          'CPU ms dist',
          'CPU dist/src',
          'RSS MB src',
          'RSS MB dist',
        ],
        Object.entries(results).map(([name, { source: s, compiled: c }]) => [
          name,
          f(s.wallMs),
          f(c.wallMs),
          f(s.cpuMs),
          f(c.cpuMs),
          ratio(c.cpuMs, s.cpuMs),
          f(s.rssMb),
          f(c.rssMb),
        ]),
      ),
    );
    console.log(`medians of ${runs} alternating runs per app and mode, Node ${process.versions.node}`);
    if (values.json)
      console.log(JSON.stringify({ bench: 'startup', runs, node: process.versions.node, results }));
    return 0;
  },
};
