/**
 * The import use case: a transaction or session log (CSV, or whitespace-separated columns), with a
 * column mapping, becomes the batch dataset layout (customers.csv, sessions.csv, manifest.json), so
 * analyze, train, score and the generator's replay run on a real shop's history.
 *
 * - Each row is a session; rows sharing a session id (an order's lines) are merged into one: counts
 *   and money summed, the earliest start and the latest end kept.
 * - Without a quantity column a row with money is one product bought; without money it is a visit.
 * - Columns the source does not have are left out of the files' headers (the loader treats them as
 *   absent), never filled with invented values. Without an end time there is no session_end column.
 * - A time without a time of day is a whole day, at its last millisecond (see time.format.ts), and
 *   snapshot_at defaults to the end of the last day seen, so no day is split by the cutoff.
 * - customer_since is the customers file's value when given (and not after the customer's first
 *   event), else the first event.
 * - A row that cannot be used is rejected with a reason and its file:line, never silently dropped.
 *
 * Memory: the accepted sessions are held in flat arrays (they are written in event-time order), the
 * file itself is read in chunks.
 */
/* eslint-disable @typescript-eslint/no-non-null-assertion -- indices into the session arrays are below their length by construction */
import { closeSync, mkdirSync, openSync, readSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { DEFAULT_CHURN_WINDOW_DAYS } from '@churnstream/churn';
import { AppError } from '@churnstream/errors';
import { csvField, csvLine, isoTime, formatCents } from '@churnstream/simulation';
import type { FileEntry } from './batch-dataset.writer';
import { FileSink } from './file.sink';
import { endOfDay, timeParser, type ParsedTime, type TimeParser } from './time.format';

export interface TimeColumn {
  column: string;
  /** strftime-style; ISO 8601 when undefined. */
  format?: string | undefined;
}

export interface LogMapping {
  customerId: string;
  time: TimeColumn;
  amount: string;
  quantity?: string | undefined;
  sessionId?: string | undefined;
  endTime?: TimeColumn | undefined;
  pages?: string | undefined;
  cartAdds?: string | undefined;
  device?: string | undefined;
  payment?: string | undefined;
}

export interface CustomersMapping {
  file: string;
  /** The customer id column of the customers file (default: the log's). */
  customerId?: string | undefined;
  age?: string | undefined;
  gender?: string | undefined;
  country?: string | undefined;
  since?: TimeColumn | undefined;
}

export type Delimiter = ',' | ';' | '\t' | '|' | 'whitespace';
export const DELIMITERS: Record<string, Delimiter> = {
  comma: ',',
  semicolon: ';',
  tab: '\t',
  pipe: '|',
  whitespace: 'whitespace',
};

export interface ImportOptions {
  inFile: string;
  outDir: string;
  mapping: LogMapping;
  customers?: CustomersMapping | undefined;
  /** Auto-detected from the header when undefined. */
  delimiter?: Delimiter | undefined;
  /** ISO instant; default the end of the last day seen. Events after it are rejected. */
  snapshotAt?: string | undefined;
  onProgress?: (rowsRead: number, bytesRead: number, bytesTotal: number) => void;
}

export interface Rejection {
  rows: number;
  /** The first few places, `file:line`. */
  first: string[];
}

export interface ImportReport {
  input: string;
  customers_file: string | null;
  delimiter: Delimiter;
  rows_in: number;
  /** Rows folded into an earlier row of the same session id. */
  rows_merged: number;
  rows_rejected: number;
  rejected: Record<string, Rejection>;
  sessions: number;
  customers: number;
  customers_rows_in: number;
  /** Customers whose since was after their first event: set to the first event. */
  since_moved_to_first_event: number;
  /** Times had no time of day: whole days. */
  whole_days: boolean;
  columns: { customers: string[]; sessions: string[] };
  snapshot_at: string;
  window_start: string;
  files: Record<string, FileEntry>;
  manifest_path: string;
}

const CHUNK = 1 << 22;
const FIRST_PLACES = 5;

function usage(message: string): AppError {
  return new AppError('CONFIG_INVALID', message);
}

/** Lines of a file, read in chunks; `\r\n` and a BOM are handled. */
function* lines(path: string, onChunk: (bytes: number) => void): Generator<string> {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(CHUNK);
    // Keeps a multi-byte character split by a chunk boundary whole.
    const decoder = new StringDecoder('utf8');
    let rest = '';
    let first = true;
    for (;;) {
      const n = readSync(fd, buf, 0, CHUNK, null);
      if (n === 0) break;
      onChunk(n);
      let text = rest + decoder.write(buf.subarray(0, n));
      if (first) text = text.replace(/^\uFEFF/, '');
      first = false;
      const end = text.lastIndexOf('\n');
      let start = 0;
      while (start <= end) {
        const nl = text.indexOf('\n', start);
        const line = text.slice(start, nl);
        yield line.endsWith('\r') ? line.slice(0, -1) : line;
        start = nl + 1;
      }
      rest = text.slice(end + 1);
    }
    if (rest !== '') yield rest.endsWith('\r') ? rest.slice(0, -1) : rest;
  } finally {
    closeSync(fd);
  }
}

function splitter(delimiter: Delimiter): (line: string) => string[] {
  if (delimiter === 'whitespace') return (line) => line.trim().split(/\s+/);
  return (line) => {
    if (!line.includes('"')) return line.split(delimiter);
    const out: string[] = [];
    let field = '';
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
      const ch = line.charAt(i);
      if (quoted) {
        if (ch === '"' && line[i + 1] === '"') {
          field += '"';
          i++;
        } else if (ch === '"') quoted = false;
        else field += ch;
      } else if (ch === '"') quoted = true;
      else if (ch === delimiter) {
        out.push(field);
        field = '';
      } else field += ch;
    }
    out.push(field);
    return out;
  };
}

function detectDelimiter(header: string): Delimiter {
  for (const d of [',', '\t', ';', '|'] as const) if (header.includes(d)) return d;
  return 'whitespace';
}

function headerIndex(file: string, header: string[]): (option: string, column: string) => number {
  const names = header.map((h) => h.trim().replace(/^"(.*)"$/, '$1'));
  return (option, column) => {
    const i = names.indexOf(column);
    if (i === -1) {
      throw usage(
        `--${option}: no column "${column}" in the header of ${file} (columns: ${names.join(', ')})`,
      );
    }
    return i;
  };
}

const INT = /^[+-]?\d+$/;
const NUM = /^[+-]?(\d+([.]\d*)?|[.]\d+)([eE][+-]?\d+)?$/;

/** Stored per accepted session; strings only where the source has the column. */
interface Sessions {
  id: (string | null)[];
  customer: number[];
  start: number[];
  end: number[];
  qty: number[];
  cents: number[];
  pages: number[];
  cart: number[];
  device: string[];
  payment: string[];
  line: number[];
}

class Rejections {
  readonly byReason: Record<string, Rejection> = {};
  total = 0;
  constructor(private readonly file: string) {}
  /** `place` is a line of this.file, or a `file:line` of another file. */
  add(reason: string, place: number | string): void {
    const r = (this.byReason[reason] ??= { rows: 0, first: [] });
    r.rows++;
    this.total++;
    if (r.first.length < FIRST_PLACES)
      r.first.push(typeof place === 'number' ? `${this.file}:${place}` : place);
  }
}

interface CustomerInfo {
  age: string;
  gender: string;
  country: string;
  since: number;
}

function readCustomers(
  mapping: CustomersMapping,
  logCustomerId: string,
  rejections: Rejections,
): { byId: Map<string, CustomerInfo>; rows: number; order: string[] } {
  const file = resolve(mapping.file);
  const name = basename(file);
  const byId = new Map<string, CustomerInfo>();
  const order: string[] = [];
  let rows = 0;
  let split: ((line: string) => string[]) | null = null;
  let at: {
    id: number;
    age: number | null;
    gender: number | null;
    country: number | null;
    since: number | null;
  } | null = null;
  let parseSince: TimeParser | null = null;
  let lineNo = 0;
  for (const line of lines(file, () => undefined)) {
    lineNo++;
    if (split === null) {
      split = splitter(detectDelimiter(line));
      const col = headerIndex(name, split(line));
      const optional = (option: string, c: string | undefined) => (c === undefined ? null : col(option, c));
      at = {
        id: col('customers-id', mapping.customerId ?? logCustomerId),
        age: optional('age', mapping.age),
        gender: optional('gender', mapping.gender),
        country: optional('country', mapping.country),
        since: optional('since', mapping.since?.column),
      };
      parseSince = mapping.since === undefined ? null : timeParser(mapping.since.format);
      continue;
    }
    if (line.trim() === '' || at === null) continue;
    rows++;
    const f = split(line);
    const place = `${name}:${lineNo}`;
    const id = (f[at.id] ?? '').trim();
    if (id === '') {
      rejections.add('customer: missing customer id', place);
      continue;
    }
    if (byId.has(id)) {
      rejections.add('customer: duplicate customer id', place);
      continue;
    }
    let since = Number.NaN;
    if (at.since !== null && parseSince !== null) {
      const text = (f[at.since] ?? '').trim();
      const parsed = text === '' ? null : parseSince(text);
      if (text !== '' && parsed === null) {
        rejections.add(`customer: unparsable ${mapping.since?.column ?? 'since'}`, place);
        continue;
      }
      if (parsed !== null) since = parsed.ms;
    }
    const age = at.age === null ? '' : (f[at.age] ?? '').trim();
    byId.set(id, {
      age: INT.test(age) ? String(Number(age)) : '',
      gender: at.gender === null ? '' : (f[at.gender] ?? '').trim().toLowerCase(),
      country: at.country === null ? '' : (f[at.country] ?? '').trim(),
      since,
    });
    order.push(id);
  }
  return { byId, rows, order };
}

/**
 * The kept sessions' indices ordered by end instant, ties in source order: a counting sort over the
 * distinct instants (a log of whole days has a few hundred), stable and O(n) after sorting those.
 */
function eventTimeOrder(ends: readonly number[], keep: Uint8Array): Uint32Array {
  const n = ends.length;
  const distinct = Float64Array.from(ends).sort();
  let u = 0;
  for (let k = 0; k < n; k++) if (u === 0 || distinct[k] !== distinct[u - 1]) distinct[u++] = distinct[k]!;
  const rankOf = (t: number): number => {
    let lo = 0;
    let hi = u - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (distinct[mid]! < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const rank = new Uint32Array(n);
  const next = new Uint32Array(u + 1);
  let kept = 0;
  for (let i = 0; i < n; i++) {
    if (keep[i] !== 1) continue;
    const r = rankOf(ends[i]!);
    rank[i] = r;
    next[r + 1]!++;
    kept++;
  }
  for (let r = 1; r <= u; r++) next[r]! += next[r - 1]!;
  const order = new Uint32Array(kept);
  for (let i = 0; i < n; i++) if (keep[i] === 1) order[next[rank[i]!]!++] = i;
  return order;
}

/** isoTime that remembers its last answer: rows in time order repeat instants (whole days above all). */
function lastIsoTime(): (ms: number) => string {
  let lastMs = Number.NaN;
  let last = '';
  return (ms) => {
    if (ms !== lastMs) {
      lastMs = ms;
      last = isoTime(ms);
    }
    return last;
  };
}

/** Runs the import; see the module header. Throws AppError('CONFIG_INVALID') on a bad mapping. */
export function importLog(options: ImportOptions): ImportReport {
  const inFile = resolve(options.inFile);
  const name = basename(inFile);
  let bytesTotal: number;
  try {
    bytesTotal = statSync(inFile).size;
  } catch {
    throw usage(`--in ${inFile}: no such file`);
  }
  const m = options.mapping;
  let parseTime: TimeParser;
  let parseEnd: TimeParser | null;
  try {
    parseTime = timeParser(m.time.format);
    parseEnd = m.endTime === undefined ? null : timeParser(m.endTime.format);
  } catch (error) {
    throw usage(`--time/--end-time: ${(error as Error).message}`);
  }
  const snapshotLimit = options.snapshotAt === undefined ? Infinity : Date.parse(options.snapshotAt);
  const rejections = new Rejections(name);
  const known =
    options.customers === undefined ? null : readCustomers(options.customers, m.customerId, rejections);

  const customerIndex = new Map<string, number>();
  const customerIds: string[] = [];
  const firstEvent: number[] = [];
  const s: Sessions = {
    id: [],
    customer: [],
    start: [],
    end: [],
    qty: [],
    cents: [],
    pages: [],
    cart: [],
    device: [],
    payment: [],
    line: [],
  };
  const bySessionId = new Map<string, number>();
  let rowsIn = 0;
  let merged = 0;
  let wholeDays = true;
  let delimiter: Delimiter = options.delimiter ?? ',';
  let split: ((line: string) => string[]) | null = null;
  let col: Record<string, number> = {};
  let lineNo = 0;
  let bytesRead = 0;

  const num = (f: string[], key: string, place: number, integer: boolean, what: string): number | null => {
    const i = col[key];
    if (i === undefined) return 0;
    const text = (f[i] ?? '').trim();
    if (!(integer ? INT : NUM).test(text)) {
      rejections.add(text === '' ? `missing ${what}` : `unparsable ${what}`, place);
      return null;
    }
    const n = Number(text);
    if (n < 0) {
      rejections.add(`negative ${what}`, place);
      return null;
    }
    return n;
  };
  const time = (parse: TimeParser, text: string, what: string, place: number): ParsedTime | null => {
    const parsed = text === '' ? null : parse(text);
    if (parsed === null) rejections.add(text === '' ? `missing ${what}` : `unparsable ${what}`, place);
    return parsed;
  };

  for (const line of lines(inFile, (n) => {
    bytesRead += n;
    options.onProgress?.(rowsIn, bytesRead, bytesTotal);
  })) {
    lineNo++;
    if (split === null) {
      delimiter = options.delimiter ?? detectDelimiter(line);
      split = splitter(delimiter);
      const index = headerIndex(name, split(line));
      const entries: [string, string, string | undefined][] = [
        ['customer', 'customer-id', m.customerId],
        ['time', 'time', m.time.column],
        ['amount', 'amount', m.amount],
        ['quantity', 'quantity', m.quantity],
        ['session', 'session-id', m.sessionId],
        ['end', 'end-time', m.endTime?.column],
        ['pages', 'pages', m.pages],
        ['cart', 'cart-adds', m.cartAdds],
        ['device', 'device', m.device],
        ['payment', 'payment', m.payment],
      ];
      col = {};
      for (const [key, option, column] of entries) if (column !== undefined) col[key] = index(option, column);
      continue;
    }
    if (line.trim() === '') continue;
    rowsIn++;
    const place = lineNo;
    const f = split(line);
    const customerId = (f[col.customer ?? 0] ?? '').trim();
    if (customerId === '') {
      rejections.add('missing customer id', place);
      continue;
    }
    const start = time(parseTime, (f[col.time ?? 0] ?? '').trim(), m.time.column, place);
    if (start === null) continue;
    let endMs = start.ms;
    if (parseEnd !== null && col.end !== undefined) {
      const end = time(parseEnd, (f[col.end] ?? '').trim(), m.endTime?.column ?? 'end time', place);
      if (end === null) continue;
      if (end.ms < start.ms) {
        rejections.add('end time before start time', place);
        continue;
      }
      endMs = end.ms;
    }
    if (!start.wholeDay) wholeDays = false;
    const amount = num(f, 'amount', place, false, m.amount);
    if (amount === null) continue;
    const quantity =
      col.quantity === undefined ? (amount > 0 ? 1 : 0) : num(f, 'quantity', place, true, m.quantity ?? '');
    if (quantity === null) continue;
    const pages = num(f, 'pages', place, true, m.pages ?? '');
    const cart = pages === null ? null : num(f, 'cart', place, true, m.cartAdds ?? '');
    if (pages === null || cart === null) continue;
    const cents = Math.round(amount * 100);
    if (cents > 0 && quantity === 0) {
      rejections.add('amount without quantity', place);
      continue;
    }
    if (quantity > 0 && cents === 0) {
      rejections.add('quantity without amount', place);
      continue;
    }
    if (endMs > snapshotLimit) {
      rejections.add('after --snapshot-at', place);
      continue;
    }
    let ci = customerIndex.get(customerId);
    if (ci === undefined && known !== null && !known.byId.has(customerId)) {
      rejections.add('customer id not in the customers file', place);
      continue;
    }
    const sessionId = col.session === undefined ? null : (f[col.session] ?? '').trim() || null;
    const earlier = sessionId === null ? undefined : bySessionId.get(sessionId);
    if (earlier !== undefined) {
      if (s.customer[earlier] !== ci) {
        rejections.add('session id of another customer', place);
        continue;
      }
      s.start[earlier] = Math.min(s.start[earlier] ?? start.ms, start.ms);
      s.end[earlier] = Math.max(s.end[earlier] ?? endMs, endMs);
      s.qty[earlier] = (s.qty[earlier] ?? 0) + quantity;
      s.cents[earlier] = (s.cents[earlier] ?? 0) + cents;
      s.pages[earlier] = (s.pages[earlier] ?? 0) + pages;
      s.cart[earlier] = (s.cart[earlier] ?? 0) + cart;
      merged++;
      if (ci !== undefined) firstEvent[ci] = Math.min(firstEvent[ci] ?? start.ms, start.ms);
      continue;
    }
    if (ci === undefined) {
      ci = customerIds.length;
      customerIndex.set(customerId, ci);
      customerIds.push(customerId);
      firstEvent.push(start.ms);
    } else firstEvent[ci] = Math.min(firstEvent[ci] ?? start.ms, start.ms);
    if (sessionId !== null) bySessionId.set(sessionId, s.id.length);
    s.id.push(sessionId);
    s.customer.push(ci);
    s.start.push(start.ms);
    s.end.push(endMs);
    s.qty.push(quantity);
    s.cents.push(cents);
    s.pages.push(pages);
    s.cart.push(cart);
    s.device.push(col.device === undefined ? '' : (f[col.device] ?? '').trim().toLowerCase());
    s.payment.push(col.payment === undefined ? '' : (f[col.payment] ?? '').trim().toLowerCase());
    s.line.push(lineNo);
  }
  if (split === null) throw usage(`--in ${inFile}: the file is empty (expected a header line)`);
  // Funnel facts are checked once a session is whole (its rows merged).
  const n = s.id.length;
  const keep = new Uint8Array(n).fill(1);
  if (col.pages !== undefined || col.cart !== undefined) {
    for (let i = 0; i < n; i++) {
      const pages = s.pages[i] ?? 0;
      const cart = s.cart[i] ?? 0;
      const qty = s.qty[i] ?? 0;
      const bad =
        (col.cart !== undefined && col.pages !== undefined && cart > pages) ||
        (col.cart !== undefined && qty > cart);
      if (bad) {
        keep[i] = 0;
        rejections.add('funnel: cart adds above pages, or purchases above cart adds', s.line[i]!);
      }
    }
  }

  let lastMs = -Infinity;
  let firstMs = Infinity;
  for (let i = 0; i < n; i++) {
    if (keep[i] === 0) continue;
    lastMs = Math.max(lastMs, s.end[i] ?? -Infinity);
    firstMs = Math.min(firstMs, s.start[i] ?? Infinity);
  }
  if (!Number.isFinite(lastMs)) {
    const reasons = Object.entries(rejections.byReason)
      .map(([r, x]) => `${r} ${x.rows} (first at ${x.first[0] ?? '?'})`)
      .join(', ');
    throw new AppError(
      'DATASET_INVALID',
      `${inFile}: no usable row among ${rowsIn} (${reasons || 'no data rows'})`,
    );
  }
  const snapshotAtMs = Number.isFinite(snapshotLimit) ? snapshotLimit : endOfDay(lastMs);

  const outDir = resolve(options.outDir);
  mkdirSync(outDir, { recursive: true });
  const files: Record<string, FileEntry> = {};
  const finish = (fileName: string, sink: FileSink) => {
    const r = sink.close();
    files[fileName] = { sha256: r.sha256, bytes: r.bytes, rows: r.lines - 1 };
  };

  // Sessions in event-time order (session_end, then the source line).
  const order = eventTimeOrder(s.end, keep);
  // Each cell is CSV text already: numbers and ISO times never need quotes, text is quoted when it must.
  const sessionColumns: string[] = ['session_id', 'customer_id', 'session_start'];
  const cells: ((i: number) => string)[] = [];
  const optionalColumn = (present: boolean, column: string, cell: (i: number) => string) => {
    if (!present) return;
    sessionColumns.push(column);
    cells.push(cell);
  };
  const startIso = lastIsoTime();
  const endIso = lastIsoTime();
  optionalColumn(col.end !== undefined, 'session_end', (i) => endIso(s.end[i]!));
  optionalColumn(col.pages !== undefined, 'pages_viewed', (i) => String(s.pages[i]));
  optionalColumn(col.cart !== undefined, 'products_added_to_cart', (i) => String(s.cart[i]));
  optionalColumn(true, 'products_purchased', (i) => String(s.qty[i]));
  optionalColumn(true, 'total_spent', (i) => formatCents(s.cents[i]!));
  optionalColumn(col.device !== undefined, 'device_type', (i) => csvField(s.device[i]!));
  optionalColumn(col.payment !== undefined, 'payment_method', (i) =>
    s.qty[i]! > 0 ? csvField(s.payment[i]!) : '',
  );
  const sessions = new FileSink(join(outDir, 'sessions.csv'));
  sessions.write(sessionColumns.join(',') + '\n');
  const hasCustomer = new Uint8Array(customerIds.length);
  const customerCells = customerIds.map(csvField);
  for (const i of order) {
    const ci = s.customer[i]!;
    hasCustomer[ci] = 1;
    const id = s.id[i];
    let line = `${id === null || id === undefined ? `L${s.line[i]}` : csvField(id)},${customerCells[ci]!},${startIso(s.start[i]!)}`;
    for (const cell of cells) line += `,${cell(i)}`;
    sessions.write(line + '\n');
  }
  finish('sessions.csv', sessions);

  const c = options.customers;
  const customerColumns = [
    'customer_id',
    ...(c?.age === undefined ? [] : ['age']),
    ...(c?.gender === undefined ? [] : ['gender']),
    ...(c?.country === undefined ? [] : ['country']),
    'customer_since',
  ];
  const customers = new FileSink(join(outDir, 'customers.csv'));
  customers.write(customerColumns.join(',') + '\n');
  let moved = 0;
  let written = 0;
  const writeCustomer = (id: string, first: number | undefined): void => {
    const info = known?.byId.get(id);
    let since = first ?? Number.NaN;
    if (info !== undefined && Number.isFinite(info.since)) {
      if (first !== undefined && info.since > first) moved++;
      else since = info.since;
    }
    if (!Number.isFinite(since) || since > snapshotAtMs) return;
    written++;
    customers.write(
      csvLine([
        id,
        ...(c?.age === undefined ? [] : [info?.age ?? '']),
        ...(c?.gender === undefined ? [] : [info?.gender ?? '']),
        ...(c?.country === undefined ? [] : [info?.country ?? '']),
        isoTime(since),
      ]),
    );
  };
  // Customers who appear in the log, in order of first appearance, then the customers file's others.
  customerIds.forEach((id, ci) => {
    if (hasCustomer[ci] === 1) writeCustomer(id, firstEvent[ci]);
  });
  for (const id of known?.order ?? []) if (!customerIndex.has(id)) writeCustomer(id, undefined);
  finish('customers.csv', customers);

  const manifestPath = join(outDir, 'manifest.json');
  const report: ImportReport = {
    input: inFile,
    customers_file: c === undefined ? null : resolve(c.file),
    delimiter,
    rows_in: rowsIn,
    rows_merged: merged,
    rows_rejected: rejections.total,
    rejected: rejections.byReason,
    sessions: order.length,
    customers: written,
    customers_rows_in: known?.rows ?? 0,
    since_moved_to_first_event: moved,
    whole_days: wholeDays,
    columns: { customers: customerColumns, sessions: sessionColumns },
    snapshot_at: isoTime(snapshotAtMs),
    window_start: isoTime(firstMs),
    files,
    manifest_path: manifestPath,
  };
  const manifest = {
    source: 'import',
    snapshot_at: report.snapshot_at,
    window_start: report.window_start,
    window_end: report.snapshot_at,
    churn_window_days: DEFAULT_CHURN_WINDOW_DAYS,
    counts: { customers: written, sessions: order.length },
    files,
    import: {
      input: inFile,
      customers_file: report.customers_file,
      mapping: options.mapping,
      customers_mapping: c ?? null,
      delimiter,
      whole_days: wholeDays,
      rows_in: rowsIn,
      rows_merged: merged,
      rows_rejected: rejections.total,
      rejected: rejections.byReason,
    },
  };
  writeFileSync(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
  return report;
}
