import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { LiveRepository } from './live.repository';
import { LiveService } from './live.service';

function fakes() {
  const calls: { name: string; params: Record<string, unknown> }[] = [];
  const durations: unknown[] = [];
  let counts = 0;
  const repository = {
    kafkaCounters: () => Promise.resolve({ topics: {}, lag: [] }),
    documentCounts: () => {
      counts++;
      return Promise.resolve({ customers: 1, sessions: 2, scores: 3, evaluations: 4 });
    },
    durationByChurn: (segment: unknown) => {
      durations.push(segment);
      return Promise.resolve([]);
    },
  } as unknown as LiveRepository;
  const service = new LiveService(
    repository,
    (name, params) => {
      calls.push({ name, params });
      return Promise.resolve({ status: 'ok', query: name, result: {} });
    },
    'p',
  );
  return { service, calls, durations, counts: () => counts };
}

describe(LiveService.name, () => {
  it('narrows the customer panels to the segment, not the score trend or the evaluation', async () => {
    const { service, calls, durations } = fakes();
    const summary = await service.summary({ country: 'Germany' });
    assert.deepEqual(summary.segment, { country: 'Germany' });
    assert.deepEqual(durations, [{ country: 'Germany' }]);
    const byName = (name: string) => calls.filter((c) => c.name === name).map((c) => c.params);
    assert.deepEqual(byName('spend-by-churn'), [{ country: 'Germany' }]);
    assert.ok(byName('churn-rate').every((p) => p.country === 'Germany'));
    assert.deepEqual(byName('at-risk'), [{ n: '10', country: 'Germany' }]);
    assert.deepEqual(byName('score-trend'), [{}]);
    assert.deepEqual(byName('model-evaluation'), [{}]);
  });

  it('answers pages polling side by side with one snapshot per segment', async () => {
    const { service, counts } = fakes();
    const [a, b] = await Promise.all([service.summary({}), service.summary({})]);
    assert.equal(a, b);
    assert.equal(counts(), 1);
    await service.summary({ country: 'France' });
    assert.equal(counts(), 2);
  });
});
