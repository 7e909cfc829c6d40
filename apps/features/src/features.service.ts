import type { ActivityEvent, ChurnFlag, FeaturesUpdated, TopicNames } from '@churnstream/contracts';
import type { ConsumedEvent, EventProducer, OutgoingEvent } from '@churnstream/kafka';
import { toOp } from './activity.ops';
import type { AppliedBatch, FeaturesRepository } from './features.repository';

export interface BatchOutcome {
  applied: AppliedBatch;
  emitted: number;
}

/**
 * The features use case: fold a batch of one partition's activity into Redis (atomically, exactly
 * once per event id), then publish one features_updated per touched customer and a churn_flag per
 * flag change, and forward the batch's sessions, as received, to the sessions topic (what the indexer
 * stores). Event ids of what is published derive from the aggregate's version, so re-publishing after
 * a crash repeats the same ids and downstream stays idempotent. A redelivered session is forwarded
 * again (its document is keyed by session_id): the first delivery may have crashed before its send.
 */
export class FeaturesService {
  constructor(
    private readonly repository: FeaturesRepository,
    private readonly producer: EventProducer,
    private readonly topics: TopicNames,
  ) {}

  async applyBatch(
    partition: number,
    consumed: readonly ConsumedEvent<ActivityEvent>[],
  ): Promise<BatchOutcome> {
    const applied = await this.repository.applyBatch(
      partition,
      consumed.map((c) => toOp(c.event)),
    );
    const watermark = new Date(Math.max(applied.watermark_ms, 0)).toISOString();
    const outgoing: OutgoingEvent[] = [];
    for (const c of consumed) {
      if (c.event.event_type === 'session_ended') {
        outgoing.push({ topic: this.topics.sessions, key: c.key, event: c.value });
      }
    }
    for (const stored of applied.customers) {
      const id = stored.aggregate.customer_id;
      const event: FeaturesUpdated = {
        event_id: `features:${id}:v${stored.version}`,
        event_time: watermark,
        event_type: 'features_updated',
        schema_version: 2,
        watermark,
        version: stored.version,
        churned: stored.churned,
        aggregate: stored.aggregate,
      };
      outgoing.push({ topic: this.topics.features, key: id, event });
    }
    const versions = new Map(applied.customers.map((c) => [c.aggregate.customer_id, c.version]));
    for (const flag of applied.flags) {
      const event: ChurnFlag = {
        event_id: `flag:${flag.customer_id}:v${versions.get(flag.customer_id) ?? 0}`,
        event_time: watermark,
        event_type: 'churn_flag',
        schema_version: 1,
        customer_id: flag.customer_id,
        churned: flag.churned,
        last_purchase_at: new Date(flag.reference_ms).toISOString(),
        watermark,
      };
      outgoing.push({ topic: this.topics.flags, key: flag.customer_id, event });
    }
    await this.producer.send(outgoing);
    return { applied, emitted: outgoing.length };
  }
}
