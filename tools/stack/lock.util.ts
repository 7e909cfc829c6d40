// One `up`/`down`/`reset` at a time: two test runners starting the stack together must not both
// spawn a Kafka. A lock file holding the owner's pid; a dead owner's lock is taken over.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

import { isAlive } from './process.util';

function tryAcquire(path: string): boolean {
  try {
    writeFileSync(path, `${process.pid}\n`, { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return false;
  }
}

function holder(path: string): number | undefined {
  try {
    const pid = Number(readFileSync(path, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export async function withLock<T>(
  path: string,
  timeoutMs: number,
  onWait: (pid: number) => void,
  work: () => Promise<T>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let announced = false;
  let unreadable = 0;
  while (!tryAcquire(path)) {
    const pid = holder(path);
    // An empty file may be a lock being written this instant: only a lasting one is stale.
    if (pid === undefined && unreadable++ < 20) {
      await sleep(50);
      continue;
    }
    if (pid === undefined || !isAlive(pid)) {
      rmSync(path, { force: true });
      continue;
    }
    if (!announced) onWait(pid);
    announced = true;
    if (Date.now() >= deadline) throw new Error(`another stack command (pid ${pid}) still holds ${path}`);
    await sleep(500);
  }
  // An interrupted run (Ctrl-C) must not leave the lock behind.
  const release = (): void => {
    if (holder(path) === process.pid) rmSync(path, { force: true });
  };
  process.once('exit', release);
  try {
    return await work();
  } finally {
    process.removeListener('exit', release);
    release();
  }
}
