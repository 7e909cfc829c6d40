import { z } from 'zod';
import {
  ChurnFlagSchema,
  ChurnScoreSchema,
  ClockTickSchema,
  CustomerRegisteredSchema,
  FeaturesUpdatedSchema,
  SessionEndedSchema,
} from '@churnstream/contracts';

/** Every event of the four topics the indexer reads (activity, features, flags, scores). */
export const IndexerEventSchema = z.discriminatedUnion('event_type', [
  CustomerRegisteredSchema,
  SessionEndedSchema,
  ClockTickSchema,
  FeaturesUpdatedSchema,
  ChurnFlagSchema,
  ChurnScoreSchema,
]);
export type IndexerEvent = z.infer<typeof IndexerEventSchema>;
