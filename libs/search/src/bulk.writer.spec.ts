import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '@churnstream/errors';
import { type BulkItemResult, type BulkTransport, BulkTransportError, BulkWriter } from './bulk.writer';

/** A transport that answers from a script of replies and records what it was sent. */
function scripted(
  replies: ((ids: string[]) => BulkItemResult[] | Error)[],
): BulkTransport & { sent: string[][] } {
  const sent: string[][] = [];
  return {
    sent,
    bulk: (ndjson) => {
      const lines = ndjson.trim().split('\n');
      const ids = lines
        .filter((_, i) => i % 2 === 0)
        .map((l) => (Object.values(JSON.parse(l) as Record<string, { _id: string }>)[0] ?? { _id: '?' })._id);
      sent.push(ids);
      const reply = replies.shift() ?? ((all: string[]) => all.map(() => ({ status: 201 })));
      const answer = reply(ids);
      return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
    },
  };
}

const ops = (n: number) =>
  Array.from({ length: n }, (_, i) => [{ index: { _index: 'x', _id: `d${i}` } }, { n: i }] as const);
const noSleep = { sleep: () => Promise.resolve(), random: () => 0.5 };

describe(BulkWriter.name, () => {
  it('splits requests by operation count and by bytes', async () => {
    const byCount = scripted([]);
    await new BulkWriter(byCount, { maxOperations: 2 }).write(ops(5));
    assert.deepEqual(
      byCount.sent.map((s) => s.length),
      [2, 2, 1],
    );
    const bySize = scripted([]);
    await new BulkWriter(bySize, { maxBytes: 100 }).write(ops(3));
    assert.deepEqual(
      bySize.sent.map((s) => s.length),
      [2, 1],
    );
  });

  it('retries the whole request on 429, 5xx and connection errors, backing off exponentially', async () => {
    const delays: number[] = [];
    const transport = scripted([
      () => new BulkTransportError('too many requests', 429, true),
      () => new BulkTransportError('unavailable', 503, true),
      () => new BulkTransportError('connect ECONNREFUSED', null, true),
    ]);
    const result = await new BulkWriter(transport, {
      ...noSleep,
      baseDelayMs: 100,
      onRetry: (_, __, delay) => {
        delays.push(delay);
      },
    }).write(ops(3));
    assert.deepEqual(result, {
      written: 3,
      superseded: 0,
      supersededItems: [],
      rejected: [],
      requests: 4,
      retries: 3,
    });
    assert.deepEqual(delays, [75, 150, 300]);
  });

  it('counts an externally versioned write answered 409 as superseded, without retrying it', async () => {
    const conflict = { status: 409, error: { type: 'version_conflict_engine_exception', reason: 'newer' } };
    const transport = scripted([(ids) => ids.map(() => conflict)]);
    const versioned = [
      { index: { _index: 'x', _id: 'c1', version: 3, version_type: 'external_gte' } },
      { n: 1 },
    ] as const;
    const plain = [{ index: { _index: 'x', _id: 'c2' } }, { n: 2 }] as const;
    const result = await new BulkWriter(transport, noSleep).write([versioned, plain]);
    assert.equal(result.superseded, 1);
    assert.equal(result.written, 1, 'the unversioned 409 was retried and then written');
    assert.deepEqual(transport.sent, [['c1', 'c2'], ['c2']]);
  });

  it('retries only the items answered 429, 409 or 5xx and rejects the others with their reason', async () => {
    const transport = scripted([
      () => [
        { status: 201 },
        { status: 429, error: { type: 'es_rejected_execution_exception', reason: 'queue full' } },
        { status: 400, error: { type: 'document_parsing_exception', reason: 'failed to parse field [age]' } },
        { status: 409, error: { type: 'version_conflict_engine_exception', reason: 'conflict' } },
      ],
    ]);
    const result = await new BulkWriter(transport, noSleep).write(ops(4));
    assert.deepEqual(transport.sent, [
      ['d0', 'd1', 'd2', 'd3'],
      ['d1', 'd3'],
    ]);
    assert.equal(result.written, 3);
    assert.deepEqual(result.rejected, [
      { item: 2, status: 400, reason: 'document_parsing_exception: failed to parse field [age]' },
    ]);
  });

  it('splits a request refused as a whole (a 4xx) until the bad operation is alone', async () => {
    const refuse = (ids: string[]) =>
      ids.includes('d2')
        ? new BulkTransportError('id is too long', 400, false)
        : ids.map(() => ({ status: 201 }));
    const transport = scripted([refuse, refuse, refuse, refuse, refuse, refuse]);
    const result = await new BulkWriter(transport, noSleep).write(ops(4));
    assert.equal(result.written, 3);
    assert.deepEqual(result.rejected, [{ item: 2, status: 400, reason: 'id is too long' }]);
  });

  it('gives up with a retryable error when the attempts run out, so nothing is acknowledged', async () => {
    const down = () => new BulkTransportError('connect ECONNREFUSED', null, true);
    const transport = scripted([down, down, down]);
    await assert.rejects(
      new BulkWriter(transport, { ...noSleep, maxAttempts: 3 }).write(ops(1)),
      (error: unknown) =>
        error instanceof AppError && error.retryable && /after 3 attempts/.test(error.message),
    );
  });
});
