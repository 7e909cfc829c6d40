/**
 * The batch dataset's tables as rows of text fields, and their serialisation to CSV or NDJSON lines.
 * A row is the CSV view (an empty string is a missing value); NDJSON types each column from the same
 * row, so both formats carry exactly the same records, clean or dirty. Pure: no I/O.
 */
import { DAY_MS, isChurned } from '@churnstream/churn';
import type { CustomerRecord, SessionRecord } from './population.model';
import type { TruthRecord } from './truth.model';

export type ColumnKind = 'string' | 'int' | 'money' | 'number';
export interface Column {
  readonly name: string;
  readonly kind: ColumnKind;
}
export type Row = string[];

/** Column positions, in file order. */
export const CUSTOMER_COL = {
  customer_id: 0,
  name: 1,
  email: 2,
  age: 3,
  gender: 4,
  location: 5,
  country: 6,
  customer_since: 7,
  churned: 8,
} as const;

export const SESSION_COL = {
  session_id: 0,
  customer_id: 1,
  session_start: 2,
  session_end: 3,
  pages_viewed: 4,
  products_added_to_cart: 5,
  products_purchased: 6,
  total_spent: 7,
  device_type: 8,
  payment_method: 9,
} as const;

const KINDS: Record<string, ColumnKind> = {
  age: 'int',
  churned: 'int',
  pages_viewed: 'int',
  products_added_to_cart: 'int',
  products_purchased: 'int',
  total_spent: 'money',
  true_churned: 'int',
  churn_probability: 'number',
};
const columns = (names: readonly string[]): readonly Column[] =>
  names.map((name) => ({ name, kind: KINDS[name] ?? 'string' }));

export const CUSTOMER_COLUMNS = columns(Object.keys(CUSTOMER_COL));
export const SESSION_COLUMNS = columns(Object.keys(SESSION_COL));
export const TRUTH_COLUMNS = columns(['customer_id', 'true_churned', 'true_churn_date', 'churn_probability']);

const MAX_FAST_MS = 253_402_300_800_000; // 10000-01-01: beyond it ISO years take six digits
const PAD2 = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const PAD3 = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));
let cachedDay = Number.NaN;
let cachedPrefix = '';

/**
 * `2026-03-01T10:15:00.000Z`, as Date#toISOString gives, several times faster: the date part is
 * cached per day (the dataset is written in time order) and the clock part built from lookup tables.
 */
export function isoTime(ms: number): string {
  if (!Number.isInteger(ms) || ms < 0 || ms >= MAX_FAST_MS) return new Date(ms).toISOString();
  const day = Math.floor(ms / DAY_MS);
  if (day !== cachedDay) {
    cachedDay = day;
    cachedPrefix = new Date(day * DAY_MS).toISOString().slice(0, 11);
  }
  let r = ms - day * DAY_MS;
  const h = Math.floor(r / 3_600_000);
  r -= h * 3_600_000;
  const m = Math.floor(r / 60_000);
  r -= m * 60_000;
  const sec = Math.floor(r / 1000);
  return `${cachedPrefix}${PAD2[h]}:${PAD2[m]}:${PAD2[sec]}.${PAD3[r - sec * 1000]}Z`;
}

export const isoDate = (ms: number): string => isoTime(ms).slice(0, 10);

/** Integer cents as a decimal string with two places: 1234 -> "12.34", -5 -> "-0.05". */
export function formatCents(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(Math.round(cents));
  const frac = abs % 100;
  return `${sign}${(abs - frac) / 100}.${frac < 10 ? '0' : ''}${frac}`;
}

/**
 * The churn label exactly as issue 3 defines it: last_purchase_at is the latest session_end of a
 * purchasing session, or customer_since when the customer never bought; churned when at least
 * 60 days passed from it to snapshot_at. `lastPurchaseMs` is NaN when the customer never bought.
 */
export function churnedLabel(customerSinceMs: number, lastPurchaseMs: number, snapshotAtMs: number): boolean {
  return isChurned(Number.isNaN(lastPurchaseMs) ? customerSinceMs : lastPurchaseMs, snapshotAtMs);
}

export function customerRow(c: CustomerRecord, churned: boolean): Row {
  return [
    c.customer_id,
    c.name,
    c.email,
    String(c.age),
    c.gender,
    c.location,
    c.country,
    isoDate(c.customer_since),
    churned ? '1' : '0',
  ];
}

export function sessionRow(s: SessionRecord): Row {
  return [
    s.session_id,
    s.customer_id,
    isoTime(s.session_start),
    isoTime(s.session_end),
    String(s.pages_viewed),
    String(s.products_added_to_cart),
    String(s.products_purchased),
    formatCents(s.total_spent_cents),
    s.device_type,
    s.payment_method ?? '',
  ];
}

export function truthRow(t: TruthRecord): Row {
  return [
    t.customer_id,
    t.true_churned ? '1' : '0',
    t.true_churn_date === null ? '' : isoTime(t.true_churn_date),
    t.churn_probability.toFixed(6),
  ];
}

const NEEDS_QUOTES = /[",\r\n]/;

export function csvField(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

const QUOTE_OR_BREAK = /["\r\n]/;

export function csvLine(row: readonly string[]): string {
  // Fast path: one scan of the joined line; as many commas as separators means no field holds one.
  const joined = row.join(',');
  if (!QUOTE_OR_BREAK.test(joined)) {
    let commas = 0;
    for (let at = joined.indexOf(','); at !== -1; at = joined.indexOf(',', at + 1)) commas++;
    if (commas === row.length - 1) return joined + '\n';
  }
  return row.map(csvField).join(',') + '\n';
}

export function csvHeader(columns: readonly Column[]): string {
  return columns.map((c) => c.name).join(',') + '\n';
}

/** One JSON object per row; an empty field is null, numeric columns are numbers when they parse. */
export function ndjsonLine(columns: readonly Column[], row: readonly string[]): string {
  const obj: Record<string, string | number | null> = {};
  for (const [i, c] of columns.entries()) {
    const v = row[i] ?? '';
    if (v === '') obj[c.name] = null;
    else if (c.kind === 'string') obj[c.name] = v;
    else {
      const n = Number(v);
      obj[c.name] = Number.isFinite(n) ? n : v;
    }
  }
  return JSON.stringify(obj) + '\n';
}

export type DatasetFormat = 'csv' | 'ndjson';

export function serializer(
  format: DatasetFormat,
  columns: readonly Column[],
): (row: readonly string[]) => string {
  return format === 'csv' ? csvLine : (row) => ndjsonLine(columns, row);
}
