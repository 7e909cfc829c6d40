import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import kafkajs from 'kafkajs';
import { membershipRefusal } from './group.membership';

// kafkajs re-exports its error classes by spreading an object, which named ESM imports cannot see.
const { KafkaJSNonRetriableError, KafkaJSProtocolError } = kafkajs;

const refused = (type: string) =>
  new KafkaJSProtocolError(
    Object.assign(new Error('The coordinator is not aware of this member'), { type, code: 25 }),
  );

describe(membershipRefusal.name, () => {
  it('finds the membership refusal kafkajs wrapped as the cause of a non-retriable error', () => {
    const inner = refused('UNKNOWN_MEMBER_ID');
    const found = membershipRefusal(
      // kafkajs sets `cause` at run time; its typings omit the option.
      Object.assign(new KafkaJSNonRetriableError(inner), { cause: inner }),
    );
    assert.equal((found as { type?: string } | undefined)?.type, 'UNKNOWN_MEMBER_ID');
  });

  it('recognises a rebalance and a stale generation', () => {
    for (const type of ['REBALANCE_IN_PROGRESS', 'ILLEGAL_GENERATION'])
      assert.ok(membershipRefusal(refused(type)), type);
  });

  it('leaves any other error alone', () => {
    assert.equal(membershipRefusal(refused('MESSAGE_TOO_LARGE')), undefined);
    assert.equal(membershipRefusal(new Error('ECONNREFUSED')), undefined);
    assert.equal(membershipRefusal('not an error'), undefined);
  });
});
