/**
 * `load`: bulk-loads a batch dataset (and optionally the batch scores of `score`) into the indices,
 * mappings and document ids the pipeline writes, so the API, the live page, the canned queries and the
 * dashboards work on it unchanged. The work is libs/bulk-load's `loadDataset`; this command parses
 * options, shows progress and prints the summary.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadDataset, type LoadProgress } from '@churnstream/bulk-load';
import { loadConfig } from '@churnstream/config';
import { createElasticsearch } from '@churnstream/elasticsearch';
import { AppError } from '@churnstream/errors';
import { searchIndexNames } from '@churnstream/search';
import type { CliCommand } from '../cli.command';

const HELP = `usage: npm run cli -- load --in DIR [--scores FILE] [options]

  --in DIR            dataset folder (customers.csv, sessions.csv, manifest.json)
  --scores FILE       batch scores written by \`score\` (customer_id,churn_probability,churn_predicted,
                      threshold,model_version): each scored customer gets its document (written
                      whole from the score, as the pipeline does) and a scores document; without
                      it only the sessions are loaded
  --concurrency N     bulk requests in flight (default 3)
  --batch N           operations per bulk request (default 2000; at most 5 MB each)

Writes to ES_URL under ES_INDEX_PREFIX (the environment, as every app). Re-running it rewrites the
same documents (same ids): nothing is duplicated.`;

function positive(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < 1) {
    throw new AppError('CONFIG_INVALID', `--${name}: expected a positive integer, got "${value}"`);
  }
  return n;
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en');

function progressLine(): (p: LoadProgress) => void {
  return (p) => {
    const rate = p.written / Math.max(p.seconds, 1e-3);
    const eta = rate > 0 ? Math.max(0, (p.total - p.written) / rate) : 0;
    process.stderr.write(
      `\rload: ${p.phase.padEnd(9)} ${fmt(p.written)}/${fmt(p.total)} docs  ${fmt(rate)} docs/s  ` +
        `elapsed ${p.seconds.toFixed(0)}s  ETA ${eta.toFixed(0)}s   `,
    );
  };
}

export const command: CliCommand = {
  summary: 'bulk-load a dataset (and batch scores) into the pipeline’s Elasticsearch indices',
  async run(argv: string[]): Promise<number> {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        in: { type: 'string' },
        scores: { type: 'string' },
        concurrency: { type: 'string' },
        batch: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help === true) {
      console.log(HELP);
      return 0;
    }
    if (values.in === undefined) throw new AppError('CONFIG_INVALID', `--in is required\n\n${HELP}`);
    const dir = resolve(values.in);
    if (!existsSync(dir)) throw new AppError('CONFIG_INVALID', `--in ${dir}: no such dataset folder`);
    const scoresFile = values.scores === undefined ? undefined : resolve(values.scores);
    if (scoresFile !== undefined && !existsSync(scoresFile)) {
      throw new AppError('CONFIG_INVALID', `--scores ${scoresFile}: no such file`);
    }
    const concurrency = positive('concurrency', values.concurrency, 3);
    const batchOperations = positive('batch', values.batch, 2_000);
    const config = loadConfig();
    const client = createElasticsearch(config);
    try {
      const summary = await loadDataset({
        dir,
        ...(scoresFile === undefined ? {} : { scoresFile }),
        client,
        prefix: config.ES_INDEX_PREFIX,
        concurrency,
        batchOperations,
        onProgress: progressLine(),
      });
      process.stderr.write('\n');
      const names = searchIndexNames(config.ES_INDEX_PREFIX);
      const d = summary.documents;
      const lines = [
        `load: ${dir} -> ${config.ES_URL} in ${summary.seconds.toFixed(1)} s ` +
          `(${fmt(summary.written / Math.max(summary.seconds, 1e-3))} docs/s, ${concurrency} requests in flight)`,
        `  ${names.sessions.padEnd(28)} ${fmt(d.sessions)} documents`,
        `  ${names.customers.padEnd(28)} ${fmt(d.customers)} documents`,
        `  ${names.scores.padEnd(28)} ${fmt(d.scores)} documents${scoresFile === undefined ? ' (no --scores)' : ''}`,
        `  written ${fmt(summary.written)}, rejected ${fmt(summary.rejected)}; ${fmt(summary.requests)} bulk requests, ${fmt(summary.retries)} retries`,
        ...Object.entries(summary.rejectedByReason).map(([reason, n]) => `  rejected ${fmt(n)}: ${reason}`),
        ...summary.firstRejections.map((r) => `    ${r.where}: ${r.reason}`),
      ];
      console.log(lines.join('\n'));
      return 0;
    } finally {
      await client.close();
    }
  },
};
