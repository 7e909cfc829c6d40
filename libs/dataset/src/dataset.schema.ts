/**
 * The batch dataset contract (issue 3) as data: each file's columns in order and the kind of value
 * each holds. The loader, the quality report and the cleaning rules all read it from here.
 */
export type ColumnKind = 'string' | 'int' | 'float' | 'timestamp';

export interface ColumnSpec {
  readonly name: string;
  readonly kind: ColumnKind;
  /**
   * The file may leave the column out of its header (a source without funnel, durations, devices,
   * payments or demographics). An absent column loads as NULL in every row, except session_end,
   * which is session_start (a transaction takes no time), and the dataset lists it in `absent`.
   */
  readonly optional?: boolean;
}

export interface FileSpec {
  /** The table name in the dataset's DuckDB connection, and the file's stem. */
  readonly table: 'customers' | 'sessions';
  readonly file: string;
  readonly id: string;
  readonly columns: readonly ColumnSpec[];
}

export const CUSTOMERS_FILE: FileSpec = {
  table: 'customers',
  file: 'customers.csv',
  id: 'customer_id',
  columns: [
    { name: 'customer_id', kind: 'string' },
    { name: 'name', kind: 'string', optional: true },
    { name: 'email', kind: 'string', optional: true },
    { name: 'age', kind: 'int', optional: true },
    { name: 'gender', kind: 'string', optional: true },
    { name: 'location', kind: 'string', optional: true },
    { name: 'country', kind: 'string', optional: true },
    { name: 'customer_since', kind: 'timestamp' },
    { name: 'churned', kind: 'int', optional: true },
  ],
};

export const SESSIONS_FILE: FileSpec = {
  table: 'sessions',
  file: 'sessions.csv',
  id: 'session_id',
  columns: [
    { name: 'session_id', kind: 'string' },
    { name: 'customer_id', kind: 'string' },
    { name: 'session_start', kind: 'timestamp' },
    { name: 'session_end', kind: 'timestamp', optional: true },
    { name: 'pages_viewed', kind: 'int', optional: true },
    { name: 'products_added_to_cart', kind: 'int', optional: true },
    { name: 'products_purchased', kind: 'int' },
    { name: 'total_spent', kind: 'float' },
    { name: 'device_type', kind: 'string', optional: true },
    { name: 'payment_method', kind: 'string', optional: true },
  ],
};

export const DATASET_FILES: readonly FileSpec[] = [CUSTOMERS_FILE, SESSIONS_FILE];

/** A customer row once typed; a null is an empty field in the file. */
export interface CustomerRow {
  /** 1-based line in customers.csv (the header is line 1). */
  line: number;
  customer_id: string | null;
  name: string | null;
  email: string | null;
  age: number | null;
  gender: string | null;
  location: string | null;
  country: string | null;
  customer_since: Date | null;
  churned: number | null;
}

export interface SessionRow {
  /** 1-based line in sessions.csv (the header is line 1). */
  line: number;
  session_id: string | null;
  customer_id: string | null;
  session_start: Date | null;
  session_end: Date | null;
  pages_viewed: number | null;
  products_added_to_cart: number | null;
  products_purchased: number | null;
  total_spent: number | null;
  device_type: string | null;
  payment_method: string | null;
}

/** What the generator writes to manifest.json; only snapshot_at is required by the loader. */
export interface DatasetManifest {
  snapshot_at: string;
  seed?: number;
  window_start?: string;
  window_end?: string;
  churn_window_days?: number;
  dirty?: Record<string, unknown> | null;
  [key: string]: unknown;
}
