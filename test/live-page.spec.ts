import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import type { Client } from '@elastic/elasticsearch';
import { loadConfig } from '@churnstream/config';
import { createElasticsearch } from '@churnstream/elasticsearch';
import {
  deleteSearchIndices,
  detectSearchCapabilities,
  installSearchIndices,
  searchIndexNames,
} from '@churnstream/search';
import { SERVICES } from '../tools/start/services';
import { type RunningService, startService, stopService, waitHealthy } from '../tools/start/supervisor';
import { uniqueName, waitFor } from './support';
import { SCREENSHOT_DIR, launchChromium } from './support/chromium';

const root = new URL('../', import.meta.url).pathname;

describe('the live page in a real browser (Chromium, headless)', () => {
  const prefix = uniqueName('live');
  const env = { ...process.env, ES_INDEX_PREFIX: prefix, TOPIC_PREFIX: prefix };
  let es: Client;
  let api: RunningService;
  let browser: Browser;

  before(async () => {
    es = createElasticsearch(loadConfig(env));
    await installSearchIndices(es, prefix, await detectSearchCapabilities(es));
    const names = searchIndexNames(prefix);
    const countries = ['France', 'Japan', 'Brazil'];
    const operations = Array.from({ length: 30 }, (_, i) => [
      { index: { _index: names.customers, _id: `L${i}` } },
      {
        customer_id: `L${i}`,
        name: `Customer ${i}`,
        gender: i % 2 ? 'female' : 'male',
        country: countries[i % 3],
        age: 20 + i,
        age_band: i < 10 ? '18-29' : '30-44',
        session_count: 1 + (i % 4),
        total_session_seconds: 600 * (1 + (i % 4)),
        total_spent: i * 3.5,
        churned: i % 3 === 0,
        churn_score: (i % 10) / 10,
        churn_predicted: i % 10 >= 5,
        model_version: 'test',
      },
    ]);
    const bulk = await es.bulk({ operations: operations.flat(), refresh: 'wait_for' });
    assert.equal(bulk.errors, false, JSON.stringify(bulk.items.find((i) => i.index?.error)));
    const spec = SERVICES.find((s) => s.name === 'api');
    assert.ok(spec);
    api = startService(root, { ...spec, port: 3930 }, env);
    assert.equal(await waitHealthy(api, 60_000), true, `api healthy (log ${api.logPath})`);
    browser = await launchChromium();
  });

  after(async () => {
    await browser.close();
    await stopService(api);
    await deleteSearchIndices(es, prefix);
    await es.close();
  });

  it('shows the same numbers as the API and saves a screenshot', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto('http://127.0.0.1:3930/?refresh=60000');
    await page.getByTestId('docs-customers').waitFor({ timeout: 20_000 });
    const summary = await waitFor('the API summary', async () => {
      const response = await fetch('http://127.0.0.1:3930/live/summary');
      return response.ok
        ? ((await response.json()) as {
            counters: {
              documents: { customers: number };
              dead_letters: number;
              consumer_lag: { group: string; lag: number }[];
            };
            churn: { overall: { customers: number; churned: number; churn_rate: number } };
            at_risk: { customers: { churn_score: number }[] };
          })
        : undefined;
    });
    const text = async (id: string) => (await page.getByTestId(id).first().textContent()) ?? '';
    const num = (s: string) => Number(s.replace(/[,%]/g, ''));
    assert.equal(num(await text('docs-customers')), summary.counters.documents.customers);
    assert.equal(summary.counters.documents.customers, 30);
    assert.equal(num(await text('customers')), summary.churn.overall.customers);
    assert.equal(num(await text('churned')), summary.churn.overall.churned);
    assert.equal(summary.churn.overall.churned, 10);
    assert.equal(num(await text('churn-rate')), Math.round(summary.churn.overall.churn_rate * 1000) / 10);
    assert.equal(num(await text('dead-letters')), summary.counters.dead_letters);
    const scores = await page.getByTestId('risk-score').allTextContents();
    assert.deepEqual(
      scores.map(Number),
      summary.at_risk.customers.map((c) => Number(c.churn_score.toFixed(3))),
    );
    assert.equal(scores[0], '0.900');
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const path = join(SCREENSHOT_DIR, 'live-page.png');
    await page.screenshot({ path, fullPage: true });
    console.log(`screenshot: ${path}`);
  });
});
