// The report's charts as Vega-Lite specs: pure functions of the aggregates DuckDB computed (no data
// reaches a spec unaggregated), shared look (size, fonts, the active/churned colours).
import type { Insights } from './insights.questions';

export type Spec = Record<string, unknown>;

const WIDTH = 460;
const HEIGHT = 260;
const STATUS_COLORS = { domain: ['active', 'churned'], range: ['#4c78a8', '#e45756'] };
const CONFIG = {
  font: 'DejaVu Sans',
  title: { fontSize: 15, anchor: 'start', subtitleFontSize: 11, subtitleColor: '#555' },
  axis: { labelFontSize: 11, titleFontSize: 12 },
  legend: { labelFontSize: 11, titleFontSize: 12 },
  background: 'white',
};

function base(title: string, subtitle: string): Spec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, subtitle },
    width: WIDTH,
    height: HEIGHT,
    config: CONFIG,
  };
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

export function churnDistribution(ins: Insights): Spec {
  const { customers, churned } = ins.churn;
  const values = [
    {
      status: 'active',
      customers: customers - churned,
      share: customers > 0 ? (customers - churned) / customers : 0,
    },
    { status: 'churned', customers: churned, share: customers > 0 ? churned / customers : 0 },
  ].map((v) => ({ ...v, label: `${v.customers.toLocaleString('en-US')} (${pct(v.share)})` }));
  return {
    ...base(
      'Churn distribution',
      `${customers.toLocaleString('en-US')} customers; churned = no purchase in the last ${ins.churn.window_days} days`,
    ),
    data: { values },
    encoding: {
      x: { field: 'status', type: 'nominal', title: 'Customer status', axis: { labelAngle: 0 } },
      y: { field: 'customers', type: 'quantitative', title: 'Customers (count)' },
    },
    layer: [
      {
        mark: 'bar',
        encoding: { color: { field: 'status', type: 'nominal', scale: STATUS_COLORS, legend: null } },
      },
      { mark: { type: 'text', dy: -8, fontSize: 12 }, encoding: { text: { field: 'label' } } },
    ],
  };
}

export interface Box {
  status: string;
  p5: number;
  q1: number;
  median: number;
  q3: number;
  p95: number;
  n: number;
}

export function boxSpec(title: string, subtitle: string, yTitle: string, values: Box[]): Spec {
  const x = { field: 'status', type: 'nominal', title: 'Customer status', axis: { labelAngle: 0 } };
  return {
    ...base(title, subtitle),
    data: {
      values: values.map((v) => ({
        ...v,
        label: `median ${v.median.toFixed(1)} (n=${v.n.toLocaleString('en-US')})`,
      })),
    },
    layer: [
      {
        mark: { type: 'rule', strokeWidth: 1.5 },
        encoding: { x, y: { field: 'p5', type: 'quantitative', title: yTitle }, y2: { field: 'p95' } },
      },
      {
        mark: { type: 'bar', size: 60 },
        encoding: {
          x,
          y: { field: 'q1', type: 'quantitative' },
          y2: { field: 'q3' },
          color: { field: 'status', type: 'nominal', scale: STATUS_COLORS, legend: null },
        },
      },
      {
        mark: { type: 'tick', color: 'black', size: 60, thickness: 2 },
        encoding: { x, y: { field: 'median', type: 'quantitative' } },
      },
      {
        mark: { type: 'text', dx: 0, dy: -10, fontSize: 11 },
        encoding: { x, y: { field: 'p95', type: 'quantitative' }, text: { field: 'label' } },
      },
    ],
  };
}

export interface RateRow {
  group: string;
  customers: number;
  rate: number;
}

export function rateSpec(
  title: string,
  groupTitle: string,
  rows: RateRow[],
  overall: number,
  sort: boolean,
): Spec {
  return {
    ...base(title, `bar label: churn rate (customers); dashed line: overall rate ${pct(overall)}`),
    height: Math.max(120, rows.length * 24),
    layer: [
      {
        data: {
          values: rows.map((r) => ({
            ...r,
            label: `${pct(r.rate)} (${r.customers.toLocaleString('en-US')})`,
          })),
        },
        encoding: {
          y: {
            field: 'group',
            type: 'nominal',
            title: groupTitle,
            sort: sort ? { field: 'customers', order: 'descending' } : null,
          },
          x: {
            field: 'rate',
            type: 'quantitative',
            title: 'Churn rate (% of customers)',
            axis: { format: '.0%' },
            scale: { domain: [0, 1] },
          },
        },
        layer: [
          { mark: { type: 'bar', color: '#e45756' } },
          {
            mark: { type: 'text', align: 'left', dx: 4, fontSize: 11 },
            encoding: { text: { field: 'label' } },
          },
        ],
      },
      {
        data: { values: [{ overall }] },
        mark: { type: 'rule', strokeDash: [4, 4], color: '#333' },
        encoding: { x: { field: 'overall', type: 'quantitative' } },
      },
    ],
  };
}

export function heatmapSpec(ins: Insights): Spec {
  const { columns, matrix } = ins.correlations;
  const values = columns.flatMap((a, i) =>
    columns.map((b, j) => {
      const r = matrix[i]?.[j] ?? null;
      return { a, b, r, label: r === null ? '' : r.toFixed(2) };
    }),
  );
  return {
    ...base('Correlation of customer features', 'Pearson r over customers (customer_features.csv)'),
    width: 560,
    height: 560,
    data: { values },
    encoding: {
      x: {
        field: 'a',
        type: 'nominal',
        sort: columns,
        title: null,
        axis: { labelAngle: -45, labelLimit: 260 },
      },
      y: { field: 'b', type: 'nominal', sort: columns, title: null, axis: { labelLimit: 260 } },
    },
    layer: [
      {
        mark: 'rect',
        encoding: {
          color: {
            field: 'r',
            type: 'quantitative',
            title: 'Pearson r',
            scale: { scheme: 'redblue', domain: [-1, 1], reverse: true },
          },
        },
      },
      { mark: { type: 'text', fontSize: 9 }, encoding: { text: { field: 'label' } } },
    ],
  };
}

export function decileSpec(ins: Insights): Spec {
  const values = ins.purchase_by_duration_decile.map((d) => ({
    ...d,
    range: `D${d.decile}: ${(d.min_seconds / 60).toFixed(1)}–${(d.max_seconds / 60).toFixed(1)} min`,
    label: pct(d.purchase_rate),
  }));
  return {
    ...base(
      'Purchase rate by session-duration decile',
      'share of sessions with at least one product purchased',
    ),
    data: { values },
    encoding: {
      x: {
        field: 'range',
        type: 'ordinal',
        title: 'Session duration decile (minutes)',
        sort: null,
        axis: { labelAngle: -40 },
      },
      y: {
        field: 'purchase_rate',
        type: 'quantitative',
        title: 'Sessions with a purchase (%)',
        axis: { format: '.0%' },
      },
    },
    layer: [
      { mark: { type: 'bar', color: '#54a24b' } },
      { mark: { type: 'text', dy: -8, fontSize: 10 }, encoding: { text: { field: 'label' } } },
    ],
  };
}
