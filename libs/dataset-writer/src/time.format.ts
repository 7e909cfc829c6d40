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

function isoParser(text: string): ParsedTime | null {
  const t = text.trim();
  if (ISO_DATE.test(t)) {
    const ms = Date.parse(`${t}T00:00:00Z`);
    const back = Number.isFinite(ms) ? new Date(ms).toISOString().slice(0, 10) : '';
    return back === t ? { ms: ms + DAY_MS - 1, wholeDay: true } : null;
  }
  if (!ISO_TIME.test(t)) return null;
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/.test(t);
  const ms = Date.parse(hasZone ? t.replace(' ', 'T') : `${t.replace(' ', 'T')}Z`);
  return Number.isFinite(ms) ? { ms, wholeDay: false } : null;
}

const MEMO_LIMIT = 1 << 16;

/** Logs repeat their dates (a whole-day log has a few hundred distinct values): parse each once. */
function memoized(parse: TimeParser): TimeParser {
  const memo = new Map<string, ParsedTime | null>();
  return (text) => {
    let parsed = memo.get(text);
    if (parsed === undefined) {
      parsed = parse(text);
      if (memo.size >= MEMO_LIMIT) memo.clear();
      memo.set(text, parsed);
    }
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
