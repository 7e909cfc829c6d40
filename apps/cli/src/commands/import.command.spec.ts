import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze } from '@churnstream/analytics';
import { AppError } from '@churnstream/errors';
import { buildExamples, DEFAULT_TRAIN_OPTIONS, trainModel, type ModelMetrics } from '@churnstream/model';
import { readModelInput } from '@churnstream/model-data';
import { command as importCommand } from './import.command';
import { command as trainCommand } from './train.command';

const root = mkdtempSync(join(tmpdir(), 'churnstream-import-cmd-'));
const log = join(root, 'purchases.csv');
const dataset = join(root, 'dataset');

/**
 * A purchase log without funnel, durations, devices or demographics: 400 customers over a year, each
 * buying every `gap` days (a deterministic per-customer rhythm), some stopping half way, plus bad rows.
 */
function writeLog(): void {
  const lines = ['customer,day,qty,amount'];
  const start = Date.UTC(2023, 0, 1);
  for (let c = 0; c < 400; c++) {
    const gap = 7 + ((c * 37) % 60);
    const stopsAt = c % 3 === 0 ? 180 + (c % 90) : 365;
    for (let d = c % 11; d < stopsAt; d += gap) {
      const day = new Date(start + d * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '');
      lines.push(`K${c},${day},${1 + (c % 3)},${(5 + ((c * d) % 40)).toFixed(2)}`);
    }
  }
  lines.push('K1,2023-13-01,1,5.00', ',20230105,1,5.00', 'K2,20230106,1,-5.00');
  writeFileSync(log, lines.join('\n') + '\n');
}

before(async () => {
  writeLog();
  const code = await importCommand.run([
    '--in',
    log,
    '--out',
    dataset,
    '--customer-id',
    'customer',
    '--time',
    'day:%Y%m%d',
    '--quantity',
    'qty',
    '--amount',
    'amount',
  ]);
  assert.equal(code, 0);
});
after(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('import, analyze and train on a log without funnel or demographics', () => {
  it('imports it, counting the bad rows by reason', () => {
    const manifest = JSON.parse(readFileSync(join(dataset, 'manifest.json'), 'utf8')) as {
      snapshot_at: string;
      import: { rows_rejected: number; rejected: Record<string, { first: string[] }> };
    };
    assert.equal(manifest.snapshot_at, '2023-12-31T23:59:59.999Z');
    assert.equal(manifest.import.rows_rejected, 3);
    assert.equal(Object.keys(manifest.import.rejected).length, 3);
  });

  it('analyzes it, leaving out what needs the absent columns and saying so', async () => {
    const report = await analyze({ inDir: dataset, outDir: join(root, 'report'), log: null });
    const skipped = report.skipped.map((s) => s.what);
    for (const what of [
      'chart purchase_rate_by_duration_decile',
      'chart churn_by_device_type',
      'mean_pages_viewed',
    ])
      assert.ok(skipped.includes(what), what);
    assert.deepEqual(report.insights.purchase_by_duration_decile.length <= 1, true);
    assert.ok(report.charts.includes('churn_distribution'));
    assert.ok(!report.charts.includes('churn_by_device_type'));
    assert.equal(report.quality.cleaning.sessions.rows_after, report.input.rows.sessions);
  });

  it('trains on it with the features it has, listing the dropped ones, and the baselines on the same test rows', async () => {
    const out = join(root, 'model');
    const code = await trainCommand.run([
      '--in',
      dataset,
      '--out',
      out,
      '--trees',
      '20',
      '--validation',
      'out-of-time',
      '--horizon-days',
      '45',
    ]);
    assert.equal(code, 0);
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as ModelMetrics;
    const model = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8')) as {
      features: string[];
      preprocessing: { horizon_days: number };
      training: { validation: string; cutoff: string };
    };
    const dropped = metrics.dropped_features.map((d) => d.feature);
    for (const f of ['age', 'session_duration', 'pages_viewed', 'products_added_to_cart', 'cart_conversion'])
      assert.ok(dropped.includes(f), f);
    assert.ok(!model.features.includes('age'));
    assert.ok(model.features.includes('days_since_last_purchase'));
    assert.equal(model.preprocessing.horizon_days, 45);
    assert.equal(model.training.validation, 'out-of-time');
    assert.equal(metrics.framing_window.test_cutoff, '2023-11-16T23:59:59.999Z');
    assert.equal(metrics.framing_window.cutoff, '2023-10-02T23:59:59.999Z');
    assert.deepEqual(
      metrics.baselines.map((b) => b.name),
      ['recency alone', 'RFM logistic regression'],
    );
    assert.ok(metrics.verdict.length > 0);
  });

  it('stops with the rule that emptied the dataset when cleaning leaves nothing', async () => {
    await assert.rejects(
      readModelInput(dataset, { snapshotAt: '2022-06-01T00:00:00Z' }),
      (e: unknown) =>
        e instanceof AppError &&
        /customers\.csv: cleaning dropped all 400 rows; rule customer_since_after_snapshot/.test(e.message),
    );
  });

  it('names the option when the label window would end after snapshot_at', async () => {
    await assert.rejects(
      trainCommand.run(['--in', dataset, '--out', join(root, 'x'), '--cutoff', '2023-12-01']),
      /--cutoff: the label window .* ends after snapshot_at/,
    );
  });

  it('drops a feature that is constant over the training rows', async () => {
    const input = await readModelInput(dataset);
    const framed = buildExamples('predictive', input.customers, input.sessions, input.snapshotAtMs);
    const result = trainModel(framed, null, { ...DEFAULT_TRAIN_OPTIONS, trees: 5, importanceRepeats: 1 });
    const reasons = Object.fromEntries(result.metrics.dropped_features.map((d) => [d.feature, d.reason]));
    assert.match(reasons.pages_viewed ?? '', /^constant: 0/);
    assert.match(reasons.age ?? '', /^constant: -1/);
  });
});
