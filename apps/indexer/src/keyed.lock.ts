/**
 * Runs tasks that each name a set of keys so that two tasks sharing a key never overlap, in the
 * order they were submitted, while tasks with disjoint keys run concurrently. The indexer's
 * newest-watermark guard of `churned` is a read-then-write per customer; one global lock made every
 * batch carrying such a write wait for every other, across partitions that never share a customer.
 */
export class KeyedLock {
  /** The settled promise of the last task submitted for each key still in flight. */
  private readonly tails = new Map<string, Promise<void>>();

  run<T>(keys: readonly string[], task: () => Promise<T>): Promise<T> {
    const before = new Set<Promise<void>>();
    for (const key of keys) {
      const tail = this.tails.get(key);
      if (tail !== undefined) before.add(tail);
    }
    const result = Promise.all(before).then(task);
    // A failed task must not block the keys for good: the next one runs (and retries the read).
    const settled = result.then(
      () => undefined,
      () => undefined,
    );
    for (const key of keys) this.tails.set(key, settled);
    void settled.then(() => {
      for (const key of keys) if (this.tails.get(key) === settled) this.tails.delete(key);
    });
    return result;
  }

  /** Keys with a task in flight (for tests and metrics). */
  get size(): number {
    return this.tails.size;
  }
}
