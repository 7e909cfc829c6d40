import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DAY_MS } from '@churnstream/churn';
import { FIXTURE_SNAPSHOT, syntheticShop } from './model.fixture';
import { buildExamples, foldAggregates } from './model.framing';
import { modelFromArtifact } from './churn.scorer';
import { DEFAULT_TRAIN_OPTIONS, trainModel } from './model.training';

describe('ChurnModel', () => {
  const shop = syntheticShop(300, 4);
  const framed = buildExamples('predictive', shop.customers, shop.sessions, FIXTURE_SNAPSHOT);
  const model = modelFromArtifact(
    trainModel(framed, null, { ...DEFAULT_TRAIN_OPTIONS, trees: 15, importanceRepeats: 1 }).artifact,
  );

  it('scores many aggregates, each as of its own instant, exactly as one at a time', () => {
    const snapshot = FIXTURE_SNAPSHOT;
    const aggregates = [...foldAggregates(shop.customers, shop.sessions, snapshot).values()];
    const items = aggregates.map((aggregate, i) => ({ aggregate, asOfMs: snapshot - (i % 5) * 7 * DAY_MS }));
    const one = items.map((item) => model.scoreAggregate(item.aggregate, item.asOfMs));
    assert.ok(new Set(one.map((p) => p.churn_probability)).size > 5, 'the model gives varied scores');
    assert.deepEqual(model.scoreAggregates(items), one);
    assert.deepEqual(model.scoreAggregates([]), []);
  });
});
