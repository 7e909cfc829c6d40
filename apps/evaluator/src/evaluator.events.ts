import { z } from 'zod';
import { ActivityEventSchema, ChurnScoreSchema } from '@churnstream/contracts';

/** What the evaluator reads: the activity topic (purchases, clock ticks) and the scores topic. */
export const EvaluatorEventSchema = z.discriminatedUnion('event_type', [
  ...ActivityEventSchema.options,
  ChurnScoreSchema,
]);
export type EvaluatorEvent = z.infer<typeof EvaluatorEventSchema>;
