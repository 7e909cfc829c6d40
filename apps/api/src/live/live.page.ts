/**
 * The live page: one self-contained HTML document (no network but its own /live/summary), which
 * refreshes itself every few seconds. Charts are plain SVG drawn from the summary by two small
 * hand-written renderers (bars, lines; no chart library, nothing fetched from elsewhere), so the page
 * works offline and costs the pipeline one summary request per refresh. Elements carry data-testid attributes for the browser test.
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
  section.wide { grid-column: 1 / -1; }
  .filter select { margin-left: 6px; font-size: 12px; }
  .banner { background: #c53030; color: #fff; padding: 8px 24px; font-weight: 600; }
  .legend span { margin-right: 12px; font-size: 12px; }
  a.cust { color: #2b6cb0; cursor: pointer; text-decoration: underline; }
  .scope { font-weight: normal; text-transform: none; letter-spacing: 0; margin-left: 6px; padding: 0 6px; border-radius: 8px; }
  .scope.on { background: #bee3f8; color: #2a4365; }
  .scope.off { background: #edf2f7; color: #718096; }
  .cols { display: grid; grid-template-columns: repeat(auto-fit, minmax(280px, 1fr)); gap: 12px; }
</style>
</head>
<body>
<header><h1>churnstream: live churn</h1><span id="filter" class="filter"></span><span class="muted" id="updated" data-testid="updated">loading ...</span></header>
<div id="drift-banner" data-testid="drift-banner" class="banner" hidden></div>
<p id="segment-scope" data-testid="segment-scope" class="muted" style="margin:8px 24px 0" hidden></p>
<main>
  <section><h2>Pipeline <small class="scope" data-panel="counters"></small></h2><div class="counters" id="counters"></div></section>
  <section><h2>Churn distribution <small class="scope" data-panel="churn"></small></h2><div id="churn"></div></section>
  <section><h2>Total spend vs churn <small class="scope" data-panel="spend"></small></h2><div id="spend"></div></section>
  <section><h2>Session duration by churn <small class="scope" data-panel="session_duration"></small></h2><div id="duration"></div></section>
  <section><h2>Churn rate by segment <small class="scope" data-panel="segments"></small></h2><div id="segments"></div></section>
  <section><h2>Events per second (wall time) <small class="scope" data-panel="series"></small></h2><div id="rates" data-testid="rates"></div></section>
  <section><h2>Consumer lag per group <small class="scope" data-panel="series"></small></h2><div id="lags" data-testid="lags"></div></section>
  <section><h2>Documents per index <small class="scope" data-panel="series"></small></h2><div id="docs" data-testid="docs"></div></section>
  <section><h2>Mean churn score per simulated day <small class="scope" data-panel="score_trend"></small></h2><div id="trend" data-testid="trend"></div></section>
  <section class="wide"><h2>Online evaluation (matured predictions, per simulated day of issue) <small class="scope" data-panel="evaluation"></small></h2><div id="evaluation" data-testid="evaluation"></div></section>
  <section><h2>Drift against training (PSI) <small class="scope" data-panel="evaluation"></small></h2><div id="drift" data-testid="drift"></div></section>
  <section><h2>At risk: not flagged yet <small class="scope" data-panel="at_risk"></small></h2><div id="risk"></div></section>
  <section class="wide" id="drill" data-testid="drill" hidden><h2>Customer <span id="drill-id" data-testid="drill-id"></span></h2><div id="drill-body"></div></section>
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
function lineChart(series, opts) {
  // series: [{key, name, color, points: [[x, y], ...]}] with x numbers (ms or index) -> SVG polylines;
  // the legend shows each series' latest value, and both carry data-testid="line|last-<opts.id>-<key>"
  const width = 460, height = 160, left = 44, bottom = 22, top = 8;
  const xs = series.flatMap((l) => l.points.map((p) => p[0]));
  const ys = series.flatMap((l) => l.points.map((p) => p[1])).filter((y) => y !== null && Number.isFinite(y));
  if (xs.length === 0 || ys.length === 0) return '<p class="muted">no data yet</p>';
  const x0 = Math.min(...xs), x1 = Math.max(...xs, x0 + 1);
  const y0 = opts.yMin !== undefined ? opts.yMin : Math.min(0, ...ys), y1 = opts.yMax !== undefined ? opts.yMax : Math.max(...ys, y0 + 1e-9);
  const X = (x) => left + ((x - x0) / (x1 - x0)) * (width - left - 8);
  const Y = (y) => top + (1 - (y - y0) / (y1 - y0 || 1)) * (height - top - bottom);
  let svg = '<svg role="img" aria-label="' + esc(opts.title) + '" width="100%" viewBox="0 0 ' + width + ' ' + height + '">';
  svg += '<line x1="' + left + '" y1="' + Y(y0) + '" x2="' + (width - 8) + '" y2="' + Y(y0) + '" stroke="#cbd5e0"/>';
  svg += '<text x="' + (left - 4) + '" y="' + (Y(y1) + 4) + '" text-anchor="end" font-size="10">' + esc(opts.yFmt(y1)) + '</text>';
  svg += '<text x="' + (left - 4) + '" y="' + (Y(y0)) + '" text-anchor="end" font-size="10">' + esc(opts.yFmt(y0)) + '</text>';
  svg += '<text x="' + left + '" y="' + (height - 4) + '" font-size="10" fill="#718096">' + esc(opts.xFmt(x0)) + '</text>';
  svg += '<text x="' + (width - 8) + '" y="' + (height - 4) + '" text-anchor="end" font-size="10" fill="#718096">' + esc(opts.xFmt(x1)) + '</text>';
  (opts.marks || []).forEach((m) => { svg += '<line x1="' + X(m) + '" y1="' + top + '" x2="' + X(m) + '" y2="' + Y(y0) + '" stroke="#e53e3e" stroke-dasharray="3 3"/>'; });
  series.forEach((l) => {
    const pts = l.points.filter((p) => p[1] !== null && Number.isFinite(p[1]));
    if (pts.length === 0) return;
    svg += '<polyline data-testid="line-' + opts.id + '-' + l.key + '" data-n="' + pts.length + '" fill="none" stroke-width="1.6" stroke="' + l.color + '" points="' + pts.map((p) => X(p[0]).toFixed(1) + ',' + Y(p[1]).toFixed(1)).join(' ') + '"/>';
    if (pts.length < 40) pts.forEach((p) => { svg += '<circle r="2" fill="' + l.color + '" cx="' + X(p[0]).toFixed(1) + '" cy="' + Y(p[1]).toFixed(1) + '"/>'; });
  });
  const latest = (l) => { const pts = l.points.filter((p) => p[1] !== null && Number.isFinite(p[1])); return pts.length ? pts[pts.length - 1][1] : null; };
  svg += '</svg><div class="legend">' + series.map((l) => '<span style="color:' + l.color + '">&#9632; ' + esc(l.name) + ': <b data-testid="last-' + opts.id + '-' + l.key + '" data-value="' + (latest(l) ?? '') + '">' + esc(latest(l) === null ? '-' : opts.yFmt(latest(l))) + '</b></span>').join('') + '</div>';
  return svg;
}
const COLORS = ['#3182ce', '#e53e3e', '#38a169', '#d69e2e', '#805ad5', '#dd6b20'];
const clock = (ms) => new Date(ms).toLocaleTimeString();
const dayOf = (ms) => new Date(ms).toISOString().slice(0, 10);
let segment = {};
function renderFilter(s) {
  const el = document.getElementById('filter');
  if (el.dataset.ready) return;
  const options = (dim) => ((s.segments[dim] && s.segments[dim].groups) || []).map((g) => g.key);
  const select = (key, dim, label) => '<select data-testid="filter-' + key + '" data-key="' + key + '"><option value="">' + label + ': all</option>' + options(dim).map((v) => '<option>' + esc(v) + '</option>').join('') + '</select>';
  el.innerHTML = select('country', 'country', 'country') + select('age_band', 'age_band', 'age band') + select('device', 'device_type', 'device') + select('payment', 'payment_method', 'payment');
  el.querySelectorAll('select').forEach((sel) => sel.addEventListener('change', () => { segment[sel.dataset.key] = sel.value; refresh(); }));
  if (options('country').length) el.dataset.ready = '1';
}
async function drill(id) {
  const [c, sessions] = await Promise.all([
    fetch('/queries/customer?id=' + encodeURIComponent(id)).then((r) => r.json()),
    fetch('/queries/customer-sessions?id=' + encodeURIComponent(id)).then((r) => r.json()),
  ]);
  const box = document.getElementById('drill');
  box.hidden = false;
  document.getElementById('drill-id').textContent = id;
  const kv = (o) => '<table>' + Object.entries(o || {}).map(([k, v]) => '<tr><td>' + esc(k) + '</td><td class="num">' + esc(typeof v === 'number' ? fmt(v, 2) : v) + '</td></tr>').join('') + '</table>';
  const history = (c.score_history || []).slice().reverse();
  const chart = lineChart([{ key: 'p', name: 'churn probability', color: COLORS[1], points: history.map((h) => [Date.parse(h.scored_at), h.churn_probability]) }], { id: 'drill', title: 'score history', yFmt: (y) => fmt(y, 2), xFmt: dayOf, yMin: 0, yMax: 1 });
  document.getElementById('drill-body').innerHTML = '<div class="cols">' +
    '<div><h3>Profile</h3>' + kv(c.profile) + '<h3>Churn flag</h3><p data-testid="drill-flag">' + (c.flag && c.flag.churned ? 'churned' : 'active') + (c.flag && c.flag.as_of ? ' as of ' + esc(c.flag.as_of.slice(0, 10)) : '') + '</p></div>' +
    '<div><h3>Aggregates</h3>' + kv(c.features) + '</div>' +
    '<div><h3>Score history (model versions)</h3>' + chart + '<table data-testid="drill-scores"><tr><th>scored at</th><th class="num">p</th><th>model</th></tr>' + (c.score_history || []).map((h) => '<tr><td>' + esc(h.scored_at.slice(0, 16)) + '</td><td class="num" data-testid="drill-score">' + fmt(h.churn_probability, 3) + '</td><td>' + esc(h.model_version) + '</td></tr>').join('') + '</table></div>' +
    '<div><h3>Sessions (newest first)</h3><table data-testid="drill-sessions"><tr><th>ended</th><th class="num">pages</th><th class="num">bought</th><th class="num">spent</th><th>device</th></tr>' + ((sessions && sessions.sessions) || []).map((x) => '<tr><td>' + esc(x.session_end.slice(0, 16)) + '</td><td class="num">' + x.pages_viewed + '</td><td class="num">' + x.products_purchased + '</td><td class="num">' + fmt(x.total_spent, 2) + '</td><td>' + esc(x.device_type) + '</td></tr>').join('') + '</table></div></div>';
}
function renderSeries(s) {
  const series = s.series || [];
  const t = (x) => Date.parse(x.at);
  document.getElementById('rates').innerHTML = lineChart([
    { key: 'produced', name: 'produced (activity events/s)', color: COLORS[0], points: series.map((x) => [t(x), x.produced_per_second]) },
    { key: 'indexed', name: 'indexed (documents/s)', color: COLORS[2], points: series.map((x) => [t(x), x.indexed_per_second]) },
  ], { id: 'rates', title: 'events per second', yFmt: (y) => fmt(y), xFmt: clock });
  const groups = [...new Set(series.flatMap((x) => Object.keys(x.lag)))];
  document.getElementById('lags').innerHTML = lineChart(groups.map((g, i) => ({ key: g, name: g, color: COLORS[i % COLORS.length], points: series.map((x) => [t(x), x.lag[g] ?? null]) })), { id: 'lags', title: 'consumer lag', yFmt: (y) => fmt(y), xFmt: clock });
  const indices = ['customers', 'sessions', 'scores', 'evaluations'];
  document.getElementById('docs').innerHTML = lineChart(indices.map((k, i) => ({ key: k, name: k, color: COLORS[i], points: series.map((x) => [t(x), x.documents[k]]) })), { id: 'docs', title: 'documents per index', yFmt: (y) => fmt(y), xFmt: clock });
  const trend = (s.score_trend && s.score_trend.days) || [];
  const evalDays = (s.evaluation && s.evaluation.days) || [];
  document.getElementById('trend').innerHTML = lineChart([
    { key: 'score', name: 'mean churn score of the scores issued', color: COLORS[1], points: trend.map((d) => [Date.parse(d.date), d.mean_score]) },
    { key: 'observed', name: 'observed churn share (matured predictions)', color: COLORS[4], points: evalDays.map((d) => [Date.parse(d.day), d.churned_share]) },
  ], { id: 'trend', title: 'churn over simulated time', yFmt: (y) => fmt(y, 2), xFmt: dayOf, yMin: 0, yMax: 1 });
}
function renderEvaluation(s) {
  const e = s.evaluation && s.evaluation.days ? s.evaluation : { days: [], totals: { issued: 0, matured: 0, alerts: 0 } };
  const matured = e.days.filter((d) => d.matured > 0);
  const latest = matured[matured.length - 1];
  const x = (d) => Date.parse(d.day);
  const alerts = e.days.filter((d) => d.drift_alert);
  document.getElementById('evaluation').innerHTML =
    '<p><b data-testid="eval-matured">' + fmt(e.totals.matured) + '</b> of <b data-testid="eval-issued">' + fmt(e.totals.issued) + '</b> predictions matured, over <b data-testid="eval-days">' + matured.length + '</b> days' +
    (latest ? '; latest matured day <b data-testid="eval-latest-day">' + esc(latest.day) + '</b>: ROC AUC <b data-testid="eval-latest-auc">' + fmt(latest.roc_auc, 3) + '</b>, Brier <b data-testid="eval-latest-brier">' + fmt(latest.brier, 3) + '</b>' : '') + '</p>' +
    '<div class="cols"><div>' + lineChart([
      { key: 'auc', name: 'ROC AUC', color: COLORS[0], points: matured.map((d) => [x(d), d.roc_auc]) },
      { key: 'brier', name: 'Brier score', color: COLORS[1], points: matured.map((d) => [x(d), d.brier]) },
    ], { id: 'evaluation', title: 'evaluation per day', yFmt: (y) => fmt(y, 2), xFmt: dayOf, yMin: 0, yMax: 1 }) + '</div>' +
    '<div><h3>Calibration of ' + (latest ? esc(latest.day) : '-') + ' (deciles)</h3><table data-testid="calibration"><tr><th>predicted</th><th class="num">n</th><th class="num">mean p</th><th class="num">observed</th></tr>' +
    (latest ? latest.calibration : []).map((b) => '<tr><td>' + fmt(b.lower, 1) + '-' + fmt(b.upper, 1) + '</td><td class="num">' + b.count + '</td><td class="num">' + fmt(b.mean_predicted, 3) + '</td><td class="num">' + fmt(b.observed_rate, 3) + '</td></tr>').join('') + '</table></div></div>';
  document.getElementById('drift').innerHTML = lineChart([
    { key: 'score', name: 'score PSI', color: COLORS[0], points: e.days.map((d) => [x(d), d.score_psi]) },
    { key: 'max', name: 'largest PSI (score or a feature)', color: COLORS[1], points: e.days.map((d) => [x(d), d.max_psi]) },
  ], { id: 'drift', title: 'drift', yFmt: (y) => fmt(y, 2), xFmt: dayOf, yMin: 0, marks: alerts.map(x) }) + '<p>alert threshold 0.2; <b data-testid="drift-alerts">' + alerts.length + '</b> day(s) above it</p>';
  const banner = document.getElementById('drift-banner');
  banner.hidden = alerts.length === 0;
  if (alerts.length) banner.textContent = 'Drift: PSI above 0.2 on ' + alerts.length + ' simulated day(s), first ' + alerts[0].day + ' (largest ' + fmt(Math.max(...alerts.map((d) => d.max_psi || 0)), 2) + ')';
}
function renderScope(s) {
  const active = Object.entries(s.segment || {});
  const label = active.map(([k, v]) => k + '=' + v).join(', ');
  const filtered = new Set((s.segment_scope && s.segment_scope.filtered) || []);
  document.querySelectorAll('small.scope').forEach((el) => {
    const on = filtered.has(el.dataset.panel);
    el.hidden = active.length === 0;
    el.className = 'scope ' + (on ? 'on' : 'off');
    el.textContent = on ? label : 'all customers';
  });
  const note = document.getElementById('segment-scope');
  note.hidden = active.length === 0;
  note.textContent = 'Segment ' + label + ': the churn, spend, duration, segment and at-risk panels show this segment. The pipeline counters and wall-time series are the whole pipeline (a topic carries every customer), and the score trend, evaluation and drift are every customer too (score and evaluation documents carry no customer attributes; the evaluator grades each simulated day as a whole).';
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
  document.getElementById('risk').innerHTML = '<table data-testid="at-risk"><tr><th>#</th><th>customer</th><th>country</th><th class="num">score</th><th class="num">days since purchase</th><th class="num">spent</th></tr>' +
    risk.map((r) => '<tr><td>' + r.rank + '</td><td><a class="cust" data-testid="risk-customer" data-id="' + esc(r.customer_id) + '">' + esc(r.customer_id) + '</a> ' + esc(r.name) + '</td><td>' + esc(r.country) + '</td><td class="num" data-testid="risk-score">' + fmt(r.churn_score, 3) + '</td><td class="num" data-testid="risk-days">' + fmt(r.days_since_last_purchase) + '</td><td class="num">' + fmt(r.total_spent, 2) + '</td></tr>').join('') + '</table>';
  document.querySelectorAll('a.cust').forEach((a) => a.addEventListener('click', () => { drill(a.dataset.id).catch((error) => { document.getElementById('drill-body').textContent = String(error); }); }));
  renderFilter(s);
  renderScope(s);
  renderSeries(s);
  renderEvaluation(s);
}
let inFlight = false, again = false;
async function refresh() {
  if (inFlight) { again = true; return; }
  inFlight = true;
  try {
    const query = new URLSearchParams(Object.entries(segment).filter(([, v]) => v)).toString();
    const response = await fetch('/live/summary' + (query ? '?' + query : ''), { cache: 'no-store' });
    if (!response.ok) throw new Error('HTTP ' + response.status);
    render(await response.json());
  } catch (error) {
    document.getElementById('updated').innerHTML = '<span class="error">update failed: ' + esc(error.message) + '</span>';
  } finally {
    inFlight = false;
    if (again) { again = false; refresh(); }
  }
}
refresh();
// A hidden tab asks nothing of Elasticsearch or Kafka; it catches up when shown again.
setInterval(() => { if (!document.hidden) refresh(); }, Number(new URLSearchParams(location.search).get('refresh') || 3000));
document.addEventListener('visibilitychange', () => { if (!document.hidden) refresh(); });
</script>
</body>
</html>
`;
