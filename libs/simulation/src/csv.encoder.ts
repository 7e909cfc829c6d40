/* eslint-disable @typescript-eslint/no-non-null-assertion -- byte tables indexed by digits and vocabulary indices, in range by construction */
/**
 * Clean rows of the batch files encoded straight into a byte buffer: no string per field, per row
 * or per id, so writing a hundred thousand rows makes no garbage. The bytes are exactly those of
 * csvLine(sessionRow(...)) (the spec checks it on every row of a population); the string path stays
 * for dirty and NDJSON rows, and for the smaller tables, which are not the hot path.
 *
 * Every function writes at `at` and returns the offset after what it wrote; callers reserve room
 * first (see the MAX_*_BYTES bounds). Pure: no I/O.
 */
import { DAY_MS } from '@churnstream/churn';
import { DEVICE_TYPES, PAYMENT_METHODS } from '@churnstream/contracts';
import { NO_PAYMENT, type SessionDraw } from './session.stream';

const ZERO = 48;
const COMMA = 44;
const NEWLINE = 10;
/** 10000-01-01: from there ISO years take six digits (and negative years a sign). */
const MAX_FAST_MS = 253_402_300_800_000;

const ascii = (s: string): Uint8Array => Uint8Array.from(s, (ch) => ch.charCodeAt(0));
const DEVICE_BYTES = DEVICE_TYPES.map(ascii);
const PAYMENT_BYTES = PAYMENT_METHODS.map(ascii);

/** Upper bound of a clean session line: ids of up to 16 digits, two timestamps, numbers, words. */
export const MAX_SESSION_LINE_BYTES = 256;

export function putBytes(buf: Uint8Array, at: number, bytes: Uint8Array): number {
  // Short copies: a loop beats TypedArray#set's call overhead.
  for (let k = 0; k < bytes.length; k++) buf[at + k] = bytes[k]!;
  return at + bytes.length;
}

/** Decimal digits of a non-negative safe integer. */
export function putUint(buf: Uint8Array, at: number, n: number): number {
  if (n < 10) {
    buf[at] = ZERO + n;
    return at + 1;
  }
  let digits = 2;
  for (let p = 100; p <= n && digits < 16; p *= 10) digits++;
  return putPadded(buf, at, n, digits);
}

/** Exactly `width` decimal digits of a non-negative integer (zero-padded; the caller sizes width). */
export function putPadded(buf: Uint8Array, at: number, n: number, width: number): number {
  let k = at + width - 1;
  if (n <= 0x7fffffff) {
    // Int32 arithmetic: division by a constant compiles to a multiply, not a float division.
    let v = n | 0;
    for (; k >= at; k--) {
      const q = (v / 10) | 0;
      buf[k] = ZERO + v - q * 10;
      v = q;
    }
  } else {
    let v = n;
    for (; k >= at; k--) {
      const q = Math.floor(v / 10);
      buf[k] = ZERO + (v - q * 10);
      v = q;
    }
  }
  return at + width;
}

function put2(buf: Uint8Array, at: number, v: number): void {
  const tens = (v / 10) | 0;
  buf[at] = ZERO + tens;
  buf[at + 1] = ZERO + v - tens * 10;
}

/**
 * The calendar date part (`YYYY-MM-DD`) of each day is computed once and kept: rows come in time
 * order, so consecutive timestamps mostly share their day.
 */
class DayCache {
  private day = Number.NaN;
  private readonly bytes = new Uint8Array(10);

  get(day: number): Uint8Array {
    if (day !== this.day) {
      this.day = day;
      const iso = new Date(day * DAY_MS).toISOString();
      for (let k = 0; k < 10; k++) this.bytes[k] = iso.charCodeAt(k);
    }
    return this.bytes;
  }
}

const startDays = new DayCache();
const endDays = new DayCache();
const dateDays = new DayCache();

function putSlow(buf: Uint8Array, at: number, iso: string): number {
  for (let k = 0; k < iso.length; k++) buf[at + k] = iso.charCodeAt(k);
  return at + iso.length;
}

const fast = (ms: number): boolean => Number.isInteger(ms) && ms >= 0 && ms < MAX_FAST_MS;

function putIsoWith(buf: Uint8Array, at: number, ms: number, days: DayCache): number {
  if (!fast(ms)) return putSlow(buf, at, new Date(ms).toISOString());
  const day = Math.floor(ms / DAY_MS);
  at = putBytes(buf, at, days.get(day));
  let r = (ms - day * DAY_MS) | 0; // within a day: fits in 32 bits
  const h = (r / 3_600_000) | 0;
  r -= h * 3_600_000;
  const m = (r / 60_000) | 0;
  r -= m * 60_000;
  const sec = (r / 1000) | 0;
  buf[at] = 84; // T
  put2(buf, at + 1, h);
  buf[at + 3] = 58; // :
  put2(buf, at + 4, m);
  buf[at + 6] = 58;
  put2(buf, at + 7, sec);
  buf[at + 9] = 46; // .
  putPadded(buf, at + 10, r - sec * 1000, 3);
  buf[at + 13] = 90; // Z
  return at + 14;
}

/** `2026-03-01T10:15:00.000Z`, byte for byte what Date#toISOString gives. */
export function putIsoTime(buf: Uint8Array, at: number, ms: number): number {
  return putIsoWith(buf, at, ms, startDays);
}

/** `2026-03-01`: the date part of putIsoTime. */
export function putIsoDate(buf: Uint8Array, at: number, ms: number): number {
  if (!fast(ms)) return putSlow(buf, at, new Date(ms).toISOString().slice(0, 10));
  return putBytes(buf, at, dateDays.get(Math.floor(ms / DAY_MS)));
}

/** Integer cents with two decimals, as formatCents: 1234 -> 12.34, -5 -> -0.05. */
export function putCents(buf: Uint8Array, at: number, cents: number): number {
  let c = Math.round(cents);
  if (c < 0) {
    buf[at++] = 45; // -
    c = -c;
  }
  const frac = c % 100;
  at = putUint(buf, at, (c - frac) / 100);
  buf[at] = 46;
  put2(buf, at + 1, frac);
  return at + 3;
}

/**
 * One clean session line of sessions.csv (the same bytes as csvLine(sessionRow(...))): session `seq` (0-based),
 * ids zero-padded to `idWidth` and `customerIdWidth` digits as Population#sessionId and #customerId
 * (wide enough for every id by construction).
 */
export function putSessionCsv(
  buf: Uint8Array,
  at: number,
  seq: number,
  idWidth: number,
  customerIdWidth: number,
  d: SessionDraw,
): number {
  buf[at] = 83; // S
  at = putPadded(buf, at + 1, seq + 1, idWidth);
  buf[at] = COMMA;
  buf[at + 1] = 67; // C
  at = putPadded(buf, at + 2, d.customer + 1, customerIdWidth);
  buf[at++] = COMMA;
  at = putIsoWith(buf, at, d.start, startDays);
  buf[at++] = COMMA;
  at = putIsoWith(buf, at, d.end, endDays);
  buf[at++] = COMMA;
  at = putUint(buf, at, d.pages);
  buf[at++] = COMMA;
  at = putUint(buf, at, d.cart);
  buf[at++] = COMMA;
  at = putUint(buf, at, d.bought);
  buf[at++] = COMMA;
  at = putCents(buf, at, d.cents);
  buf[at++] = COMMA;
  at = putBytes(buf, at, DEVICE_BYTES[d.device]!);
  buf[at++] = COMMA;
  if (d.payment !== NO_PAYMENT) at = putBytes(buf, at, PAYMENT_BYTES[d.payment]!);
  buf[at] = NEWLINE;
  return at + 1;
}
