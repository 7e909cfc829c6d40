import type { DeadLetter } from '@churnstream/contracts';
import type { EventProducer } from './event.producer';
import { isPermanentKafkaError } from './kafka.retry';

export interface DeadLetterSink {
  producer: EventProducer;
  topic: string;
  /** A letter the broker refused for good: the consumer moves on without it. */
  onLost(letter: DeadLetter, error: unknown): void;
}

/**
 * Writes dead letters so that they can never stop a partition: a transient failure (the broker is
 * away) is thrown, so the batch is redelivered and the letters written later; a permanent refusal
 * of the whole request is retried letter by letter, and each letter still refused is handed to
 * `onLost` (counted and logged by the caller) instead of failing the batch.
 */
export async function sendDeadLetters(
  sink: DeadLetterSink,
  letters: readonly { key: string | null; event: DeadLetter }[],
): Promise<void> {
  if (letters.length === 0) return;
  const send = (list: readonly { key: string | null; event: DeadLetter }[]) =>
    sink.producer.send(list.map((l) => ({ topic: sink.topic, key: l.key, event: l.event })));
  try {
    await send(letters);
    return;
  } catch (error) {
    if (!isPermanentKafkaError(error)) throw error;
  }
  for (const letter of letters) {
    try {
      await send([letter]);
    } catch (error) {
      if (!isPermanentKafkaError(error)) throw error;
      sink.onLost(letter.event, error);
    }
  }
}
