import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('../../', import.meta.url).pathname;

/** Generates a small population and trains a small model with the real CLI; returns the model path. */
export function trainSmallModel(options: { customers?: number; sessions?: number; trees?: number } = {}): {
  dir: string;
  dataset: string;
  model: string;
} {
  const dir = mkdtempSync(join(tmpdir(), 'churnstream-model-'));
  const dataset = join(dir, 'dataset');
  const out = join(dir, 'model');
  const cli = (args: string[]) => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'apps/cli/src/main.ts', ...args], {
      cwd: root,
      encoding: 'utf8',
    });
    if (result.status !== 0)
      throw new Error(`cli ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  };
  cli([
    'generate',
    '--customers',
    String(options.customers ?? 500),
    '--sessions',
    String(options.sessions ?? 5_000),
    '--out',
    dataset,
  ]);
  cli(['train', '--in', dataset, '--out', out, '--trees', String(options.trees ?? 10)]);
  return { dir, dataset, model: join(out, 'model.json') };
}
