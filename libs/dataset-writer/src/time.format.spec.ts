import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { endOfDay, timeParser } from './time.format';

const at = (iso: string) => Date.parse(iso);

describe(timeParser.name, () => {
  it('reads a whole day with %Y%m%d and places it at the last millisecond of that day', () => {
    assert.deepEqual(timeParser('%Y%m%d')('19970112'), {
      ms: at('1997-01-12T23:59:59.999Z'),
      wholeDay: true,
    });
  });

  it('reads day-first dates, month names, times and offsets', () => {
    assert.equal(timeParser('%d/%m/%Y %H:%M')('03/02/2024 14:05')?.ms, at('2024-02-03T14:05:00Z'));
    assert.equal(timeParser('%d %b %Y')('3 Feb 2024')?.ms, at('2024-02-03T23:59:59.999Z'));
    assert.equal(
      timeParser('%Y-%m-%dT%H:%M:%S%z')('2024-02-03T14:05:06+0200')?.ms,
      at('2024-02-03T12:05:06Z'),
    );
    assert.equal(
      timeParser('%m/%d/%y %H:%M:%S.%f')('12/31/99 23:00:00.5')?.ms,
      at('1999-12-31T23:00:00.500Z'),
    );
  });

  it('refuses values that do not match or dates that do not exist', () => {
    const p = timeParser('%Y%m%d');
    assert.equal(p('1997-01-12'), null);
    assert.equal(p('19970231'), null);
    assert.equal(p(''), null);
  });

  it('reads ISO 8601 when no format is given: a bare date is a whole day, no offset is UTC', () => {
    const iso = timeParser(undefined);
    assert.deepEqual(iso('2024-02-03'), { ms: at('2024-02-03T23:59:59.999Z'), wholeDay: true });
    assert.deepEqual(iso('2024-02-03 10:00'), { ms: at('2024-02-03T10:00:00Z'), wholeDay: false });
    assert.equal(iso('2024-02-03T10:00:00+01:00')?.ms, at('2024-02-03T09:00:00Z'));
    assert.equal(iso('2024-02-30'), null);
    assert.equal(iso('yesterday'), null);
  });

  it('reads timestamps to the second as Date.parse does, across many distinct values, and refuses impossible ones', () => {
    const iso = timeParser(undefined);
    const base = at('2023-12-31T22:00:00Z');
    for (let k = 0; k < 70_000; k++) {
      const text = new Date(base + k * 7_919_000).toISOString().slice(0, 19);
      const withZ = `${text}Z`;
      assert.deepEqual(iso(k % 2 === 0 ? withZ : text.replace('T', ' ')), { ms: at(withZ), wholeDay: false });
    }
    assert.equal(iso('2024-02-30T10:00:00Z'), null);
    assert.equal(iso('2023-02-29T10:00:00Z'), null);
    assert.deepEqual(iso('2024-02-29T10:00:00Z'), { ms: at('2024-02-29T10:00:00Z'), wholeDay: false });
    assert.equal(iso('2024-13-01 10:00:00'), null);
    assert.equal(iso('2024-01-0aT10:00:00Z'), null);
    assert.deepEqual(iso('2024-01-01T10:00:00+01:00'), { ms: at('2024-01-01T09:00:00Z'), wholeDay: false });
  });

  it('names an unknown directive and a format without a year', () => {
    assert.throws(() => timeParser('%Q'), /unknown directive %Q/);
    assert.throws(() => timeParser('%m/%d'), /no year/);
  });
});

describe(endOfDay.name, () => {
  it('is the last millisecond of the UTC day', () => {
    assert.equal(endOfDay(at('2024-02-03T10:00:00Z')), at('2024-02-03T23:59:59.999Z'));
  });
});
