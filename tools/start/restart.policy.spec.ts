import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_RESTART_POLICY, nextRestart } from './restart.policy';

describe(nextRestart.name, () => {
  it('restarts a one-off crash after a second, doubling the delay for crashes close together', () => {
    assert.deepEqual(nextRestart([], 1_000_000), { giveUp: false, delayMs: 1_000 });
    assert.deepEqual(nextRestart([990_000], 1_000_000), { giveUp: false, delayMs: 2_000 });
    assert.deepEqual(nextRestart([970_000, 980_000, 990_000], 1_000_000), { giveUp: false, delayMs: 8_000 });
  });

  it('forgets crashes older than the window', () => {
    const old = 1_000_000 - DEFAULT_RESTART_POLICY.windowMs - 1;
    assert.deepEqual(nextRestart([old, old, old, old], 1_000_000), { giveUp: false, delayMs: 1_000 });
  });

  it('gives up on the fifth crash within the window', () => {
    assert.deepEqual(nextRestart([1, 2, 3, 4], 5), { giveUp: true, crashes: 5 });
  });
});
