import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '@churnstream/errors';
import { openDataset } from './dataset.loader';
import {
  CUSTOMERS_HEADER,
  SESSIONS_HEADER,
  writeDatasetFixture,
  type Fixture,
  type FixtureFiles,
} from './dataset.fixture';
import type { CustomerRow, SessionRow } from './dataset.schema';

const CUSTOMERS = [
  'C1,Ann Lee,ann@example.com,34,female,Lyon,France,2025-01-10,0',
  'C2,Bo Kim,,51,male,Porto,Portugal,2025-03-01,1',
];
const SESSIONS = [
  'S1,C1,2026-03-29T00:59:00Z,2026-03-29T01:01:30Z,5,2,1,19.90,mobile,paypal',
  'S2,C2,2026-01-01T23:50:00.500Z,2026-01-02T00:10:00Z,3,0,0,0,desktop,',
];

const fixtures: Fixture[] = [];
async function fixture(files: FixtureFiles): Promise<string> {
  const f = await writeDatasetFixture({ customers: CUSTOMERS, sessions: SESSIONS, ...files });
  fixtures.push(f);
  return f.dir;
}
after(async () => {
  await Promise.all(fixtures.map((f) => f.cleanup()));
});

async function rejection(dir: string, options = {}): Promise<AppError> {
  try {
    const ds = await openDataset(dir, options);
    ds.close();
  } catch (error) {
    assert.ok(error instanceof AppError, `expected an AppError, got ${String(error)}`);
    assert.equal(error.code, 'DATASET_INVALID');
    return error;
  }
  assert.fail('expected openDataset to reject');
}

void describe('openDataset', () => {
  void it('loads typed rows in file order with UTC instants and line numbers', async () => {
    const ds = await openDataset(await fixture({}));
    try {
      assert.equal(ds.snapshotAt.toISOString(), '2026-06-01T00:00:00.000Z');
      assert.deepEqual(ds.rows, { customers: 2, sessions: 2 });
      const customers: CustomerRow[] = [];
      for await (const c of ds.customers()) customers.push(c);
      assert.equal(customers.length, 2);
      assert.equal(customers[0]?.customer_since?.toISOString(), '2025-01-10T00:00:00.000Z');
      assert.equal(customers[0]?.age, 34);
      assert.equal(customers[0]?.line, 2);
      assert.equal(customers[1]?.email, null);
      const sessions: SessionRow[] = [];
      for await (const s of ds.sessions()) sessions.push(s);
      // 2026-03-29 01:00 UTC is a DST change in Europe: UTC parsing must not shift anything.
      assert.equal(sessions[0]?.session_start?.toISOString(), '2026-03-29T00:59:00.000Z');
      assert.equal(sessions[1]?.session_start?.toISOString(), '2026-01-01T23:50:00.500Z');
      assert.equal(sessions[1]?.payment_method, null);
      assert.equal(sessions[0]?.total_spent, 19.9);
      const [row] = await ds.query<{ n: bigint }>(
        'SELECT count(*) AS n FROM sessions s JOIN customers c USING (customer_id)',
      );
      assert.equal(row?.n, 2n);
    } finally {
      ds.close();
    }
  });

  void it('keeps the raw text as VARCHAR beside the typed tables', async () => {
    const ds = await openDataset(await fixture({}));
    try {
      const rows = await ds.query<{ total_spent: string; line: bigint }>(
        'SELECT total_spent, line FROM raw_sessions ORDER BY line',
      );
      assert.deepEqual(
        rows.map((r) => r.total_spent),
        ['19.90', '0'],
      );
    } finally {
      ds.close();
    }
  });

  void it('takes snapshotAt from the option over the manifest, and needs one of them', async () => {
    const dir = await fixture({ manifest: null });
    const err = await rejection(dir);
    assert.match(err.message, /snapshot_at/);
    const ds = await openDataset(dir, { snapshotAt: '2026-05-01T12:00:00Z' });
    assert.equal(ds.snapshotAt.toISOString(), '2026-05-01T12:00:00.000Z');
    ds.close();
  });

  void it('rejects a missing file naming it', async () => {
    const err = await rejection(await fixture({ rawSessions: null }));
    assert.match(err.message, /sessions\.csv: file not found/);
  });

  void it('rejects an empty file naming file, line and column', async () => {
    const err = await rejection(await fixture({ rawCustomers: '' }));
    assert.match(err.message, /customers\.csv line 1, column 1: the file is empty/);
  });

  void it('rejects a header without rows', async () => {
    const err = await rejection(await fixture({ rawSessions: `${SESSIONS_HEADER}\n` }));
    assert.match(err.message, /sessions\.csv line 2, column 1: no data rows/);
  });

  void it('rejects a renamed or missing column naming its position', async () => {
    let err = await rejection(
      await fixture({ rawCustomers: CUSTOMERS_HEADER.replace('age', 'agee') + '\n' + CUSTOMERS.join('\n') }),
    );
    assert.match(err.message, /customers\.csv line 1, column 4: expected column "age", found "agee"/);
    err = await rejection(await fixture({ rawSessions: SESSIONS_HEADER.replace(',total_spent', '') + '\n' }));
    assert.match(err.message, /sessions\.csv line 1, column 8: missing column "total_spent"/);
    err = await rejection(
      await fixture({ rawSessions: SESSIONS_HEADER.replace(',products_purchased,total_spent', '') + '\n' }),
    );
    assert.match(err.message, /sessions\.csv line 1, column 7: missing column "products_purchased"/);
  });

  void it('loads a file without its optional columns: absent columns are listed, NULL, and session_end is session_start', async () => {
    const ds = await openDataset(
      await fixture({
        rawCustomers: 'customer_id,customer_since\nC1,2026-01-01\n',
        rawSessions:
          'session_id,customer_id,session_start,products_purchased,total_spent\nS1,C1,2026-02-01T10:00:00Z,2,9.50\n',
      }),
    );
    try {
      assert.deepEqual(ds.absent.customers, [
        'name',
        'email',
        'age',
        'gender',
        'location',
        'country',
        'churned',
      ]);
      assert.deepEqual(ds.absent.sessions, [
        'session_end',
        'pages_viewed',
        'products_added_to_cart',
        'device_type',
        'payment_method',
      ]);
      const sessions = [];
      for await (const s of ds.sessions()) sessions.push(s);
      assert.equal(sessions[0]?.session_end?.toISOString(), '2026-02-01T10:00:00.000Z');
      assert.equal(sessions[0]?.pages_viewed, null);
      assert.equal(sessions[0]?.total_spent, 9.5);
      const raw = await ds.query<{ n: bigint }>('SELECT count(pages_viewed) AS n FROM raw_sessions');
      assert.equal(raw[0]?.n, 0n);
    } finally {
      ds.close();
    }
  });

  void it('rejects a wrong delimiter', async () => {
    const semi = [CUSTOMERS_HEADER, ...CUSTOMERS].map((l) => l.replaceAll(',', ';')).join('\n');
    const err = await rejection(await fixture({ rawCustomers: semi }));
    assert.match(err.message, /customers\.csv line 1, column 1: wrong delimiter/);
  });

  void it('rejects a row with too few fields naming line and column', async () => {
    const err = await rejection(
      await fixture({ sessions: [SESSIONS[0] ?? '', 'S3,C1,2026-01-01T00:00:00Z'] }),
    );
    assert.match(err.message, /sessions\.csv line 3, column 4: .*"session_end" is missing/);
  });

  void it('rejects an unparsable date naming file, line and column', async () => {
    const err = await rejection(
      await fixture({
        sessions: [...SESSIONS, 'S3,C1,2026-02-30T00:00:00Z,2026-03-01T00:00:00Z,1,0,0,0,mobile,'],
      }),
    );
    assert.match(
      err.message,
      /sessions\.csv line 4, column 3 \("session_start"\): cannot parse "2026-02-30T00:00:00Z"/,
    );
    assert.equal(err.details.line, 4);
  });

  void it('rejects an unparsable or fractional integer', async () => {
    const err = await rejection(
      await fixture({ customers: [...CUSTOMERS, 'C3,X,,3.5,male,Oslo,Norway,2025-01-01,0'] }),
    );
    assert.match(err.message, /customers\.csv line 4, column 4 \("age"\): cannot parse "3\.5" as an integer/);
  });

  void it('loads unparsable values as null and counts them when not strict', async () => {
    const ds = await openDataset(
      await fixture({ customers: [...CUSTOMERS, 'C3,X,,abc,male,Oslo,Norway,2025-01-01,0'] }),
      {
        strict: false,
      },
    );
    try {
      assert.equal(ds.unparsable.customers.age, 1);
      const [row] = await ds.query<{ age: bigint | null }>(
        `SELECT age FROM customers WHERE customer_id = 'C3'`,
      );
      assert.equal(row?.age, null);
    } finally {
      ds.close();
    }
  });
});
