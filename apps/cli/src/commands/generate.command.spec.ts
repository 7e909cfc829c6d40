import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppError } from '@churnstream/errors';
import { command } from './generate.command';

const root = mkdtempSync(join(tmpdir(), 'churnstream-generate-'));
after(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('generate command', () => {
  it('writes the dataset files and manifest to --out', async () => {
    const out = join(root, 'ok');
    const code = await command.run(['--customers', '50', '--sessions', '400', '--out', out, '--seed', '5']);
    assert.equal(code, 0);
    for (const f of ['customers.csv', 'sessions.csv', 'truth.csv', 'manifest.json'])
      assert.ok(existsSync(join(out, f)), f);
  });

  it('rejects a scenario file with a bad knob, naming the file and the field', async () => {
    const file = join(root, 'bad.json');
    writeFileSync(file, JSON.stringify({ funnel: { abandonmentRate: 2 } }));
    await assert.rejects(
      command.run(['--scenario', file, '--out', join(root, 'bad')]),
      (e: unknown) =>
        e instanceof AppError &&
        e.message.includes('bad.json') &&
        e.message.includes('scenario.funnel.abandonmentRate'),
    );
  });

  it('rejects bad options, naming the option', async () => {
    await assert.rejects(command.run(['--customers=-3']), /--customers/);
    await assert.rejects(command.run(['--format', 'xml']), /--format/);
    await assert.rejects(command.run(['--dirty', '2']), /--dirty/);
    await assert.rejects(command.run(['--snapshot-at', 'soon']), /--snapshot-at/);
  });
});
