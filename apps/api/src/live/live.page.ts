/**
 * The live page: one self-contained HTML document (no network but its own /live/summary), which
 * refreshes itself every few seconds. Charts are plain SVG drawn from the summary, so the page works
 * offline and in any browser. Elements carry data-testid attributes for the browser test.
 */
export const LIVE_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>churnstream: live churn</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 0; background: #f6f7f9; color: #1d2330; }
  header { background: #1d2330; color: #fff; padding: 12px 24px; display: flex; justify-content: space-between; align-items: baseline; }
  header h1 { font-size: 18px; margin: 0; }
  main { padding: 16px 24px; display: grid; grid-template-columns: repeat(auto-fit, minmax(360px, 1fr)); gap: 16px; }
  section { background: #fff; border-radius: 8px; padding: 12px 16px; box-shadow: 0 1px 2px rgba(0,0,0,.08); }
  section h2 { font-size: 14px; margin: 0 0 8px; color: #4a5568; text-transform: uppercase; letter-spacing: .04em; }
  .counters { display: grid; grid-template-columns: repeat(3, 1fr); gap: 8px; }
  .counter b { display: block; font-size: 22px; }
  .counter span { color: #718096; font-size: 12px; }
  table { width: 100%; border-collapse: collapse; font-size: 13px; }
  th, td { text-align: left; padding: 4px 6px; border-bottom: 1px solid #edf2f7; }
  td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
  .muted { color: #718096; }
  .error { color: #c53030; }
</style>
</head>
<body>
<header><h1>churnstream: live churn</h1><span class="muted" id="updated" data-testid="updated">loading ...</span></header>
<main>
  <section><h2>Pipeline</h2><div class="counters" id="counters"></div></section>
  <section><h2>Churn distribution</h2><div id="churn"></div></section>
  <section><h2>Total spend vs churn</h2><div id="spend"></div></section>
  <section><h2>Session duration by churn</h2><div id="duration"></div></section>
  <section><h2>Churn rate by segment</h2><div id="segments"></div></section>
  <section><h2>Top customers at risk</h2><div id="risk"></div></section>
</main>
<script>
const fmt = (n, d = 0) => n === null || n === undefined ? '-' : Number(n).toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const esc = (s) => String(s ?? '').replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]));
function bars(rows, opts) {
  // rows: [{label, value, text}] -> horizontal bar chart in SVG
  const width = 420, bar = 18, gap = 6, left = 120;
  const max = Math.max(1e-9, ...rows.map((r) => r.value));
  const h = rows.length * (bar + gap) + 24;
  let svg = '<svg role="img" aria-label="' + esc(opts.title) + '" width="100%" viewBox="0 0 ' + width + ' ' + h + '">';
  rows.forEach((r, i) => {
    const y = i * (bar + gap);
    const w = Math.max(1, (width - left - 150) * (r.value / max));
    svg += '<text x="' + (left - 6) + '" y="' + (y + 13) + '" text-anchor="end" font-size="12">' + esc(r.label) + '</text>';
    svg += '<rect x="' + left + '" y="' + y + '" width="' + w + '" height="' + bar + '" fill="' + (r.color || '#3182ce') + '"/>';
    svg += '<text x="' + (left + w + 4) + '" y="' + (y + 13) + '" font-size="12">' + esc(r.text) + '</text>';
  });
  svg += '<text x="' + left + '" y="' + (h - 4) + '" font-size="11" fill="#718096">' + esc(opts.axis) + '</text></svg>';
  return svg;
}
function render(s) {
  const c = s.counters;
  document.getElementById('updated').textContent = 'updated ' + new Date(s.generated_at).toLocaleTimeString();
  document.getElementById('updated').dataset.generatedAt = s.generated_at;
  const counter = (id, value, label) => '<div class="counter"><b data-testid="' + id + '">' + value + '</b><span>' + label + '</span></div>';
  document.getElementById('counters').innerHTML =
    counter('events-per-second', fmt(c.events_per_second), 'events/s into Kafka') +
    counter('activity-events', fmt(c.activity_events), 'activity events') +
    counter('dead-letters', fmt(c.dead_letters), 'dead letters') +
    counter('docs-customers', fmt(c.documents.customers), 'customers indexed') +
    counter('docs-sessions', fmt(c.documents.sessions), 'sessions indexed') +
    counter('docs-scores', fmt(c.documents.scores), 'scores indexed') +
    c.consumer_lag.map((l) => counter('lag-' + l.group.split('.').pop(), fmt(l.lag), 'lag of ' + l.group)).join('');
  const overall = s.churn && s.churn.overall;
  document.getElementById('churn').innerHTML = overall
    ? '<p><b data-testid="churned">' + fmt(overall.churned) + '</b> of <b data-testid="customers">' + fmt(overall.customers) + '</b> customers churned (<b data-testid="churn-rate">' + fmt(100 * overall.churn_rate, 1) + '%</b>)</p>' +
      bars([{ label: 'active', value: overall.customers - overall.churned, text: fmt(overall.customers - overall.churned) }, { label: 'churned', value: overall.churned, text: fmt(overall.churned), color: '#e53e3e' }], { title: 'churn distribution', axis: 'customers' })
    : '<p class="muted">no customers indexed yet</p>';
  const groups = (s.spend && s.spend.groups) || [];
  document.getElementById('spend').innerHTML = groups.length
    ? bars(groups.map((g) => ({ label: g.group, value: g.total_spent.avg || 0, text: fmt(g.total_spent.avg, 2) + ' (median ' + fmt(g.total_spent.p50, 2) + ')', color: g.group === 'churned' ? '#e53e3e' : '#3182ce' })), { title: 'spend', axis: 'mean total spend per customer (currency units)' })
    : '<p class="muted">-</p>';
  document.getElementById('duration').innerHTML = s.session_duration.length
    ? bars(s.session_duration.map((d) => ({ label: d.churned ? 'churned' : 'active', value: d.avg_session_seconds || 0, text: fmt((d.avg_session_seconds || 0) / 60, 1) + ' min', color: d.churned ? '#e53e3e' : '#3182ce' })), { title: 'duration', axis: 'mean session duration (minutes)' })
    : '<p class="muted">-</p>';
  document.getElementById('segments').innerHTML = Object.entries(s.segments).map(([dim, r]) => {
    if (!r || !r.groups) return '';
    const rows = r.groups.slice(0, 8).map((g) => ({ label: g.key, value: g.churn_rate, text: fmt(100 * g.churn_rate, 1) + '% of ' + fmt(g.customers) }));
    return '<h3 style="font-size:13px;margin:8px 0 2px">' + esc(dim) + '</h3>' + bars(rows, { title: 'churn rate by ' + dim, axis: 'churn rate' });
  }).join('');
  const risk = (s.at_risk && s.at_risk.customers) || [];
  document.getElementById('risk').innerHTML = '<table data-testid="at-risk"><tr><th>#</th><th>customer</th><th>country</th><th class="num">score</th><th class="num">spent</th><th>churned</th></tr>' +
    risk.map((r) => '<tr><td>' + r.rank + '</td><td>' + esc(r.customer_id) + ' ' + esc(r.name) + '</td><td>' + esc(r.country) + '</td><td class="num" data-testid="risk-score">' + fmt(r.churn_score, 3) + '</td><td class="num">' + fmt(r.total_spent, 2) + '</td><td>' + (r.churned ? 'yes' : 'no') + '</td></tr>').join('') + '</table>';
}
async function refresh() {
  try {
    const response = await fetch('/live/summary', { cache: 'no-store' });
    if (!response.ok) throw new Error('HTTP ' + response.status);
    render(await response.json());
  } catch (error) {
    document.getElementById('updated').innerHTML = '<span class="error">update failed: ' + esc(error.message) + '</span>';
  }
}
refresh();
setInterval(refresh, Number(new URLSearchParams(location.search).get('refresh') || 3000));
</script>
</body>
</html>
`;
