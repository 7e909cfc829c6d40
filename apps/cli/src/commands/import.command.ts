/**
 * `import`: a transaction or session log (CSV or whitespace-separated) with a column mapping becomes
 * the batch dataset layout (customers.csv, sessions.csv, manifest.json). Parses the mapping options
 * and hands over to libs/dataset-writer's importLog; it adds the progress line and the summary.
 */
import { instantOption, parseOptions, usageError } from '@churnstream/cli-options';
import { DELIMITERS, importLog, type TimeColumn } from '@churnstream/dataset-writer';
import type { CliCommand } from '../cli.command';

const HELP = `usage: npm run cli -- import --in FILE --out DIR --customer-id COL --time COL[:FORMAT] --amount COL [options]

  --in FILE            the log: one row per transaction or session, a header line first
  --out DIR            where customers.csv, sessions.csv and manifest.json go
  --customer-id COL    the customer's id
  --time COL[:FORMAT]  when the row happened; FORMAT in strftime style (date:%Y%m%d,
                       "ts:%d/%m/%Y %H:%M"), ISO 8601 when omitted. A date without a time is the
                       whole day: it counts at the day's end, so no cutoff splits a day
  --amount COL         money spent (0 for a visit without purchase)
  --quantity COL       products bought (default 1 when the amount is above 0, else 0)
  --session-id COL     rows sharing an id are one session (an order's lines); default one per row
  --end-time COL[:FORMAT]  when the session ended (default: no session_end column, no durations)
  --pages COL / --cart-adds COL / --device COL / --payment COL   funnel and attributes, when the log has them
  --delimiter NAME     comma | semicolon | tab | pipe | whitespace (default: detected from the header)
  --snapshot-at ISO    the dataset's "now" (default: the end of the last day seen); later rows are rejected
  --customers FILE     a customers file, with its own mapping:
    --customers-id COL   its customer id column (default: the --customer-id name)
    --age COL  --gender COL  --country COL  --since COL[:FORMAT]
                       customer_since is --since when given, else the customer's first event

Columns a log does not have are left out of the files (analyze and train say what they skip).`;

function timeColumn(option: string, value: string | undefined): TimeColumn | undefined {
  if (value === undefined) return undefined;
  const at = value.indexOf(':');
  const column = at === -1 ? value : value.slice(0, at);
  if (column === '') throw usageError(`--${option}: expected COL or COL:FORMAT, got "${value}"`);
  return at === -1 ? { column } : { column, format: value.slice(at + 1) };
}

function need(name: string, value: string | undefined): string {
  if (value === undefined || value === '') throw usageError(`--${name} is required (see --help)`);
  return value;
}

export const command: CliCommand = {
  summary: 'import a transaction or session log (CSV) with a column mapping as a dataset folder',
  run: (argv) =>
    Promise.resolve(argv).then((args) => {
      const { values } = parseOptions(args, {
        in: { type: 'string' },
        out: { type: 'string' },
        'customer-id': { type: 'string' },
        time: { type: 'string' },
        amount: { type: 'string' },
        quantity: { type: 'string' },
        'session-id': { type: 'string' },
        'end-time': { type: 'string' },
        pages: { type: 'string' },
        'cart-adds': { type: 'string' },
        device: { type: 'string' },
        payment: { type: 'string' },
        delimiter: { type: 'string' },
        'snapshot-at': { type: 'string' },
        customers: { type: 'string' },
        'customers-id': { type: 'string' },
        age: { type: 'string' },
        gender: { type: 'string' },
        country: { type: 'string' },
        since: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      });
      if (values.help === true) {
        console.log(HELP);
        return 0;
      }
      const delimiterName = values.delimiter;
      const delimiter = delimiterName === undefined ? undefined : DELIMITERS[delimiterName];
      if (delimiterName !== undefined && delimiter === undefined) {
        throw usageError(
          `--delimiter: expected ${Object.keys(DELIMITERS).join(' or ')}, got "${delimiterName}"`,
        );
      }
      const customerOnly = (['customers-id', 'age', 'gender', 'country', 'since'] as const).find(
        (o) => values[o] !== undefined,
      );
      if (customerOnly !== undefined && values.customers === undefined) {
        throw usageError(`--${customerOnly}: a column of the customers file; give --customers FILE too`);
      }
      const started = performance.now();
      let lastProgress = started;
      const report = importLog({
        inFile: need('in', values.in),
        outDir: need('out', values.out),
        mapping: {
          customerId: need('customer-id', values['customer-id']),
          time: timeColumn('time', need('time', values.time)) ?? { column: '' },
          amount: need('amount', values.amount),
          quantity: values.quantity,
          sessionId: values['session-id'],
          endTime: timeColumn('end-time', values['end-time']),
          pages: values.pages,
          cartAdds: values['cart-adds'],
          device: values.device,
          payment: values.payment,
        },
        customers:
          values.customers === undefined
            ? undefined
            : {
                file: values.customers,
                customerId: values['customers-id'],
                age: values.age,
                gender: values.gender,
                country: values.country,
                since: timeColumn('since', values.since),
              },
        delimiter,
        snapshotAt: instantOption('snapshot-at', values['snapshot-at']),
        onProgress: (rows, bytes, total) => {
          const now = performance.now();
          if (now - lastProgress < 2000) return;
          lastProgress = now;
          const secs = (now - started) / 1000;
          process.stderr.write(
            `import: ${rows.toLocaleString('en')} rows, ${((100 * bytes) / Math.max(1, total)).toFixed(0)}% of the file, ` +
              `${Math.round(rows / secs).toLocaleString('en')} rows/s, ETA ${((secs * (total - bytes)) / Math.max(1, bytes)).toFixed(0)}s\n`,
          );
        },
      });
      const secs = (performance.now() - started) / 1000;
      const fmt = (n: number) => n.toLocaleString('en');
      const lines = [
        `import: ${report.input} -> ${values.out} in ${secs.toFixed(2)} s`,
        `  rows in ${fmt(report.rows_in)}, out ${fmt(report.rows_in - report.rows_rejected)} ` +
          `(${fmt(report.sessions)} sessions, ${fmt(report.rows_merged)} rows merged into their session), rejected ${fmt(report.rows_rejected)}`,
        ...Object.entries(report.rejected).map(
          ([reason, r]) => `    rejected ${fmt(r.rows).padStart(9)}  ${reason}  (at ${r.first.join(', ')})`,
        ),
        `  customers ${fmt(report.customers)}` +
          (report.customers_file === null
            ? ' (customer_since = first event)'
            : ` (${fmt(report.customers_rows_in)} rows in ${report.customers_file}; ${fmt(report.since_moved_to_first_event)} since moved to the first event)`),
        `  times ${report.whole_days ? 'whole days (at the end of each day)' : 'with a time of day'}; ` +
          `window ${report.window_start} .. ${report.snapshot_at} (snapshot_at)`,
        `  sessions.csv columns: ${report.columns.sessions.join(', ')}`,
        `  customers.csv columns: ${report.columns.customers.join(', ')}`,
        `  manifest ${report.manifest_path}`,
      ];
      console.log(lines.join('\n'));
      return 0;
    }),
};
