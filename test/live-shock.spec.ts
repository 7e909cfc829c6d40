import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page, Response } from 'playwright-core';
import { refreshSearchIndices, searchIndexNames } from '@churnstream/search';
import { waitCaughtUp } from '../tools/pipeline/pipeline.progress';
import { SERVICES } from '../tools/start/services';
import {
  type RunningService,
  Supervisor,
  startService,
  stopService,
  waitHealthy,
} from '../tools/start/supervisor';
import { type OwnPipeline, ownPipeline, waitFor } from './support';
import { SCREENSHOT_DIR, launchChromium, pageNumber } from './support/chromium';

const root = new URL('../', import.meta.url).pathname;
const SCENARIO = join(root, 'test', 'support', 'live-shock.scenario.json');
const API_PORT = 3946;
const BASE = `http://127.0.0.1:${API_PORT}`;

interface EvaluationDay {
  day: string;
  issued: number;
  matured: number;
  roc_auc: number | null;
  brier: number | null;
  score_psi: number | null;
  max_psi: number | null;
  drift_alert: boolean;
  calibration: unknown[];
}
interface Summary {
  generated_at: string;
  segment: Record<string, string>;
  counters: { documents: Record<string, number>; dead_letters: number };
  series: {
    produced_per_second: number | null;
    indexed_per_second: number | null;
    lag: Record<string, number>;
    documents: Record<string, number>;
  }[];
  score_trend: { days: { date: string; mean_score: number | null }[] };
  evaluation: { days: EvaluationDay[]; totals: { issued: number; matured: number; alerts: number } };
  churn: { overall: { customers: number; churned: number } };
  at_risk: { customers: { customer_id: string; country: string | null; churn_score: number }[] };
}

const api = async <T>(path: string): Promise<T> => {
  const response = await fetch(`${BASE}${path}`);
  assert.equal(response.status, 200, `GET ${path}: ${response.status}`);
  return (await response.json()) as T;
};

/** The next summary the page fetches and the moment it has rendered it. */
async function renderedSummary(page: Page, trigger: () => Promise<unknown>): Promise<Summary> {
  const [response] = await Promise.all([
    page.waitForResponse((r: Response) => r.url().includes('/live/summary') && r.status() === 200),
    trigger(),
  ]);
  const summary = (await response.json()) as Summary;
  await page.waitForFunction(
    `document.getElementById('updated').dataset.generatedAt === ${JSON.stringify(summary.generated_at)}`,
  );
  return summary;
}

const lastFinite = (values: (number | null | undefined)[]) =>
  values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));

describe('the live page on a running pipeline with a scheduled shock (Chromium, headless)', () => {
  // A 75-day window at 4 simulated days a second: the first ~15 days' predictions mature on the stream.
  const population = { customers: 300, sessions: 3_000, seed: 7 };
  let run: OwnPipeline;
  let browser: Browser;
  let apps: Supervisor;
  let generator: RunningService | undefined;

  before(async () => {
    run = ownPipeline('shock');
    browser = await launchChromium();
    // As under npm start: an app that exits (a consumer evicted from its group on a starved machine
    // exits for good) is started again, and the pipeline's end state is the same.
    apps = new Supervisor(root, run.env);
  });

  after(async () => {
    await browser.close();
    await apps.stopAll();
    if (generator) await stopService(generator);
    await run.cleanUp();
  });

  it('shows the time series, the evaluation, the drill-down and a segment as the API returns them', async () => {
    const ports = new Map([
      ['features', 3941],
      ['scoring', 3942],
      ['indexer', 3943],
      ['evaluator', 3944],
      ['generator', 3945],
      ['api', API_PORT],
    ]);
    const spec = (name: string) => {
      const s = SERVICES.find((x) => x.name === name);
      assert.ok(s, name);
      return { ...s, port: ports.get(name) ?? 0 };
    };
    for (const name of ['features', 'scoring', 'indexer', 'evaluator', 'api']) apps.start(spec(name));
    for (const s of apps.services())
      assert.equal(await waitHealthy(s, 180_000), true, `${s.spec.name} healthy (log ${s.logPath})`);

    // The page is open while the population streams: its own polling makes the wall-time samples.
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(`${BASE}/?refresh=2000`);
    generator = startService(
      root,
      {
        ...spec('generator'),
        args: [
          ...['--customers', String(population.customers), '--sessions', String(population.sessions)],
          ...['--seed', String(population.seed), '--scenario', SCENARIO],
          ...['--speed', String(4 * 86_400), '--tick-hours', '6'],
        ],
      },
      run.env,
    );

    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const shots: string[] = [];
    const shoot = async (name: string) => {
      const path = join(SCREENSHOT_DIR, `live-shock-${name}.png`);
      await page.screenshot({ path, fullPage: true });
      shots.push(path);
    };
    await page.getByTestId('eval-latest-auc').waitFor({ timeout: 180_000 });
    await shoot('streaming');

    assert.equal(await generator.exited, 0, `generator finished (log ${generator.logPath})`);
    await waitCaughtUp(run.kafka, run.config, { timeoutMs: 300_000, evaluator: true });
    await refreshSearchIndices(run.es, run.prefix);
    // The evaluator publishes at most once a second: wait until the API's evaluation holds still.
    let previous = '';
    await waitFor(
      'the evaluation to settle',
      async () => {
        const now = JSON.stringify(await api('/queries/model-evaluation'));
        const same = now === previous;
        previous = now;
        return same ? true : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 1_500 },
    );

    // Everything the page shows, against the very summary it rendered, and that against the queries.
    const s = await renderedSummary(page, () => page.goto(`${BASE}/?refresh=600000`));
    const text = async (id: string) => (await page.getByTestId(id).first().textContent()) ?? '';
    const value = async (id: string) => page.getByTestId(id).first().getAttribute('data-value');
    const points = async (id: string) => Number(await page.getByTestId(id).first().getAttribute('data-n'));

    assert.deepEqual(s.evaluation, await api('/queries/model-evaluation'));
    assert.deepEqual(s.score_trend, await api('/queries/score-trend'));
    assert.equal(await text('docs-customers'), pageNumber(s.counters.documents.customers));
    assert.equal(s.counters.documents.customers, population.customers);

    // Wall-time series: every sample plotted, the legend showing the newest value.
    assert.ok(s.series.length >= 3, `${s.series.length} wall-time samples`);
    const series: [string, (number | null | undefined)[]][] = [
      ['rates-produced', s.series.map((x) => x.produced_per_second)],
      ['rates-indexed', s.series.map((x) => x.indexed_per_second)],
      ['docs-customers', s.series.map((x) => x.documents.customers)],
      ['docs-sessions', s.series.map((x) => x.documents.sessions)],
      ['docs-scores', s.series.map((x) => x.documents.scores)],
      ['docs-evaluations', s.series.map((x) => x.documents.evaluations)],
      ['lags-features', s.series.map((x) => x.lag.features)],
      ['lags-evaluator', s.series.map((x) => x.lag.evaluator)],
    ];
    for (const [id, values] of series) {
      const finite = lastFinite(values);
      assert.equal(await points(`line-${id}`), finite.length, `${id}: points plotted`);
      assert.equal(Number(await value(`last-${id}`)), finite.at(-1), `${id}: newest value`);
      assert.equal(await text(`last-${id}`), pageNumber(finite.at(-1)), `${id}: shown`);
    }
    assert.ok(
      lastFinite(s.series.map((x) => x.produced_per_second)).some((v) => v > 0),
      'events were produced while the page watched',
    );

    // Over simulated time: the mean score per day and the observed churn share of matured days.
    const trend = lastFinite(s.score_trend.days.map((d) => d.mean_score));
    assert.ok(trend.length >= 10, `${trend.length} simulated days of scores`);
    assert.equal(await points('line-trend-score'), trend.length);
    assert.equal(await text('last-trend-score'), pageNumber(trend.at(-1), 2));

    // The evaluation panel.
    const matured = s.evaluation.days.filter((d) => d.matured > 0);
    assert.ok(matured.length >= 1, 'some simulated days have matured predictions');
    const latest = matured.at(-1);
    assert.ok(latest);
    assert.equal(await text('eval-matured'), pageNumber(s.evaluation.totals.matured));
    assert.equal(await text('eval-issued'), pageNumber(s.evaluation.totals.issued));
    assert.equal(await text('eval-days'), String(matured.length));
    assert.equal(await text('eval-latest-day'), latest.day);
    assert.equal(await text('eval-latest-auc'), pageNumber(latest.roc_auc, 3));
    assert.equal(await text('eval-latest-brier'), pageNumber(latest.brier, 3));
    assert.equal(await points('line-evaluation-auc'), lastFinite(matured.map((d) => d.roc_auc)).length);
    assert.equal(await page.getByTestId('calibration').locator('tr').count(), latest.calibration.length + 1);
    const alerts = s.evaluation.days.filter((d) => d.drift_alert);
    assert.equal(await text('drift-alerts'), String(alerts.length));
    assert.equal(await page.getByTestId('drift-banner').isVisible(), alerts.length > 0);
    assert.equal(
      Number(await value('last-drift-max')),
      lastFinite(s.evaluation.days.map((d) => d.max_psi)).at(-1),
    );
    await shoot('caught-up');

    // The drill-down of the customer at the top of the at-risk table.
    const top = s.at_risk.customers[0];
    assert.ok(top, 'someone is at risk');
    await page.getByTestId('risk-customer').first().click();
    await page.getByTestId('drill-flag').waitFor();
    const customer = await api<{
      flag: { churned: boolean | null };
      score_history: { churn_probability: number }[];
    }>(`/queries/customer?id=${encodeURIComponent(top.customer_id)}`);
    const sessions = await api<{ sessions: unknown[] }>(
      `/queries/customer-sessions?id=${encodeURIComponent(top.customer_id)}`,
    );
    assert.equal(await text('drill-id'), top.customer_id);
    assert.match(await text('drill-flag'), customer.flag.churned ? /^churned/ : /^active/);
    assert.deepEqual(
      await page.getByTestId('drill-score').allTextContents(),
      customer.score_history.map((h) => pageNumber(h.churn_probability, 3)),
    );
    assert.ok(customer.score_history.length > 0);
    assert.equal(
      await page.getByTestId('drill-sessions').locator('tr').count(),
      sessions.sessions.length + 1,
    );
    await page.getByTestId('drill').scrollIntoViewIfNeeded();
    await shoot('drill-down');

    // The segment filter: the customer panels narrow to the country, the evaluation does not.
    const country = 'Germany';
    const filtered = await renderedSummary(page, () =>
      page.getByTestId('filter-country').selectOption(country),
    );
    assert.deepEqual(filtered.segment, { country });
    const names = searchIndexNames(run.prefix);
    const count = async (churned?: boolean) =>
      (
        await run.es.count({
          index: names.customers,
          query: {
            bool: {
              filter: [{ term: { country } }, ...(churned === undefined ? [] : [{ term: { churned } }])],
            },
          },
        })
      ).count;
    const [customers, churned] = [await count(), await count(true)];
    assert.ok(customers > 0 && customers < population.customers, `${customers} customers in ${country}`);
    assert.equal(filtered.churn.overall.customers, customers);
    assert.equal(filtered.churn.overall.churned, churned);
    assert.equal(await text('customers'), pageNumber(customers));
    assert.equal(await text('churned'), pageNumber(churned));
    assert.deepEqual(
      await page.getByTestId('risk-score').allTextContents(),
      filtered.at_risk.customers.map((c) => pageNumber(c.churn_score, 3)),
    );
    assert.ok(filtered.at_risk.customers.every((c) => c.country === country));
    assert.deepEqual(filtered.evaluation, s.evaluation, 'the evaluation is the whole population');
    assert.equal(await text('eval-matured'), pageNumber(s.evaluation.totals.matured));
    assert.equal(await page.getByTestId('segment-scope').isVisible(), true);
    await shoot('segment');
    console.log(
      `restarts: ${JSON.stringify(Object.fromEntries(apps.restarts))}; screenshots: ${shots.join(', ')}; ${matured.length} matured day(s), latest ${latest.day} AUC ${latest.roc_auc} Brier ${latest.brier}; drift alerts on ${alerts.length} day(s)`,
    );
  });
});
