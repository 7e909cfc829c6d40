/**
 * `query`: runs one canned query (the same ones as the HTTP API, from @churnstream/search) against
 * Elasticsearch and prints it as tables, or as JSON with --json. Query parameters are options:
 * `npm run cli -- query churn-rate --by device_type`.
 */
import { loadConfig } from '@churnstream/config';
import { createElasticsearch } from '@churnstream/elasticsearch';
import { AppError } from '@churnstream/errors';
import { CANNED_QUERIES, ElasticsearchSearchBackend, runQuery, searchIndexNames } from '@churnstream/search';
import type { CliCommand } from '../cli.command';

function help(): string {
  const lines = [
    'usage: npm run cli -- query <name> [--<param> VALUE ...] [--json] [--index-prefix P]',
    '',
    'queries:',
  ];
  for (const q of CANNED_QUERIES) {
    const shape = q.params.shape as Record<string, { description?: string }>;
    const params = Object.keys(shape)
      .map((k) => `--${k}`)
      .join(' ');
    lines.push(
      `  ${q.name.padEnd(20)} ${q.summary}${params ? `\n  ${''.padEnd(20)} options: ${params}` : ''}`,
    );
  }
  lines.push(
    '',
    'examples:',
    '  npm run cli -- query customers-by-gender',
    '  npm run cli -- query churn-rate --by payment_method',
    '  npm run cli -- query sessions-per-day --from 2025-01-01 --to 2025-02-01',
    '  npm run cli -- query top-churn-risk --n 20',
    '  npm run cli -- query customer --id C000042 --json',
    '',
    '--index-prefix overrides ES_INDEX_PREFIX; ES_URL says where Elasticsearch is.',
  );
  return lines.join('\n');
}

/** `--key value` and `--key=value` pairs; `--json` and `--help` are flags. */
export function parseQueryArgs(argv: string[]): {
  name: string | undefined;
  params: Record<string, string>;
  json: boolean;
  help: boolean;
  prefix: string | undefined;
} {
  const params: Record<string, string> = {};
  let name: string | undefined;
  let json = false;
  let wantsHelp = false;
  let prefix: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--json') json = true;
    else if (arg === '--help' || arg === '-h') wantsHelp = true;
    else if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const key = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      let value: string | undefined = eq < 0 ? undefined : arg.slice(eq + 1);
      if (value === undefined) {
        value = argv[i + 1];
        if (value === undefined || value.startsWith('--')) {
          throw new AppError('CONFIG_INVALID', `option --${key} needs a value`);
        }
        i++;
      }
      if (key === 'index-prefix') prefix = value;
      else params[key] = value;
    } else if (name === undefined) name = arg;
    else throw new AppError('CONFIG_INVALID', `unexpected argument "${arg}"`);
  }
  return { name, params, json, help: wantsHelp, prefix };
}

type Row = Record<string, unknown>;

function flatten(value: unknown, prefix = '', out: Row = {}): Row {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else out[prefix] = value;
  return out;
}

const cell = (v: unknown) =>
  v === null || v === undefined ? '-' : typeof v === 'string' ? v : JSON.stringify(v);

function table(rows: Row[]): string {
  const flat = rows.map((r) => flatten(r));
  const columns = [...new Set(flat.flatMap((r) => Object.keys(r)))];
  const widths = columns.map((c) => Math.max(c.length, ...flat.map((r) => cell(r[c]).length)));
  const line = (values: string[]) =>
    values
      .map((v, i) => v.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [
    line(columns),
    line(widths.map((w) => '-'.repeat(w))),
    ...flat.map((r) => line(columns.map((c) => cell(r[c])))),
  ].join('\n');
}

/** Scalars first, then every array of objects as a table. */
export function render(result: unknown): string {
  const parts: string[] = [];
  const scalars: Row = {};
  for (const [key, value] of Object.entries((result ?? {}) as Row)) {
    if (Array.isArray(value)) {
      parts.push(`\n${key} (${value.length})\n${value.length > 0 ? table(value as Row[]) : '(none)'}`);
    } else Object.assign(scalars, flatten(value, key));
  }
  const width = Math.max(0, ...Object.keys(scalars).map((k) => k.length));
  const head = Object.entries(scalars).map(([k, v]) => `${k.padEnd(width)}  ${cell(v)}`);
  return [...head, ...parts].join('\n');
}

export const command: CliCommand = {
  summary:
    'canned Elasticsearch queries: gender, churn rates, spend, sessions per day, top risk, one customer',
  async run(argv: string[]): Promise<number> {
    const args = parseQueryArgs(argv);
    if (args.help || args.name === undefined) {
      console.log(help());
      return args.help ? 0 : 1;
    }
    const config = loadConfig();
    const prefix = args.prefix ?? config.ES_INDEX_PREFIX;
    const es = createElasticsearch(config);
    try {
      const started = performance.now();
      const outcome = await runQuery(
        new ElasticsearchSearchBackend(es),
        searchIndexNames(prefix),
        args.name,
        args.params,
      );
      const ms = performance.now() - started;
      if (outcome.status !== 'ok') {
        console.error(`query: ${outcome.message}`);
        return outcome.status === 'invalid' ? 2 : 3;
      }
      if (args.json) console.log(JSON.stringify(outcome.result, null, 2));
      else {
        console.log(render(outcome.result));
        console.log(`\nquery ${args.name}: ${ms.toFixed(1)} ms against ${config.ES_URL} (${prefix}-*)`);
      }
      return 0;
    } finally {
      await es.close();
    }
  },
};
