import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface PopulationArgs {
  customers: number;
  sessions: number;
  seed: number;
}

/** The population as command-line options, as `generate` and the generator both take them. */
export function populationArgs(population: PopulationArgs): string[] {
  return [
    '--customers',
    String(population.customers),
    '--sessions',
    String(population.sessions),
    '--seed',
    String(population.seed),
  ];
}

/**
 * Makes sure a model file exists at `modelPath`: when it does not, generates the batch dataset of the
 * same population (same seed and counts) and trains on it with the CLI, so the live scorer and the
 * batch commands use the same artifact format and feature function. With `from` (a dataset folder
 * the run replays) it trains on that folder instead.
 */
export function ensureModel(
  root: string,
  modelPath: string,
  population: PopulationArgs,
  from?: string,
): 'present' | 'trained' {
  if (existsSync(modelPath)) return 'present';
  const dataset =
    from ??
    join(root, '.stack', 'datasets', `seed${population.seed}-${population.customers}x${population.sessions}`);
  const cli = (args: string[]) => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'apps/cli/src/main.ts', ...args], {
      cwd: root,
      stdio: 'inherit',
    });
    if (result.status !== 0)
      throw new Error(`npm run cli -- ${args.join(' ')} failed (exit ${result.status})`);
  };
  if (!existsSync(join(dataset, 'manifest.json'))) {
    cli(['generate', ...populationArgs(population), '--out', dataset]);
  }
  cli(['train', '--in', dataset, '--out', dirname(modelPath), '--seed', String(population.seed)]);
  return 'trained';
}
