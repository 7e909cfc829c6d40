/**
 * `analyze`: the batch analytics report of a dataset folder (issue 4). Parses options and hands over
 * to the analyze use case in @churnstream/analytics; it only adds the closing summary.
 */
import { analyze, DEFAULT_MEMORY_LIMIT, fmtNumber } from '@churnstream/analytics';
import { instantOption, parseOptions, usageError } from '@churnstream/cli-options';
import type { CliCommand } from '../cli.command';

const HELP = `usage: npm run cli -- analyze --in DIR --out REPORT [options]

  --in DIR            dataset folder: customers.csv, sessions.csv (issue 3's contract), manifest.json
  --out REPORT        report folder, replaced as a whole once the report is complete
  --snapshot-at ISO   the instant churn is measured at (default: manifest.json's snapshot_at)
  --model DIR         add the model section from DIR/metrics.json (default: REPORT/model/ if present)
  --memory-limit SIZE DuckDB's memory limit, e.g. 2GB (default ${DEFAULT_MEMORY_LIMIT}); beyond it DuckDB spills
                      to a temporary folder beside REPORT, so memory stays bounded whatever the data size
  --quiet             print only the closing summary
  --trace-sql         print each SQL statement's duration to stderr (to find the slow step on big data)`;

function traceQuery(sql: string, ms: number): void {
  process.stderr.write(`sql ${ms.toFixed(0).padStart(7)} ms  ${sql.replace(/\s+/g, ' ').slice(0, 160)}\n`);
}

export const command: CliCommand = {
  summary: 'data quality, cleaning, derived columns, statistics, charts and an HTML report',
  async run(argv: string[]): Promise<number> {
    const { values } = parseOptions(argv, {
      in: { type: 'string' },
      out: { type: 'string' },
      'snapshot-at': { type: 'string' },
      model: { type: 'string' },
      'memory-limit': { type: 'string' },
      quiet: { type: 'boolean' },
      'trace-sql': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help === true) {
      console.log(HELP);
      return 0;
    }
    if (values.in === undefined || values.out === undefined) {
      throw usageError('--in DIR and --out REPORT are required');
    }
    instantOption('snapshot-at', values['snapshot-at']);
    const started = performance.now();
    const report = await analyze({
      inDir: values.in,
      outDir: values.out,
      ...(values['snapshot-at'] === undefined ? {} : { snapshotAt: values['snapshot-at'] }),
      ...(values.model === undefined ? {} : { modelDir: values.model }),
      ...(values['memory-limit'] === undefined ? {} : { memoryLimit: memoryLimit(values['memory-limit']) }),
      log: values.quiet === true ? null : undefined,
      ...(values['trace-sql'] === true ? { onQuery: traceQuery } : {}),
    });
    const secs = (performance.now() - started) / 1000;
    const q = report.quality;
    const c = q.cleaning;
    const ins = report.insights;
    const check = c.manifest_check;
    const absentColumns = [...report.input.absent.customers, ...report.input.absent.sessions];
    console.log(
      [
        '',
        `analyze: done in ${secs.toFixed(2)} s -> ${values.out}/index.html`,
        `  input      ${fmtNumber(q.files.customers.rows)} customers, ${fmtNumber(q.files.sessions.rows)} sessions, snapshot_at ${report.input.snapshot_at}`,
        `  quality    nulls ${fmtNumber(sum(q.files.customers.nulls, report.input.absent.customers))} + ` +
          `${fmtNumber(sum(q.files.sessions.nulls, report.input.absent.sessions))}${absentColumns.length > 0 ? ' (absent columns not counted)' : ''}, ` +
          `duplicate rows ${fmtNumber(q.files.customers.duplicate_rows)} + ${fmtNumber(q.files.sessions.duplicate_rows)}, ` +
          `duplicate ids ${fmtNumber(q.files.customers.duplicate_ids)} + ${fmtNumber(q.files.sessions.duplicate_ids)}, ` +
          `invalid ${fmtNumber(sum(q.files.customers.invalid))} + ${fmtNumber(sum(q.files.sessions.invalid))} (customers + sessions)`,
        `  cleaning   customers ${fmtNumber(c.customers.rows_before)} -> ${fmtNumber(c.customers.rows_after)}, ` +
          `sessions ${fmtNumber(c.sessions.rows_before)} -> ${fmtNumber(c.sessions.rows_after)}, ` +
          `${fmtNumber(c.customers.repaired + c.sessions.repaired)} values repaired` +
          (check === null
            ? ''
            : `; vs manifest: ${check.all_match ? 'all injected faults accounted for' : 'MISMATCH (see quality.json)'}`),
        `  churn      ${fmtNumber(ins.churn.churned)} of ${fmtNumber(ins.churn.customers)} customers (${fmtNumber(100 * ins.churn.rate)}%), ` +
          `label differs from the file's for ${fmtNumber(report.label_check.mismatched)}`,
        `  spend      median ${fmtNumber(ins.spend.median_x)} churned vs ${fmtNumber(ins.spend.median_y)} active, ` +
          `Mann-Whitney p ${ins.spend.p_value < 1e-4 ? ins.spend.p_value.toExponential(1) : ins.spend.p_value.toFixed(4)}`,
        `  time       ${absentColumns.includes('session_end') ? 'no durations (no session_end column); ' : ''}median mean session ${fmtNumber((ins.session_time.median_x ?? 0) / 60)} vs ${fmtNumber((ins.session_time.median_y ?? 0) / 60)} min`,
        `  inactivity AUC ${fmtNumber(ins.inactivity.auc, 3)} (near-circular under the label)`,
        ...(absentColumns.length > 0
          ? [
              `  absent     ${absentColumns.join(', ')}: left out ${report.skipped.map((s) => s.what).join(', ')}`,
            ]
          : []),
        `  files      quality.json, summary.json, clean/, sessions_enriched.csv, customer_features.csv, charts/ (${report.charts.length} charts), index.html` +
          (report.model === null ? '' : ', model section'),
      ].join('\n'),
    );
    return 0;
  },
};

function memoryLimit(value: string): string {
  if (!/^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i.test(value.trim())) {
    throw usageError(`--memory-limit: expected a size such as 2GB or 512MB, got "${value}"`);
  }
  return value.trim();
}

function sum(record: Record<string, number>, except: readonly string[] = []): number {
  return Object.entries(record).reduce((a, [column, n]) => (except.includes(column) ? a : a + n), 0);
}
