/**
 * Times in a source log, read with a strftime-style format (`%Y%m%d`, `%d/%m/%Y %H:%M`) or as
 * ISO 8601 when no format is given. A value without a time of day is a whole day: it is placed at the
 * day's last millisecond (23:59:59.999 UTC), so a purchase on the cutoff day counts as known by the end
 * of that day and never later, and a snapshot at the end of the last day includes that day whole.
 * Values without an offset are UTC.
 */
import { DAY_MS } from '@churnstream/churn';

export interface ParsedTime {
  ms: number;
  /** The value had no time of day. */
  wholeDay: boolean;
}

export type TimeParser = (text: string) => ParsedTime | null;

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

type Field = 'Y' | 'y' | 'm' | 'b' | 'd' | 'H' | 'M' | 'S' | 'f' | 'z' | 'j';

const DIRECTIVES: Record<string, { pattern: string; field: Field }> = {
  Y: { pattern: '(\\d{4})', field: 'Y' },
  y: { pattern: '(\\d{2})', field: 'y' },
  m: { pattern: '(\\d{1,2})', field: 'm' },
  b: { pattern: '([A-Za-z]{3})', field: 'b' },
  d: { pattern: '(\\d{1,2})', field: 'd' },
  j: { pattern: '(\\d{1,3})', field: 'j' },
  H: { pattern: '(\\d{1,2})', field: 'H' },
  M: { pattern: '(\\d{1,2})', field: 'M' },
  S: { pattern: '(\\d{1,2})', field: 'S' },
  f: { pattern: '(\\d{1,9})', field: 'f' },
  z: { pattern: '(Z|[+-]\\d{2}:?\\d{2})', field: 'z' },
};

/** The format's directives as a regular expression; throws (with the directive) on an unknown one. */
function compile(format: string): { re: RegExp; fields: Field[] } {
  let pattern = '^';
  const fields: Field[] = [];
  for (let i = 0; i < format.length; i++) {
    const ch = format[i] ?? '';
    if (ch !== '%') {
      pattern += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      continue;
    }
    const d = format[++i] ?? '';
    if (d === '%') {
      pattern += '%';
      continue;
    }
    const directive = DIRECTIVES[d];
    if (directive === undefined) {
      throw new RangeError(
        `unknown directive %${d} in time format "${format}" (known: ${Object.keys(DIRECTIVES)
          .map((k) => `%${k}`)
          .join(' ')} %%)`,
      );
    }
    pattern += directive.pattern;
    fields.push(directive.field);
  }
  if (!fields.includes('Y') && !fields.includes('y'))
    throw new RangeError(`time format "${format}" has no year (%Y or %y)`);
  return { re: new RegExp(`${pattern}$`), fields };
}

function offsetMs(z: string): number {
  if (z === 'Z') return 0;
  const sign = z.startsWith('-') ? -1 : 1;
  const digits = z.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
}

function strftimeParser(format: string): TimeParser {
  const { re, fields } = compile(format);
  const wholeDay = !fields.includes('H');
  return (text) => {
    const m = re.exec(text.trim());
    if (m === null) return null;
    let year = 0;
    let month = 1;
    let day = 1;
    let yday = 0;
    let hour = 0;
    let minute = 0;
    let second = 0;
    let ms = 0;
    let offset = 0;
    for (let k = 0; k < fields.length; k++) {
      const v = m[k + 1] ?? '';
      switch (fields[k]) {
        case 'Y':
          year = Number(v);
          break;
        case 'y':
          year = 2000 + Number(v) - (Number(v) >= 69 ? 100 : 0);
          break;
        case 'm':
          month = Number(v);
          break;
        case 'b':
          month = MONTHS.indexOf(v.toLowerCase()) + 1;
          break;
        case 'd':
          day = Number(v);
          break;
        case 'j':
          yday = Number(v);
          break;
        case 'H':
          hour = Number(v);
          break;
        case 'M':
          minute = Number(v);
          break;
        case 'S':
          second = Number(v);
          break;
        case 'f':
          ms = Math.floor(Number(v.padEnd(3, '0').slice(0, 3)));
          break;
        case 'z':
          offset = offsetMs(v);
          break;
        case undefined:
          break;
      }
    }
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60)
      return null;
    let at = Date.UTC(year, month - 1, day, hour, minute, second, ms);
    if (yday > 0) at = Date.UTC(year, 0, 1) + (yday - 1) * DAY_MS + (at - Date.UTC(year, month - 1, day));
    // Date.UTC rolls 31 February over into March: a date that does not exist is refused instead.
    const check = new Date(Date.UTC(year, month - 1, day));
    if (yday === 0 && (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day)) return null;
    at -= offset;
    return wholeDay ? { ms: at + DAY_MS - 1, wholeDay: true } : { ms: at, wholeDay: false };
  };
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const daysInMonth = (year: number, month: number): number =>
  month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : (MONTH_DAYS[month - 1] ?? 0);

const digit = (t: string, i: number): number => {
  const d = t.charCodeAt(i) - 48;
  return d >= 0 && d <= 9 ? d : Number.NaN;
};
const two = (t: string, i: number): number => digit(t, i) * 10 + digit(t, i + 1);

/**
 * `YYYY-MM-DDTHH:MM:SSZ` (or with a space, or without the Z: UTC either way), the shape most logs
 * write, read from its digits: no regular expression, no Date.parse. Null for any other shape.
 */
function isoSecondsUtc(t: string): ParsedTime | null {
  const n = t.length;
  if (n !== 19 && !(n === 20 && t.charCodeAt(19) === 90)) return null;
  const sep = t.charCodeAt(10);
  if (t.charCodeAt(4) !== 45 || t.charCodeAt(7) !== 45 || (sep !== 84 && sep !== 32)) return null;
  if (t.charCodeAt(13) !== 58 || t.charCodeAt(16) !== 58) return null;
  const year = two(t, 0) * 100 + two(t, 2);
  const month = two(t, 5);
  const day = two(t, 8);
  const hour = two(t, 11);
  const minute = two(t, 14);
  const second = two(t, 17);
  if (!(month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour <= 23 && minute <= 59 && second <= 59))
    return null;
  if (day > daysInMonth(year, month)) return null;
  return { ms: Date.UTC(year, month - 1, day, hour, minute, second), wholeDay: false };
}

function isoParser(text: string): ParsedTime | null {
  const t = text.trim();
  const fast = isoSecondsUtc(t);
  if (fast !== null) return fast;
  if (ISO_DATE.test(t)) {
    const ms = Date.parse(`${t}T00:00:00Z`);
    const back = Number.isFinite(ms) ? new Date(ms).toISOString().slice(0, 10) : '';
    return back === t ? { ms: ms + DAY_MS - 1, wholeDay: true } : null;
  }
  if (!ISO_TIME.test(t)) return null;
  // Date.parse takes 30 February for 1 March: the calendar date must exist.
  const day = two(t, 8);
  if (new Date(Date.UTC(two(t, 0) * 100 + two(t, 2), two(t, 5) - 1, day)).getUTCDate() !== day) return null;
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/.test(t);
  const ms = Date.parse(hasZone ? t.replace(' ', 'T') : `${t.replace(' ', 'T')}Z`);
  return Number.isFinite(ms) ? { ms, wholeDay: false } : null;
}

const MEMO_LIMIT = 1 << 16;

/**
 * Logs repeat their dates (a whole-day log has a few hundred distinct values): parse each once. A
 * log of timestamps to the second hardly repeats one, so when a full memo was mostly misses, the memo
 * stops (its lookups and insertions would cost more than they save).
 */
function memoized(parse: TimeParser): TimeParser {
  const memo = new Map<string, ParsedTime | null>();
  let hits = 0;
  let useful = true;
  return (text) => {
    if (!useful) return parse(text);
    let parsed = memo.get(text);
    if (parsed === undefined) {
      parsed = parse(text);
      if (memo.size >= MEMO_LIMIT) {
        useful = hits >= memo.size;
        memo.clear();
        hits = 0;
      }
      memo.set(text, parsed);
    } else hits++;
    return parsed;
  };
}

/** A parser for `format` (strftime directives), or ISO 8601 when `format` is undefined. */
export function timeParser(format: string | undefined): TimeParser {
  return memoized(
    format === undefined || format === '' || format.toLowerCase() === 'iso'
      ? isoParser
      : strftimeParser(format),
  );
}

/** The end of the UTC day `ms` falls in (its last millisecond). */
export function endOfDay(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS + DAY_MS - 1;
}
