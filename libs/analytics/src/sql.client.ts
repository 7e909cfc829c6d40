/** A thin typed face on the dataset's DuckDB connection: rows as plain objects, BIGINTs as numbers. */
import type { DuckDBConnection } from '@duckdb/node-api';

export type Row = Record<string, unknown>;

/** Called after each statement with its text and duration (for tracing slow queries while debugging). */
export type QueryObserver = (sql: string, ms: number) => void;

export class Sql {
  constructor(
    readonly connection: DuckDBConnection,
    private readonly onQuery?: QueryObserver,
  ) {}

  async all<T extends Row = Row>(sql: string): Promise<T[]> {
    const t = performance.now();
    const reader = await this.connection.runAndReadAll(sql);
    this.onQuery?.(sql, performance.now() - t);
    return reader.getRowObjectsJS().map((r) => normalise(r) as T);
  }

  async one<T extends Row = Row>(sql: string): Promise<T> {
    const [row] = await this.all<T>(sql);
    if (row === undefined) throw new Error(`query returned no row: ${sql.slice(0, 200)}`);
    return row;
  }

  /** Runs a statement and returns how many rows it changed (DELETE, UPDATE, INSERT). */
  async run(sql: string): Promise<number> {
    const t = performance.now();
    const result = await this.connection.run(sql);
    this.onQuery?.(sql, performance.now() - t);
    return result.rowsChanged;
  }
}

function normalise(row: Record<string, unknown>): Row {
  const out: Row = {};
  for (const [k, v] of Object.entries(row)) out[k] = typeof v === 'bigint' ? Number(v) : v;
  return out;
}

/** A value from a query as a number; null stays null. */
export function num(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && v.trim() !== '') return Number(v);
  return null;
}

export function count(v: unknown): number {
  return num(v) ?? 0;
}

export function q(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function lit(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

export function tsLit(date: Date): string {
  return `TIMESTAMPTZ ${lit(date.toISOString())}`;
}
