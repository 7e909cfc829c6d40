/**
 * `npm run bench -- <name> [options]`: performance lives here, never in tests. Each benchmark is
 * `<name>.bench.ts` exporting `bench: Benchmark`, and prints its figures as ratios against a
 * baseline measured in the same run (the machine is small and noisy, absolute times drift).
 */
import { readdirSync } from 'node:fs';
import { runMain, usageError } from '@churnstream/cli-options';
import type { Benchmark } from './benchmark';

const dir = new URL('./', import.meta.url);
const names = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.replace(/\.bench\.ts$/, ''))
  .sort();

async function run(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help') {
    console.log(`usage: npm run bench -- <${names.join('|')}|all> [options]`);
    return name === undefined ? 1 : 0;
  }
  const selected = name === 'all' ? names : [name];
  for (const n of selected) {
    if (!names.includes(n)) {
      throw usageError(`unknown benchmark "${n}" (benchmarks: ${names.join(', ')})`);
    }
    const mod = (await import(new URL(`${n}.bench.ts`, dir).href)) as { bench: Benchmark };
    console.log(`\n== bench ${n}: ${mod.bench.summary}`);
    const code = await mod.bench.run(rest);
    if (code !== 0) return code;
  }
  return 0;
}

runMain('bench', () => run(process.argv.slice(2)));
