import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DAY_MS } from '@churnstream/churn';
import { AppError } from '@churnstream/errors';
import { FIXTURE_SNAPSHOT, syntheticShop } from './model.fixture';
import { buildExamples, foldAggregates } from './model.framing';
import { modelFromArtifact } from './churn.scorer';
import { FOREST_ONLY_FORMAT, parseArtifact } from './model.artifact';
import { blendProbability } from './model.blend';
import { rfmProbabilities } from './rfm.logistic';
import { DEFAULT_TRAIN_OPTIONS, trainModel } from './model.training';

describe('ChurnModel', () => {
  const shop = syntheticShop(300, 4);
  const framed = buildExamples('predictive', shop.customers, shop.sessions, FIXTURE_SNAPSHOT);
  const options = { ...DEFAULT_TRAIN_OPTIONS, trees: 15, importanceRepeats: 1 };
  const model = modelFromArtifact(trainModel(framed, null, options).artifact);
  // Half and half, so both parts of the blend reach every score below.
  const mixed = trainModel(framed, null, { ...options, blendWeight: 0.5 }).artifact;
  const { blend, ...forestOnly } = mixed;
  // A file written before blending: format 1, no blend.
  const forest = modelFromArtifact(
    parseArtifact(JSON.parse(JSON.stringify({ ...forestOnly, format: FOREST_ONLY_FORMAT })), 'old.json'),
  );
  const blended = modelFromArtifact(mixed);
  const snapshot = FIXTURE_SNAPSHOT;
  const aggregates = [...foldAggregates(shop.customers, shop.sessions, snapshot).values()];
  const items = aggregates.map((aggregate, i) => ({ aggregate, asOfMs: snapshot - (i % 5) * 7 * DAY_MS }));

  it('scores many aggregates, each as of its own instant, exactly as one at a time', () => {
    for (const m of [model, blended, forest]) {
      const one = items.map((item) => m.scoreAggregate(item.aggregate, item.asOfMs));
      assert.ok(new Set(one.map((p) => p.churn_probability)).size > 5, 'the model gives varied scores');
      assert.deepEqual(m.scoreAggregates(items), one);
      assert.deepEqual(m.scoreAggregates([]), []);
      const rows = framed.examples.map((e) => e.features);
      assert.deepEqual(
        [...m.probabilities(rows)],
        rows.map((r) => m.probability(r)),
      );
    }
  });

  it('scores the blend of its forest and its regression, and a forest-only artifact as its forest', () => {
    assert.ok(blend !== undefined);
    for (const e of framed.examples) {
      const lr: number = rfmProbabilities(blend.logistic, [e.features])[0] ?? Number.NaN;
      assert.equal(
        blended.probability(e.features),
        blendProbability(0.5, forest.probability(e.features), lr),
      );
    }
    assert.notDeepEqual(
      framed.examples.map((e) => blended.probability(e.features)),
      framed.examples.map((e) => forest.probability(e.features)),
    );
  });

  it('refuses a format 2 artifact without its blend, naming the field', () => {
    assert.throws(
      () => parseArtifact(JSON.parse(JSON.stringify(forestOnly)), 'm.json'),
      (error: unknown) => error instanceof AppError && /m\.json: .*blend: required/.test(error.message),
    );
    assert.throws(
      () =>
        parseArtifact(
          JSON.parse(
            JSON.stringify({
              ...mixed,
              blend: { ...blend, logistic: { ...blend?.logistic, inputs: ['x'] } },
            }),
          ),
          'm.json',
        ),
      /blend\.logistic\.inputs/,
    );
  });
});
