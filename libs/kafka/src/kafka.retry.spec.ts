import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import kafkajs from 'kafkajs';
import { isPermanentKafkaError, isTransientKafkaError, retryThroughOutage } from './kafka.retry';

// kafkajs re-exports its error classes by spreading an object, which named ESM imports cannot see.
const {
  KafkaJSConnectionError,
  KafkaJSNonRetriableError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSProtocolError,
} = kafkajs;

const tooLarge = () =>
  new KafkaJSNonRetriableError(
    new KafkaJSProtocolError(
      Object.assign(new Error('message larger than the max message size'), {
        type: 'MESSAGE_TOO_LARGE',
        code: 10,
        retriable: false,
      }),
    ),
  );
const brokerAway = () =>
  new KafkaJSNumberOfRetriesExceeded(new KafkaJSConnectionError('Connection error: ECONNREFUSED'), {
    retryCount: 8,
    retryTime: 100,
  });

describe(retryThroughOutage.name, () => {
  it('tells a broker that is away from a request it refuses for good', () => {
    assert.equal(isTransientKafkaError(brokerAway()), true);
    assert.equal(isTransientKafkaError(new KafkaJSConnectionError('down')), true);
    assert.equal(isPermanentKafkaError(tooLarge()), true);
    assert.equal(isPermanentKafkaError(new Error('not from kafkajs')), false);
  });

  it('waits out transient failures with doubling delays, then succeeds', async () => {
    const delays: number[] = [];
    let calls = 0;
    const result = await retryThroughOutage(
      () => (++calls < 4 ? Promise.reject(brokerAway()) : Promise.resolve('sent')),
      {
        sleep: (ms) => {
          delays.push(ms);
          return Promise.resolve();
        },
        initialDelayMs: 100,
      },
    );
    assert.equal(result, 'sent');
    assert.deepEqual(delays, [100, 200, 400]);
  });

  it('throws a permanent refusal at once, and a transient one once the outage outlasts its budget', async () => {
    let calls = 0;
    await assert.rejects(
      retryThroughOutage(() => (calls++, Promise.reject(tooLarge())), { sleep: () => Promise.resolve() }),
      /max message size/,
    );
    assert.equal(calls, 1);
    await assert.rejects(
      retryThroughOutage(() => Promise.reject(brokerAway()), {
        outageMs: 50,
        initialDelayMs: 20,
        sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      }),
      /ECONNREFUSED/,
    );
  });
});
