import { after, before, describe, it } from 'node:test';
import { rmSync } from 'node:fs';
import assert from 'node:assert/strict';
import { SERVICES } from '../tools/start/services';
import { healthOf, startService, stopService, waitHealthy } from '../tools/start/supervisor';
import { allTopics, topicNames } from '@churnstream/contracts';
import { loadConfig } from '@churnstream/config';
import { createKafka, deleteTopics } from '@churnstream/kafka';
import { trainSmallModel, uniqueName } from './support';

const root = new URL('../', import.meta.url).pathname;

describe('the four apps', () => {
  const prefix = uniqueName('apps');
  let fixture: ReturnType<typeof trainSmallModel>;
  let env: NodeJS.ProcessEnv;

  before(() => {
    fixture = trainSmallModel({ trees: 5 });
    env = { ...process.env, TOPIC_PREFIX: prefix, ES_INDEX_PREFIX: prefix, MODEL_PATH: fixture.model };
  });

  after(async () => {
    rmSync(fixture.dir, { recursive: true, force: true });
    await deleteTopics(createKafka(loadConfig(env), 'test'), allTopics(topicNames(prefix)));
  });

  for (const [i, spec] of SERVICES.entries()) {
    it(`${spec.name} boots and reports every dependency up on /health, then stops on SIGTERM`, async () => {
      const args = spec.name === 'generator' ? ['--idle'] : [];
      const service = startService(root, { ...spec, port: 3900 + i, args }, env);
      try {
        assert.equal(
          await waitHealthy(service, 60_000),
          true,
          `${spec.name} became healthy (log: ${service.logPath})`,
        );
        const { body } = await healthOf(service.spec.port);
        const details = (body as { details: Record<string, { status: string }> }).details;
        assert.ok(Object.keys(details).length >= 1);
        for (const [dependency, state] of Object.entries(details))
          assert.equal(state.status, 'up', dependency);
      } finally {
        await stopService(service);
      }
      assert.equal(await service.exited, 0, `${spec.name} exits 0 on SIGTERM`);
    });
  }

  it('a bad variable stops start-up with a message naming it', async () => {
    const { spawnSync } = await import('node:child_process');
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'apps/features/src/main.ts'], {
      cwd: root,
      env: { ...process.env, REDIS_URL: 'http://nope' },
      encoding: 'utf8',
    });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /REDIS_URL: must start with redis:\/\//);
  });
});
