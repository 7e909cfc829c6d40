import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { searchIndexNames } from '@churnstream/search';
import {
  type PipelineRun,
  compareWithBatch,
  expectedCustomers,
  pipelineRun,
  trainSmallModel,
} from './support';

describe('the whole pipeline: generator -> Kafka -> features -> scoring -> indexer -> Elasticsearch', () => {
  const population = { customers: 400, sessions: 5_000, seed: 11 };
  let fixture: ReturnType<typeof trainSmallModel>;
  let run: PipelineRun;

  before(() => {
    fixture = trainSmallModel({ trees: 10 });
    run = pipelineRun('pipe', fixture.model);
  });

  after(async () => {
    await run.cleanup();
    rmSync(fixture.dir, { recursive: true, force: true });
  });

  it('ends with Elasticsearch equal to the batch computation of the same seed', async () => {
    assert.deepEqual(await run.startApps(3920), [], 'every app healthy');
    const streamed = await run.stream(3920, [
      ...['--customers', '400', '--sessions', '5000', '--seed', '11'],
      ...['--max-speed', '--tick-hours', '6'],
    ]);
    assert.equal(streamed.exitCode, 0, streamed.log);

    const names = searchIndexNames(run.stack.index);
    const difference = await compareWithBatch(run.es, run.stack.index, population);
    assert.deepEqual(difference.sessions, { indexed: population.sessions, expected: population.sessions });
    assert.equal(difference.customers.indexed, difference.customers.expected);
    assert.deepEqual(difference.mismatches.slice(0, 5), []);
    const expected = expectedCustomers(population);

    const byGender = await run.es.search<unknown, { g: { buckets: { key: string; doc_count: number }[] } }>({
      index: names.customers,
      size: 0,
      aggs: { g: { terms: { field: 'gender', size: 10 } } },
    });
    const wantedGender = new Map<string, number>();
    for (const c of expected.values())
      wantedGender.set(c.aggregate.gender ?? '', (wantedGender.get(c.aggregate.gender ?? '') ?? 0) + 1);
    assert.deepEqual(
      Object.fromEntries((byGender.aggregations?.g.buckets ?? []).map((b) => [b.key, b.doc_count]).sort()),
      Object.fromEntries([...wantedGender].sort()),
    );
    assert.equal(await run.deadLetters(), 0, 'no dead letters from a valid population');
  });
});
