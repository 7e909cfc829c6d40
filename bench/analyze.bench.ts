/**
 * `npm run bench -- analyze [--in DIR] [--runs N]`: the whole analyze command (load, quality,
 * cleaning, derived files, statistics, charts, HTML) on the default dataset (10,000 customers,
 * 100,000 sessions, generated into a temp folder; goal under 5 s) and, with --in, on another dataset
 * folder such as 10,000,000 sessions. The baseline, measured in the same run on the same files, is
 * the least any analysis must do: DuckDB reading both CSV files once (SELECT count(*) over read_csv).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { analyze } from '@churnstream/analytics';
import { writeBatchDataset } from '@churnstream/dataset-writer';
import { generatePopulation } from '@churnstream/simulation';
import { JSON_OPTION, medianMs, printJson, type Benchmark } from './benchmark';

const GOAL_MS = 5000;

async function scanBaseline(dir: string): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    for (const file of ['customers.csv', 'sessions.csv']) {
      await connection.runAndReadAll(
        `SELECT count(*) FROM read_csv('${join(dir, file).replaceAll("'", "''")}', header = true, all_varchar = true)`,
      );
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

async function measure(
  label: string,
  dir: string,
  out: string,
  runs: number,
): Promise<{ ms: number; ratio: number }> {
  const baseline = await medianMs(() => scanBaseline(dir), runs, 1);
  const ms = await medianMs(() => analyze({ inDir: dir, outDir: out, log: null }), runs, runs > 1 ? 1 : 0);
  const ratio = ms / baseline;
  console.log(
    `${label.padEnd(28)} analyze ${(ms / 1000).toFixed(2).padStart(7)} s   baseline scan ${(baseline / 1000).toFixed(2).padStart(6)} s   ratio ${ratio.toFixed(1).padStart(5)}x   (median of ${runs})`,
  );
  return { ms, ratio };
}

export const bench: Benchmark = {
  summary: 'analyze on the default dataset (goal < 5 s) and on --in DIR, vs a DuckDB scan of the same files',
  async run(argv: string[]): Promise<number> {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      options: { in: { type: 'string' }, runs: { type: 'string' }, ...JSON_OPTION },
    });
    const runs = Number(values.runs ?? 3);
    const work = mkdtempSync(join(tmpdir(), 'churnstream-analyze-bench-'));
    try {
      const dataset = join(work, 'dataset');
      const population = generatePopulation({ customers: 10_000, sessions: 100_000, seed: 42 });
      writeBatchDataset({ population, outDir: dataset });
      const small = await measure('default (100,000 sessions)', dataset, join(work, 'report'), runs);
      console.log(
        `  goal < ${GOAL_MS / 1000} s: ${small.ms < GOAL_MS ? 'met' : 'NOT met'} (${(small.ms / 1000).toFixed(2)} s on this machine now)`,
      );
      let big: { ms: number; ratio: number } | null = null;
      if (values.in !== undefined) {
        big = await measure(`--in ${values.in}`, values.in, join(work, 'report-in'), 1);
        console.log(
          `  per-byte cost vs the default dataset: ${(big.ratio / small.ratio).toFixed(2)}x of its ratio`,
        );
      }
      printJson(values.json, 'analyze', {
        default: { ms: small.ms, ratio_to_scan: small.ratio, goal_ms: GOAL_MS, met: small.ms < GOAL_MS },
        in: big === null ? null : { dir: values.in, ms: big.ms, ratio_to_scan: big.ratio },
      });
      return 0;
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  },
};
