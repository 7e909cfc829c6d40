import { readFileSync } from 'node:fs';
import { instantOption, numberOption, parseOptions, usageError } from '@churnstream/cli-options';
import { scenarioFromJson } from '@churnstream/simulation';
import type { StreamOptions } from '@churnstream/replay';

export const GENERATOR_HELP = `usage: generator [options]
  --customers N      customers in the population (default 10000)
  --sessions N       sessions in the population (default 100000)
  --seed N           the one seed every random choice flows from (default 42)
  --snapshot-at ISO  the simulated "now" the population ends at (default 2026-06-30T00:00:00Z)
  --scenario FILE    JSON overrides of the behaviour model's knobs
  --from DIR         replay a dataset folder (cli generate or cli import wrote it) instead of
                     generating a population: its customers and sessions in event-time order,
                     ticks from its window_start to its snapshot_at
  --speed X          simulated seconds per real second (e.g. 86400 = one day per second)
  --rate N           events per real second, held steady
  --max-speed        as fast as the broker takes them (the default when neither --speed nor --rate)
  --warm-up-days D   with --speed: send the first D days of the window at once too, so the churn
                     rule has D days of purchase history when the paced part starts (default 0)
  --tick-hours H     simulated hours between clock ticks (default 1)
  --limit N          stop after N events
  --duration S       stop after S real seconds
  --idle             start the service (health, metrics) without streaming
  --stay             keep serving /health and /metrics after the stream ends
  --help             this text`;

export interface GeneratorArgs {
  stream: Omit<StreamOptions, 'partitions' | 'onProgress' | 'signal'>;
  /** The dataset folder to replay instead of the population. */
  from: string | null;
  idle: boolean;
  stay: boolean;
  help: boolean;
}

const positive = (name: string, value: string | undefined, integer: boolean): number | undefined =>
  numberOption(name, value, { integer, above: 0 });

/** Parses the generator's command line; errors name the option. */
export function parseGeneratorArgs(argv: string[]): GeneratorArgs {
  const { values } = parseOptions(argv, {
    customers: { type: 'string' },
    sessions: { type: 'string' },
    seed: { type: 'string' },
    'snapshot-at': { type: 'string' },
    scenario: { type: 'string' },
    from: { type: 'string' },
    speed: { type: 'string' },
    rate: { type: 'string' },
    'max-speed': { type: 'boolean' },
    'warm-up-days': { type: 'string' },
    'tick-hours': { type: 'string' },
    limit: { type: 'string' },
    duration: { type: 'string' },
    idle: { type: 'boolean' },
    stay: { type: 'boolean' },
    help: { type: 'boolean' },
  });
  const speed = positive('speed', values.speed, false);
  const rate = positive('rate', values.rate, false);
  if ([speed !== undefined, rate !== undefined, values['max-speed'] === true].filter(Boolean).length > 1) {
    throw usageError('--speed, --rate and --max-speed exclude each other: pick one');
  }
  const warmUpDays = numberOption('warm-up-days', values['warm-up-days'], { min: 0 }, 0);
  if (warmUpDays > 0 && speed === undefined) {
    throw usageError('--warm-up-days: only applies with --speed');
  }
  if (values.from !== undefined) {
    const population = (['customers', 'sessions', 'seed', 'snapshot-at', 'scenario'] as const).find(
      (name) => values[name] !== undefined,
    );
    if (population !== undefined)
      throw usageError(`--${population}: describes a generated population; --from replays a folder instead`);
    if (values.from.trim() === '') throw usageError('--from: expected a dataset folder');
  }
  const seed = numberOption('seed', values.seed, { integer: true }, 42);
  const snapshotAt = instantOption('snapshot-at', values['snapshot-at']);
  let scenario;
  if (values.scenario !== undefined) {
    let text: string;
    try {
      text = readFileSync(values.scenario, 'utf8');
    } catch (cause) {
      throw usageError(`--scenario: cannot read ${values.scenario}`, cause);
    }
    scenario = scenarioFromJson(text, values.scenario);
  }
  const limit = positive('limit', values.limit, true);
  const durationSeconds = positive('duration', values.duration, false);
  return {
    idle: values.idle === true,
    stay: values.stay === true,
    help: values.help === true,
    from: values.from ?? null,
    stream: {
      population: {
        customers: positive('customers', values.customers, true) ?? 10_000,
        sessions: positive('sessions', values.sessions, true) ?? 100_000,
        seed,
        ...(snapshotAt !== undefined ? { snapshotAt } : {}),
        ...(scenario !== undefined ? { scenario } : {}),
      },
      pace:
        speed !== undefined
          ? { kind: 'speed', factor: speed }
          : rate !== undefined
            ? { kind: 'rate', eventsPerSecond: rate }
            : { kind: 'max' },
      warmUpDays,
      tickEveryMs: (positive('tick-hours', values['tick-hours'], false) ?? 1) * 3_600_000,
      ...(limit !== undefined ? { limit } : {}),
      ...(durationSeconds !== undefined ? { durationSeconds } : {}),
    },
  };
}
