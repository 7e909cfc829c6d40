import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Kafka } from 'kafkajs';
import type { Client } from '@elastic/elasticsearch';
import { loadConfig } from '@churnstream/config';
import { openDataset } from '@churnstream/dataset';
import { type Prediction, evaluateOffline } from '@churnstream/evaluation';
import { refreshSearchIndices, searchIndexNames } from '@churnstream/search';
import { waitCaughtUp } from '../tools/pipeline/pipeline.progress';
import { SERVICES } from '../tools/start/services';
import { type RunningService, startService, stopService, waitHealthy } from '../tools/start/supervisor';
import { type OwnPipeline, ownPipeline, waitFor } from './support';

const root = new URL('../', import.meta.url).pathname;

interface EvaluationDoc {
  day: string;
  model_version: string;
  issued: number;
  matured: number;
  churned: number;
  roc_auc: number | null;
  brier: number | null;
  score_psi: number | null;
}

/** Every document of an index, in pages (the score history is larger than one search returns). */
async function allDocuments<T>(es: Client, index: string, sortField: string): Promise<T[]> {
  const out: T[] = [];
  let after: unknown[] | undefined;
  for (;;) {
    const page = await es.search<T>({
      index,
      size: 5_000,
      sort: [{ [sortField]: 'asc' }],
      ...(after ? { search_after: after as string[] } : {}),
    });
    const hits = page.hits.hits;
    for (const h of hits) if (h._source) out.push(h._source);
    if (hits.length < 5_000) return out;
    after = hits.at(-1)?.sort as unknown[];
  }
}

describe('the evaluator: online AUC and Brier per day equal the offline computation', () => {
  const population = { customers: 400, sessions: 5_000, seed: 11 };
  let run: OwnPipeline;
  let env: NodeJS.ProcessEnv;
  let kafka: Kafka;
  let es: Client;
  const running: RunningService[] = [];

  before(() => {
    run = ownPipeline('eval');
    ({ env, kafka, es } = run);
  });

  after(async () => {
    await Promise.all(running.map((s) => stopService(s)));
    await run.cleanUp();
  });

  it('survives a SIGKILL mid-stream and ends equal to the score history graded by the session file', async () => {
    const ports = new Map([
      ['features', 3931],
      ['scoring', 3932],
      ['indexer', 3933],
      ['evaluator', 3934],
      ['generator', 3935],
    ]);
    const spec = (name: string) => {
      const s = SERVICES.find((x) => x.name === name);
      assert.ok(s, name);
      return { ...s, port: ports.get(name) ?? 0 };
    };
    for (const name of ['features', 'scoring', 'indexer', 'evaluator']) {
      running.push(startService(root, spec(name), env));
    }
    for (const s of running)
      assert.equal(await waitHealthy(s, 180_000), true, `${s.spec.name} healthy (log ${s.logPath})`);
    const generator = startService(
      root,
      {
        ...spec('generator'),
        args: [
          ...['--customers', String(population.customers), '--sessions', String(population.sessions)],
          // Paced (3 simulated days a second) so that scores are issued on several simulated days.
          ...['--seed', String(population.seed), '--speed', '259200', '--tick-hours', '6'],
        ],
      },
      env,
    );
    running.push(generator);

    // Kill the evaluator once it has matured something, then start it again: its Redis state and
    // the uncommitted batches it gets again must give the same end result as an uninterrupted run.
    const names = searchIndexNames(run.prefix);
    const evaluator = running.find((s) => s.spec.name === 'evaluator');
    assert.ok(evaluator);
    await waitFor(
      'a day with matured predictions',
      async () => {
        const r = await es.search({
          index: names.evaluations,
          size: 0,
          query: { range: { matured: { gt: 0 } } },
          ignore_unavailable: true,
        });
        const n = typeof r.hits.total === 'number' ? r.hits.total : (r.hits.total?.value ?? 0);
        return n > 0 ? n : undefined;
      },
      { timeoutMs: 180_000, intervalMs: 500 },
    );
    evaluator.child.kill('SIGKILL');
    await evaluator.exited;
    const restarted = startService(root, spec('evaluator'), env);
    running.push(restarted);
    assert.equal(
      await waitHealthy(restarted, 180_000),
      true,
      `evaluator restarted (log ${restarted.logPath})`,
    );

    assert.equal(await generator.exited, 0, `generator finished (log ${generator.logPath})`);
    await waitCaughtUp(kafka, loadConfig(env), { timeoutMs: 600_000, evaluator: true });
    const dataset = join(run.model.dir, 'same-population');
    const generated = spawnSync(
      process.execPath,
      [
        ...['--import', 'tsx', 'apps/cli/src/main.ts', 'generate', '--out', dataset],
        ...['--customers', String(population.customers), '--sessions', String(population.sessions)],
        ...['--seed', String(population.seed)],
      ],
      { cwd: root, encoding: 'utf8' },
    );
    assert.equal(generated.status, 0, generated.stderr);
    const ds = await openDataset(dataset);
    const purchases = new Map<string, number[]>();
    for await (const s of ds.sessions()) {
      if (!s.customer_id || !s.session_end || !s.products_purchased) continue;
      const list = purchases.get(s.customer_id) ?? [];
      list.push(s.session_end.getTime());
      purchases.set(s.customer_id, list);
    }
    const snapshotAtMs = ds.snapshotAt.getTime();
    ds.close();

    await refreshSearchIndices(es, run.prefix);
    const scores = await allDocuments<{
      event_id: string;
      customer_id: string;
      churn_probability: number;
      model_version: string;
      scored_at: string;
    }>(es, names.scores, 'event_id');
    assert.ok(scores.length > population.customers, `score history of ${scores.length} scores`);
    const predictions: Prediction[] = scores.map((s) => ({
      id: s.event_id,
      customer_id: s.customer_id,
      issued_at_ms: Date.parse(s.scored_at),
      probability: s.churn_probability,
      model_version: s.model_version,
    }));
    const offline = evaluateOffline(predictions, purchases, snapshotAtMs);

    let online: EvaluationDoc[] = [];
    let state = '';
    await waitFor(
      'every prediction evaluated',
      async () => {
        await refreshSearchIndices(es, run.prefix);
        online = await allDocuments<EvaluationDoc>(es, names.evaluations, 'day');
        const issued = online.reduce((n, d) => n + d.issued, 0);
        const matured = online.reduce((n, d) => n + d.matured, 0);
        const want = [...offline.values()].reduce((n, d) => n + d.matured, 0);
        state = `issued ${issued}/${predictions.length}, matured ${matured}/${want}`;
        return issued === predictions.length && matured === want ? true : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500, describe: () => state },
    );

    assert.equal(online.length, offline.size);
    const mismatches: string[] = [];
    let maturedDays = 0;
    for (const doc of online) {
      const want = offline.get(`${doc.model_version}:${doc.day}`);
      assert.ok(want, `unexpected day ${doc.day}`);
      const got = [doc.issued, doc.matured, doc.churned, doc.roc_auc, doc.brier];
      const wanted = [want.issued, want.matured, want.churned, want.roc_auc, want.brier];
      if (JSON.stringify(got) !== JSON.stringify(wanted))
        mismatches.push(`${doc.day}: ${JSON.stringify(got)} != ${JSON.stringify(wanted)}`);
      if (doc.matured > 0) maturedDays++;
      if (Date.parse(doc.day) + 86_400_000 + 60 * 86_400_000 > snapshotAtMs + 86_400_000)
        assert.equal(doc.matured, 0, `${doc.day} lies within 60 days of the snapshot: nothing matures`);
    }
    assert.deepEqual(mismatches.slice(0, 5), []);
    // How many days get predictions depends on how much simulated time one batch spans (machine load).
    assert.ok(
      maturedDays >= 2,
      `days with matured predictions: ${online.map((d) => `${d.day} ${d.matured}/${d.issued}`).join(', ')}`,
    );
    assert.ok(
      online.some((d) => d.roc_auc !== null && d.roc_auc > 0.5),
      'the model ranks better than chance on some day',
    );
    assert.ok(
      online.every((d) => d.score_psi !== null),
      'score drift measured against the artifact',
    );

    const metrics = await (await fetch(`http://127.0.0.1:${restarted.spec.port}/metrics`)).text();
    const day = online.find((d) => d.roc_auc !== null);
    assert.ok(day);
    assert.match(
      metrics,
      new RegExp(
        `churnstream_evaluation_roc_auc\\{[^}]*day="${day.day}"[^}]*\\} ${String(day.roc_auc).slice(0, 6)}`,
      ),
    );
  });
});
