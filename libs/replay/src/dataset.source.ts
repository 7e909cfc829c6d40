/**
 * A dataset folder (what `cli generate` or `cli import` writes) as the activity the generator
 * streams: each customer's registration, each session, and clock ticks, merged in event-time order
 * exactly as a generated population is (libs/simulation's activityEvents): a registration at its
 * customer_since, a session at its session_end, a tick every `tickEveryMs` from the window's start
 * (manifest.json's window_start, else the first session's start), the last at snapshot_at with
 * `final: true`; at equal times registrations, then sessions, then ticks.
 *
 * Each row becomes its contract event through libs/bulk-load's builders (as `cli load` does), with
 * the defaults of row.defaults.ts for what the folder leaves out. Rows are left out, counted by
 * reason with their file and line, when the contract still refuses them, when the customer_id or
 * session_id is a repeat, when a session's customer is not in customers.csv (the features service
 * would refuse it) or when a row is after snapshot_at.
 *
 * A customer's registration always precedes their sessions on the partition: when a session ends
 * before its customer's customer_since (dirty data), the registration goes out just before that
 * session, at the session's time (customer_since in the event unchanged), so watermarks never jump.
 *
 * Memory: the registrations are held, O(customers); sessions stream from DuckDB in session_end order.
 */
import {
  customerWithDefaults,
  registrationOf,
  sessionEventOf,
  sessionWithDefaults,
} from '@churnstream/bulk-load';
import type { ActivityEvent, ClockTick, CustomerRegistered } from '@churnstream/contracts';
import { openDataset } from '@churnstream/dataset';
import { DEFAULT_TICK_EVERY_MS } from '@churnstream/simulation';
import type { ActivitySource } from './activity.stream';

export interface DatasetSourceOptions {
  tickEveryMs?: number;
  /** Starts every event id (default `replay`). */
  idPrefix?: string;
}

export interface SkippedRows {
  rows: number;
  /** The first few places, `file line N`. */
  first: string[];
}

export interface DatasetSource extends ActivitySource {
  readonly dir: string;
  /** Registrations accepted, and the session rows in the folder. */
  readonly customers: number;
  readonly sessionRows: number;
  /** Rows left out by reason; complete once `chunks` has ended. */
  readonly skipped: Record<string, SkippedRows>;
}

const CHUNK = 1_000;
const FIRST_PLACES = 5;

function parseWindowStart(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

export async function datasetSource(dir: string, options: DatasetSourceOptions = {}): Promise<DatasetSource> {
  const prefix = options.idPrefix ?? 'replay';
  const every = options.tickEveryMs ?? DEFAULT_TICK_EVERY_MS;
  if (!(Number.isFinite(every) && every > 0))
    throw new RangeError(`tickEveryMs must be positive, got ${every}`);
  const ds = await openDataset(dir);
  const snapshotAtMs = ds.snapshotAt.getTime();
  const skipped: Record<string, SkippedRows> = {};
  const skip = (reason: string, place: string): void => {
    const entry = (skipped[reason] ??= { rows: 0, first: [] });
    entry.rows++;
    if (entry.first.length < FIRST_PLACES) entry.first.push(place);
  };
  const registrations: CustomerRegistered[] = [];
  const byCustomer = new Map<string, number>();
  let windowStartMs: number;
  try {
    for await (const row of ds.customers()) {
      const place = `customers.csv line ${row.line}`;
      const checked = registrationOf(customerWithDefaults(row), prefix);
      if (!checked.ok) {
        skip(checked.reason, place);
        continue;
      }
      const id = checked.event.customer.customer_id;
      if (byCustomer.has(id)) skip('customer_id repeated', place);
      else if (Date.parse(checked.event.event_time) > snapshotAtMs)
        skip('customer_since after snapshot_at', place);
      else {
        byCustomer.set(id, registrations.length);
        registrations.push(checked.event);
      }
    }
    // Stable: customers of the same instant keep their file order.
    const at = registrations.map((r) => Date.parse(r.event_time));
    const order = registrations.map((_, i) => i).sort((a, b) => (at[a] ?? 0) - (at[b] ?? 0));
    const sorted = order.map((i) => registrations[i] as CustomerRegistered);
    registrations.length = 0;
    registrations.push(...sorted);
    registrations.forEach((r, i) => byCustomer.set(r.customer.customer_id, i));

    const fromManifest = parseWindowStart(ds.manifest?.window_start);
    if (fromManifest !== null) windowStartMs = fromManifest;
    else {
      const [first] = await ds.query<{ first: Date | null }>(
        'SELECT min(session_start) AS first FROM sessions',
      );
      windowStartMs = first?.first?.getTime() ?? snapshotAtMs;
    }
  } catch (error) {
    ds.close();
    throw error;
  }
  const ticks = Math.ceil(Math.max(0, snapshotAtMs - windowStartMs) / every) || 1;

  const tick = (ms: number): ClockTick => {
    const time = new Date(ms).toISOString();
    return {
      event_id: `${prefix}:tick:${time}`,
      event_time: time,
      event_type: 'clock_tick',
      schema_version: 1,
      final: ms >= snapshotAtMs,
    };
  };

  async function* chunks(): AsyncGenerator<readonly ActivityEvent[]> {
    let chunk: ActivityEvent[] = [];
    const emitted = new Uint8Array(registrations.length);
    const sessionIds = new Set<string>();
    let nextCustomer = 0;
    let nextTick = Math.min(snapshotAtMs, windowStartMs + every);
    let ticking = true;
    // Registrations and ticks due at or before `ms` (registrations first at equal times).
    const upTo = (ms: number) => {
      for (;;) {
        const reg = registrations[nextCustomer];
        const regAt = reg === undefined ? Infinity : Date.parse(reg.event_time);
        if (reg !== undefined && regAt <= ms && regAt <= nextTick) {
          if (emitted[nextCustomer] === 0) chunk.push(reg);
          nextCustomer++;
        } else if (ticking && nextTick < ms) {
          chunk.push(tick(nextTick));
          if (nextTick >= snapshotAtMs) ticking = false;
          else nextTick = Math.min(snapshotAtMs, nextTick + every);
        } else return;
      }
    };
    try {
      for await (const row of ds.sessions('sessions', 'session_end NULLS LAST, line')) {
        const place = `sessions.csv line ${row.line}`;
        const checked = sessionEventOf(sessionWithDefaults(row), prefix);
        if (!checked.ok) {
          skip(checked.reason, place);
          continue;
        }
        const s = checked.event.session;
        const endMs = Date.parse(s.session_end);
        const customer = byCustomer.get(s.customer_id);
        if (customer === undefined) skip('customer_id not in customers.csv', place);
        else if (sessionIds.has(s.session_id)) skip('session_id repeated', place);
        else if (endMs > snapshotAtMs) skip('session_end after snapshot_at', place);
        else {
          sessionIds.add(s.session_id);
          upTo(endMs);
          if (customer >= nextCustomer && emitted[customer] === 0) {
            const reg = registrations[customer] as CustomerRegistered;
            chunk.push({ ...reg, event_time: checked.event.event_time });
            emitted[customer] = 1;
          }
          chunk.push(checked.event);
        }
        if (chunk.length >= CHUNK) {
          yield chunk;
          chunk = [];
        }
      }
      upTo(Infinity);
      while (ticking) {
        chunk.push(tick(nextTick));
        if (nextTick >= snapshotAtMs) ticking = false;
        else nextTick = Math.min(snapshotAtMs, nextTick + every);
      }
      if (chunk.length > 0) yield chunk;
    } finally {
      ds.close();
    }
  }

  return {
    dir,
    total: registrations.length + ds.rows.sessions + ticks,
    windowStartMs,
    snapshotAtMs,
    customers: registrations.length,
    sessionRows: ds.rows.sessions,
    skipped,
    chunks,
  };
}
