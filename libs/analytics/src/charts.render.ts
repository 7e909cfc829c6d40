/**
 * The report's charts: DuckDB aggregates the data (so 10M sessions never reach the chart), Vega-Lite
 * specs describe the charts, Vega renders them headless to SVG (renderer 'none' + toSVG) and resvg
 * turns the SVG into PNG. Box plots are drawn from precomputed quantiles for the same reason.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderAsync } from '@resvg/resvg-js';
import * as vega from 'vega';
import * as vl from 'vega-lite';
import type { Insights } from './insights.questions';
import {
  type Box,
  type RateRow,
  type Spec,
  boxSpec,
  churnDistribution,
  decileSpec,
  heatmapSpec,
  rateSpec,
} from './chart.specs';
import { Sql, count, num } from './sql.client';

export interface Chart {
  name: string;
  title: string;
  svg: string;
}

// Vega-Lite warns on stderr about harmless sort merges of layered charts; keep errors only.
const quietLogger = vega.logger(vega.Error);

export async function renderSvg(spec: Spec): Promise<string> {
  const compiled = vl.compile(spec as unknown as vl.TopLevelSpec, { logger: quietLogger }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

// Loading two font files is much faster than scanning every system font for each chart.
const FONT_DIR = '/usr/share/fonts/truetype/dejavu';
const FONT_FILES = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'].map((f) => join(FONT_DIR, f));
const HAVE_FONT_FILES = FONT_FILES.every((f) => existsSync(f));

/** PNG of an SVG, rendered on libuv's thread pool so the next chart can be laid out meanwhile. */
export async function svgToPng(svg: string): Promise<Buffer> {
  const image = await renderAsync(svg, {
    fitTo: { mode: 'zoom', value: 1.5 },
    background: 'white',
    font: HAVE_FONT_FILES
      ? { loadSystemFonts: false, fontFiles: FONT_FILES, defaultFontFamily: 'DejaVu Sans' }
      : { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  });
  return image.asPng();
}

async function boxes(sql: Sql, relation: string, valueSql: string): Promise<Box[]> {
  const rows = await sql.all(`SELECT CASE churned WHEN 1 THEN 'churned' ELSE 'active' END AS status,
      quantile_cont(${valueSql}, [0.05, 0.25, 0.5, 0.75, 0.95]) AS qs, count(${valueSql}) AS n
    FROM ${relation} WHERE ${valueSql} IS NOT NULL GROUP BY 1 ORDER BY 1`);
  return rows.map((r) => {
    const qs = (r.qs as number[] | null) ?? [];
    return {
      status: String(r.status),
      p5: qs[0] ?? 0,
      q1: qs[1] ?? 0,
      median: qs[2] ?? 0,
      q3: qs[3] ?? 0,
      p95: qs[4] ?? 0,
      n: count(r.n),
    };
  });
}

async function churnRateBy(sql: Sql, groupSql: string, orderByRate: boolean): Promise<RateRow[]> {
  const rows = await sql.all(`SELECT ${groupSql} AS g, count(*) AS n, avg(churned) AS rate
    FROM customer_features cf GROUP BY 1 ORDER BY ${orderByRate ? 'n DESC' : '1'}`);
  return rows.map((r) => ({ group: String(r.g), customers: count(r.n), rate: num(r.rate) ?? 0 }));
}

const AGE_BAND = `CASE WHEN age IS NULL THEN 'unknown' WHEN age < 18 THEN 'under 18' WHEN age < 25 THEN '18–24'
  WHEN age < 35 THEN '25–34' WHEN age < 45 THEN '35–44' WHEN age < 55 THEN '45–54' WHEN age < 65 THEN '55–64'
  ELSE '65+' END`;

/** The customer's most frequent value of a session column (ties: alphabetical first). */
function modalSql(column: string, where: string): string {
  return `SELECT customer_id, ${column} AS v, count(*) AS n FROM session_features
    WHERE ${column} IS NOT NULL AND ${where} GROUP BY 1, 2
    QUALIFY row_number() OVER (PARTITION BY customer_id ORDER BY n DESC, v) = 1`;
}

/** Renders every chart to `dir` (SVG and PNG) and returns them for the HTML page. */
export async function renderCharts(
  sql: Sql,
  ins: Insights,
  dir: string,
  drawable: (name: string) => boolean = () => true,
): Promise<Chart[]> {
  const overall = ins.churn.rate;
  await sql.run(`CREATE OR REPLACE TABLE customer_modes AS
    WITH d AS (${modalSql('device_type', 'TRUE')}), p AS (${modalSql('payment_method', 'products_purchased > 0')})
    SELECT cf.customer_id, coalesce(d.v, 'no session') AS device_type, coalesce(p.v, 'never bought') AS payment_method
    FROM customer_features cf LEFT JOIN d USING (customer_id) LEFT JOIN p USING (customer_id)`);
  const withModes = `(SELECT cf.*, m.device_type AS main_device, m.payment_method AS main_payment
    FROM customer_features cf JOIN customer_modes m USING (customer_id)) cf`;
  const topCountries = `CASE WHEN country IS NULL THEN 'unknown' WHEN country IN (SELECT country FROM customer_features
    WHERE country IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 12) THEN country ELSE 'other' END`;
  const rateFrom = async (groupSql: string, from: string): Promise<RateRow[]> => {
    const rows = await sql.all(
      `SELECT ${groupSql} AS g, count(*) AS n, avg(churned) AS rate FROM ${from} GROUP BY 1 ORDER BY 1`,
    );
    return rows.map((r) => ({ group: String(r.g), customers: count(r.n), rate: num(r.rate) ?? 0 }));
  };

  const specs: { name: string; title: string; spec: Spec }[] = [
    { name: 'churn_distribution', title: 'Churn distribution', spec: churnDistribution(ins) },
    {
      name: 'total_spend_vs_churn',
      title: 'Total spend vs churn',
      spec: boxSpec(
        'Total spend per customer vs churn',
        'box: 25th–75th percentile, black tick: median, line: 5th–95th percentile',
        'Total spent per customer (currency units)',
        await boxes(sql, 'customer_features', 'CAST(total_spent AS DOUBLE)'),
      ),
    },
    {
      name: 'session_duration_by_churn',
      title: 'Session duration by churn',
      spec: boxSpec(
        'Session duration by churn status of the customer',
        'per session; box: 25th–75th percentile, black tick: median, line: 5th–95th percentile',
        'Session duration (minutes)',
        await boxes(sql, 'session_features', 'session_duration / 60.0'),
      ),
    },
    {
      name: 'churn_by_device_type',
      title: 'Churn rate by device type',
      spec: rateSpec(
        "Churn rate by the customer's main device",
        'Most used device_type',
        await rateFrom('main_device', withModes),
        overall,
        true,
      ),
    },
    {
      name: 'churn_by_payment_method',
      title: 'Churn rate by payment method',
      spec: rateSpec(
        "Churn rate by the customer's main payment method",
        'Most used payment_method',
        await rateFrom('main_payment', withModes),
        overall,
        true,
      ),
    },
    {
      name: 'churn_by_age_band',
      title: 'Churn rate by age band',
      spec: rateSpec(
        'Churn rate by age band',
        'Age band (years)',
        await churnRateBy(sql, AGE_BAND, false),
        overall,
        false,
      ),
    },
    {
      name: 'churn_by_country',
      title: 'Churn rate by country',
      spec: rateSpec(
        'Churn rate by country (12 largest)',
        'Country',
        await churnRateBy(sql, topCountries, true),
        overall,
        true,
      ),
    },
    { name: 'correlation_heatmap', title: 'Correlation heatmap', spec: heatmapSpec(ins) },
    {
      name: 'purchase_rate_by_duration_decile',
      title: 'Purchase rate by session-duration decile',
      spec: decileSpec(ins),
    },
  ];
  const charts: Chart[] = [];
  const writes: Promise<void>[] = [];
  for (const { name, title, spec } of specs.filter((s) => drawable(s.name))) {
    const svg = await renderSvg(spec);
    charts.push({ name, title, svg });
    writes.push(
      writeFile(join(dir, `${name}.svg`), svg),
      writeFile(join(dir, `${name}.vl.json`), JSON.stringify(spec, null, 1)),
      svgToPng(svg).then((png) => writeFile(join(dir, `${name}.png`), png)),
    );
  }
  await Promise.all(writes);
  return charts;
}
