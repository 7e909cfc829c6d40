import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import kafkajs from 'kafkajs';
import { type DeadLetter, buildDeadLetter } from '@churnstream/contracts';
import { sendDeadLetters } from './dead-letter.sender';
import type { EventProducer, OutgoingEvent } from './event.producer';

// kafkajs re-exports its error classes by spreading an object, which named ESM imports cannot see.
const { KafkaJSConnectionError, KafkaJSNonRetriableError, KafkaJSProtocolError } = kafkajs;

const letter = (offset: string) => ({
  key: 'C1',
  event: buildDeadLetter({
    service: 'features',
    group: 'g',
    source: { topic: 't', partition: 0, offset, key: 'C1' },
    error: { code: 'CONTRACT_INVALID', message: 'm' },
    payload: 'x',
    now: new Date(0),
  }),
});
const refused = () =>
  new KafkaJSNonRetriableError(
    new KafkaJSProtocolError(
      Object.assign(new Error('refused'), { type: 'INVALID_RECORD', code: 87, retriable: false }),
    ),
  );

/** A producer that fails the way it is told to: only failures are injected, the rest is recorded. */
function producer(fail: (events: readonly OutgoingEvent[]) => Error | undefined) {
  const sent: OutgoingEvent[] = [];
  const stub = {
    send: (events: readonly OutgoingEvent[]) => {
      const error = fail(events);
      if (error) return Promise.reject(error);
      sent.push(...events);
      return Promise.resolve();
    },
  } as unknown as EventProducer;
  return { stub, sent };
}

describe(sendDeadLetters.name, () => {
  it('moves on past a letter the broker refuses for good, writing the others and reporting the lost one', async () => {
    const { stub, sent } = producer((events) =>
      events.some((e) => (e.event as DeadLetter).source.offset === '2') ? refused() : undefined,
    );
    const lost: string[] = [];
    await sendDeadLetters({ producer: stub, topic: 'dl', onLost: (l) => lost.push(l.source.offset) }, [
      letter('1'),
      letter('2'),
      letter('3'),
    ]);
    assert.deepEqual(
      sent.map((e) => (e.event as DeadLetter).source.offset),
      ['1', '3'],
    );
    assert.deepEqual(lost, ['2']);
  });

  it('throws when the broker is only away, so the batch is redelivered and nothing is lost', async () => {
    const { stub } = producer(() => new KafkaJSConnectionError('ECONNREFUSED'));
    await assert.rejects(
      sendDeadLetters({ producer: stub, topic: 'dl', onLost: () => assert.fail('not lost') }, [letter('1')]),
      /ECONNREFUSED/,
    );
  });
});
