import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppError } from '@churnstream/errors';
import { FIXTURE_SNAPSHOT, syntheticShop } from './model.fixture';
import { buildExamples } from './model.framing';
import { loadModel } from './model.loader';
import { DEFAULT_TRAIN_OPTIONS, trainModel } from './model.training';

describe('loadModel', () => {
  const expectError = async (path: string, code: string, pattern: RegExp): Promise<void> => {
    await assert.rejects(loadModel(path), (error: unknown) => {
      assert.ok(error instanceof AppError);
      assert.equal(error.code, code);
      assert.match(error.message, pattern);
      assert.ok(error.message.includes(path), error.message);
      return true;
    });
  };

  it('loads a trained artifact and scores like the trainer', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'churnstream-model-'));
    try {
      const shop = syntheticShop(200, 4);
      const framed = buildExamples('predictive', shop.customers, shop.sessions, FIXTURE_SNAPSHOT);
      const result = trainModel(framed, null, { ...DEFAULT_TRAIN_OPTIONS, trees: 10, importanceRepeats: 1 });
      const path = join(dir, 'model.json');
      await writeFile(path, JSON.stringify(result.artifact));
      const model = await loadModel(path);
      assert.equal(model.version, result.artifact.version);
      const first = framed.examples[0];
      assert.ok(first !== undefined);
      const p = model.probability(first.features);
      assert.ok(p >= 0 && p <= 1);
      assert.deepEqual([...model.probabilities([first.features])], [p]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('fails with MODEL_MISSING naming the path when there is no file', async () => {
    await expectError(
      join(tmpdir(), 'no-such-dir-churnstream', 'model.json'),
      'MODEL_MISSING',
      /no model file/,
    );
  });

  it('fails with MODEL_INVALID naming the path and the field for a file that is not a model', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'churnstream-model-'));
    try {
      const notJson = join(dir, 'a.json');
      await writeFile(notJson, '{"format":');
      await expectError(notJson, 'MODEL_INVALID', /not JSON/);
      const foreign = join(dir, 'b.json');
      await writeFile(foreign, JSON.stringify({ format: 'churnstream-model/1', version: 'x' }));
      await expectError(foreign, 'MODEL_INVALID', /framing/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a model trained on other features', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'churnstream-model-'));
    try {
      const shop = syntheticShop(100, 5);
      const framed = buildExamples('predictive', shop.customers, shop.sessions, FIXTURE_SNAPSHOT);
      const { artifact } = trainModel(framed, null, {
        ...DEFAULT_TRAIN_OPTIONS,
        trees: 3,
        importanceRepeats: 1,
      });
      const path = join(dir, 'model.json');
      await writeFile(path, JSON.stringify({ ...artifact, features: [...artifact.features].reverse() }));
      await expectError(path, 'MODEL_INVALID', /trained on features/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
