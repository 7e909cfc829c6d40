/**
 * model.json, the artifact a training run leaves and every scorer loads: which engine and trees,
 * which features in which order computed by which feature function version, how the training data
 * was framed and split, its sha256 and seed, the test metrics, and a version string that names all of
 * it (`<framing>-<engine>-<datahash8>`). Validated with zod on load so a truncated or foreign file is
 * refused with the field at fault.
 *
 * Format 2 adds the blend (the RFM logistic regression and the forest's weight, model.blend.ts), which
 * every score includes. A format 1 file, written before blending, still loads and scores as its forest
 * alone, as it always did; a build that predates format 2 refuses a format 2 file by its format rather
 * than silently scoring without the regression.
 */
import { z } from 'zod';
import { describeIssues } from '@churnstream/contracts';
import { AppError } from '@churnstream/errors';
import { DriftReferenceSchema } from './drift.reference';
import { BlendSchema } from './model.blend';

export const ARTIFACT_FORMAT = 'churnstream-model/2';
/** Forest-only artifacts, still read. */
export const FOREST_ONLY_FORMAT = 'churnstream-model/1';

const finite = z.number().refine(Number.isFinite, 'expected a finite number');

export const ModelArtifactSchema = z
  .object({
    format: z.enum([ARTIFACT_FORMAT, FOREST_ONLY_FORMAT]),
    version: z.string().min(1),
    framing: z.enum(['predictive', 'seed']),
    engine: z.enum(['ours', 'ml-random-forest']),
    threshold: z.number().min(0).max(1),
    features: z.array(z.string().min(1)).min(1),
    preprocessing: z.object({
      feature_function: z.string(),
      features_version: z.number().int(),
      as_of: z.string(),
      missing_age: finite,
      horizon_days: z.number().int().positive(),
      /** Features left out of the forest (missing from the source, or constant in training), and why. */
      dropped_features: z.array(z.object({ feature: z.string(), reason: z.string() })).optional(),
    }),
    training: z.object({
      data_sha256: z.string().regex(/^[0-9a-f]{64}$/),
      seed: z.number().int(),
      trees: z.number().int().positive(),
      test_size: z.number(),
      train_rows: z.number().int(),
      test_rows: z.number().int(),
      train_positive_rate: z.number(),
      snapshot_at: z.string(),
      as_of: z.string(),
      cutoff: z.string().optional(),
      label_end: z.string().optional(),
      validation: z.string().optional(),
      min_samples_leaf: z.number().int().positive().optional(),
      max_depth: z.number().int().positive().nullable().optional(),
      max_features: z.union([z.enum(['sqrt', 'all']), z.number().int().positive()]).optional(),
    }),
    metrics: z.record(z.string(), z.number().nullable()),
    /** Training distributions for drift monitoring (absent in artifacts written before it existed). */
    reference: DriftReferenceSchema.optional(),
    forest: z.looseObject({ engine: z.enum(['ours', 'ml-random-forest']) }),
    /** Required in format 2, absent in format 1 (the forest alone). */
    blend: BlendSchema.optional(),
  })
  .superRefine((a, ctx) => {
    if (a.format === ARTIFACT_FORMAT && a.blend === undefined) {
      ctx.addIssue({ code: 'custom', path: ['blend'], message: `required in ${ARTIFACT_FORMAT}` });
    }
    if (a.format === FOREST_ONLY_FORMAT && a.blend !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['blend'], message: `not part of ${FOREST_ONLY_FORMAT}` });
    }
  });

export type ModelArtifact = z.infer<typeof ModelArtifactSchema>;

/** Validates parsed JSON as a model artifact; `source` (the file path) is named in every error. */
export function parseArtifact(json: unknown, source: string): ModelArtifact {
  const parsed = ModelArtifactSchema.safeParse(json);
  if (!parsed.success) {
    throw new AppError(
      'MODEL_INVALID',
      `${source}: not a churnstream model: ${describeIssues(parsed.error)}`,
      {
        cause: parsed.error,
        details: { path: source },
      },
    );
  }
  return parsed.data;
}

export function modelVersion(framing: string, engine: string, dataSha256: string): string {
  return `${framing}-${engine}-${dataSha256.slice(0, 8)}`;
}
