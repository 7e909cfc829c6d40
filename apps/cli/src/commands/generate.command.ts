/**
 * `generate`: writes the batch dataset (customers, sessions, truth, manifest) of a simulated shop.
 * Parses and validates options, reads the scenario file, then hands over to the dataset writer; it
 * only adds the progress line and the summary.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  choiceOption,
  instantOption,
  numberOption,
  parseOptions,
  usageError,
} from '@churnstream/cli-options';
import { writeBatchDataset } from '@churnstream/dataset-writer';
import {
  DEFAULT_GENERATE_OPTIONS,
  generatePopulation,
  resolveScenario,
  scenarioFromJson,
  type Scenario,
} from '@churnstream/simulation';
import type { CliCommand } from '../cli.command';

const HELP = `usage: npm run cli -- generate [options]

  --customers N       customers to generate (default ${DEFAULT_GENERATE_OPTIONS.customers})
  --sessions N        sessions to generate, exactly (default ${DEFAULT_GENERATE_OPTIONS.sessions})
  --seed N            random seed, 0..4294967295 (default ${DEFAULT_GENERATE_OPTIONS.seed})
  --out DIR           output directory (default out/dataset)
  --snapshot-at ISO   the run's "now": sessions end by it, churn is measured at it
                      (default ${DEFAULT_GENERATE_OPTIONS.snapshotAt})
  --scenario FILE     JSON file overriding any knob of the behavioural model
  --format csv|ndjson file format (default csv)
  --dirty RATE        share of rows to corrupt, 0..1 (default 0); counts go to manifest.json`;

function loadScenario(file: string | undefined): Scenario {
  if (file === undefined) return resolveScenario({});
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw usageError(`--scenario ${file}: ${(cause as Error).message}`, cause);
  }
  return scenarioFromJson(text, `--scenario ${file}`);
}

/** A line on stderr at most every 2 s: the phase, how far it is, its rate and ETA. */
function progressLine(): (phase: string, done: number, total: number) => void {
  let phaseName = '';
  let phaseStarted = performance.now();
  let last = phaseStarted;
  return (phase, done, total) => {
    const now = performance.now();
    if (phase !== phaseName) {
      // A rate over a phase's first few records means nothing: report from 2 s into the phase.
      phaseName = phase;
      phaseStarted = now;
      last = now;
    }
    if (now - last < 2000) return;
    last = now;
    const secs = (now - phaseStarted) / 1000;
    const rate = done / Math.max(secs, 1e-3);
    const eta = rate > 0 ? (total - done) / rate : 0;
    process.stderr.write(
      `generate: ${phase} ${done.toLocaleString('en')}/${total.toLocaleString('en')} ` +
        `(${((100 * done) / Math.max(total, 1)).toFixed(1)}%) ${Math.round(rate).toLocaleString('en')}/s ` +
        `ETA ${eta.toFixed(0)}s\n`,
    );
  };
}

function generate(argv: string[]): number {
  const { values } = parseOptions(argv, {
    customers: { type: 'string' },
    sessions: { type: 'string' },
    seed: { type: 'string' },
    out: { type: 'string' },
    'snapshot-at': { type: 'string' },
    scenario: { type: 'string' },
    format: { type: 'string' },
    dirty: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help === true) {
    console.log(HELP);
    return 0;
  }
  const format = choiceOption('format', values.format, ['csv', 'ndjson'], 'csv');
  const dirtyRate = numberOption('dirty', values.dirty, { min: 0, max: 1 }, 0);
  const snapshotAt =
    instantOption('snapshot-at', values['snapshot-at']) ?? DEFAULT_GENERATE_OPTIONS.snapshotAt;
  const integer = (name: string, value: string | undefined, fallback: number): number =>
    numberOption(name, value, { integer: true, min: 0 }, fallback);
  const outDir = resolve(values.out ?? 'out/dataset');

  const started = performance.now();
  const customers = integer('customers', values.customers, DEFAULT_GENERATE_OPTIONS.customers);
  const sessions = integer('sessions', values.sessions, DEFAULT_GENERATE_OPTIONS.sessions);
  process.stderr.write(`generate: drawing ${customers.toLocaleString('en')} customers and their traits\n`);
  const population = generatePopulation({
    customers,
    sessions,
    seed: numberOption(
      'seed',
      values.seed,
      { integer: true, min: 0, max: 4294967295 },
      DEFAULT_GENERATE_OPTIONS.seed,
    ),
    snapshotAt,
    scenario: loadScenario(values.scenario),
  });
  const { manifest, manifestPath, meanSpend } = writeBatchDataset({
    population,
    outDir,
    format,
    dirtyRate,
    onProgress: progressLine(),
  });
  const secs = (performance.now() - started) / 1000;

  const lines = [
    `generate: ${manifest.counts.customers.toLocaleString('en')} customers, ` +
      `${manifest.counts.sessions.toLocaleString('en')} sessions, seed ${manifest.seed}, ${format}, in ${secs.toFixed(2)} s`,
    `  window ${manifest.window_start} .. ${manifest.window_end} (snapshot_at), churn window ${manifest.churn_window_days} days`,
    `  churned ${manifest.label.churned.toLocaleString('en')} (${(100 * manifest.label.churn_rate).toFixed(1)}%); ` +
      `mean spend churned ${meanSpend.churned.toFixed(2)} vs active ${meanSpend.active.toFixed(2)}`,
  ];
  for (const [name, f] of Object.entries(manifest.files)) {
    lines.push(
      `  ${name.padEnd(16)} ${f.rows.toLocaleString('en').padStart(12)} rows  sha256 ${f.sha256.slice(0, 16)}…`,
    );
  }
  if (dirtyRate > 0) {
    for (const table of ['customers', 'sessions'] as const) {
      const d = manifest.dirty[table];
      const kinds = Object.entries(d.injected)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ');
      lines.push(`  dirty ${table}: ${kinds}`);
    }
  }
  lines.push(`  manifest ${manifestPath}`);
  console.log(lines.join('\n'));
  return 0;
}

export const command: CliCommand = {
  summary: 'write the simulated batch dataset (customers, sessions, truth, manifest)',
  // Settled as a promise so that option errors reject rather than throw synchronously.
  run: (argv) => Promise.resolve(argv).then(generate),
};
