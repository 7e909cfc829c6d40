import { type DeadLetter, buildDeadLetter } from '@churnstream/contracts';
import type { ConsumedEvent } from '@churnstream/kafka';
import type { BulkRejection, PlannedOperation } from '@churnstream/search';
import type { IndexerEvent } from './indexer.events';

/**
 * The dead letters for the operations Elasticsearch rejected: one per source event (an event whose
 * two operations were both rejected gets one letter naming both), with the reason and the bytes
 * as received summed up.
 */
export function rejectionDeadLetters(
  service: string,
  group: string,
  events: readonly ConsumedEvent<IndexerEvent>[],
  planned: readonly PlannedOperation[],
  rejections: readonly BulkRejection[],
  now: Date,
): { key: string | null; event: DeadLetter }[] {
  const reasons = new Map<number, string[]>();
  for (const rejection of rejections) {
    const plan = planned[rejection.item];
    if (!plan) continue;
    const op = plan.operation;
    const list = reasons.get(plan.source) ?? [];
    list.push(`${op.index}/${op.id} ${rejection.status}: ${rejection.reason}`);
    reasons.set(plan.source, list);
  }
  return [...reasons].flatMap(([source, list]) => {
    const consumed = events[source];
    if (!consumed) return [];
    const event = buildDeadLetter({
      service,
      group,
      source: {
        topic: consumed.topic,
        partition: consumed.partition,
        offset: consumed.offset,
        key: consumed.key,
      },
      error: { code: 'INDEX_REJECTED', message: list.join('; ') },
      payload: consumed.value,
      now,
    });
    return [{ key: consumed.key, event }];
  });
}
