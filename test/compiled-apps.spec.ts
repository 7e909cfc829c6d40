import { after, before, describe, it } from 'node:test';
import { existsSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { SERVICES } from '../tools/start/services';
import { healthOf, startService, stopService, waitHealthy } from '../tools/start/supervisor';
import { compiledEntry, nestBuild } from '../tools/build/build.output';
import { allTopics, topicNames } from '@churnstream/contracts';
import { loadConfig } from '@churnstream/config';
import { createKafka, deleteTopics } from '@churnstream/kafka';
import { trainSmallModel, uniqueName } from './support';

const root = new URL('../', import.meta.url).pathname;

describe('the apps built by `nest build`', () => {
  const prefix = uniqueName('compiled');
  let fixture: ReturnType<typeof trainSmallModel>;
  let env: NodeJS.ProcessEnv;

  before(() => {
    // What the Dockerfile's build stage runs: one SWC pass writes every app, lib and asset.
    const build = nestBuild(root);
    assert.ok(build.ok, build.output);
    fixture = trainSmallModel({ trees: 5 });
    // No loader from the environment either: the build output must run on plain Node.
    env = {
      ...process.env,
      NODE_OPTIONS: '',
      TOPIC_PREFIX: prefix,
      ES_INDEX_PREFIX: prefix,
      MODEL_PATH: fixture.model,
    };
  });

  after(async () => {
    rmSync(fixture.dir, { recursive: true, force: true });
    await deleteTopics(createKafka(loadConfig(env), 'test'), allTopics(topicNames(prefix)));
  });

  for (const [i, spec] of SERVICES.entries()) {
    it(`${spec.name}: its compiled entry boots on plain Node, is healthy and stops on SIGTERM`, async () => {
      const entry = compiledEntry(spec.entry);
      assert.ok(existsSync(join(root, entry)), `${entry} was not written`);
      const args = spec.name === 'generator' ? ['--idle'] : [];
      const service = startService(root, { ...spec, entry, port: 3950 + i, args }, env);
      try {
        assert.equal(
          await waitHealthy(service, 60_000),
          true,
          `${entry} became healthy (log: ${service.logPath})`,
        );
        const { body } = await healthOf(service.spec.port);
        const details = (body as { details: Record<string, { status: string }> }).details;
        for (const [dependency, state] of Object.entries(details))
          assert.equal(state.status, 'up', dependency);
      } finally {
        await stopService(service);
      }
      assert.equal(await service.exited, 0, `${entry} exits 0 on SIGTERM`);
    });
  }

  it('cli: the compiled dispatcher finds its compiled commands', () => {
    const result = spawnSync(process.execPath, [compiledEntry('apps/cli/src/main.ts'), '--help'], {
      cwd: root,
      env,
      encoding: 'utf8',
    });
    assert.equal(result.status, 0, result.stderr);
    for (const command of ['analyze', 'generate', 'query', 'score', 'train'])
      assert.match(result.stdout, new RegExp(`^  ${command} `, 'm'));
  });
});
