import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  MAX_SESSION_LINE_BYTES,
  putCents,
  putIsoDate,
  putIsoTime,
  putSessionCsv,
  putUint,
} from './csv.encoder';
import { csvLine, formatCents, sessionRow } from './dataset.format';
import { emptySession, generatePopulation } from './population.model';
import { SessionGenerator, emptyDraw } from './session.stream';

const buf = new Uint8Array(1024);
const text = (end: number): string => Buffer.from(buf.subarray(0, end)).toString('latin1');

describe('csv encoder', () => {
  it('writes every clean session line byte for byte as the generic CSV writer does', () => {
    // Wide enough ids (1,200 customers, 12,000 sessions) that padding widths differ from the minimum.
    const pop = generatePopulation({ customers: 1_200, sessions: 12_000, seed: 11 });
    const gen = new SessionGenerator(pop);
    const d = emptyDraw();
    let n = 0;
    for (let seq = 0; gen.nextDraw(d); seq++) {
      const end = putSessionCsv(buf, 0, seq, pop.sessionIdWidth, pop.customerIdWidth, d);
      assert.ok(end <= MAX_SESSION_LINE_BYTES);
      const expected = csvLine(sessionRow(gen.record(seq, d, emptySession())));
      assert.equal(text(end), expected);
      n++;
    }
    assert.equal(n, 12_000);
  });

  it('writes timestamps and dates as Date#toISOString, including days that change between calls', () => {
    const samples = [
      0, 1, 999, 86_399_999, 86_400_000, 4_102_444_799_999, 253_402_300_799_999, 253_402_300_800_000,
    ];
    for (let k = 0; k < 3000; k++) samples.push(Math.floor(1.6e12 + k * 7_919_123.7));
    samples.push(-1, 1.5);
    for (const ms of samples) {
      const iso = new Date(ms).toISOString();
      assert.equal(text(putIsoTime(buf, 0, ms)), iso, `time ${ms}`);
      assert.equal(text(putIsoDate(buf, 0, ms)), iso.slice(0, 10), `date ${ms}`);
    }
  });

  it('writes cents and integers as their decimal strings', () => {
    for (const c of [0, 5, 99, 100, 1234, 100_000, -5, -1234, 123_456_789_012]) {
      assert.equal(text(putCents(buf, 0, c)), formatCents(c));
    }
    for (const n of [0, 9, 10, 99, 100, 12345, 999_999_999_999_999])
      assert.equal(text(putUint(buf, 0, n)), String(n));
  });
});
