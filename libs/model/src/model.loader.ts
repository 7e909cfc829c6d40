/**
 * The artifact loader adapter: the only file of libs/model that touches the filesystem. Errors name
 * the path: MODEL_MISSING when there is no file, MODEL_INVALID when it is not JSON or not a model.
 */
import { readFile } from 'node:fs/promises';
import { AppError } from '@churnstream/errors';
import { parseArtifact } from './model.artifact';
import { modelFromArtifact, type ChurnModel } from './churn.scorer';

export async function loadModel(path: string): Promise<ChurnModel> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    const missing = (cause as NodeJS.ErrnoException).code === 'ENOENT';
    throw new AppError(
      missing ? 'MODEL_MISSING' : 'MODEL_INVALID',
      missing ? `${path}: no model file (train one with npm run cli -- train)` : `${path}: ${String(cause)}`,
      { cause, details: { path } },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new AppError('MODEL_INVALID', `${path}: not JSON (${(cause as Error).message})`, {
      cause,
      details: { path },
    });
  }
  return modelFromArtifact(parseArtifact(json, path), path);
}
