import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEVICE_TYPES } from '@churnstream/contracts';
import { isChurned } from '@churnstream/churn';
import { generatePopulation } from '@churnstream/simulation';
import { sha256Of, writeBatchDataset, type DatasetManifest } from './batch-dataset.writer';

const root = mkdtempSync(join(tmpdir(), 'churnstream-writer-'));
after(() => {
  rmSync(root, { recursive: true, force: true });
});

/** RFC 4180 parsing, independent of the writer's formatter. */
function parseCsv(text: string): { header: string[]; rows: string[][] } {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charAt(i);
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  const [header = [], ...data] = rows;
  return { header, rows: data };
}

function write(name: string, options: { seed?: number; format?: 'csv' | 'ndjson'; dirtyRate?: number } = {}) {
  const outDir = join(root, name);
  const population = generatePopulation({ customers: 1_000, sessions: 8_000, seed: options.seed ?? 42 });
  const result = writeBatchDataset({
    population,
    outDir,
    format: options.format,
    dirtyRate: options.dirtyRate,
  });
  const read = (file: string) => readFileSync(join(outDir, file), 'utf8');
  const manifest = JSON.parse(read('manifest.json')) as DatasetManifest;
  return { outDir, result, read, manifest };
}

const clean = write('clean');

describe(writeBatchDataset.name, () => {
  it('writes exactly the columns of issue 3, in order', () => {
    assert.equal(
      parseCsv(clean.read('customers.csv')).header.join(','),
      'customer_id,name,email,age,gender,location,country,customer_since,churned',
    );
    assert.equal(
      parseCsv(clean.read('sessions.csv')).header.join(','),
      'session_id,customer_id,session_start,session_end,pages_viewed,products_added_to_cart,products_purchased,total_spent,device_type,payment_method',
    );
    assert.equal(
      parseCsv(clean.read('truth.csv')).header.join(','),
      'customer_id,true_churned,true_churn_date,churn_probability',
    );
  });

  it('labels churn from the written sessions exactly by the 60-day rule', () => {
    const snapshot = Date.parse(clean.manifest.snapshot_at);
    const lastPurchase = new Map<string, number>();
    for (const s of parseCsv(clean.read('sessions.csv')).rows) {
      if (Number(s[6]) > 0)
        lastPurchase.set(s[1] ?? '', Math.max(lastPurchase.get(s[1] ?? '') ?? 0, Date.parse(s[3] ?? '')));
      assert.match(s[7] ?? '', /^\d+\.\d\d$/);
      assert.match(s[2] ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    }
    let churned = 0;
    for (const c of parseCsv(clean.read('customers.csv')).rows) {
      const since = Date.parse(`${c[7] ?? ''}T00:00:00Z`);
      const expected = isChurned(lastPurchase.get(c[0] ?? '') ?? since, snapshot);
      assert.equal(c[8], expected ? '1' : '0', c[0]);
      if (expected) churned++;
    }
    assert.equal(clean.manifest.label.churned, churned);
  });

  it('records in the manifest the counts, window, and the sha256 of every file', () => {
    const m = clean.manifest;
    assert.deepEqual(m.counts, { customers: 1_000, sessions: 8_000 });
    assert.equal(m.seed, 42);
    assert.equal(m.churn_window_days, 60);
    assert.equal(m.snapshot_at, '2026-06-30T00:00:00.000Z');
    assert.equal(m.window_end, m.snapshot_at);
    assert.ok(Date.parse(m.window_start) < Date.parse(m.window_end));
    for (const [file, entry] of Object.entries(m.files)) {
      assert.equal(sha256Of(readFileSync(join(clean.outDir, file))), entry.sha256, file);
    }
  });

  it('writes byte-identical files for the same seed and different ones for another seed', () => {
    const again = write('again');
    const other = write('other', { seed: 43 });
    for (const file of ['customers.csv', 'sessions.csv', 'truth.csv', 'manifest.json']) {
      assert.equal(again.read(file), clean.read(file), file);
      assert.notEqual(other.read(file), clean.read(file), file);
    }
  });

  it('writes the same records as NDJSON', () => {
    const nd = write('ndjson', { format: 'ndjson' });
    const csv = parseCsv(clean.read('sessions.csv'));
    const lines = nd.read('sessions.ndjson').trimEnd().split('\n');
    assert.equal(lines.length, csv.rows.length);
    const first = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
    assert.deepEqual(Object.keys(first), csv.header);
    assert.equal(first.session_id, csv.rows[0]?.[0]);
    assert.equal(first.total_spent, Number(csv.rows[0]?.[7]));
    const customers = nd.read('customers.ndjson').trimEnd().split('\n');
    assert.equal(customers.length, 1_000);
  });

  it('injects dirt in exactly the kinds and counts the manifest reports', () => {
    const dirty = write('dirty', { dirtyRate: 0.05 });
    const count = (rows: string[][], idColumn: number) => {
      const seenRows = new Set<string>();
      const seenIds = new Set<string>();
      let duplicateRows = 0;
      let duplicateIds = 0;
      for (const r of rows) {
        const key = JSON.stringify(r);
        const id = r[idColumn] ?? '';
        if (seenRows.has(key)) duplicateRows++;
        else if (seenIds.has(id)) duplicateIds++;
        seenRows.add(key);
        seenIds.add(id);
      }
      return { duplicateRows, duplicateIds };
    };

    const sessions = parseCsv(dirty.read('sessions.csv')).rows;
    const s = dirty.manifest.dirty.sessions;
    const sDup = count(sessions, 0);
    const missing = (r: string[], skip: number[]) => r.some((v, i) => v === '' && !skip.includes(i));
    assert.equal(sDup.duplicateRows, s.injected.duplicate_rows);
    assert.equal(sDup.duplicateIds, s.injected.duplicate_ids);
    assert.equal(sessions.filter((r) => missing(r, [9])).length, s.injected.missing_values);
    assert.equal(
      sessions.filter((r) => r[3] !== '' && Date.parse(r[3] ?? '') < Date.parse(r[2] ?? '')).length,
      s.injected.end_before_start,
    );
    assert.equal(
      sessions.filter((r) => r[5] !== '' && r[6] !== '' && Number(r[6]) > Number(r[5])).length,
      s.injected.purchases_above_cart,
    );
    const devices: readonly string[] = DEVICE_TYPES;
    assert.equal(
      sessions.filter((r) => r[8] !== '' && !devices.includes(r[8] ?? '')).length,
      s.injected.unknown_device,
    );
    assert.equal(sessions.length, s.rows_out);
    assert.equal(s.rows_in, 8_000);

    const customers = parseCsv(dirty.read('customers.csv')).rows;
    const c = dirty.manifest.dirty.customers;
    const cDup = count(customers, 0);
    assert.equal(cDup.duplicateRows, c.injected.duplicate_rows);
    assert.equal(cDup.duplicateIds, c.injected.duplicate_ids);
    assert.equal(customers.filter((r) => missing(r, [])).length, c.injected.missing_values);
    assert.equal(customers.filter((r) => r[3] !== '' && Number(r[3]) < 0).length, c.injected.negative_age);
    assert.equal(customers.length, c.rows_out);

    const total = (d: typeof s) => Object.values(d.injected).reduce((a, b) => a + b, 0);
    assert.ok(total(s) > 250 && total(s) < 600, `sessions corrupted: ${total(s)}`);
    for (const kind of Object.keys(s.injected)) assert.ok((s.injected[kind] ?? 0) > 0, kind);
    // The clean tables are untouched by dirt: the truth file is identical.
    assert.equal(dirty.read('truth.csv'), clean.read('truth.csv'));
  });
});
