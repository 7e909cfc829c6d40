import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { type RunningService, Supervisor } from '../../tools/start/supervisor';
import { waitFor } from '../support';

const root = new URL('../../', import.meta.url).pathname;

describe(Supervisor.name, () => {
  it('names an app that exits, shows its log tail, restarts it with backoff and gives up on a crash loop', async () => {
    const exits: { name: string; how: string; tail: string }[] = [];
    const started = Date.now();
    const supervisor = new Supervisor(
      root,
      process.env,
      {
        onExit: (s: RunningService, how, tail) => exits.push({ name: s.spec.name, how, tail }),
      },
      { initialDelayMs: 100, maxDelayMs: 1_000, maxCrashes: 3, windowMs: 60_000 },
    );
    supervisor.start({ name: 'crasher', entry: 'test/support/crashing.app.ts', port: 3999 });
    const reason = await supervisor.gaveUp;
    assert.match(reason, /^crasher crashed 3 times within 60 s \(last: exit code 3\)$/);
    assert.equal(exits.length, 3);
    for (const exit of exits) {
      assert.equal(exit.name, 'crasher');
      assert.equal(exit.how, 'exit code 3');
      assert.match(exit.tail, /crashing app 3999 started\n.*giving up on purpose/s);
    }
    assert.equal(supervisor.restarts.get('crasher'), 2);
    assert.ok(Date.now() - started >= 300, 'backoff of 100 ms then 200 ms between restarts');
    await supervisor.stopAll();
  });

  it('names an app killed by a signal and restarts it', async () => {
    const exits: string[] = [];
    const supervisor = new Supervisor(
      root,
      process.env,
      { onExit: (_s, how) => exits.push(how) },
      {
        initialDelayMs: 100,
        maxDelayMs: 100,
        maxCrashes: 5,
        windowMs: 60_000,
      },
    );
    const first = supervisor.start({ name: 'sleeper', entry: 'test/support/sleeping.app.ts', port: 3998 });
    await waitFor('the sleeper to be up', () => (first.child.pid ? true : undefined));
    first.child.kill('SIGKILL');
    const second = await waitFor('a second sleeper', () => {
      const s = supervisor.service('sleeper');
      return s && s !== first ? s : undefined;
    });
    assert.deepEqual(exits, ['killed by SIGKILL']);
    assert.equal(second.child.exitCode, null);
    await supervisor.stopAll();
    assert.equal(supervisor.restarts.get('sleeper'), 1);
  });
});
