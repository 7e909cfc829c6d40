import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { DEAD_LETTER_PREFIX_BYTES, buildDeadLetter } from './dead-letter.builder';
import { encodeEvent } from './event.codec';
import { DeadLetterSchema } from './events.schema';

const source = { topic: 'churnstream.activity', partition: 2, offset: '41', key: 'C1' };
const now = new Date('2026-05-01T00:00:00.000Z');

describe(buildDeadLetter.name, () => {
  it('keeps a 900 KB payload of quotes to a few KiB, with its size, hash and prefix', () => {
    const payload = Buffer.from(
      JSON.stringify({ items: Array.from({ length: 112_500 }, (_, i) => ({ k: i % 10 })) }),
    );
    const letter = buildDeadLetter({
      service: 'features',
      group: 'churnstream.features',
      source,
      error: { code: 'CONTRACT_TOO_LARGE', message: 'x'.repeat(50_000) },
      payload,
      now,
    });
    assert.ok(DeadLetterSchema.safeParse(letter).success);
    assert.ok(encodeEvent(letter).length < 16 * 1024, `letter of ${encodeEvent(letter).length} bytes`);
    assert.equal(letter.original.size_bytes, payload.length);
    assert.equal(letter.original.sha256, createHash('sha256').update(payload).digest('hex'));
    assert.equal(letter.original.prefix, payload.subarray(0, DEAD_LETTER_PREFIX_BYTES).toString('utf8'));
    assert.equal(letter.original.truncated, true);
    assert.ok(letter.error.message.length <= 2_000);
  });

  it('gives each consuming group its own id for the same message', () => {
    const input = { service: 's', source, error: { code: 'C', message: 'm' }, payload: 'p', now };
    const a = buildDeadLetter({ ...input, group: 'churnstream.features' });
    const b = buildDeadLetter({ ...input, group: 'churnstream.indexer' });
    assert.equal(a.event_id, 'dead:churnstream.features:churnstream.activity:2:41');
    assert.notEqual(a.event_id, b.event_id);
  });

  it('cuts the prefix on a character boundary and carries a small payload whole', () => {
    const text = 'a' + 'é'.repeat(DEAD_LETTER_PREFIX_BYTES);
    const letter = buildDeadLetter({
      service: 's',
      group: 'g',
      source,
      error: { code: 'C', message: 'm' },
      payload: text,
      now,
    });
    assert.ok(!letter.original.prefix.includes('\uFFFD'));
    assert.ok(Buffer.byteLength(letter.original.prefix) <= DEAD_LETTER_PREFIX_BYTES);
    const small = buildDeadLetter({
      service: 's',
      group: 'g',
      source,
      error: { code: 'C', message: 'm' },
      payload: null,
      now,
    });
    assert.deepEqual(
      [small.original.size_bytes, small.original.prefix, small.original.truncated],
      [0, '', false],
    );
  });
});
