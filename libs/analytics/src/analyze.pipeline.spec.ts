import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppError } from '@churnstream/errors';
import { SESSIONS_HEADER, writeDatasetFixture, type Fixture } from '@churnstream/dataset';
import { analyze } from './analyze.pipeline';

const CUSTOMERS = [
  'C1,Ann,ann@x.io,30,female,Lyon,France,2025-01-01,0',
  'C2,Bob,bob@x.io,45,male,Oslo,Norway,2025-02-01,1',
  'C3,Cy,cy@x.io,67,non_binary,Rome,Italy,2026-01-01,1',
];
const SESSIONS = [
  'S1,C1,2026-05-01T10:00:00Z,2026-05-01T10:10:00Z,5,2,1,10.00,mobile,paypal',
  'S2,C1,2026-05-20T10:00:00Z,2026-05-20T10:30:00Z,12,3,2,25.50,mobile,paypal',
  'S3,C2,2026-03-01T10:00:00Z,2026-03-01T10:02:00Z,2,0,0,0.00,desktop,',
  'S4,C2,2026-05-25T10:00:00Z,2026-05-25T10:04:00Z,3,1,0,0.00,desktop,',
];

void describe('analyze', () => {
  const cleanups: (() => Promise<void>)[] = [];
  after(async () => {
    for (const c of cleanups) await c();
  });
  async function fixture(files: Parameters<typeof writeDatasetFixture>[0]): Promise<Fixture> {
    const f = await writeDatasetFixture(files);
    cleanups.push(f.cleanup);
    return f;
  }
  async function outDir(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'churnstream-report-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    return dir;
  }

  void it('writes the whole report folder, with a self-contained HTML page and the model section', async () => {
    const f = await fixture({ customers: CUSTOMERS, sessions: SESSIONS });
    const out = join(await outDir(), 'report');
    await mkdir(join(out, 'model'), { recursive: true });
    await writeFile(
      join(out, 'model', 'metrics.json'),
      JSON.stringify({
        roc_auc: 0.8,
        confusion_matrix: [
          [5, 1],
          [2, 4],
        ],
        feature_importance: { age: 0.2, total_spent: 0.8 },
      }),
    );
    const report = await analyze({ inDir: f.dir, outDir: out, log: null });
    const files = (await readdir(out)).sort();
    assert.deepEqual(files, [
      'charts',
      'clean',
      'customer_features.csv',
      'index.html',
      'model',
      'quality.json',
      'sessions_enriched.csv',
      'summary.json',
    ]);
    const quality = JSON.parse(await readFile(join(out, 'quality.json'), 'utf8')) as Record<
      string,
      Record<string, unknown>
    >;
    assert.deepEqual(Object.keys(quality), ['files', 'cleaning']);
    assert.deepEqual(Object.keys(quality.files?.customers as object), [
      'rows',
      'columns',
      'dtypes',
      'non_null',
      'nulls',
      'duplicate_rows',
      'duplicate_ids',
      'invalid',
    ]);
    const features = (await readFile(join(out, 'customer_features.csv'), 'utf8')).trim().split('\n');
    assert.equal(features.length, 4);
    assert.match(
      features[0] ?? '',
      /^customer_id,age,gender,location,country,customer_since,session_count,.*,churned$/,
    );
    const enriched = (await readFile(join(out, 'sessions_enriched.csv'), 'utf8')).trim().split('\n');
    assert.equal(enriched[0], `${SESSIONS_HEADER},session_duration,spend_per_product,days_since_last_active`);
    assert.equal(enriched[3], 'S3,C2,2026-03-01T10:00:00Z,2026-03-01T10:02:00Z,2,0,0,0.00,desktop,,120.0,,6');
    const charts = await readdir(join(out, 'charts'));
    for (const name of [
      'churn_distribution',
      'total_spend_vs_churn',
      'session_duration_by_churn',
      'correlation_heatmap',
    ]) {
      assert.ok(charts.includes(`${name}.png`) && charts.includes(`${name}.svg`), name);
    }
    const html = await readFile(join(out, 'index.html'), 'utf8');
    assert.ok(!/\b(src|href)\s*=\s*["']?https?:/i.test(html), 'nothing fetched from the network');
    assert.ok(!/<script/i.test(html));
    assert.ok((html.match(/<svg/g) ?? []).length >= 9);
    assert.equal(report.model?.confusion?.tp, 4);
    assert.match(html, /Confusion matrix/);
    assert.equal(report.insights.churn.churned, 2);
  });

  void it('stops on bad input naming file, line and column, leaving no report behind', async () => {
    const f = await fixture({
      customers: CUSTOMERS,
      sessions: [...SESSIONS, 'S5,C3,yesterday,2026-05-01T10:00:00Z,1,0,0,0,mobile,'],
    });
    const parent = await outDir();
    await assert.rejects(
      analyze({ inDir: f.dir, outDir: join(parent, 'report'), log: null }),
      (e: unknown) =>
        e instanceof AppError && /sessions\.csv line 6, column 3 \("session_start"\)/.test(e.message),
    );
    assert.deepEqual(await readdir(parent), []);
  });

  void it('leaves an existing report untouched when the new one fails', async () => {
    const good = await fixture({ customers: CUSTOMERS, sessions: SESSIONS });
    const bad = await fixture({ customers: CUSTOMERS, rawSessions: '' });
    const parent = await outDir();
    const out = join(parent, 'report');
    await analyze({ inDir: good.dir, outDir: out, log: null });
    const before = await readFile(join(out, 'quality.json'), 'utf8');
    await assert.rejects(
      analyze({ inDir: bad.dir, outDir: out, log: null }),
      /sessions\.csv line 1, column 1: the file is empty/,
    );
    assert.equal(await readFile(join(out, 'quality.json'), 'utf8'), before);
    assert.deepEqual(await readdir(parent), ['report']);
  });
});
