import { readFileSync } from 'node:fs';
import { numberOption } from '@churnstream/cli-options';
import { type PopulationArgs, populationArgs } from './pipeline.model';

/** The options `npm start` and `npm run simulate` share: the population and the generator's pace. */
export const RUN_OPTIONS = {
  customers: { type: 'string', default: '10000' },
  sessions: { type: 'string', default: '100000' },
  seed: { type: 'string', default: '42' },
  speed: { type: 'string' },
  rate: { type: 'string' },
  'max-speed': { type: 'boolean' },
  'warm-up-days': { type: 'string' },
  /** A scenario file for the streamed population (the model is still trained on the default one). */
  scenario: { type: 'string' },
  /** A dataset folder (cli generate or cli import) to replay instead of generating the population. */
  from: { type: 'string' },
} as const;

export interface RunValues {
  customers: string;
  sessions: string;
  seed: string;
  speed?: string | undefined;
  rate?: string | undefined;
  'max-speed'?: boolean | undefined;
  'warm-up-days'?: string | undefined;
  scenario?: string | undefined;
  from?: string | undefined;
}

export function populationOf(values: RunValues): PopulationArgs {
  const positive = (name: string, value: string): number =>
    numberOption(name, value, { integer: true, min: 1 }, 0);
  return {
    customers: positive('customers', values.customers),
    sessions: positive('sessions', values.sessions),
    seed: positive('seed', values.seed),
  };
}

/**
 * The generator's command line for this population and pace (`fallback` when no pace was given;
 * `warmUpDays` when the pace is a simulated speed and --warm-up-days was not given).
 */
export function generatorArgs(
  population: PopulationArgs,
  values: RunValues,
  fallback: string[],
  warmUpDays?: string,
): string[] {
  const pace = values.rate
    ? ['--rate', values.rate]
    : values.speed
      ? ['--speed', values.speed]
      : values['max-speed']
        ? ['--max-speed']
        : fallback;
  const warmUp = values['warm-up-days'] ?? warmUpDays;
  return [
    ...(values.from !== undefined ? ['--from', values.from] : populationArgs(population)),
    ...pace,
    ...(pace[0] === '--speed' && warmUp !== undefined ? ['--warm-up-days', warmUp] : []),
    ...(values.scenario !== undefined ? ['--scenario', values.scenario] : []),
  ];
}

/** The last lines of a log file, for start-up failures. */
export function logTail(path: string, lines = 30): string {
  try {
    return readFileSync(path, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
