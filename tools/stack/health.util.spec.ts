import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { waitUntil } from './health.util';

describe(waitUntil.name, () => {
  it('gives up at its deadline on a server that is not loading', async () => {
    const outcome = await waitUntil(() => Promise.resolve(false), {
      timeoutMs: 30,
      intervalMs: 5,
      loading: () => Promise.resolve(false),
      loadingTimeoutMs: 10_000,
    });
    assert.equal(outcome.ok, false);
    assert.match(outcome.ok ? '' : outcome.reason, /^not healthy after/);
  });

  it('waits past its deadline while the server answers that it is loading, until it is healthy', async () => {
    let probes = 0;
    const outcome = await waitUntil(() => Promise.resolve(++probes >= 20), {
      timeoutMs: 10,
      intervalMs: 5,
      loading: () => Promise.resolve(true),
      loadingTimeoutMs: 10_000,
    });
    assert.deepEqual(outcome, { ok: true });
    assert.equal(probes, 20);
  });

  it('gives up on a server still loading once the loading deadline passes', async () => {
    const outcome = await waitUntil(() => Promise.resolve(false), {
      timeoutMs: 10,
      intervalMs: 5,
      loading: () => Promise.resolve(true),
      loadingTimeoutMs: 60,
    });
    assert.equal(outcome.ok, false);
    assert.match(outcome.ok ? '' : outcome.reason, /^still loading its data after/);
  });
});
