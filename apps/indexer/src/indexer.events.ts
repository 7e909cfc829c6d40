import { z } from 'zod';
import { ChurnScoreSchema, SessionEndedSchema } from '@churnstream/contracts';

/** Every event of the two topics the indexer reads: accepted sessions and scores. */
export const IndexerEventSchema = z.discriminatedUnion('event_type', [SessionEndedSchema, ChurnScoreSchema]);
export type IndexerEvent = z.infer<typeof IndexerEventSchema>;
