/**
 * Dirty mode: corrupts a share of the written rows the way real exports go wrong, and counts exactly
 * what it did so a cleaning step can be checked against the manifest. Each clean row is corrupted at
 * most once (probability `rate`), by one kind drawn uniformly from those that apply to its table:
 * - duplicate_rows: the row is written twice, identically;
 * - duplicate_ids: a second row with the same id but different content follows (age + 1, or one more
 *   page viewed), still valid on its own;
 * - missing_values: one field is blanked (which field is counted per column);
 * - negative_age, end_before_start, purchases_above_cart, unknown_device: one field made invalid.
 * Only the files change: labels, truth and the manifest's clean counts come from the clean records.
 */
import { Rng } from './random.rng';
import { CUSTOMER_COL, SESSION_COL, isoTime, type Row } from './dataset.format';
import { STREAM } from './population.model';

export type DirtyTable = 'customers' | 'sessions';

export const DIRTY_KINDS = {
  customers: ['duplicate_rows', 'duplicate_ids', 'missing_values', 'negative_age'],
  sessions: [
    'duplicate_rows',
    'duplicate_ids',
    'missing_values',
    'end_before_start',
    'purchases_above_cart',
    'unknown_device',
  ],
} as const;

const MISSABLE = {
  customers: ['name', 'email', 'age', 'gender', 'location', 'country', 'customer_since'],
  sessions: ['session_end', 'pages_viewed', 'products_added_to_cart', 'total_spent', 'device_type'],
} as const;

export const UNKNOWN_DEVICES = ['smart_tv', 'console', 'unknown'] as const;

export interface DirtyCounts {
  /** Clean rows in, rows written out (clean rows plus duplicates). */
  rows_in: number;
  rows_out: number;
  /** Count per kind; every kind of the table is present, zero when not injected. */
  injected: Record<string, number>;
  /** Which field each missing value blanked. */
  missing_by_column: Record<string, number>;
}

export class DirtyInjector {
  private readonly rng: Rng;
  private readonly kinds: readonly string[];
  readonly counts: DirtyCounts;

  constructor(
    seed: number,
    private readonly rate: number,
    private readonly table: DirtyTable,
  ) {
    if (!(rate >= 0 && rate <= 1)) throw new RangeError(`dirty rate must be in [0, 1], got ${rate}`);
    this.rng = Rng.of(seed, STREAM.dirty, table === 'customers' ? 1 : 2);
    this.kinds = DIRTY_KINDS[table];
    this.counts = {
      rows_in: 0,
      rows_out: 0,
      injected: Object.fromEntries(this.kinds.map((k) => [k, 0])),
      missing_by_column: Object.fromEntries(MISSABLE[table].map((c) => [c, 0])),
    };
  }

  /** The rows to write for one clean row (the row itself, corrupted or not, and any duplicate). */
  apply(row: Row): Row[] {
    const kind = this.draw();
    return kind === null ? [row] : this.corrupt(kind, row);
  }

  /**
   * Decides the fate of the next clean row: null to write it as it is, or the kind of dirt to inject
   * with `corrupt` (which the caller must then call). Lets a writer skip building rows for clean records.
   */
  draw(): string | null {
    this.counts.rows_in++;
    if (this.rate === 0 || !this.rng.chance(this.rate)) {
      this.counts.rows_out++;
      return null;
    }
    const kind = this.kinds[this.rng.int(this.kinds.length)] ?? 'duplicate_rows';
    this.counts.injected[kind] = (this.counts.injected[kind] ?? 0) + 1;
    return kind;
  }

  corrupt(kind: string, row: Row): Row[] {
    const out = this.inject(kind, row);
    this.counts.rows_out += out.length;
    return out;
  }

  private inject(kind: string, row: Row): Row[] {
    const s = SESSION_COL;
    const c = CUSTOMER_COL;
    const num = (i: number): number => Number(row[i] ?? '');
    switch (kind) {
      case 'duplicate_rows':
        return [row, row.slice()];
      case 'duplicate_ids': {
        const twin = row.slice();
        if (this.table === 'customers') twin[c.age] = String(num(c.age) + 1);
        else twin[s.pages_viewed] = String(num(s.pages_viewed) + 1);
        return [row, twin];
      }
      case 'missing_values': {
        const names: readonly string[] = MISSABLE[this.table];
        const name = names[this.rng.int(names.length)] ?? 'name';
        const cols: Record<string, number> = this.table === 'customers' ? c : s;
        row[cols[name] ?? 0] = '';
        this.counts.missing_by_column[name] = (this.counts.missing_by_column[name] ?? 0) + 1;
        return [row];
      }
      case 'negative_age':
        row[c.age] = String(-Math.max(1, num(c.age)));
        return [row];
      case 'end_before_start':
        row[s.session_end] = isoTime(
          Date.parse(row[s.session_start] ?? '') - (1 + this.rng.int(1800)) * 1000,
        );
        return [row];
      case 'purchases_above_cart':
        row[s.products_purchased] = String(num(s.products_added_to_cart) + 1 + this.rng.int(3));
        return [row];
      case 'unknown_device':
        row[s.device_type] = UNKNOWN_DEVICES[this.rng.int(UNKNOWN_DEVICES.length)] ?? 'unknown';
        return [row];
      default:
        throw new RangeError(`unknown dirty kind ${kind}`);
    }
  }
}
