import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StreamPacer } from './stream.pacer';

describe(StreamPacer.name, () => {
  it('sends everything at once at max pace', () => {
    const pacer = new StreamPacer({ kind: 'max' }, 1_000);
    assert.equal(pacer.dueAt(0, 5), 1_000);
    assert.equal(pacer.dueAt(1_000_000, 9e12), 1_000);
  });

  it('spaces events evenly at a fixed rate, whatever their simulated times', () => {
    const pacer = new StreamPacer({ kind: 'rate', eventsPerSecond: 200 }, 0);
    assert.equal(pacer.dueAt(0, 123), 0);
    assert.equal(pacer.dueAt(200, 0), 1_000);
    assert.equal(pacer.dueAt(1_000, 5), 5_000);
  });

  it('replays simulated time at the speed factor, from the first event', () => {
    const day = 86_400_000;
    const pacer = new StreamPacer({ kind: 'speed', factor: 86_400 }, 10_000);
    assert.equal(pacer.dueAt(0, 7 * day), 10_000);
    assert.equal(pacer.dueAt(1, 8 * day), 11_000, 'one simulated day per real second');
    assert.equal(pacer.dueAt(2, 7 * day + day / 2), 10_500);
  });

  it('sends the history before the pacing start at once, then paces from there', () => {
    const day = 86_400_000;
    const pacer = new StreamPacer({ kind: 'speed', factor: 86_400 }, 0, 100 * day);
    assert.equal(pacer.dueAt(0, 1 * day), 0, 'a sign-up years before the window');
    assert.equal(pacer.dueAt(1, 99 * day), 0);
    assert.equal(pacer.dueAt(2, 100 * day), 0);
    assert.equal(pacer.dueAt(3, 102 * day), 2_000, 'two simulated days after the window starts');
  });
});
