/**
 * The strict loader of a batch dataset folder (the batch layout's contract): customers.csv, sessions.csv and
 * an optional manifest.json that gives snapshot_at (or pass `snapshotAt`).
 *
 *   const ds = await openDataset('/tmp/ds');            // throws AppError('DATASET_INVALID') on bad input
 *   await ds.query('SELECT count(*) AS n FROM sessions'); // SQL over DuckDB tables
 *   for await (const c of ds.customers()) ...             // or stream typed rows
 *   ds.close();
 *
 * Tables in `ds.connection` (DuckDB, TimeZone UTC):
 *   raw_customers, raw_sessions   every column VARCHAR exactly as in the file (empty field = NULL),
 *                                 plus `line` (1-based file line; the header is line 1). The quality
 *                                 report counts nulls, duplicates and invalid values on these.
 *   customers, sessions           the same rows, same order, typed: ints BIGINT, total_spent DOUBLE,
 *                                 timestamps TIMESTAMPTZ (an ISO date is midnight UTC; a value without
 *                                 an offset is UTC), plus `line`, plus each typed column's original
 *                                 text as textColumn(name). The raw views are projections of these, so
 *                                 the file is held once however it is read, and writing cleaned text
 *                                 back out needs no join.
 *
 * DuckDB's read_csv does all parsing, with explicit column names, a fixed delimiter and strict mode.
 * Values are typed in SQL from the VARCHAR tables rather than by read_csv's own casts because those are
 * lenient ('1.5' becomes the integer 2, '0x10' becomes 16) and one read serves both the raw and the
 * typed view. read_csv with explicit columns skips the header without comparing its names, so the
 * header line is compared here. With `strict` (the default) the first unparsable value throws; without,
 * it becomes NULL in the typed table and is counted in `unparsable`.
 *
 * Every error names the file, the line and the column. Line numbers assume no quoted field spans
 * several lines (the contract has none).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import {
  CUSTOMERS_FILE,
  SESSIONS_FILE,
  type ColumnKind,
  type ColumnSpec,
  type CustomerRow,
  type DatasetManifest,
  type FileSpec,
  type SessionRow,
} from './dataset.schema';
import { invalid } from './dataset.error';
import { checkHeader, csvError, readHeaderLine } from './dataset.header';
import { KIND_NAME, SQL_TYPE, parsableSql, quoteIdent, sqlString, textColumn } from './dataset.sql';

export interface OpenDatasetOptions {
  /** Overrides manifest.json's snapshot_at; required when there is no manifest. */
  snapshotAt?: Date | string;
  /** Throw on the first unparsable value (default true); when false it loads as NULL and is counted. */
  strict?: boolean;
  /** A DuckDB database path; ':memory:' by default. */
  database?: string;
  /**
   * DuckDB's memory_limit ('3GB'), temp_directory and threads: above the limit DuckDB spills its
   * tables and intermediate results to the temp directory instead of growing with the data.
   */
  duckdb?: { memoryLimit?: string; tempDirectory?: string; threads?: number };
}

export interface Dataset {
  readonly dir: string;
  readonly snapshotAt: Date;
  readonly manifest: DatasetManifest | null;
  readonly instance: DuckDBInstance;
  readonly connection: DuckDBConnection;
  /** Rows per file (data rows, header excluded). */
  readonly rows: { customers: number; sessions: number };
  /** Optional columns the files leave out of their headers (see ColumnSpec.optional). */
  readonly absent: { customers: string[]; sessions: string[] };
  /** Non-empty values that could not be typed, per file and column (all zero when strict). */
  readonly unparsable: { customers: Record<string, number>; sessions: Record<string, number> };
  /** Runs SQL on the dataset's connection and returns plain JS rows (BIGINT as bigint, timestamps as Date). */
  query<T = Record<string, unknown>>(sql: string): Promise<T[]>;
  /** Streams the typed customers in file order, on a connection of its own (or `table`'s rows, same columns). */
  customers(table?: string): AsyncIterable<CustomerRow>;
  /**
   * Streams the typed sessions in file order, on a connection of its own (or `table`'s rows, same
   * columns; or in another order, `orderBy` being SQL over those columns).
   */
  sessions(table?: string, orderBy?: string): AsyncIterable<SessionRow>;
  close(): void;
}

async function loadFile(
  connection: DuckDBConnection,
  dir: string,
  spec: FileSpec,
  strict: boolean,
): Promise<{ rows: number; unparsable: Record<string, number>; absent: string[] }> {
  const path = join(dir, spec.file);
  const present = checkHeader(path, spec, await readHeaderLine(path, spec));
  const absent = spec.columns.filter((c) => !present.includes(c)).map((c) => c.name);
  const fileSpec: FileSpec = { ...spec, columns: present };
  const columns = present.map((c) => `${sqlString(c.name)}: 'VARCHAR'`).join(', ');
  const rawStore = `__raw_${spec.table}`;
  try {
    // preserve_insertion_order (DuckDB's default) keeps file order, so rowid + 2 is the file line.
    await connection.run(
      `CREATE TABLE ${rawStore} AS SELECT * FROM read_csv(${sqlString(path)}, header = true, delim = ',', quote = '"', escape = '"', columns = {${columns}}, auto_detect = false, strict_mode = true)`,
    );
  } catch (error) {
    throw csvError(path, fileSpec, error);
  }
  const rawColumn = (c: ColumnSpec, typedTable: boolean): string => {
    const q = quoteIdent(c.name);
    if (typedTable && c.kind !== 'string') return `${quoteIdent(textColumn(c.name))} AS ${q}`;
    return absent.includes(c.name) ? `CAST(NULL AS VARCHAR) AS ${q}` : q;
  };
  // Until the typed table exists the raw view reads the text as loaded; afterwards it reads the copy of
  // it the typed table keeps, and the loaded text is dropped.
  await connection.run(
    `CREATE VIEW raw_${spec.table} AS SELECT ${spec.columns.map((c) => rawColumn(c, false)).join(', ')}, rowid + 2 AS line FROM ${rawStore}`,
  );

  const typed = present.filter((c) => c.kind !== 'string');
  const probe = typed
    .map(
      (c) =>
        `count(*) FILTER (WHERE NOT ${parsableSql(c.kind, c.name)}) AS ${quoteIdent(`bad_${c.name}`)}, ` +
        `min(line) FILTER (WHERE NOT ${parsableSql(c.kind, c.name)}) AS ${quoteIdent(`first_${c.name}`)}`,
    )
    .join(', ');
  const probeRows = await connection.runAndReadAll(`SELECT count(*) AS n, ${probe} FROM raw_${spec.table}`);
  const stats = probeRows.getRowObjectsJS()[0] ?? {};
  const rows = Number(stats.n ?? 0);
  if (rows === 0) {
    throw invalid(`${path} line 2, column 1: no data rows after the header`, {
      file: path,
      line: 2,
      column: 1,
    });
  }
  const unparsable: Record<string, number> = {};
  let first: { line: number; column: string; kind: ColumnKind } | null = null;
  for (const c of typed) {
    unparsable[c.name] = Number(stats[`bad_${c.name}`] ?? 0);
    const at = stats[`first_${c.name}`];
    if (at !== null && at !== undefined && (first === null || Number(at) < first.line)) {
      first = { line: Number(at), column: c.name, kind: c.kind };
    }
  }
  if (strict && first !== null) {
    const value = await connection.runAndReadAll(
      `SELECT ${quoteIdent(first.column)} AS v FROM raw_${spec.table} WHERE line = ${first.line}`,
    );
    const v = asString(value.getRowObjectsJS()[0]?.v) ?? '';
    const index = spec.columns.findIndex((c) => c.name === first.column) + 1;
    throw invalid(
      `${path} line ${first.line}, column ${index} ("${first.column}"): cannot parse ${JSON.stringify(v)} as ${KIND_NAME[first.kind]}`,
      { file: path, line: first.line, column: first.column, value: v },
    );
  }
  const select = spec.columns
    .map((c) => {
      const q = quoteIdent(c.name);
      if (absent.includes(c.name)) {
        // A transaction log has no durations: its sessions end when they start.
        if (c.name === 'session_end') return `TRY_CAST(session_start AS TIMESTAMPTZ) AS ${q}`;
        return `CAST(NULL AS ${SQL_TYPE[c.kind]}) AS ${q}`;
      }
      if (c.kind === 'string') return q;
      // Every value of a column without unparsable ones casts; only the others need the check again.
      if (unparsable[c.name] === 0) return `CAST(${q} AS ${SQL_TYPE[c.kind]}) AS ${q}`;
      return `CASE WHEN ${parsableSql(c.kind, c.name)} THEN CAST(${q} AS ${SQL_TYPE[c.kind]}) END AS ${q}`;
    })
    .join(', ');
  // Every typed column gets its text copy, an absent one as NULL (as the raw view shows it).
  const texts = spec.columns
    .filter((c) => c.kind !== 'string')
    .map((c) => `, ${quoteIdent(c.name)} AS ${quoteIdent(textColumn(c.name))}`)
    .join('');
  // No ORDER BY: insertion order is preserved (DuckDB's default), so the typed rows stay in file order.
  await connection.run(`CREATE TABLE ${spec.table} AS SELECT ${select}, line${texts} FROM raw_${spec.table}`);
  await connection.run(
    `CREATE OR REPLACE VIEW raw_${spec.table} AS SELECT ${spec.columns.map((c) => rawColumn(c, true)).join(', ')}, line FROM ${spec.table}`,
  );
  await connection.run(`DROP TABLE ${rawStore}`);
  for (const name of absent) unparsable[name] = 0;
  return { rows, unparsable, absent };
}

async function readManifest(dir: string): Promise<DatasetManifest | null> {
  const path = join(dir, 'manifest.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return null;
  }
  try {
    return JSON.parse(text) as DatasetManifest;
  } catch (cause) {
    const msg = cause instanceof Error ? cause.message : String(cause);
    throw invalid(`${path}: not valid JSON (${msg})`, { file: path }, cause);
  }
}

function parseInstant(value: unknown, where: string): Date {
  const d = typeof value === 'string' || value instanceof Date ? new Date(value) : new Date(Number.NaN);
  if (Number.isNaN(d.getTime())) {
    throw invalid(`${where}: snapshot_at ${JSON.stringify(value)} is not an ISO-8601 timestamp`, {
      field: 'snapshot_at',
    });
  }
  return d;
}

function toNumber(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  return typeof v === 'bigint' ? Number(v) : (v as number);
}

async function* streamRows<T>(
  instance: DuckDBInstance,
  sql: string,
  map: (row: Record<string, unknown>) => T,
): AsyncIterable<T> {
  const connection = await instance.connect();
  try {
    const result = await connection.stream(sql);
    for await (const chunk of result.yieldRowObjectJs()) {
      for (const row of chunk) yield map(row);
    }
  } finally {
    connection.closeSync();
  }
}

/** The contract's columns and `line`, leaving out the text copies a typed table keeps. */
function columnsOf(spec: FileSpec): string {
  return [...spec.columns.map((c) => quoteIdent(c.name)), 'line'].join(', ');
}

const asDate = (v: unknown): Date | null => (v instanceof Date ? v : null);
const asString = (v: unknown): string | null => (typeof v === 'string' ? v : null);

function duckdbConfig(options: OpenDatasetOptions): Record<string, string> {
  const c = options.duckdb ?? {};
  return {
    ...(c.memoryLimit === undefined ? {} : { memory_limit: c.memoryLimit }),
    ...(c.tempDirectory === undefined ? {} : { temp_directory: c.tempDirectory }),
    ...(c.threads === undefined ? {} : { threads: String(c.threads) }),
  };
}

/** Opens a dataset folder; see the module header. Closes everything it opened when it throws. */
export async function openDataset(dir: string, options: OpenDatasetOptions = {}): Promise<Dataset> {
  const strict = options.strict ?? true;
  const manifest = await readManifest(dir);
  let snapshotAt: Date;
  if (options.snapshotAt !== undefined) snapshotAt = parseInstant(options.snapshotAt, 'snapshotAt');
  else if (manifest?.snapshot_at !== undefined)
    snapshotAt = parseInstant(manifest.snapshot_at, join(dir, 'manifest.json'));
  else {
    throw invalid(
      `${join(dir, 'manifest.json')}: no snapshot_at (no manifest.json, or it lacks snapshot_at); pass --snapshot-at`,
      { file: join(dir, 'manifest.json'), field: 'snapshot_at' },
    );
  }

  const instance = await DuckDBInstance.create(options.database ?? ':memory:', duckdbConfig(options));
  let connection: DuckDBConnection | null = null;
  try {
    connection = await instance.connect();
    await connection.run(`SET TimeZone = 'UTC'`);
    const customers = await loadFile(connection, dir, CUSTOMERS_FILE, strict);
    const sessions = await loadFile(connection, dir, SESSIONS_FILE, strict);
    const conn = connection;
    return {
      dir,
      snapshotAt,
      manifest,
      instance,
      connection: conn,
      rows: { customers: customers.rows, sessions: sessions.rows },
      absent: { customers: customers.absent, sessions: sessions.absent },
      unparsable: { customers: customers.unparsable, sessions: sessions.unparsable },
      async query<T>(sql: string): Promise<T[]> {
        return (await conn.runAndReadAll(sql)).getRowObjectsJS() as T[];
      },
      customers: (table = 'customers') =>
        streamRows<CustomerRow>(
          instance,
          `SELECT ${columnsOf(CUSTOMERS_FILE)} FROM ${quoteIdent(table)} ORDER BY line`,
          (r) => ({
            line: Number(r.line),
            customer_id: asString(r.customer_id),
            name: asString(r.name),
            email: asString(r.email),
            age: toNumber(r.age),
            gender: asString(r.gender),
            location: asString(r.location),
            country: asString(r.country),
            customer_since: asDate(r.customer_since),
            churned: toNumber(r.churned),
          }),
        ),
      sessions: (table = 'sessions', orderBy = 'line') =>
        streamRows<SessionRow>(
          instance,
          `SELECT ${columnsOf(SESSIONS_FILE)} FROM ${quoteIdent(table)} ORDER BY ${orderBy}`,
          (r) => ({
            line: Number(r.line),
            session_id: asString(r.session_id),
            customer_id: asString(r.customer_id),
            session_start: asDate(r.session_start),
            session_end: asDate(r.session_end),
            pages_viewed: toNumber(r.pages_viewed),
            products_added_to_cart: toNumber(r.products_added_to_cart),
            products_purchased: toNumber(r.products_purchased),
            total_spent: toNumber(r.total_spent),
            device_type: asString(r.device_type),
            payment_method: asString(r.payment_method),
          }),
        ),
      close(): void {
        conn.closeSync();
        instance.closeSync();
      },
    };
  } catch (error) {
    connection?.closeSync();
    instance.closeSync();
    throw error;
  }
}
