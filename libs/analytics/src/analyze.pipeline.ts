/**
 * The analyze use case (issue 4): load a dataset strictly, report its quality, clean it, derive the
 * columns, describe it, answer the seed's questions, draw the charts and write one report folder:
 *
 *   REPORT/quality.json            files.{customers,sessions} + cleaning (policy, steps, manifest check)
 *   REPORT/summary.json            statistics, answers, label check, timings
 *   REPORT/clean/*.csv             the cleaned files
 *   REPORT/sessions_enriched.csv   cleaned sessions + session_duration, spend_per_product, days_since_last_active
 *   REPORT/customer_features.csv   one row per cleaned customer
 *   REPORT/charts/*.{svg,png}      charts (and their Vega-Lite specs)
 *   REPORT/index.html              all of it on one self-contained page
 *
 * Everything is written into a sibling temporary folder that replaces REPORT only once complete, so a
 * failure never leaves a half-written report (an existing REPORT/model/ folder is carried over).
 */
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { DEFAULT_CHURN_WINDOW_DAYS } from '@churnstream/churn';
import { openDataset } from '@churnstream/dataset';
import { AbsentColumns } from './absent.columns';
import { assertNotEmptied } from './cleaning.empty';
import { cleanDataset, writeCleanFiles, type CleaningResult } from './cleaning.policy';
import { renderCharts } from './charts.render';
import { CUSTOMER_NUMERIC, SESSION_NUMERIC, deriveFeatures, writeFeatureFiles } from './features.derive';
import { answerQuestions, type Insights } from './insights.questions';
import { checkAgainstManifest, type ManifestCheck } from './manifest.check';
import { loadModelSection } from './model.section';
import { cleaningPolicy } from './quality.rules';
import { assessQuality, type QualityFiles } from './quality.report';
import type { AnalysisReport, QualityJson } from './analysis.report';
import { renderHtml } from './report.html';
import { describe, type GroupedDescribe } from './summary.stats';
import { Sql, count, type QueryObserver } from './sql.client';
import { fmtNumber, textTable, type Cell } from './table.format';

export interface AnalyzeOptions {
  inDir: string;
  outDir: string;
  snapshotAt?: string;
  /** A model folder holding metrics.json; REPORT/model/metrics.json is used when absent. */
  modelDir?: string;
  /** DuckDB's memory_limit (default DEFAULT_MEMORY_LIMIT); past it DuckDB spills to a temp folder beside the report. */
  memoryLimit?: string;
  /** Where progress and tables go (stdout by default); null silences them. */
  log?: ((line: string) => void) | null;
  /** Told each statement and its duration, to find the slow ones on a big dataset. */
  onQuery?: QueryObserver;
}

/** Keeps `analyze` of 10M sessions within 4 GB of peak RSS (DuckDB's limit does not bound Node's own heap). */
export const DEFAULT_MEMORY_LIMIT = '2GB';

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

function qualityTables(q: QualityFiles): string {
  const out: string[] = [];
  for (const file of ['customers', 'sessions'] as const) {
    const f = q[file];
    out.push(
      textTable(
        ['column', 'dtype', 'non_null', 'nulls'],
        Object.keys(f.dtypes).map((c) => [c, f.dtypes[c], f.non_null[c], f.nulls[c]]),
        `${file}.csv: ${fmtNumber(f.rows)} rows x ${f.columns} columns, ${fmtNumber(f.duplicate_rows)} duplicate rows, ${fmtNumber(f.duplicate_ids)} duplicate ids`,
      ),
    );
    out.push(
      textTable(
        ['invalid rule', 'rows'],
        Object.entries(f.invalid).map(([r, n]): Cell[] => [r, n]),
      ),
    );
  }
  return out.join('\n');
}

function cleaningTables(c: CleaningResult, check: ManifestCheck | null): string {
  const out: string[] = [];
  for (const file of ['customers', 'sessions'] as const) {
    const f = c[file];
    out.push(
      textTable(
        ['step', 'rule', 'action', 'before', 'acted', 'after'],
        f.steps.map((s) => [String(s.step), s.rule, s.action, s.before, s.acted, s.after]),
        `cleaning ${file}: ${fmtNumber(f.rows_before)} -> ${fmtNumber(f.rows_after)} rows (${fmtNumber(f.dropped)} dropped, ${fmtNumber(f.repaired)} values repaired)`,
      ),
    );
  }
  if (check !== null) {
    const rows: Cell[][] = [];
    for (const file of ['customers', 'sessions'] as const) {
      for (const [kind, k] of Object.entries(check[file]))
        rows.push([file, kind, k.injected, k.cleaned, k.match ? 'yes' : 'NO']);
    }
    out.push(
      textTable(
        ['file', 'injected kind', 'injected', 'cleaned', 'match'],
        rows,
        'cleaning vs manifest.json dirty counts',
      ),
    );
  }
  return out.join('\n');
}

function statsTable(title: string, d: GroupedDescribe): string {
  const rows: Cell[][] = [];
  for (const [col, s] of Object.entries(d.overall)) {
    const c = d.by['1']?.[col];
    const a = d.by['0']?.[col];
    rows.push([col, s.count, s.mean, s.std, s.min, s['25%'], s['50%'], s['75%'], s.max, a?.mean, c?.mean]);
  }
  return textTable(
    ['column', 'count', 'mean', 'std', 'min', '25%', '50%', '75%', 'max', 'mean active', 'mean churned'],
    rows,
    title,
  );
}

function p(v: number): string {
  return v === 0 ? '< 1e-300' : v < 1e-4 ? v.toExponential(2) : v.toFixed(4);
}

export function answersText(ins: Insights, absent?: AbsentColumns): string[] {
  const lines = answerLines(ins);
  const question = ['long sessions and purchases', 'spend', 'time spent', 'inactivity'];
  return lines.map((line, i) => {
    const missing = absent?.missingFor(`question ${question[i] ?? ''}`);
    return missing === undefined
      ? line
      : `${line.split(':')[0] ?? ''}: not answered, the dataset has no ${missing} column.`;
  });
}

function answerLines(ins: Insights): string[] {
  const d = ins.purchase_by_duration_decile;
  const lo = d[0];
  const hi = d[d.length - 1];
  const inact = ins.inactivity;
  return [
    `Long sessions and purchases: purchase rate rises from ${fmtNumber(100 * (lo?.purchase_rate ?? 0))}% in the shortest duration decile ` +
      `(<= ${fmtNumber((lo?.max_seconds ?? 0) / 60)} min) to ${fmtNumber(100 * (hi?.purchase_rate ?? 0))}% in the longest ` +
      `(>= ${fmtNumber((hi?.min_seconds ?? 0) / 60)} min), ${ins.top_vs_bottom_decile_ratio === null ? 'n/a' : fmtNumber(ins.top_vs_bottom_decile_ratio)}x.`,
    `Spend: median total spent ${fmtNumber(ins.spend.median_x)} churned vs ${fmtNumber(ins.spend.median_y)} active ` +
      `(means ${fmtNumber(ins.spend.mean_x)} vs ${fmtNumber(ins.spend.mean_y)}); Mann-Whitney U = ${fmtNumber(ins.spend.u)}, ` +
      `z = ${fmtNumber(ins.spend.z)}, p = ${p(ins.spend.p_value)}; P(churned spends more than active) = ${fmtNumber(ins.spend.auc, 3)}.`,
    `Time: median of each customer's mean session duration ${fmtNumber((ins.session_time.median_x ?? 0) / 60)} min churned vs ` +
      `${fmtNumber((ins.session_time.median_y ?? 0) / 60)} min active (U test p = ${p(ins.session_time.p_value)}, ` +
      `AUC ${fmtNumber(ins.session_time.auc, 3)}); per session the medians are ${fmtNumber((ins.session_time_per_session.median_churned ?? 0) / 60)} ` +
      `vs ${fmtNumber((ins.session_time_per_session.median_active ?? 0) / 60)} min.`,
    `Inactivity: median days since last active ${fmtNumber(inact.median_x)} churned vs ${fmtNumber(inact.median_y)} active; ` +
      `as a churn score its AUC is ${fmtNumber(inact.auc, 3)}. It is nearly circular: churned means >= ${ins.churn.window_days} days ` +
      `since the last purchase, and the last activity is never before the last purchase, so every one of the ` +
      `${fmtNumber(inact.customers_inactive_60d)} customers inactive >= ${ins.churn.window_days} days is churned ` +
      `(${fmtNumber(100 * (inact.churned_share_when_inactive_60d ?? 0))}%) by construction; only ` +
      `${fmtNumber(inact.churned_but_active_within_60d)} churned customers visited in the last ${ins.churn.window_days} days without buying.`,
  ];
}

/** Runs the whole analysis; see the module header. Rejects with AppError('DATASET_INVALID') on bad input. */
export async function analyze(options: AnalyzeOptions): Promise<AnalysisReport> {
  const log =
    options.log === null
      ? (): void => undefined
      : (options.log ??
        ((l: string): void => {
          console.log(l);
        }));
  const timings: Record<string, number> = {};
  let t = performance.now();
  const lap = (name: string): void => {
    const now = performance.now();
    timings[name] = Math.round(now - t);
    t = now;
  };
  const outDir = resolve(options.outDir);
  const spill = join(dirname(outDir), `.${basename(outDir)}.duckdb-${process.pid}`);
  const ds = await openDataset(options.inDir, {
    ...(options.snapshotAt === undefined ? {} : { snapshotAt: options.snapshotAt }),
    duckdb: { memoryLimit: options.memoryLimit ?? DEFAULT_MEMORY_LIMIT, tempDirectory: spill },
  });
  const tmp = join(dirname(outDir), `.${basename(outDir)}.partial-${process.pid}`);
  try {
    lap('load');
    log(
      `analyze: ${options.inDir}: ${fmtNumber(ds.rows.customers)} customers, ${fmtNumber(ds.rows.sessions)} sessions, snapshot_at ${ds.snapshotAt.toISOString()} (${timings.load} ms)`,
    );
    const windowDays =
      typeof ds.manifest?.churn_window_days === 'number'
        ? ds.manifest.churn_window_days
        : DEFAULT_CHURN_WINDOW_DAYS;
    const sql = new Sql(ds.connection, options.onQuery);
    await rm(tmp, { recursive: true, force: true });
    await mkdir(join(tmp, 'clean'), { recursive: true });
    await mkdir(join(tmp, 'charts'), { recursive: true });

    const quality = await assessQuality(sql, ds);
    lap('quality');
    log(`\n== 1. data quality (${timings.quality} ms)\n${qualityTables(quality)}`);

    const cleaning = await cleanDataset(sql, ds, quality);
    assertNotEmptied(cleaning, options.inDir);
    const absent = new AbsentColumns(ds.absent);
    const skipped = absent.allSkipped();
    if (skipped.length > 0) {
      log(
        `\nanalyze: absent columns ${[...absent.columns].join(', ')}; left out: ${skipped.map((s) => s.what).join(', ')}`,
      );
    }
    const manifestCheck = checkAgainstManifest(cleaning, ds.manifest);
    await writeCleanFiles(sql, join(tmp, 'clean'));
    lap('cleaning');
    log(`\n== 2. cleaning (${timings.cleaning} ms)\n${cleaningTables(cleaning, manifestCheck)}`);

    await deriveFeatures(sql, { snapshotAt: ds.snapshotAt, windowDays });
    await writeFeatureFiles(sql, tmp);
    const labels = await sql.one(`SELECT count(*) AS n, count(*) FILTER (WHERE c.churned <> f.churned) AS bad
      FROM clean_customers c JOIN customer_features f USING (line) WHERE c.churned IS NOT NULL`);
    lap('features');
    log(
      `\n== 3. derived columns (${timings.features} ms): sessions_enriched.csv, customer_features.csv; ` +
        `recomputed churned differs from the file's label for ${fmtNumber(count(labels.bad))} of ${fmtNumber(count(labels.n))} customers`,
    );

    const stats = {
      customers: await describe(sql, 'customer_features', absent.keep(CUSTOMER_NUMERIC), 'churned'),
      sessions: await describe(sql, 'session_features', absent.keep(SESSION_NUMERIC), 'churned'),
    };
    lap('stats');
    log(`\n== 4. summary statistics (${timings.stats} ms)`);
    log(statsTable('customers (customer_features.csv)', stats.customers));
    log(statsTable('sessions (sessions_enriched.csv)', stats.sessions));

    const insights = await answerQuestions(sql, windowDays, absent.keep(CUSTOMER_NUMERIC));
    lap('questions');
    log(`\n== 6. the seed's questions (${timings.questions} ms)`);
    if (absent.has('question long sessions and purchases'))
      log(
        textTable(
          ['decile', 'from min', 'to min', 'sessions', 'purchase rate %', 'mean pages'],
          insights.purchase_by_duration_decile.map((d) => [
            d.decile,
            d.min_seconds / 60,
            d.max_seconds / 60,
            d.sessions,
            100 * d.purchase_rate,
            d.mean_pages_viewed,
          ]),
          'purchase rate by session-duration decile',
        ),
      );
    for (const line of answersText(insights, absent)) log(`- ${line}`);

    const charts = await renderCharts(sql, insights, join(tmp, 'charts'), (name) =>
      absent.has(`chart ${name}`),
    );
    lap('charts');
    log(`\n== 5. charts (${timings.charts} ms): ${charts.map((c) => `${c.name}.png`).join(', ')}`);

    const model = await loadModelSection(options.modelDir ?? join(outDir, 'model'), join(tmp, 'charts'));
    if (model !== null) log(`\n== model section from ${model.source}`);

    const qualityJson: QualityJson = {
      files: quality,
      cleaning: { policy: cleaningPolicy(), ...cleaning, manifest_check: manifestCheck },
    };
    const report: AnalysisReport = {
      generated_at: new Date().toISOString(),
      input: {
        dir: resolve(options.inDir),
        snapshot_at: ds.snapshotAt.toISOString(),
        churn_window_days: windowDays,
        rows: ds.rows,
        absent: ds.absent,
      },
      quality: qualityJson,
      label_check: { compared: count(labels.n), mismatched: count(labels.bad) },
      stats,
      insights,
      charts: charts.map((c) => c.name),
      model,
      skipped,
      timings_ms: timings,
    };
    await writeFile(join(tmp, 'quality.json'), JSON.stringify(qualityJson, null, 2) + '\n');
    await writeFile(
      join(tmp, 'summary.json'),
      JSON.stringify({ ...report, quality: 'see quality.json' }, null, 2) + '\n',
    );
    await writeFile(join(tmp, 'index.html'), renderHtml(report, charts, answersText(insights, absent)));
    lap('write');

    // Swap the finished folder in; keep a model folder that another command wrote into REPORT.
    const old = join(dirname(outDir), `.${basename(outDir)}.old-${process.pid}`);
    if (await exists(outDir)) {
      if (options.modelDir === undefined && (await exists(join(outDir, 'model')))) {
        await rename(join(outDir, 'model'), join(tmp, 'model'));
      }
      await rename(outDir, old);
    }
    await rename(tmp, outDir);
    await rm(old, { recursive: true, force: true });
    return report;
  } catch (error) {
    await rm(tmp, { recursive: true, force: true });
    throw error;
  } finally {
    ds.close();
    await rm(spill, { recursive: true, force: true });
  }
}
