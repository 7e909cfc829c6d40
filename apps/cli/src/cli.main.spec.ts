import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

const main = new URL('./main.ts', import.meta.url).pathname;
const cli = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', main, ...args], { encoding: 'utf8' });

describe('cli main', () => {
  it('ends a usage error with exit code 2 and one line naming the option, no stack trace', () => {
    for (const [args, expected] of [
      [['generate', '--customers', '-5'], /^cli generate: --customers: expected an integer >= 0, got "-5"$/m],
      [['train', '--snapshot-at-typo', 'x'], /^cli train: unknown option --snapshot-at-typo/m],
      [['nope'], /^cli nope: unknown command "nope"/m],
    ] as const) {
      const run = cli(...args);
      assert.equal(run.status, 2, args.join(' '));
      assert.match(run.stderr, expected);
      assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
    }
  });
});
