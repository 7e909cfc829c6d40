/**
 * REPORT/index.html: one self-contained page (inline CSS, SVG charts inlined, no script, nothing
 * fetched), readable straight from disk.
 */
import type { AnalysisReport } from './analysis.report';
import type { Chart } from './charts.render';
import type { GroupedDescribe } from './summary.stats';
import { fmtNumber, type Cell } from './table.format';

export function escapeHtml(s: string): string {
  return s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

function table(headers: string[], rows: Cell[][], caption?: string): string {
  const head = headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows
    .map(
      (r) =>
        `<tr>${r.map((c) => `<td class="${typeof c === 'number' ? 'n' : ''}">${escapeHtml(fmtNumber(c))}</td>`).join('')}</tr>`,
    )
    .join('\n');
  return `<table>${caption === undefined ? '' : `<caption>${escapeHtml(caption)}</caption>`}<thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

function statsTable(title: string, d: GroupedDescribe): string {
  const rows: Cell[][] = [];
  for (const [col, s] of Object.entries(d.overall)) {
    for (const [label, x] of [
      ['all', s],
      ['active', d.by['0']?.[col]],
      ['churned', d.by['1']?.[col]],
    ] as const) {
      if (x === undefined) continue;
      rows.push([
        label === 'all' ? col : '',
        label,
        x.count,
        x.mean,
        x.std,
        x.min,
        x['25%'],
        x['50%'],
        x['75%'],
        x.max,
      ]);
    }
  }
  return table(['column', 'group', 'count', 'mean', 'std', 'min', '25%', '50%', '75%', 'max'], rows, title);
}

function figure(c: Chart): string {
  // The SVG is vega's own output; it carries no script and is embedded as is.
  return `<figure id="${c.name}">${c.svg}<figcaption>${escapeHtml(c.title)} — charts/${c.name}.png</figcaption></figure>`;
}

const CSS = `body{font-family:system-ui,'DejaVu Sans',sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#222}
h1{margin-bottom:.2rem}h2{border-bottom:2px solid #ddd;padding-bottom:.2rem;margin-top:2.5rem}
table{border-collapse:collapse;margin:1rem 0;font-size:.85rem}caption{text-align:left;font-weight:600;padding:.3rem 0}
th,td{border:1px solid #ddd;padding:.2rem .5rem;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}
th{background:#f4f4f4}.grid{display:flex;flex-wrap:wrap;gap:1rem}figure{margin:0}figcaption{font-size:.8rem;color:#666}
.ok{color:#2a7d2a;font-weight:600}.bad{color:#b22;font-weight:600}.muted{color:#666}`;

export function renderHtml(report: AnalysisReport, charts: Chart[], answers: string[]): string {
  const q = report.quality;
  const byName = new Map(charts.map((c) => [c.name, c]));
  const chart = (name: string): string => {
    const c = byName.get(name);
    return c === undefined ? '' : figure(c);
  };
  const parts: string[] = [];
  parts.push(`<h1>churnstream — customer behaviour and churn report</h1>
<p class="muted">Input ${escapeHtml(report.input.dir)} · snapshot_at ${escapeHtml(report.input.snapshot_at)} ·
churned = no purchase for ${report.input.churn_window_days}+ days · generated ${escapeHtml(report.generated_at)}</p>
<p>${fmtNumber(report.insights.churn.customers)} customers after cleaning, ${fmtNumber(report.insights.churn.churned)} churned
(${fmtNumber(100 * report.insights.churn.rate)}%).</p>`);

  parts.push('<h2>1. Data quality (files as received)</h2>');
  for (const file of ['customers', 'sessions'] as const) {
    const f = q.files[file];
    parts.push(
      table(
        ['column', 'dtype (pandas)', 'non-null', 'nulls'],
        Object.keys(f.dtypes).map((c) => [c, f.dtypes[c], f.non_null[c], f.nulls[c]]),
        `${file}.csv — ${fmtNumber(f.rows)} rows × ${f.columns} columns; ${fmtNumber(f.duplicate_rows)} duplicate rows; ${fmtNumber(f.duplicate_ids)} duplicate ids`,
      ),
    );
    parts.push(
      table(
        ['invalid-value rule', 'rows'],
        Object.entries(f.invalid),
        `${file}.csv — invalid values by rule`,
      ),
    );
  }

  parts.push('<h2>2. Cleaning</h2>');
  parts.push(
    table(
      ['step', 'file', 'rule', 'action', 'why'],
      q.cleaning.policy.map((p) => [p.step === 0 ? '—' : String(p.step), p.file, p.rule, p.action, p.why]),
      'Policy, applied in step order',
    ),
  );
  for (const file of ['customers', 'sessions'] as const) {
    const f = q.cleaning[file];
    parts.push(
      table(
        ['step', 'rule', 'action', 'before', 'dropped / repaired', 'after'],
        f.steps.map((s) => [String(s.step), s.rule, s.action, s.before, s.acted, s.after]),
        `${file}: ${fmtNumber(f.rows_before)} → ${fmtNumber(f.rows_after)} rows (${fmtNumber(f.dropped)} dropped, ${fmtNumber(f.repaired)} values repaired)`,
      ),
    );
  }
  const check = q.cleaning.manifest_check;
  if (check !== null) {
    const rows: Cell[][] = [];
    for (const file of ['customers', 'sessions'] as const) {
      for (const [kind, k] of Object.entries(check[file]))
        rows.push([file, kind, k.injected, k.cleaned, k.match ? 'yes' : 'NO']);
    }
    parts.push(
      `<p class="${check.all_match ? 'ok' : 'bad'}">Cleaning ${check.all_match ? 'matches' : 'does NOT match'} what manifest.json says was injected.</p>`,
    );
    parts.push(
      table(['file', 'injected kind', 'injected', 'cleaned', 'match'], rows, 'Cleaning vs the manifest'),
    );
  }
  parts.push(
    `<p>Recomputed churn label differs from customers.csv's for ${fmtNumber(report.label_check.mismatched)} of ${fmtNumber(report.label_check.compared)} customers.</p>`,
  );

  parts.push(`<h2>3. Derived columns</h2>
<p><b>session_duration</b>: seconds from session_start to session_end. <b>spend_per_product</b>: total_spent / products_purchased, empty when nothing was bought.
<b>days_since_last_active</b>: whole days (floored) from the customer's latest session_end to snapshot_at, from customer_since without sessions.
Files: <code>sessions_enriched.csv</code>, <code>customer_features.csv</code>, cleaned inputs in <code>clean/</code>.</p>`);

  parts.push('<h2>4. Summary statistics</h2>');
  parts.push(statsTable('Customers (customer_features.csv)', report.stats.customers));
  parts.push(
    statsTable(
      'Sessions (sessions_enriched.csv), split by the churn status of their customer',
      report.stats.sessions,
    ),
  );

  parts.push('<h2>5. Charts</h2><div class="grid">');
  for (const c of charts)
    if (!c.name.startsWith('model_') && c.name !== 'purchase_rate_by_duration_decile') parts.push(figure(c));
  parts.push('</div>');

  parts.push("<h2>6. The seed's questions</h2>");
  parts.push(`<ul>${answers.map((a) => `<li>${escapeHtml(a)}</li>`).join('\n')}</ul>`);
  parts.push(chart('purchase_rate_by_duration_decile'));
  parts.push(
    table(
      ['decile', 'from (min)', 'to (min)', 'sessions', 'purchase rate (%)', 'mean pages'],
      report.insights.purchase_by_duration_decile.map((d) => [
        d.decile,
        d.min_seconds / 60,
        d.max_seconds / 60,
        d.sessions,
        100 * d.purchase_rate,
        d.mean_pages_viewed,
      ]),
      'Purchase rate by session-duration decile',
    ),
  );
  const tests = [
    ['total_spent per customer', report.insights.spend],
    ['mean session duration per customer (s)', report.insights.session_time],
    ['days_since_last_active', report.insights.inactivity],
  ] as const;
  parts.push(
    table(
      [
        'value',
        'n churned',
        'n active',
        'median churned',
        'median active',
        'U (churned)',
        'z',
        'p (two-sided)',
        'AUC',
      ],
      tests.map(([name, t]) => [name, t.n_x, t.n_y, t.median_x, t.median_y, t.u, t.z, t.p_value, t.auc]),
      'Mann-Whitney U tests, churned vs active (normal approximation, tie and continuity corrected, as scipy)',
    ),
  );

  if (report.model !== null) {
    const m = report.model;
    parts.push(`<h2>7. Model</h2><p class="muted">From ${escapeHtml(m.source)}</p>`);
    parts.push(table(['metric', 'value'], Object.entries(m.metrics)));
    if (m.confusion !== null) {
      parts.push(
        table(
          ['', 'predicted active', 'predicted churned'],
          [
            ['actual active', m.confusion.tn, m.confusion.fp],
            ['actual churned', m.confusion.fn, m.confusion.tp],
          ],
          'Confusion matrix',
        ),
      );
    }
    parts.push(`<div class="grid">${m.charts.map(figure).join('')}</div>`);
  }
  parts.push(`<p class="muted">Timings (ms): ${escapeHtml(JSON.stringify(report.timings_ms))}</p>`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>churnstream report</title>
<style>${CSS}</style></head><body>
${parts.join('\n')}
</body></html>
`;
}
