import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KeyedLock } from './keyed.lock';

/** A task that records when it starts and ends, and finishes only when released. */
function gate(log: string[], name: string) {
  let release!: () => void;
  const done = new Promise<void>((resolve) => (release = resolve));
  return {
    release,
    task: async () => {
      log.push(`${name}:start`);
      await done;
      log.push(`${name}:end`);
      return name;
    },
  };
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe(KeyedLock.name, () => {
  it('runs tasks with disjoint keys concurrently and tasks sharing a key one after the other, in order', async () => {
    const lock = new KeyedLock();
    const log: string[] = [];
    const a = gate(log, 'a');
    const b = gate(log, 'b');
    const c = gate(log, 'c');
    const pa = lock.run(['x', 'y'], a.task);
    const pb = lock.run(['z'], b.task);
    const pc = lock.run(['y', 'z'], c.task);
    await tick();
    assert.deepEqual(log, ['a:start', 'b:start']);
    b.release();
    await pb;
    await tick();
    assert.deepEqual(log, ['a:start', 'b:start', 'b:end'], 'c still waits for a (key y)');
    a.release();
    await pa;
    await tick();
    assert.deepEqual(log.slice(3), ['a:end', 'c:start']);
    c.release();
    assert.equal(await pc, 'c');
    await tick();
    assert.equal(lock.size, 0, 'no key is left behind');
  });

  it('lets the next task on a key run after a failed one, and passes the failure to its caller', async () => {
    const lock = new KeyedLock();
    const failed = lock.run(['x'], () => Promise.reject(new Error('bulk down')));
    const next = lock.run(['x'], () => Promise.resolve('ran'));
    await assert.rejects(failed, /bulk down/);
    assert.equal(await next, 'ran');
  });
});
