import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importLog } from './log.import';

const fixtures = new URL('../fixtures/', import.meta.url).pathname;
const root = mkdtempSync(join(tmpdir(), 'churnstream-import-'));
after(() => {
  rmSync(root, { recursive: true, force: true });
});
const csv = (dir: string, file: string) =>
  readFileSync(join(dir, file), 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => l.split(','));

describe(importLog.name, () => {
  it('imports a whitespace-separated log of whole days: end-of-day times, snapshot at the end of the last day, rejects with file:line', () => {
    const out = join(root, 'cd');
    const report = importLog({
      inFile: join(fixtures, 'cd-shop.txt'),
      outDir: out,
      mapping: {
        customerId: 'customer_id',
        time: { column: 'date', format: '%Y%m%d' },
        amount: 'dollar_value',
        quantity: 'number_of_cds',
      },
    });
    assert.equal(report.delimiter, 'whitespace');
    assert.equal(report.rows_in, 11);
    assert.equal(report.sessions, 7);
    assert.deepEqual(Object.fromEntries(Object.entries(report.rejected).map(([k, v]) => [k, v.first])), {
      'unparsable date': ['cd-shop.txt:8', 'cd-shop.txt:9'],
      'quantity without amount': ['cd-shop.txt:10'],
      'unparsable dollar_value': ['cd-shop.txt:11'],
    });
    assert.equal(report.snapshot_at, '1997-04-15T23:59:59.999Z');
    assert.equal(report.whole_days, true);
    const sessions = csv(out, 'sessions.csv');
    assert.deepEqual(sessions[0], [
      'session_id',
      'customer_id',
      'session_start',
      'products_purchased',
      'total_spent',
    ]);
    assert.deepEqual(sessions[1], ['L2', '00001', '1997-01-01T23:59:59.999Z', '1', '11.77']);
    const customers = csv(out, 'customers.csv');
    assert.deepEqual(customers[0], ['customer_id', 'customer_since']);
    assert.deepEqual(
      customers.slice(1).map((c) => c.join(',')),
      ['00001,1997-01-01T23:59:59.999Z', '00002,1997-01-12T23:59:59.999Z', '00003,1997-01-02T23:59:59.999Z'],
    );
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(manifest.snapshot_at, '1997-04-15T23:59:59.999Z');
    assert.deepEqual(manifest.counts, { customers: 3, sessions: 7 });
  });

  it('merges the lines of one order, keeps device and payment, and rejects what cannot be used', () => {
    const out = join(root, 'orders');
    const report = importLog({
      inFile: join(fixtures, 'orders.csv'),
      outDir: out,
      mapping: {
        customerId: 'customer',
        time: { column: 'ordered_at', format: '%d/%m/%Y %H:%M' },
        amount: 'price',
        quantity: 'items',
        sessionId: 'order_id',
        device: 'device',
        payment: 'payment',
      },
    });
    assert.equal(report.delimiter, ',');
    assert.equal(report.rows_merged, 1);
    assert.deepEqual(Object.keys(report.rejected).sort(), [
      'missing customer id',
      'negative price',
      'session id of another customer',
      'unparsable ordered_at',
      'unparsable price',
    ]);
    assert.deepEqual(report.rejected['unparsable price']?.first, ['orders.csv:9']);
    assert.equal(report.whole_days, false);
    const sessions = csv(out, 'sessions.csv');
    assert.deepEqual(sessions[0], [
      'session_id',
      'customer_id',
      'session_start',
      'products_purchased',
      'total_spent',
      'device_type',
      'payment_method',
    ]);
    assert.deepEqual(sessions[1], ['A1', 'c-1', '2024-02-03T10:15:00.000Z', '3', '24.98', 'mobile', 'card']);
    assert.deepEqual(sessions.at(-1), ['A4', 'c-3', '2024-02-11T08:00:00.000Z', '0', '0.00', 'tablet', '']);
  });

  it('reads ISO times with offsets, end times and the funnel, rejecting an end before its start and a broken funnel', () => {
    const out = join(root, 'visits');
    const report = importLog({
      inFile: join(fixtures, 'visits.csv'),
      outDir: out,
      mapping: {
        customerId: 'visitor',
        time: { column: 'started' },
        endTime: { column: 'ended' },
        amount: 'spent',
        quantity: 'bought',
        pages: 'pages',
        cartAdds: 'carted',
      },
    });
    assert.equal(report.delimiter, ';');
    assert.deepEqual(report.rejected['end time before start time']?.first, ['visits.csv:3']);
    assert.deepEqual(report.rejected['funnel: cart adds above pages, or purchases above cart adds']?.first, [
      'visits.csv:5',
    ]);
    const sessions = csv(out, 'sessions.csv');
    assert.deepEqual(sessions[0], [
      'session_id',
      'customer_id',
      'session_start',
      'session_end',
      'pages_viewed',
      'products_added_to_cart',
      'products_purchased',
      'total_spent',
    ]);
    assert.deepEqual(sessions[2]?.slice(0, 4), [
      'L4',
      'v2',
      '2024-03-02T10:00:00.000Z',
      '2024-03-02T10:30:00.000Z',
    ]);
    assert.equal(report.snapshot_at, '2024-03-04T23:59:59.999Z');
  });

  it('takes customers from a customers file: its since unless after the first event, its attributes, its customers without events', () => {
    const out = join(root, 'with-customers');
    const report = importLog({
      inFile: join(fixtures, 'cd-shop.txt'),
      outDir: out,
      mapping: {
        customerId: 'customer_id',
        time: { column: 'date', format: '%Y%m%d' },
        amount: 'dollar_value',
        quantity: 'number_of_cds',
      },
      customers: {
        file: join(fixtures, 'customers.csv'),
        customerId: 'id',
        age: 'age',
        gender: 'sex',
        country: 'country',
        since: { column: 'signup' },
      },
    });
    assert.equal(report.since_moved_to_first_event, 1);
    assert.deepEqual(report.rejected['customer: duplicate customer id']?.first, ['customers.csv:6']);
    const customers = csv(out, 'customers.csv');
    assert.deepEqual(customers[0], ['customer_id', 'age', 'gender', 'country', 'customer_since']);
    assert.deepEqual(
      customers.slice(1).map((c) => c.join(',')),
      [
        '00001,34,female,US,1996-12-01T23:59:59.999Z',
        '00002,51,male,US,1997-01-12T23:59:59.999Z',
        '00003,,female,CA,1996-11-15T23:59:59.999Z',
        '00009,29,male,US,1997-03-01T23:59:59.999Z',
      ],
    );
  });

  it('names the option whose column is not in the header, listing the header', () => {
    assert.throws(
      () =>
        importLog({
          inFile: join(fixtures, 'orders.csv'),
          outDir: join(root, 'bad'),
          mapping: { customerId: 'customer', time: { column: 'when' }, amount: 'price' },
        }),
      /--time: no column "when" in the header of orders.csv \(columns: order_id, customer, ordered_at/,
    );
  });
});
