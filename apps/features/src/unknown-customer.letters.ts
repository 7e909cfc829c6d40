import { type ActivityEvent, buildDeadLetter } from '@churnstream/contracts';
import type { ConsumedEvent, OutgoingEvent } from '@churnstream/kafka';

/**
 * The dead letters for the sessions the aggregate script refused (their customer never registered):
 * reason UNKNOWN_CUSTOMER, the payload summed up from the bytes as received.
 */
export function unknownCustomerLetters(
  group: string,
  deadLetterTopic: string,
  consumed: readonly ConsumedEvent<ActivityEvent>[],
  refused: readonly number[],
  now: Date,
): OutgoingEvent[] {
  return refused.flatMap((position) => {
    const c = consumed[position];
    if (c?.event.event_type !== 'session_ended') return [];
    const source = { topic: c.topic, partition: c.partition, offset: c.offset, key: c.key };
    const message = `session ${c.event.session.session_id} of customer ${c.event.session.customer_id}, who never registered`;
    const event = buildDeadLetter({
      service: 'features',
      group,
      source,
      error: { code: 'UNKNOWN_CUSTOMER', message },
      payload: c.value,
      now,
    });
    return [{ topic: deadLetterTopic, key: c.key, event }];
  });
}
