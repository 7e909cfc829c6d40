import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DAY_MS, FEATURE_NAMES } from '@churnstream/churn';
import { parseArtifact } from './model.artifact';
import { modelFromArtifact } from './churn.scorer';
import { FIXTURE_SNAPSHOT, syntheticShop } from './model.fixture';
import { buildExamples } from './model.framing';
import { DEFAULT_TRAIN_OPTIONS, trainModel } from './model.training';

const shop = syntheticShop(600, 3);
const options = { ...DEFAULT_TRAIN_OPTIONS, trees: 20, importanceRepeats: 2 };

describe('trainModel', () => {
  const framed = buildExamples('predictive', shop.customers, shop.sessions, FIXTURE_SNAPSHOT);
  const result = trainModel(framed, null, options);

  it('writes the artifact so that loading it gives identical predictions', () => {
    const model = modelFromArtifact(parseArtifact(JSON.parse(JSON.stringify(result.artifact)), 'model.json'));
    const features = new Map(framed.examples.map((e) => [e.customer_id, e.features]));
    const lines = result.predictionsCsv.trim().split('\n').slice(1);
    assert.equal(lines.length, result.metrics.test_rows);
    for (const line of lines) {
      const [id = '', , prob = ''] = line.split(',');
      assert.equal(model.probability(features.get(id) ?? []), Number(prob));
    }
  });

  it('gives the same artifact for the same seed', () => {
    assert.equal(JSON.stringify(trainModel(framed, null, options).artifact), JSON.stringify(result.artifact));
  });

  it('names the model by framing, engine and training-data hash, and records the metrics', () => {
    assert.match(result.artifact.version, /^predictive-ours-[0-9a-f]{8}$/);
    assert.equal(result.artifact.version.slice(-8), result.artifact.training.data_sha256.slice(0, 8));
    assert.deepEqual(result.artifact.features, [...FEATURE_NAMES]);
    assert.ok(result.metrics.roc_auc > 0.6, `roc auc ${result.metrics.roc_auc}`);
    assert.deepEqual(Object.keys(result.metrics.classification_report), [
      '0',
      '1',
      'accuracy',
      'macro avg',
      'weighted avg',
    ]);
    assert.equal(result.metrics.feature_importance.length, FEATURE_NAMES.length);
    assert.equal(
      result.datasetCsv.split('\n')[0],
      ['customer_id', ...FEATURE_NAMES, 'label', 'split'].join(','),
    );
  });

  it('warns of leakage in the seed framing, where recency restates the churned label', () => {
    const seed = trainModel(
      buildExamples('seed', shop.customers, shop.sessions, FIXTURE_SNAPSHOT),
      null,
      options,
    );
    const flagged = seed.metrics.leakage_warnings.map((w) => w.feature);
    assert.ok(flagged.includes('days_since_last_purchase') && flagged.includes('days_since_last_active'));
    assert.ok(!result.metrics.leakage_warnings.some((w) => w.feature === 'days_since_last_active'));
  });

  it('chooses the blend weight on training rows only: the test labels cannot move it', () => {
    const frame = (days: number) =>
      buildExamples(
        'predictive',
        shop.customers,
        shop.sessions,
        FIXTURE_SNAPSHOT,
        60,
        FIXTURE_SNAPSHOT - days * DAY_MS,
      );
    const [test, training, inner] = [frame(60), frame(120), frame(180)];
    const flipped = {
      ...test,
      examples: test.examples.map((e) => ({ ...e, label: e.label === 1 ? (0 as const) : (1 as const) })),
    };
    const a = trainModel(training, null, options, undefined, test, inner);
    const b = trainModel(training, null, options, undefined, flipped, inner);
    assert.match(a.metrics.blend.chosen_on, /^out of time, on training data only/);
    assert.equal(a.metrics.blend.inner_roc_auc.length, 11);
    assert.deepEqual(a.artifact.blend, b.artifact.blend);
    assert.notEqual(a.metrics.roc_auc, b.metrics.roc_auc);
    // Without the earlier framing, a random share of the training customers decides.
    const random = trainModel(training, null, options, undefined, test);
    assert.match(random.metrics.blend.chosen_on, /^a stratified random 0.2 of the training customers/);
  });

  it('reports the forest alone beside the model, and is the forest alone at weight 1', () => {
    assert.equal(result.artifact.blend?.forest_weight, result.metrics.blend.forest_weight);
    const forest = trainModel(framed, null, { ...options, blendWeight: 1 });
    assert.equal(forest.metrics.roc_auc, forest.metrics.forest_roc_auc);
    assert.equal(forest.metrics.blend.chosen_on, 'given (--blend-weight)');
    assert.equal(forest.metrics.forest_roc_auc, result.metrics.forest_roc_auc);
  });
});
