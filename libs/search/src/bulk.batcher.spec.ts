import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BulkBatcher, type BulkLines, splitResult } from './bulk.batcher';
import type { BulkWriteResult } from './bulk.writer';

const lines = (prefix: string, n: number): BulkLines =>
  Array.from({ length: n }, (_, i) => [{ index: { _id: `${prefix}${i}` } }, { n: i }] as const);
const idsOf = (written: BulkLines) =>
  written.map(([action]) => (action as { index: { _id: string } }).index._id);

/** A write that records what it was given and answers every operation written, but `rejectIds`. */
function recordingWrite(rejectIds: string[] = [], supersedeIds: string[] = []) {
  const calls: string[][] = [];
  const write = (given: BulkLines): Promise<BulkWriteResult> => {
    const ids = idsOf(given);
    calls.push(ids);
    const rejected = ids
      .map((id, item) => ({ id, item }))
      .filter(({ id }) => rejectIds.includes(id))
      .map(({ item }) => ({ item, status: 400, reason: 'mapper_parsing_exception' }));
    const supersededItems = ids.flatMap((id, item) => (supersedeIds.includes(id) ? [item] : []));
    return Promise.resolve({
      written: ids.length - rejected.length - supersededItems.length,
      superseded: supersededItems.length,
      supersededItems,
      rejected,
      requests: 1,
      retries: 0,
    });
  };
  return { calls, write };
}

describe(BulkBatcher.name, () => {
  it('sends submissions made within the linger as one write, each settled with its own share', async () => {
    const { calls, write } = recordingWrite(['b1'], ['a0']);
    const batcher = new BulkBatcher(write, { lingerMs: 5 });
    const [a, b] = await Promise.all([batcher.submit(lines('a', 2)), batcher.submit(lines('b', 3))]);
    assert.deepEqual(calls, [['a0', 'a1', 'b0', 'b1', 'b2']]);
    assert.deepEqual(
      { written: a.written, superseded: a.supersededItems, rejected: a.rejected },
      { written: 1, superseded: [0], rejected: [] },
    );
    assert.deepEqual(
      { written: b.written, superseded: b.supersededItems, rejected: b.rejected.map((r) => r.item) },
      { written: 2, superseded: [], rejected: [1] },
    );
  });

  it('sends at once when enough operations wait, without waiting for the linger', async () => {
    const { calls, write } = recordingWrite();
    const batcher = new BulkBatcher(write, { lingerMs: 60_000, maxOperations: 4 });
    await Promise.all([batcher.submit(lines('a', 2)), batcher.submit(lines('b', 2))]);
    assert.deepEqual(calls, [['a0', 'a1', 'b0', 'b1']]);
  });

  it('fails every submission of a write that failed, and later submissions start afresh', async () => {
    let fail = true;
    const batcher = new BulkBatcher(
      (given) => (fail ? Promise.reject(new Error('elasticsearch away')) : recordingWrite().write(given)),
      { lingerMs: 1 },
    );
    const outcomes = await Promise.allSettled([batcher.submit(lines('a', 1)), batcher.submit(lines('b', 1))]);
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ['rejected', 'rejected'],
    );
    fail = false;
    assert.equal((await batcher.submit(lines('c', 2))).written, 2);
  });
});

describe(splitResult.name, () => {
  it('gives each submission the outcomes of its own positions', () => {
    const shares = splitResult(
      {
        written: 3,
        superseded: 1,
        supersededItems: [4],
        rejected: [{ item: 1, status: 400, reason: 'x' }],
        requests: 2,
        retries: 1,
      },
      [2, 0, 3],
    );
    assert.deepEqual(
      shares.map((s) => [s.written, s.rejected.map((r) => r.item), s.supersededItems]),
      [
        [1, [1], []],
        [0, [], []],
        [2, [], [2]],
      ],
    );
  });
});
